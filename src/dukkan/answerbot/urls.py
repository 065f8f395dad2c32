"""The answer bot, teams and routing, satisfaction and measures: `/<lang>/dashboard/<store>/bot/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.answerbot import views

app_name = "answerbot"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.settings_page, name="settings"),
    path("teams/new/", views.team_edit, name="team_new"),
    path("teams/<int:team_id>/", views.team_edit, name="team_edit"),
    path("teams/<int:team_id>/delete/", views.team_delete, name="team_delete"),
    path("languages/<int:user_id>/", views.agent_languages, name="languages"),
    path("measures/", views.measures, name="measures"),
]
