"""Events of the gigs app (report cards, notifications and the conversation subscribe)."""

from __future__ import annotations

from dataclasses import dataclass

from dukkan.core.events import Event


@dataclass(frozen=True, kw_only=True)
class GigOrderChanged(Event):
    gig_order_id: int
    store_id: int
    from_status: str
    to_status: str
