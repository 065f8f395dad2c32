"""Automated emails: due once, in the right order, only to the confirmed list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from dukkan.marketing import automation, services
from dukkan.marketing.models import AutomatedEmail, AutomatedSend, AutomationKind

pytestmark = pytest.mark.django_db


def test_post_purchase_sequence_is_sent_once_each(
    shop: Any,
    make_product: Callable[..., Any],
    buy: Callable[..., Any],
    subscribed: Callable[..., Any],
) -> None:
    rows = {a.kind: a for a in services.automations(shop)}
    assert all(not a.enabled for a in rows.values())  # off until the owner turns them on
    AutomatedEmail.objects.filter(store=shop, kind__in=["thank_you", "check_in", "review"]).update(
        enabled=True
    )
    book = make_product(shop, "كتاب")
    subscribed(shop, "fan@example.com")
    buy(shop, book, "fan@example.com")
    buy(shop, book, "nolist@example.com")  # did not agree: no marketing mail
    now = timezone.now()

    assert automation.run_due(now) == {"sent": 1}
    assert automation.run_due(now) == {"sent": 0}  # the next tick: nothing twice
    [thanks] = mail.outbox
    assert thanks.to == ["fan@example.com"]
    assert f"/s/{shop.slug}/help/" in str(thanks.body)
    assert thanks.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    assert automation.run_due(now + timedelta(days=3, minutes=1)) == {"sent": 1}
    assert automation.run_due(now + timedelta(days=3, minutes=11)) == {"sent": 0}
    assert automation.run_due(now + timedelta(days=14, minutes=1)) == {"sent": 1}
    kinds = list(AutomatedSend.objects.order_by("pk").values_list("automation__kind", flat=True))
    assert kinds == [AutomationKind.THANK_YOU, AutomationKind.CHECK_IN, AutomationKind.REVIEW]
    assert len(mail.outbox) == 3


def test_a_switched_off_step_sends_nothing(
    shop: Any,
    make_product: Callable[..., Any],
    buy: Callable[..., Any],
    subscribed: Callable[..., Any],
) -> None:
    services.automations(shop)
    subscribed(shop, "fan@example.com")
    buy(shop, make_product(shop, "كتاب"), "fan@example.com")
    assert automation.run_due() == {"sent": 0}
    assert mail.outbox == []


def test_sale_ending_reminder(
    shop: Any, make_product: Callable[..., Any], subscribed: Callable[..., Any]
) -> None:
    from dukkan.catalog.models import Product

    services.automations(shop)
    AutomatedEmail.objects.filter(store=shop, kind="sale_ending").update(enabled=True, days=2)
    product = make_product(shop, "دورة")
    Product.objects.filter(pk=product.pk).update(
        sale_price_minor=1000, sale_ends_at=timezone.now() + timedelta(days=1)
    )
    subscribed(shop, "a@example.com")
    subscribed(shop, "b@example.com")
    assert automation.run_due() == {"sent": 2}
    assert automation.run_due() == {"sent": 0}
    assert "دورة" in str(mail.outbox[0].body)


def test_the_owner_edits_and_switches_on(owner_client: Any, shop: Any) -> None:
    from django.urls import reverse

    rows = services.automations(shop)
    review = next(a for a in rows if a.kind == "review")
    url = reverse("marketing:automations", args=[shop.slug])
    prefix = f"a{review.pk}"
    bad = owner_client.post(
        url,
        {
            "automation": review.pk,
            f"{prefix}-enabled": "on",
            f"{prefix}-days": "14",
            f"{prefix}-language": "ar",
            f"{prefix}-subject": "x",
            f"{prefix}-body": "<script>x</script>",
        },
    )
    assert bad.status_code == 400
    review.refresh_from_db()
    assert not review.enabled
    ok = owner_client.post(
        url,
        {
            "automation": review.pk,
            f"{prefix}-enabled": "on",
            f"{prefix}-days": "10",
            f"{prefix}-language": "ar",
            f"{prefix}-subject": "رأيك يهمنا",
            f"{prefix}-body": "اكتب مراجعة",
        },
    )
    assert ok.status_code == 302
    review.refresh_from_db()
    assert (review.enabled, review.days, review.subject) == (True, 10, "رأيك يهمنا")
