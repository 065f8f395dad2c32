"""Domain events: typed dataclasses published after the transaction commits.

    @dataclass(frozen=True, kw_only=True)
    class OrderPaid(Event):
        order_id: int

    @subscribe(OrderPaid)                 # runs right after commit, in-process
    def notify(event: OrderPaid) -> None: ...

    @subscribe(OrderPaid, as_task=True)   # runs in the background worker
    def credit_affiliate(event: OrderPaid) -> None: ...

    publish(OrderPaid(order_id=order.pk))

An event published inside a transaction that rolls back is never delivered.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from importlib import import_module
from typing import Any, ClassVar, TypeVar, cast

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

E = TypeVar("E", bound="Event")
Handler = Callable[[Any], None]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Event:
    occurred_at: datetime = dataclasses.field(default_factory=timezone.now)

    registry: ClassVar[dict[str, type[Event]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        Event.registry[cls.name()] = cls

    @classmethod
    def name(cls) -> str:
        return f"{cls.__module__}.{cls.__qualname__}"

    def to_payload(self) -> dict[str, Any]:
        payload = dataclasses.asdict(self)
        payload["occurred_at"] = self.occurred_at.isoformat()
        return payload

    @classmethod
    def from_payload(cls: type[E], payload: dict[str, Any]) -> E:
        data = dict(payload)
        data["occurred_at"] = datetime.fromisoformat(data["occurred_at"])
        return cls(**data)


@dataclasses.dataclass(frozen=True)
class Subscription:
    handler: Handler
    as_task: bool

    @property
    def path(self) -> str:
        return f"{self.handler.__module__}:{self.handler.__qualname__}"


_subscriptions: dict[type[Event], list[Subscription]] = defaultdict(list)


def subscribe(
    event_type: type[E], *, as_task: bool = False
) -> Callable[[Callable[[E], None]], Callable[[E], None]]:
    def register(handler: Callable[[E], None]) -> Callable[[E], None]:
        subscription = Subscription(handler, as_task)
        if all(s.path != subscription.path for s in _subscriptions[event_type]):
            _subscriptions[event_type].append(subscription)
        return handler

    return register


def subscriptions(event_type: type[Event]) -> list[Subscription]:
    return list(_subscriptions.get(event_type, []))


def publish(event: Event, *, using: str | None = None) -> None:
    """Deliver `event` to its subscribers once the current transaction commits."""
    transaction.on_commit(lambda: _dispatch(event), using=using, robust=True)


def _dispatch(event: Event) -> None:
    for subscription in subscriptions(type(event)):
        try:
            if subscription.as_task:
                from dukkan.core.tasks import handle_event

                handle_event.enqueue(subscription.path, event.name(), event.to_payload())
            else:
                subscription.handler(event)
        except Exception:
            # One failing subscriber (or one that cannot be queued) must not keep the
            # others from their event.
            logger.exception(
                "event handler failed", extra={"handler": subscription.path, "event": event.name()}
            )


def resolve_handler(path: str) -> Handler:
    module_name, _, qualname = path.partition(":")
    target: Any = import_module(module_name)
    for part in qualname.split("."):
        target = getattr(target, part)
    return cast(Handler, target)


def resolve_event(name: str) -> type[Event]:
    if name not in Event.registry:
        import_module(name.rpartition(".")[0])
    return Event.registry[name]
