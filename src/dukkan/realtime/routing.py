"""WebSocket routes of the chat (docs/protocol.md)."""

from __future__ import annotations

from django.urls import path

from dukkan.realtime.consumers import AgentConsumer, VisitorConsumer

websocket_urlpatterns = [
    path("ws/chat/visitor/", VisitorConsumer.as_asgi()),
    path("ws/chat/agent/", AgentConsumer.as_asgi()),
]
