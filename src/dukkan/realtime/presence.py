"""Agents' presence: written by the agent connections, read by the inbox and auto-assignment.

`services`-style writes (connect, disconnect, refresh, set_status, expire) and
`selectors`-style reads (`agent_status`, `online_agents`) live together here, because the
sockets that drive them live in this app.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from dukkan.accounts.models import Membership, User
from dukkan.core.events import publish
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.realtime.events import AgentPresenceChanged
from dukkan.realtime.models import AgentConnection, AgentStatus, PresenceStatus
from dukkan.support import fanout

HEARTBEAT = 25  # seconds between a client's pings, and between the server's refreshes
EXPIRY = timedelta(seconds=3 * HEARTBEAT)


def agent_status(store: Store, user: User) -> str:
    """ "online", "away" or "offline"."""
    connected = (
        scoped(AgentConnection, store)
        .filter(user=user, seen_at__gte=timezone.now() - EXPIRY)
        .exists()
    )
    if not connected:
        return PresenceStatus.OFFLINE
    chosen = scoped(AgentStatus, store).filter(user=user).values_list("status", flat=True).first()
    return chosen or PresenceStatus.ONLINE


def online_agents(store: Store) -> list[User]:
    """The store's team members who are connected and not away, by id."""
    connected = (
        scoped(AgentConnection, store)
        .filter(seen_at__gte=timezone.now() - EXPIRY)
        .values_list("user_id", flat=True)
    )
    away = (
        scoped(AgentStatus, store)
        .filter(status=PresenceStatus.AWAY)
        .values_list("user_id", flat=True)
    )
    members = scoped(Membership, store).values_list("user_id", flat=True)
    return list(
        User.objects.filter(pk__in=connected, is_active=True)
        .filter(pk__in=members)
        .exclude(pk__in=away)
        .order_by("pk")
    )


def statuses(store: Store) -> dict[int, str]:
    """Every team member's status at `store`, by user id."""
    members = list(scoped(Membership, store).values_list("user_id", flat=True))
    connected = set(
        scoped(AgentConnection, store)
        .filter(seen_at__gte=timezone.now() - EXPIRY)
        .values_list("user_id", flat=True)
    )
    chosen = dict(scoped(AgentStatus, store).values_list("user_id", "status"))
    return {
        user_id: (chosen.get(user_id, PresenceStatus.ONLINE) if user_id in connected else "offline")
        for user_id in members
    }


def connect(store: Store, user: User, *, channel_name: str, server: str) -> str:
    AgentConnection.objects.create(
        store=store, user=user, channel_name=channel_name, server=server, seen_at=timezone.now()
    )
    return announce(store, user)


def disconnect(store: Store, user: User, *, channel_name: str) -> str:
    AgentConnection.objects.filter(channel_name=channel_name).delete()
    return announce(store, user)


def refresh(server: str) -> int:
    """Mark every agent connection of this server process alive (once per heartbeat)."""
    return AgentConnection.objects.filter(server=server).update(seen_at=timezone.now())


def set_status(store: Store, user: User, status: str) -> str:
    if status not in (PresenceStatus.ONLINE, PresenceStatus.AWAY):
        raise ValueError(status)
    AgentStatus.objects.update_or_create(store=store, user=user, defaults={"status": status})
    return announce(store, user)


def announce(store: Store, user: User) -> str:
    """Tell the store (inbox stream, domain event) when the agent's status changed."""
    status = agent_status(store, user)
    with transaction.atomic():
        row, _created = AgentStatus.objects.select_for_update().get_or_create(
            store=store, user=user
        )
        if row.announced == status:
            return status
        row.announced = status
        row.save(update_fields=["announced", "changed_at"])
        publish(AgentPresenceChanged(store_id=store.pk, user_id=user.pk, status=status))
        frame = {
            "type": "inbox",
            "change": "presence",
            "user": user.pk,
            "name": str(user),
            "status": status,
        }
        transaction.on_commit(
            lambda: fanout.send(
                fanout.inbox_group(store.pk), {"type": "chat.inbox", "frame": frame}
            )
        )
    return status


def expire() -> int:
    """Forget connections silent for three heartbeats (a killed process) and tell the stores."""
    stale = AgentConnection.objects.filter(seen_at__lt=timezone.now() - EXPIRY)
    pairs = set(stale.values_list("store_id", "user_id"))
    stale.delete()
    for store_id, user_id in pairs:
        store = Store.objects.filter(pk=store_id).first()
        user = User.objects.filter(pk=user_id).first()
        if store is not None and user is not None:
            announce(store, user)
    return len(pairs)
