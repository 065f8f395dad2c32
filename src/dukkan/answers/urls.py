"""FAQ matching settings and the unanswered-questions report: `/<lang>/dashboard/<store>/answers/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.answers import views

app_name = "answers"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.report, name="report"),
    path("settings/", views.settings_page, name="settings"),
    path("draft/", views.make_draft, name="draft"),
    path("dismiss/<int:question_id>/", views.dismiss, name="dismiss"),
    path("conversations/<int:conversation_id>/suggested/", views.suggested, name="suggested"),
    path("conversations/<int:conversation_id>/inserted/", views.inserted, name="inserted"),
]
