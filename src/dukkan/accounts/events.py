from __future__ import annotations

from dataclasses import dataclass

from dukkan.core.events import Event


@dataclass(frozen=True, kw_only=True)
class StoreCreated(Event):
    store_id: int
    owner_id: int


@dataclass(frozen=True, kw_only=True)
class MembershipCreated(Event):
    store_id: int
    user_id: int
    role: str
    invited_by_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class MembershipRemoved(Event):
    store_id: int
    user_id: int


@dataclass(frozen=True, kw_only=True)
class InvitationSent(Event):
    store_id: int
    invitation_id: int
