"""WebSocket routes; each app adds its consumers here."""

from __future__ import annotations

from django.urls import path

from dukkan.core.consumers import PingConsumer
from dukkan.realtime.routing import cross_origin_websocket_urlpatterns as chat_cross_origin
from dukkan.realtime.routing import websocket_urlpatterns as chat_websocket_urlpatterns

websocket_urlpatterns = [
    path("ws/ping/", PingConsumer.as_asgi()),
    *chat_websocket_urlpatterns,
]

# Routes that check the Origin themselves (per store) instead of against ALLOWED_HOSTS.
cross_origin_websocket_urlpatterns = [*chat_cross_origin]
