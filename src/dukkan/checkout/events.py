"""Events of the checkout app; delivery, licensing, affiliates and automation subscribe."""

from __future__ import annotations

from dataclasses import dataclass

from dukkan.core.events import Event


@dataclass(frozen=True, kw_only=True)
class OrderPaid(Event):
    order_id: int
    store_id: int


@dataclass(frozen=True, kw_only=True)
class OrderFulfilled(Event):
    order_id: int
    store_id: int


@dataclass(frozen=True, kw_only=True)
class OrderRefunded(Event):
    order_id: int
    store_id: int
    amount_minor: int
    full: bool


@dataclass(frozen=True, kw_only=True)
class OrderFlagged(Event):
    order_id: int
    store_id: int
    reason: str


@dataclass(frozen=True, kw_only=True)
class OrderCancelled(Event):
    order_id: int
    store_id: int
