"""The protocol's plain-HTTP fallback, mounted under /chat/ (docs/protocol.md)."""

from __future__ import annotations

from django.urls import URLPattern, path

from dukkan.realtime import views

app_name = "realtime"

urlpatterns: list[URLPattern] = [
    path("files/<str:attachment_token>", views.attachment, name="attachment"),
    path("<str:store_slug>/session", views.session, name="session"),
    path("<str:store_slug>/send", views.send, name="send"),
    path("<str:store_slug>/poll", views.poll, name="poll"),
    path("<str:store_slug>/typing", views.typing, name="typing"),
    path("<str:store_slug>/read", views.read, name="read"),
    path("<str:store_slug>/delivered", views.delivered, name="delivered"),
]
