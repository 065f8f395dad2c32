"""Callback requests: bad input first (numbers, windows, floods), deadlines by policy in the
store's time zone, attempts, reminders and exactly-once escalation by the periodic job."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from dukkan.accounts import services as accounts
from dukkan.callbacks import services
from dukkan.callbacks.models import CallbackRequest, CallbackStatus
from dukkan.callbacks.phone import normalise_phone
from dukkan.support import services as support
from dukkan.support.models import ConversationEvent

RIYADH = ZoneInfo("Asia/Riyadh")
# Wednesday 25 November 2026, 15:00 in Riyadh; the store works Sat–Thu 09:00–17:00.
WEDNESDAY_3PM = datetime(2026, 11, 25, 15, 0, tzinfo=RIYADH)


@pytest.fixture
def store(make_store: Any, make_user: Any) -> Any:
    owner = make_user(email="owner@shop.example")
    store = make_store(owner=owner, default_language="ar", time_zone="Asia/Riyadh")
    store.weekend_days = [5]
    store.business_hours = {str(d): ([] if d == 5 else [["09:00", "17:00"]]) for d in range(1, 8)}
    store.save()
    agent = make_user(email="agent@shop.example", display_name="Agent")
    accounts.add_member(store=store, user=agent, role="agent")
    store.agent = agent
    return store


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "phone number"),
        ("12", "not a valid"),
        ("0512345", "not a valid"),
        ("+98 912 345 6789", "Saudi Arabia"),  # a valid Iranian number: not the store's country
        ("+1 202 555 0101x" + "9" * 40, "not a valid"),
    ],
)
def test_bad_and_foreign_numbers_get_a_clear_message(raw: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        normalise_phone(raw, "SA")


def test_local_numbers_are_written_in_e164() -> None:
    assert normalise_phone("050 123 4567", "SA") == "+966501234567"
    assert normalise_phone("۰۹۱۲ ۳۴۵ ۶۷۸۹", "IR") == "+989123456789"
    assert normalise_phone("٠٥٠١٢٣٤٥٦٧", "SA") == "+966501234567"


def test_windows_in_the_past_or_outside_hours_are_refused_and_nothing_is_saved(store: Any) -> None:
    past = WEDNESDAY_3PM - timedelta(hours=3)
    friday = datetime(2026, 11, 27, 10, 0, tzinfo=RIYADH)
    cases = [
        ((past, past + timedelta(hours=1)), "past"),
        ((friday, friday + timedelta(hours=2)), "not working"),
        ((WEDNESDAY_3PM + timedelta(hours=3), WEDNESDAY_3PM + timedelta(hours=2)), "ends before"),
    ]
    for (start, end), message in cases:
        with pytest.raises(ValidationError, match=message):
            services.request_callback(
                store,
                phone="0501234567",
                topic="Refund",
                window_start=start,
                window_end=end,
                now=WEDNESDAY_3PM,
            )
    with pytest.raises(ValidationError) as both:
        services.request_callback(store, phone="+98 912 345 6789", topic="", now=WEDNESDAY_3PM)
    assert set(both.value.message_dict) == {"phone", "topic"}
    assert not CallbackRequest.objects.exists()


def test_the_deadline_is_four_business_hours_over_the_friday_weekend(store: Any) -> None:
    thursday_4pm = datetime(2026, 11, 26, 16, 0, tzinfo=RIYADH)
    booking = services.request_callback(
        store, phone="0501234567", topic="Licence", now=thursday_4pm
    )
    # One hour on Thursday, three on Saturday (Friday is the weekend).
    assert booking.request.deadline == datetime(2026, 11, 28, 12, 0, tzinfo=RIYADH)
    assert booking.request.assignee == store.agent
    assert booking.request.phone == "+966501234567"


def test_a_chosen_window_sets_the_deadline_and_a_retry_is_not_a_duplicate(store: Any) -> None:
    start = WEDNESDAY_3PM + timedelta(days=4)  # Sunday 15:00
    first = services.request_callback(
        store,
        phone="0501234567",
        topic="x",
        window_start=start,
        window_end=start + timedelta(hours=1),
        client_id="abc",
        now=WEDNESDAY_3PM,
    )
    again = services.request_callback(
        store,
        phone="0501234567",
        topic="x",
        window_start=start,
        window_end=start + timedelta(hours=1),
        client_id="abc",
        now=WEDNESDAY_3PM,
    )
    assert first.created
    assert not again.created
    assert again.request.pk == first.request.pk
    assert first.request.deadline == start + timedelta(hours=1)


def test_reminder_then_exactly_one_escalation_then_a_new_attempt_escalates_afresh(
    store: Any, django_capture_on_commit_callbacks: Any
) -> None:
    visitor = support.create_visitor(store, language="ar", email="c@customer.example")
    conversation = support.start_conversation(visitor)
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.request_callback(
            store,
            phone="0501234567",
            topic="x",
            email="c@customer.example",
            conversation=conversation,
            visitor=visitor,
            now=WEDNESDAY_3PM,
        )
    row = booking.request
    assert [m.to for m in mail.outbox] == [["c@customer.example"]]  # told it is scheduled
    mail.outbox.clear()
    deadline = row.deadline
    assert services.sweep(now=deadline - timedelta(minutes=20)).reminded == 1
    assert services.sweep(now=deadline - timedelta(minutes=10)).reminded == 0
    assert mail.outbox[0].to == ["agent@shop.example"]
    for _ in range(3):  # many workers, many minutes: once
        services.sweep(now=deadline + timedelta(minutes=1))
    escalations = [
        m
        for m in mail.outbox
        if "Overdue" in m.subject or "متأخر" in m.subject or m.to == ["owner@shop.example"]
    ]
    assert len(escalations) == 1
    assert escalations[0].to == ["owner@shop.example"]
    row.refresh_from_db()
    assert row.escalated_at is not None
    assert row.escalations == 1
    with django_capture_on_commit_callbacks(execute=True):
        row = services.record_attempt(
            row, outcome="no_answer", agent=store.agent, now=deadline + timedelta(minutes=5)
        )
    assert row.status == CallbackStatus.SCHEDULED
    assert row.deadline > deadline
    assert row.escalated_at is None
    assert services.sweep(now=row.deadline + timedelta(seconds=1)).escalated == 1
    with django_capture_on_commit_callbacks(execute=True):
        row = services.record_attempt(
            row, outcome="reached", agent=store.agent, now=row.deadline + timedelta(minutes=1)
        )
    assert row.status == CallbackStatus.DONE
    with pytest.raises(ValidationError, match="closed"):
        services.record_attempt(row, outcome="reached", agent=store.agent)
    timeline = list(
        ConversationEvent.objects.filter(
            conversation=conversation, author_kind="system"
        ).values_list("kind", flat=True)
    )
    assert timeline.count("note") >= 4
    assert "message" in timeline


def _post(client: Client, store: Any, path: str, body: dict[str, Any], lang: str = "ar") -> Any:
    return client.post(
        f"/callbacks/{store.slug}/{path}?lang={lang}",
        data=json.dumps(body),
        content_type="application/json",
    )


def test_the_widget_endpoint_answers_in_the_customers_language_and_stops_a_flood(
    store: Any,
) -> None:
    client = Client()
    visitor = support.create_visitor(store, language="ar")
    token = support.issue_visitor_token(visitor)
    bad = _post(client, store, "request", {"token": token, "phone": "123", "topic": "x"})
    assert bad.status_code == 400
    with translation.override("ar"):  # in the customer's language (as the catalogs have it)
        expected = gettext(
            "This is not a valid phone number. Check the digits and the country code."
        )
    assert bad.json()["error"]["fields"]["phone"] == expected
    naive = _post(
        client,
        store,
        "request",
        {
            "token": token,
            "phone": "0501234567",
            "topic": "x",
            "window_start": "2026-11-29T10:00",
            "window_end": "2026-11-29T11:00",
        },
    )
    assert naive.status_code == 400
    assert (
        _post(
            client, store, "request", {"token": "forged", "phone": "0501234567", "topic": "x"}
        ).status_code
        == 401
    )
    made = [
        _post(client, store, "request", {"token": token, "phone": "0501234567", "topic": f"t{i}"})
        for i in range(2)
    ]
    assert [r.status_code for r in made] == [201, 201]
    flood = _post(
        client, store, "request", {"token": token, "phone": "0501234567", "topic": "again"}
    )
    assert flood.status_code == 429
    assert flood["Retry-After"]
    assert CallbackRequest.objects.filter(store=store).count() == 2
    elsewhere = client.post(
        f"/callbacks/{store.slug}/request",
        data="{}",
        content_type="application/json",
        HTTP_ORIGIN="https://evil.example",
    )
    assert elsewhere.status_code == 403


def test_the_callbacks_view_shows_due_overdue_and_done_with_tel_links(store: Any) -> None:
    now = datetime.now(UTC)
    due = services.request_callback(store, phone="0501234567", topic="due one").request
    late = services.request_callback(store, phone="0501234568", topic="late one").request
    CallbackRequest.objects.filter(pk=late.pk).update(deadline=now - timedelta(hours=1))
    client = Client()
    client.force_login(store.agent)
    page = client.get(f"/en/dashboard/{store.slug}/callbacks/")
    assert b"due one" in page.content
    assert b'href="tel:+966501234567"' in page.content
    assert b"late one" not in page.content
    overdue = client.get(f"/en/dashboard/{store.slug}/callbacks/?view=overdue")
    assert b"late one" in overdue.content
    response = client.post(
        f"/en/dashboard/{store.slug}/callbacks/{due.pk}/attempt/", {"outcome": "wrong_number"}
    )
    assert response.status_code == 302
    done = client.get(f"/en/dashboard/{store.slug}/callbacks/?view=done")
    assert b"due one" in done.content
    bad = client.post(
        f"/en/dashboard/{store.slug}/callbacks/new/",
        {"phone": "+98 912 345 6789", "topic": "x", "language": "en"},
    )
    assert bad.status_code == 400
    assert b"Saudi Arabia" in bad.content
