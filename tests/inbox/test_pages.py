"""The inbox pages and their actions, as an agent, an admin and a stranger."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dukkan.inbox.models import AgentCapacity, CannedReply, NotificationSettings
from dukkan.support import services as support
from dukkan.support.models import Conversation, ConversationEvent, Label
from tests.inbox.conftest import Shop

pytestmark = pytest.mark.django_db


def seqs(html: str, kind: str) -> list[int]:
    return [int(s) for s in re.findall(rf'data-seq="(\d+)" data-kind="{kind}"', html)]


def test_list_shows_the_stores_conversations_to_its_team(
    shop: Shop, customer_says: Callable[..., Any]
) -> None:
    customer_says(shop.store, "السلام عليكم، أين كتابي؟", name="Noura Saad")
    page = shop.client(shop.agent).get(shop.url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Noura Saad" in html
    assert "أين كتابي" in html
    assert 'data-count="view-unassigned"' in html


def test_strangers_get_404_and_anonymous_people_a_sign_in(
    shop: Shop, make_user: Callable[..., Any], customer_says: Callable[..., Any]
) -> None:
    conversation = customer_says(shop.store, "hello")
    stranger = make_user()
    for path in ["", f"c/{conversation.pk}/", "canned/", "figures/", "counts/"]:
        assert shop.client(stranger).get(shop.url(path)).status_code == 404
    response = shop.client(stranger).post(shop.url(f"c/{conversation.pk}/reply/"), {"body": "hi"})
    assert response.status_code == 404
    assert not ConversationEvent.objects.filter(
        conversation=conversation, author_kind="agent"
    ).exists()
    from django.test import Client

    assert Client().get(shop.url()).status_code == 302


def test_views_mine_unassigned_and_status_filters(
    shop: Shop, customer_says: Callable[..., Any]
) -> None:
    mine = customer_says(shop.store, "first", name="Aaa Mine")
    waiting = customer_says(shop.store, "second", name="Bbb Waiting")
    done = customer_says(shop.store, "third", name="Ccc Done")
    support.assign(mine, shop.agent, actor=shop.agent)
    support.resolve(done, actor=shop.agent)
    client = shop.client(shop.agent)
    html = client.get(shop.url() + "?view=mine").content.decode()
    assert "Aaa Mine" in html
    assert "Bbb Waiting" not in html
    html = client.get(shop.url() + "?view=unassigned").content.decode()
    assert "Bbb Waiting" in html
    assert "Aaa Mine" not in html
    assert "Ccc Done" not in html
    html = client.get(shop.url() + "?status=resolved").content.decode()
    assert "Ccc Done" in html
    assert "Bbb Waiting" not in html
    counts = client.get(shop.url("counts/")).json()
    assert counts["views"] == {"mine": 1, "unassigned": 1, "all": 2}
    assert counts["waiting"] == 2  # both open ones hold a message no agent has read
    assert waiting.pk


def test_label_and_channel_filters(shop: Shop, customer_says: Callable[..., Any]) -> None:
    tagged = customer_says(shop.store, "refund please", name="Tagged Person")
    customer_says(shop.store, "other", name="Plain Person")
    label = support.create_label(shop.store, "استرداد")
    support.set_labels(tagged, [label], actor=shop.agent)
    html = shop.client(shop.agent).get(shop.url() + f"?label={label.pk}").content.decode()
    assert "Tagged Person" in html
    assert "Plain Person" not in html
    html = shop.client(shop.agent).get(shop.url() + "?channel=email").content.decode()
    assert "Tagged Person" not in html


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("أريد كتاب التاريخ", "کتاب"),
        ("كتابي لم يصل", "كتابى"),
        ("میخواهم افزونه", "می‌خواهم"),
        ("سلام", "سلام"),
    ],
)
def test_search_matches_arabic_and_persian_spelling_variants(
    shop: Shop, customer_says: Callable[..., Any], stored: str, typed: str
) -> None:
    customer_says(shop.store, stored, name="Found Person")
    customer_says(shop.store, "unrelated words", name="Other Person")
    html = shop.client(shop.agent).get(shop.url(), {"q": typed, "status": "any"}).content.decode()
    assert "Found Person" in html
    assert "Other Person" not in html


def test_search_by_contact_email_and_nothing_from_other_stores(
    shop: Shop, make_store: Callable[..., Any], customer_says: Callable[..., Any]
) -> None:
    customer_says(shop.store, "hello", name="Noura", email="noura@customers.example")
    other = make_store()
    customer_says(other, "hello", name="Elsewhere Person", email="noura@elsewhere.example")
    html = shop.client(shop.agent).get(shop.url(), {"q": "noura", "status": "any"}).content.decode()
    assert "Noura" in html
    assert "Elsewhere Person" not in html


def test_conversation_page_shows_history_notes_and_states(
    shop: Shop, customer_says: Callable[..., Any]
) -> None:
    conversation = customer_says(shop.store, "<script>alert(1)</script> مرحبا")
    support.post_message(conversation, author_kind="agent", author=shop.agent, body="أهلاً نورة")
    support.post_note(conversation, author=shop.agent, body="VIP customer, be kind")
    html = shop.client(shop.agent).get(shop.url(f"c/{conversation.pk}/")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert seqs(html, "message") == [1, 2]
    assert seqs(html, "note") == [3]
    assert "VIP customer, be kind" in html
    assert 'data-role="reply"' in html
    assert '<textarea id="reply-body" name="body"' in html


def test_reply_note_and_retry_through_support(
    shop: Shop, customer_says: Callable[..., Any]
) -> None:
    conversation = customer_says(shop.store, "hi")
    client = shop.client(shop.agent)
    response = client.post(
        shop.url(f"c/{conversation.pk}/reply/"),
        {"body": "Hello Noura", "kind": "message", "client_id": "c-1"},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 200
    assert response.json() == {"seq": 2, "duplicate": False}
    again = client.post(
        shop.url(f"c/{conversation.pk}/reply/"),
        {"body": "Hello Noura", "kind": "message", "client_id": "c-1"},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert again.json() == {"seq": 2, "duplicate": True}
    client.post(shop.url(f"c/{conversation.pk}/reply/"), {"body": "internal only", "kind": "note"})
    events = list(
        ConversationEvent.objects.filter(conversation=conversation)
        .order_by("seq")
        .values_list("kind", "author_kind", "body")
    )
    assert events == [
        ("message", "visitor", "hi"),
        ("message", "agent", "Hello Noura"),
        ("note", "agent", "internal only"),
    ]
    # The visitor's view of the same conversation never holds the note.
    from dukkan.support.selectors import history

    assert "internal only" not in [e.body for e in history(conversation, for_visitor=True)]


def test_oversized_or_empty_reply_is_refused_with_the_limit(
    shop: Shop, customer_says: Callable[..., Any]
) -> None:
    conversation = customer_says(shop.store, "hi")
    client = shop.client(shop.agent)
    response = client.post(
        shop.url(f"c/{conversation.pk}/reply/"),
        {"body": "x" * 10_001, "kind": "message"},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 400
    assert "10000" in response.json()["error"]
    page = client.post(shop.url(f"c/{conversation.pk}/reply/"), {"body": "   ", "kind": "message"})
    assert page.status_code == 400
    assert "Write a message or attach a file." in page.content.decode()
    assert ConversationEvent.objects.filter(conversation=conversation).count() == 1


def test_attachment_goes_through_support_checks(
    shop: Shop, customer_says: Callable[..., Any]
) -> None:
    conversation = customer_says(shop.store, "hi")
    client = shop.client(shop.agent)
    pdf = SimpleUploadedFile("invoice.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    response = client.post(
        shop.url(f"c/{conversation.pk}/reply/"),
        {"body": "", "kind": "message", "attachment": pdf},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 200, response.content
    event = ConversationEvent.objects.get(conversation=conversation, seq=2)
    assert event.attachment is not None
    assert event.attachment.name == "invoice.pdf"
    fake = SimpleUploadedFile("evil.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    refused = client.post(
        shop.url(f"c/{conversation.pk}/reply/"),
        {"body": "", "kind": "message", "attachment": fake},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert refused.status_code == 400
    assert "PDF" in refused.json()["error"]


def test_assign_transfer_and_back_to_queue(
    shop: Shop, customer_says: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    conversation = customer_says(shop.store, "hi")
    client = shop.client(shop.agent)
    client.post(shop.url(f"c/{conversation.pk}/assign/"), {"assignee": shop.admin.pk})
    conversation.refresh_from_db()
    assert conversation.assignee == shop.admin
    client.post(shop.url(f"c/{conversation.pk}/assign/"), {"assignee": ""})
    conversation.refresh_from_db()
    assert conversation.assignee is None
    outsider = make_user()
    response = client.post(
        shop.url(f"c/{conversation.pk}/assign/"), {"assignee": outsider.pk}, follow=True
    )
    assert "Choose a member of this store" in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.assignee is None


def test_status_priority_labels_and_snooze(shop: Shop, customer_says: Callable[..., Any]) -> None:
    conversation = customer_says(shop.store, "hi")
    client = shop.client(shop.agent)
    client.post(shop.url(f"c/{conversation.pk}/status/"), {"status": "resolved"})
    conversation.refresh_from_db()
    assert conversation.status == "resolved"
    client.post(shop.url(f"c/{conversation.pk}/status/"), {"status": "open"})
    later = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    client.post(shop.url(f"c/{conversation.pk}/status/"), {"status": "snoozed", "until": later})
    conversation.refresh_from_db()
    assert conversation.status == "snoozed"
    assert conversation.snoozed_until is not None
    refused = client.post(
        shop.url(f"c/{conversation.pk}/status/"), {"status": "deleted"}, follow=True
    )
    assert "Choose a status" in refused.content.decode()
    client.post(shop.url(f"c/{conversation.pk}/priority/"), {"priority": "4"})
    client.post(shop.url(f"c/{conversation.pk}/labels/"), {"new_label": "شحن"})
    conversation.refresh_from_db()
    assert conversation.priority == 4
    assert [label.name for label in conversation.labels.all()] == ["شحن"]
    html = client.get(shop.url(f"c/{conversation.pk}/")).content.decode()
    assert 'data-kind="priority"' in html
    assert 'data-kind="labels"' in html


def test_labels_of_another_store_are_ignored(
    shop: Shop, make_store: Callable[..., Any], customer_says: Callable[..., Any]
) -> None:
    conversation = customer_says(shop.store, "hi")
    foreign = Label.objects.create(store=make_store(), name="foreign")
    shop.client(shop.agent).post(shop.url(f"c/{conversation.pk}/labels/"), {"labels": [foreign.pk]})
    assert not conversation.labels.exists()


def test_events_after_and_read_cursor(shop: Shop, customer_says: Callable[..., Any]) -> None:
    conversation = customer_says(shop.store, "one")
    customer_says(shop.store, "two", conversation=conversation)
    client = shop.client(shop.agent)
    response = client.get(shop.url(f"c/{conversation.pk}/events/"), {"after": 1})
    html = response.content.decode()
    assert seqs(html, "message") == [2]
    assert response["X-Last-Seq"] == "2"
    assert client.post(shop.url(f"c/{conversation.pk}/read/"), {"seq": "2"}).json() == {"read": 2}
    conversation.refresh_from_db()
    assert conversation.agent_read_seq == 2
    assert client.post(shop.url(f"c/{conversation.pk}/read/"), {"seq": "x"}).status_code == 400


def test_other_stores_conversation_is_404(
    shop: Shop, make_store: Callable[..., Any], customer_says: Callable[..., Any]
) -> None:
    foreign = customer_says(make_store(), "secret words of another store")
    client = shop.client(shop.owner)
    for path in ["", "events/", "reply/", "assign/", "status/", "read/"]:
        method = client.get if path in ("", "events/") else client.post
        assert method(shop.url(f"c/{foreign.pk}/{path}")).status_code == 404


def test_canned_replies_crud_and_roles(shop: Shop, make_store: Callable[..., Any]) -> None:
    agent = shop.client(shop.agent)
    response = agent.post(
        shop.url("canned/"),
        {"shortcut": "/thanks", "title": "شكر", "body": "شكراً {name}!", "language": "ar"},
    )
    assert response.status_code == 302
    reply = CannedReply.objects.get(store=shop.store)
    assert reply.shortcut == "thanks"
    assert reply.created_by == shop.agent
    duplicate = agent.post(
        shop.url("canned/"), {"shortcut": "thanks", "title": "again", "body": "x", "language": ""}
    )
    assert duplicate.status_code == 400
    assert "/thanks is taken already." in duplicate.content.decode()
    spaced = agent.post(
        shop.url("canned/"), {"shortcut": "two words", "title": "t", "body": "x", "language": ""}
    )
    assert spaced.status_code == 400
    edited = agent.post(
        shop.url(f"canned/{reply.pk}/"),
        {"shortcut": "thanks", "title": "شكر", "body": "شكراً جزيلاً {name}", "language": "ar"},
    )
    assert edited.status_code == 302
    assert agent.post(shop.url(f"canned/{reply.pk}/delete/")).status_code == 403
    assert shop.client(shop.admin).post(shop.url(f"canned/{reply.pk}/delete/")).status_code == 302
    assert not CannedReply.objects.exists()
    foreign = CannedReply.objects.create(store=make_store(), shortcut="x", title="x", body="x")
    assert agent.get(shop.url(f"canned/{foreign.pk}/")).status_code == 404
    assert shop.client(shop.owner).post(shop.url(f"canned/{foreign.pk}/delete/")).status_code == 404
    assert CannedReply.objects.filter(pk=foreign.pk).exists()


def test_canned_reply_variables_are_filled_from_the_contact(
    shop: Shop, customer_says: Callable[..., Any]
) -> None:
    CannedReply.objects.create(
        store=shop.store,
        shortcut="hi",
        title="Greeting",
        body="Hello {name} ({email}), {agent} from {store} here. {unknown} stays.",
    )
    conversation = customer_says(
        shop.store, "hi", name="Noura Saad", email="noura@customers.example"
    )
    html = shop.client(shop.agent).get(shop.url(f"c/{conversation.pk}/")).content.decode()
    data = json.loads(
        re.search(
            r'<script id="canned-replies" type="application/json">(.*?)</script>', html, re.S
        ).group(1)
    )  # type: ignore[union-attr]
    assert data == [
        {
            "shortcut": "hi",
            "title": "Greeting",
            "body": "Hello Noura (noura@customers.example), Yousef from Al Warraq here. {unknown} stays.",
        }
    ]


def test_settings_capacity_and_notifications_for_admins_only(shop: Shop) -> None:
    assert shop.client(shop.agent).get(shop.url("settings/")).status_code == 403
    admin = shop.client(shop.admin)
    assert admin.get(shop.url("settings/")).status_code == 200
    member = shop.membership(shop.agent)
    admin.post(shop.url(f"settings/capacity/{member.pk}/"), {"max_open": "2"})
    capacity = AgentCapacity.objects.get(store=shop.store, user=shop.agent)
    assert (capacity.max_open, capacity.auto_assign) == (2, False)
    bad = admin.post(
        shop.url(f"settings/capacity/{member.pk}/"),
        {"max_open": "-1", "auto_assign": "on"},
        follow=True,
    )
    assert "from 0 to 200" in bad.content.decode()
    assert (
        shop.client(shop.agent)
        .post(shop.url(f"settings/capacity/{member.pk}/"), {"max_open": "50"})
        .status_code
        == 403
    )
    saved = admin.post(
        shop.url("settings/"),
        {
            "agent_emails": "on",
            "agent_after_minutes": "3",
            "owner_after_minutes": "20",
            "customer_emails": "on",
            "customer_after_minutes": "15",
        },
    )
    assert saved.status_code == 302
    config = NotificationSettings.objects.get(store=shop.store)
    assert (
        config.agent_after_minutes,
        config.owner_after_minutes,
        config.customer_after_minutes,
    ) == (3, 20, 15)
    wrong = admin.post(
        shop.url("settings/"),
        {
            "agent_emails": "on",
            "agent_after_minutes": "30",
            "owner_after_minutes": "10",
            "customer_after_minutes": "15",
        },
    )
    assert wrong.status_code == 400
    config.refresh_from_db()
    assert config.owner_after_minutes == 20


def test_figures_page_and_nav_link(shop: Shop, customer_says: Callable[..., Any]) -> None:
    conversation = customer_says(shop.store, "hi")
    support.post_message(conversation, author_kind="agent", author=shop.agent, body="hello")
    support.resolve(conversation, actor=shop.agent)
    html = shop.client(shop.agent).get(shop.url("figures/")).content.decode()
    assert 'data-figure="conversations">1<' in html
    assert 'data-figure="resolved">1<' in html
    store_page = shop.client(shop.agent).get(f"/en/dashboard/{shop.store.slug}/").content.decode()
    assert f'href="/en/dashboard/{shop.store.slug}/inbox/"' in store_page


def test_pages_render_in_arabic_and_persian(shop: Shop, customer_says: Callable[..., Any]) -> None:
    conversation = customer_says(shop.store, "سلام")
    for language in ("ar", "fa"):
        client = shop.client(shop.owner)
        for path in ["", f"c/{conversation.pk}/", "canned/", "settings/", "figures/"]:
            response = client.get(shop.url(path, language))
            assert response.status_code == 200, (language, path)
            assert 'dir="rtl"' in response.content.decode()


def test_orders_panel_is_there_when_checkout_is(
    shop: Shop, customer_says: Callable[..., Any]
) -> None:
    conversation = customer_says(shop.store, "where is my order?", email="buyer@customers.example")
    html = shop.client(shop.agent).get(shop.url(f"c/{conversation.pk}/")).content.decode()
    try:
        from dukkan.checkout.selectors import orders_for_contact  # noqa: F401
    except ImportError:
        assert "No orders yet." not in html
    else:
        assert "No orders yet." in html


def test_conversation_list_only_counts_its_store(
    shop: Shop, make_store: Callable[..., Any], customer_says: Callable[..., Any]
) -> None:
    customer_says(make_store(), "elsewhere")
    assert Conversation.objects.count() == 1
    counts = shop.client(shop.agent).get(shop.url("counts/")).json()
    assert counts["views"]["all"] == 0
