"""Presence of agents: their live connections and the status they set.

One row per open agent connection, counted across processes; a row not refreshed for three
heartbeats belongs to a connection that died without saying so (a killed process) and counts
no more.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dukkan.core.tenancy import StoreOwned


class PresenceStatus(models.TextChoices):
    ONLINE = "online", _("Online")
    AWAY = "away", _("Away")
    OFFLINE = "offline", _("Offline")


class AgentConnection(StoreOwned):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_connections"
    )
    channel_name = models.CharField(max_length=200, unique=True)
    server = models.CharField(max_length=64)
    connected_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["store", "user", "seen_at"])]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.store_id} {self.channel_name}"


class AgentStatus(StoreOwned):
    """The status an agent chose for a store (online or away); offline comes from connections."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_statuses"
    )
    status = models.CharField(
        max_length=16, choices=PresenceStatus.choices, default=PresenceStatus.ONLINE
    )
    # What others were last told (online, away or offline), so changes are told once.
    announced = models.CharField(
        max_length=16, choices=PresenceStatus.choices, default=PresenceStatus.OFFLINE
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["store", "user"], name="realtime_one_status_per_agent")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.store_id}: {self.status}"
