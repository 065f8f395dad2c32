"""WebSocket routes of the chat (docs/protocol.md)."""

from __future__ import annotations

from django.urls import path

from dukkan.realtime.consumers import AgentConsumer, VisitorConsumer

# The visitor socket is opened by the widget on the store's own sites: it carries no cookie
# (a signed visitor token instead), and the consumer checks the Origin against the store's
# allowed origins itself, so it is not behind the host-only origin check.
cross_origin_websocket_urlpatterns = [
    path("ws/chat/visitor/", VisitorConsumer.as_asgi()),
]
# The agent socket is authenticated by the session cookie: same origin only.
websocket_urlpatterns = [
    path("ws/chat/agent/", AgentConsumer.as_asgi()),
]
