"""Domain events: delivered after commit, never after rollback; sync and task subscribers."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django_tasks_db.models import DBTaskResult

from dukkan.accounts import services
from dukkan.accounts.events import MembershipCreated
from dukkan.accounts.models import Membership
from dukkan.core.events import Event, publish, resolve_event, subscribe, subscriptions
from dukkan.core.worker import run_pending_tasks

# Test-only events; their subscribers write here so tests can see what arrived.
received: list[tuple[str, Event]] = []


@dataclass(frozen=True, kw_only=True)
class Pinged(Event):
    n: int
    note: str = ""
    tags: list[str] = field(default_factory=list)
    parent_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class Exploded(Event):
    n: int


@subscribe(Pinged)
def record_sync(event: Pinged) -> None:
    received.append(("sync", event))


@subscribe(Pinged, as_task=True)
def record_in_task(event: Pinged) -> None:
    received.append(("task", event))


@subscribe(Exploded)
def explode_first(event: Exploded) -> None:
    raise RuntimeError("subscriber failed on purpose")


@subscribe(Exploded)
def record_after_explosion(event: Exploded) -> None:
    received.append(("after", event))


@subscribe(Exploded, as_task=True)
def explode_in_task(event: Exploded) -> None:
    raise RuntimeError("task subscriber failed on purpose")


@subscribe(Exploded, as_task=True)
def record_beside_failing_task(event: Exploded) -> None:
    received.append(("task-after", event))


@dataclass(frozen=True, kw_only=True)
class Unqueueable(Event):
    values: set[int]  # a set cannot travel as JSON to a task


@subscribe(Unqueueable, as_task=True)
def never_queued(event: Unqueueable) -> None:
    received.append(("task", event))


@subscribe(Unqueueable)
def record_unqueueable(event: Unqueueable) -> None:
    received.append(("sync", event))


@pytest.fixture(autouse=True)
def _empty_inbox() -> Iterator[None]:
    received.clear()
    yield
    received.clear()


def kinds() -> list[str]:
    return [kind for kind, _ in received]


def test_subscribing_twice_registers_once() -> None:
    before = len(subscriptions(Pinged))
    subscribe(Pinged)(record_sync)
    assert len(subscriptions(Pinged)) == before == 2


def test_payload_round_trip_survives_json() -> None:
    event = Pinged(
        n=7,
        note="سلام، دنیا",
        tags=["a", "ب"],
        occurred_at=datetime(2026, 3, 20, 12, 30, 5, 123456, tzinfo=UTC),
    )
    payload = json.loads(json.dumps(event.to_payload()))
    assert payload["occurred_at"] == "2026-03-20T12:30:05.123456+00:00"
    again = resolve_event(Pinged.name()).from_payload(payload)
    assert again == event
    assert type(again) is Pinged


def test_unknown_event_name_is_a_clear_error() -> None:
    with pytest.raises(ModuleNotFoundError):
        resolve_event("dukkan.nowhere.NoSuchEvent")


@pytest.mark.django_db(transaction=True)
def test_delivered_only_after_commit() -> None:
    with transaction.atomic():
        publish(Pinged(n=1))
        assert received == []
    assert kinds() == ["sync"]
    assert received[0][1] == Pinged(n=1, occurred_at=received[0][1].occurred_at)


@pytest.mark.django_db(transaction=True)
def test_never_delivered_after_rollback() -> None:
    def publish_then_fail() -> None:
        with transaction.atomic():
            publish(Pinged(n=1))
            raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        publish_then_fail()
    assert received == []
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_rolled_back_savepoint_drops_only_its_events() -> None:
    with transaction.atomic():
        publish(Pinged(n=1))
        try:
            with transaction.atomic():
                publish(Pinged(n=2))
                raise ValueError("inner")
        except ValueError:
            pass
    assert [event.n for _, event in received] == [1]  # type: ignore[attr-defined]
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_delivered_at_once() -> None:
    publish(Pinged(n=3))
    assert kinds() == ["sync"]


@pytest.mark.django_db(transaction=True)
def test_task_subscriber_runs_in_the_real_queue() -> None:
    with transaction.atomic():
        publish(Pinged(n=5, note="x", tags=["t"], parent_id=9))
        assert DBTaskResult.objects.count() == 0
    assert kinds() == ["sync"]
    queued = DBTaskResult.objects.get()
    assert queued.status == "READY"
    assert queued.args_kwargs["args"][0] == "tests.core.test_events:record_in_task"

    assert run_pending_tasks() == 1
    assert kinds() == ["sync", "task"]
    # The task got the event back from its JSON payload, equal in every field.
    assert received[1][1] == received[0][1]
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert run_pending_tasks() == 0


@pytest.mark.django_db(transaction=True)
def test_failing_subscriber_does_not_stop_the_others(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="dukkan.core.events"), transaction.atomic():
        publish(Exploded(n=1))
    assert kinds() == ["after"]
    failure = next(r for r in caplog.records if r.name == "dukkan.core.events")
    assert failure.handler == "tests.core.test_events:explode_first"  # type: ignore[attr-defined]

    assert run_pending_tasks() == 2
    assert kinds() == ["after", "task-after"]
    statuses = dict(DBTaskResult.objects.values_list("args_kwargs__args__0", "status"))
    assert statuses == {
        "tests.core.test_events:explode_in_task": "FAILED",
        "tests.core.test_events:record_beside_failing_task": "SUCCESSFUL",
    }


@pytest.mark.django_db(transaction=True)
def test_event_that_cannot_be_queued_still_reaches_the_others(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="dukkan.core.events"):
        publish(Unqueueable(values={1, 2}))
    assert kinds() == ["sync"]
    assert DBTaskResult.objects.count() == 0
    failure = next(r for r in caplog.records if r.name == "dukkan.core.events")
    assert failure.handler == "tests.core.test_events:never_queued"  # type: ignore[attr-defined]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["ar", "fa", "en"])
def test_membership_created_sends_welcome_mail_in_members_language(
    make_store: Callable[..., Any], make_user: Callable[..., Any], language: str
) -> None:
    owner = make_user(language="en")
    store = make_store(owner=owner, name="Cedar", slug="cedar", default_language="en")
    run_pending_tasks()
    assert mail.outbox == []  # The founding owner gets no welcome.

    member = make_user(email=f"agent-{language}@example.com", language=language)
    with transaction.atomic():
        services.add_member(store=store, user=member, role="agent", invited_by=owner)
        assert DBTaskResult.objects.filter(status="READY").count() == 0
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert mail.outbox == []

    assert run_pending_tasks() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.email]
    with translation.override(language):
        subject = gettext("You have joined %(store)s on Dukkan") % {"store": "Cedar"}
    assert message.subject == subject
    assert f"/{language}/dashboard/" in message.body


@pytest.mark.django_db(transaction=True)
def test_welcome_falls_back_to_store_language(
    make_store: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    store = make_store(slug="warraq", default_language="ar")
    member = make_user(language="")
    services.add_member(store=store, user=member, role="admin")
    run_pending_tasks()
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "/ar/dashboard/" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_membership_rolled_back_sends_nothing(
    make_store: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    store = make_store()
    run_pending_tasks()
    member = make_user()

    def add_then_fail() -> None:
        with transaction.atomic():
            services.add_member(store=store, user=member, role="agent")
            raise RuntimeError("the request failed later")

    with pytest.raises(RuntimeError, match="failed later"):
        add_then_fail()
    assert run_pending_tasks() == 0
    assert mail.outbox == []
    assert not Membership.objects.filter(store=store, user=member).exists()


def test_membership_created_has_a_task_subscriber() -> None:
    paths = {s.path for s in subscriptions(MembershipCreated) if s.as_task}
    assert "dukkan.accounts.handlers:send_welcome_to_team" in paths
