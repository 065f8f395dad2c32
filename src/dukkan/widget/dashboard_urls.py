"""The store dashboard's chat-widget page, mounted at dashboard/<store_slug>/widget/."""

from __future__ import annotations

from django.urls import path

from dukkan.widget import dashboard_views

app_name = "widget_settings"

urlpatterns = [
    path("", dashboard_views.widget_settings_page, name="edit"),
]
