"""Domain events of the realtime layer."""

from __future__ import annotations

from dataclasses import dataclass

from dukkan.core.events import Event


@dataclass(frozen=True, kw_only=True)
class AgentPresenceChanged(Event):
    """An agent of a store became `status`: "online", "away" or "offline"."""

    store_id: int
    user_id: int
    status: str
