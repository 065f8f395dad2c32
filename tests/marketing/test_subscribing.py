"""Double opt-in from the storefront, one-click unsubscribe without signing in, the history."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from dukkan.marketing import services
from dukkan.marketing.mail import unsubscribe_url
from dukkan.marketing.models import (
    Campaign,
    CampaignRecipient,
    Subscriber,
    SubscriberStatus,
    SubscriptionEvent,
)
from dukkan.marketing.tasks import send_confirmation
from dukkan.marketing.tokens import make_list_token

pytestmark = pytest.mark.django_db


def _path(url: str) -> str:
    return urlsplit(url).path


def _subscribe(client: Client, store: Any, email: str, **extra: str) -> Any:
    return client.post(
        reverse("marketing_storefront:subscribe", args=[store.slug]),
        {"email": email, **extra},
        REMOTE_ADDR="203.0.113.9",
    )


def test_double_opt_in(client: Client, shop: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _subscribe(client, shop, "  Layla@Example.COM ", name="ليلى")
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    subscriber = Subscriber.objects.get(store=shop)
    assert subscriber.email == "layla@example.com"
    assert subscriber.status == SubscriberStatus.PENDING
    assert subscriber.consent_ip_hash
    assert "203.0.113.9" not in subscriber.consent_ip_hash
    # Not confirmed: no campaign reaches them.
    assert not services.audience(Campaign(store=shop, subject="x", body="x")).exists()

    send_confirmation.call(subscriber.pk)
    [message] = mail.outbox
    link = re.search(r"https?://\S+/confirm/\S+/", str(message.body))
    assert link, message.body
    confirm_path = _path(link.group(0))

    page = client.get(confirm_path)  # a link scanner's GET confirms nobody
    assert page.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING

    done = client.post(confirm_path)
    assert done.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.SUBSCRIBED
    assert subscriber.confirmed_at is not None
    actions = list(
        SubscriptionEvent.objects.filter(subscriber=subscriber).values_list("action", flat=True)
    )
    assert actions == ["requested", "confirmed"]


def test_confirmation_links_expire_and_cannot_be_tampered(client: Client, shop: Any) -> None:
    subscriber = services.subscribe(
        shop, "late@example.com", source="storefront", language="en"
    ).subscriber
    from dukkan.marketing.tokens import CONFIRM_HOURS, make_confirm_token

    token = make_confirm_token(shop, subscriber.pk, subscriber.email)
    url = reverse("marketing_storefront:confirm", args=[shop.slug, token])
    tampered = reverse("marketing_storefront:confirm", args=[shop.slug, token[:-3] + "AAA"])
    assert client.post(tampered).status_code == 400
    later = time.time() + CONFIRM_HOURS * 3600 + 60
    with mock.patch("time.time", return_value=later):
        response = client.post(url)
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING


@pytest.mark.parametrize("bad", ["", "not-an-email", "a@b", "x" * 300 + "@example.com"])
def test_invalid_emails_are_refused_and_nothing_is_written(
    client: Client, shop: Any, bad: str
) -> None:
    response = _subscribe(client, shop, bad)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Subscriber.objects.exists()


def test_one_click_unsubscribe_without_signing_in(
    shop: Any, subscribed: Callable[..., Any]
) -> None:
    subscriber = subscribed(shop, "reader@example.com")
    campaign = Campaign.objects.create(store=shop, subject="s", body="b", language="ar")
    CampaignRecipient.objects.create(
        store=shop, campaign=campaign, subscriber=subscriber, email=subscriber.email
    )
    url = _path(unsubscribe_url(shop, subscriber.pk, campaign.pk))
    # What a mail provider does for RFC 8058: a POST with no cookies and no CSRF token.
    provider = Client(enforce_csrf_checks=True)
    response = provider.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    event = SubscriptionEvent.objects.filter(subscriber=subscriber).last()
    assert event is not None
    assert (event.action, event.source) == ("unsubscribed", "one_click")
    assert CampaignRecipient.objects.get(campaign=campaign).status == "skipped"
    assert '<html lang="ar" dir="rtl">' in response.content.decode()


def test_the_unsubscribe_page_asks_first_then_unsubscribes(
    client: Client, shop: Any, subscribed: Callable[..., Any]
) -> None:
    subscriber = subscribed(shop, "page@example.com", language="fa")
    url = _path(unsubscribe_url(shop, subscriber.pk, None))
    page = client.get(url)
    assert page.status_code == 200
    assert 'lang="fa"' in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.SUBSCRIBED
    client.post(url)
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED

    # The manage page brings them back; the history keeps every step.
    manage = reverse(
        "marketing_storefront:manage", args=[shop.slug, make_list_token(shop, subscriber.pk)]
    )
    client.post(manage, {"action": "resubscribe"})
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.SUBSCRIBED
    actions = list(
        SubscriptionEvent.objects.filter(subscriber=subscriber).values_list("action", flat=True)
    )
    assert actions == ["subscribed", "unsubscribed", "resubscribed"]


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-4] + ("AAAA" if not t.endswith("AAAA") else "BBBB"),
        lambda t: "1.2.0." + t.rsplit(".", 1)[1],
        lambda t: "garbage",
        lambda t: t.replace(".", "", 1),
    ],
)
def test_a_tampered_unsubscribe_link_changes_nothing(
    client: Client,
    shop: Any,
    make_store: Callable[..., Any],
    subscribed: Callable[..., Any],
    mangle: Any,
) -> None:
    subscriber = subscribed(shop, "keep@example.com")
    token = mangle(make_list_token(shop, subscriber.pk))
    url = reverse("marketing_public:unsubscribe", args=[token])
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.SUBSCRIBED
    assert SubscriptionEvent.objects.filter(subscriber=subscriber).count() == 1


def test_another_stores_key_cannot_unsubscribe(
    client: Client, shop: Any, make_store: Callable[..., Any], subscribed: Callable[..., Any]
) -> None:
    other = make_store()
    subscriber = subscribed(shop, "mine@example.com")
    from django.utils.http import int_to_base36

    # Claims `shop` but is signed with the other store's key.
    parts = make_list_token(other, subscriber.pk).split(".")
    parts[0] = int_to_base36(shop.pk)
    response = client.post(reverse("marketing_public:unsubscribe", args=[".".join(parts)]))
    assert response.status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.SUBSCRIBED


def test_subscribe_form_on_the_store_page(client: Client, shop: Any) -> None:
    page = client.get(reverse("store_home", args=[shop.slug]))
    subscribe = reverse("marketing_storefront:subscribe", args=[shop.slug])
    assert subscribe in page.content.decode()
    # The cached store page asks with a GET; the subscribe page it opens posts with its token.
    assert "csrftoken" not in page.cookies
    opened = client.get(subscribe, {"email": "reader@example.com"})
    assert opened.status_code == 200
    assert 'value="reader@example.com"' in opened.content.decode()
    assert "csrfmiddlewaretoken" in opened.content.decode()


def test_a_buyer_who_agreed_joins_and_one_who_did_not_does_not(
    shop: Any, make_product: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    from dukkan.checkout import services as checkout_services
    from dukkan.core.tasks import handle_event

    book = make_product(shop, "كتاب")
    for email, consent in (("yes@example.com", True), ("no@example.com", False)):
        order = checkout_services.start_checkout(
            shop, book, email=email, provider="test", language="ar", marketing_consent=consent
        )
        with django_capture_on_commit_callbacks(execute=True):
            checkout_services.mark_paid(
                order,
                provider="test",
                reference=f"pay-{email}",
                amount_minor=order.total_minor,
                currency=order.currency,
            )
    # OrderPaid reaches our subscriber through the task queue: run what was queued for it.
    queued = [
        r
        for r in DBTaskResult.objects.filter(task_path__endswith="handle_event")
        if "buyer_joins_list" in r.args_kwargs["args"][0]
    ]
    assert len(queued) == 2
    for result in queued:
        handle_event.call(*result.args_kwargs["args"])

    joined = Subscriber.objects.get(store=shop)
    assert (joined.email, joined.status, joined.source) == (
        "yes@example.com",
        "subscribed",
        "checkout",
    )
    assert joined.contact_id is not None
    assert joined.consent_at is not None


def test_help_center_links_to_the_form_and_the_source_is_kept(client: Client, shop: Any) -> None:
    page = client.get(f"/en/s/{shop.slug}/help/")
    assert page.status_code == 200
    link = reverse("marketing_storefront:subscribe", args=[shop.slug]) + "?from=help"
    assert link in page.content.decode()
    form = client.get(link)
    assert 'name="from" value="help"' in form.content.decode()
    _subscribe(client, shop, "helped@example.com", **{"from": "help"})
    assert Subscriber.objects.get(store=shop).source == "help_center"


def test_the_mailto_unsubscribe_works_through_the_email_channels_call(
    shop: Any, subscribed: Callable[..., Any]
) -> None:
    from urllib.parse import unquote

    from dukkan.marketing.mail import unsubscribe_mailto

    subscriber = subscribed(shop, "bymail@example.com")
    link = unsubscribe_url(shop, subscriber.pk, None)
    mailto = unsubscribe_mailto(shop, services.mailing_settings(shop), link)
    subject = unquote(mailto.split("subject=", 1)[1])
    assert not services.unsubscribe_by_mail(subject[:-3] + "xyz")
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.SUBSCRIBED
    assert services.unsubscribe_by_mail(subject)
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
