"""Knowledge base editor, per store: `/<lang>/dashboard/<store>/knowledge/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.knowledge import views

app_name = "knowledge"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.article_list, name="list"),
    path("new/", views.article_new, name="new"),
    path("preview/", views.preview, name="preview"),
    path("<int:article_id>/", views.article_edit, name="edit"),
    path("<int:article_id>/read/", views.article_read, name="read"),
    path("<int:article_id>/delete/", views.article_delete, name="delete"),
    path("<int:article_id>/revisions/", views.revisions, name="revisions"),
    path(
        "<int:article_id>/revisions/<int:revision_number>/restore/", views.restore, name="restore"
    ),
    path("categories/", views.categories, name="categories"),
    path("categories/<int:category_id>/", views.category_edit, name="category"),
    path("categories/<int:category_id>/delete/", views.category_delete, name="category_delete"),
    path("import/", views.import_page, name="import"),
    path("import/<int:import_id>/", views.import_job, name="import_job"),
    path("export/", views.export, name="export"),
]
