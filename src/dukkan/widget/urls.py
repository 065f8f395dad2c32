"""The widget's public, language-neutral addresses (mounted at the site root)."""

from __future__ import annotations

from django.urls import path

from dukkan.widget import relay, views

app_name = "widget"

urlpatterns = [
    path("widget.js", views.widget_js, name="script"),
    path("widget/demo/<str:store_slug>/", views.demo, name="demo"),
    path("widget/<str:store_slug>/config", views.config, name="config"),
    path("widget/<str:store_slug>/session", views.session, name="session"),
    path("widget/<str:store_slug>/prechat", views.prechat, name="prechat"),
    path("widget/<str:store_slug>/attachments", views.upload, name="upload"),
    # The protocol's HTTP fallback (realtime's views) for pages on the store's own site.
    path("widget/<str:store_slug>/chat/session", relay.session, name="chat_session"),
    path("widget/<str:store_slug>/chat/send", relay.send, name="chat_send"),
    path("widget/<str:store_slug>/chat/poll", relay.poll, name="chat_poll"),
    path("widget/<str:store_slug>/chat/typing", relay.typing, name="chat_typing"),
    path("widget/<str:store_slug>/chat/read", relay.read, name="chat_read"),
    path("widget/<str:store_slug>/chat/delivered", relay.delivered, name="chat_delivered"),
]
