"""The widget's public, language-neutral addresses (mounted at the site root)."""

from __future__ import annotations

from django.urls import path

from dukkan.widget import views

app_name = "widget"

urlpatterns = [
    path("widget.js", views.widget_js, name="script"),
    path("widget/demo/<str:store_slug>/", views.demo, name="demo"),
    path("widget/<str:store_slug>/config", views.config, name="config"),
    path("widget/<str:store_slug>/session", views.session, name="session"),
    path("widget/<str:store_slug>/prechat", views.prechat, name="prechat"),
    path("widget/<str:store_slug>/attachments", views.upload, name="upload"),
]
