from __future__ import annotations

from django.urls import path

from dukkan.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.product_list, name="list"),
    path("new/", views.product_create, name="create"),
    path("preview/", views.preview, name="preview"),
    path("<int:product_id>/", views.product_edit, name="edit"),
    path("<int:product_id>/files/", views.upload_file, name="upload_file"),
    path("<int:product_id>/cover/", views.cover, name="cover"),
    path("<int:product_id>/gallery/", views.gallery_add, name="gallery_add"),
    path(
        "<int:product_id>/gallery/<int:product_image_id>/remove/",
        views.gallery_remove,
        name="gallery_remove",
    ),
    path("<int:product_id>/sample/", views.sample, name="sample"),
    path("<int:product_id>/bundle/", views.bundle, name="bundle"),
    path("<int:product_id>/delete/", views.delete, name="delete"),
]
