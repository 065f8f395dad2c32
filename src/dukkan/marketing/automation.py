"""Automated emails: the post-purchase sequence (day 0, 3, 14) and reminders before a licence or
a sale ends, sent by a periodic job.

Exactly once: each (automation, occasion) is an `AutomatedSend` row with a unique key, created
BEFORE the mail leaves; a second run, or a second worker, cannot create it again and so never
mails again. They go only to confirmed subscribers of the store's list (the consent box at
checkout, or double opt-in), with the same one-click unsubscribe as campaigns.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.marketing import mail
from dukkan.marketing.models import (
    AutomatedEmail,
    AutomatedSend,
    AutomationKind,
    RecipientStatus,
    Subscriber,
)
from dukkan.marketing.segments import _paid_orders, confirmed

logger = logging.getLogger(__name__)

# A purchase older than its due time by more than this is not mailed (a sequence switched on
# today does not write to last year's buyers).
CATCH_UP = timedelta(days=2)
POST_PURCHASE = {AutomationKind.THANK_YOU, AutomationKind.CHECK_IN, AutomationKind.REVIEW}


def _fill(text: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def _links(store: Store, language: str) -> dict[str, str]:
    with translation.override(language):
        help_path = f"/{language}/s/{store.slug}/help/"
        store_path = reverse("store_home", kwargs={"store_slug": store.slug})
    return {
        "help_url": settings.DUKKAN_BASE_URL + help_path,
        "store_url": settings.DUKKAN_BASE_URL + store_path,
        "store": store.name,
    }


def _occasions(
    automation: AutomatedEmail, now: datetime
) -> list[tuple[str, Subscriber, dict[str, str]]]:
    """(unique key, subscriber, extra placeholders) of everyone this automation is due for."""
    store = automation.store
    subscribers = confirmed(store)
    found: list[tuple[str, Subscriber, dict[str, str]]] = []
    if automation.kind in POST_PURCHASE:
        due_before = now - timedelta(days=automation.days)
        orders = (
            _paid_orders(store)
            .filter(paid_at__lte=due_before, paid_at__gt=due_before - CATCH_UP)
            .filter(email__in=subscribers.values("email"))
            .values_list("pk", "email")
        )
        by_email = {s.email: s for s in subscribers.filter(email__in=[e for _p, e in orders])}
        for order_id, email in orders:
            found.append((f"order:{order_id}", by_email[email], {}))
    elif automation.kind == AutomationKind.LICENCE_ENDING:
        from dukkan.marketing.segments import _expiring_contacts

        contacts = _expiring_contacts(store, max(1, automation.days))
        month = now.strftime("%Y-%m")
        for subscriber in subscribers.filter(contact_id__in=contacts):
            found.append((f"licence:{subscriber.contact_id}:{month}", subscriber, {}))
    elif automation.kind == AutomationKind.SALE_ENDING:
        from dukkan.catalog.selectors import published_products

        ending = published_products(store).filter(
            sale_price_minor__isnull=False,
            sale_ends_at__gt=now,
            sale_ends_at__lte=now + timedelta(days=max(1, automation.days)),
        )
        everyone = list(subscribers)
        for product in ending:
            assert product.sale_ends_at is not None
            ends = int(product.sale_ends_at.timestamp())
            for subscriber in everyone:
                extra = {"product": product.title, "ends": _ends_text(store, product.sale_ends_at)}
                found.append((f"sale:{product.pk}:{ends}:{subscriber.pk}", subscriber, extra))
    return found


def _ends_text(store: Store, when: datetime) -> str:
    from zoneinfo import ZoneInfo

    return timezone.localtime(when, ZoneInfo(store.time_zone)).strftime("%Y-%m-%d %H:%M")


def run_automation(automation: AutomatedEmail, now: datetime | None = None) -> int:
    now = now or timezone.now()
    store = automation.store
    from dukkan.marketing.services import mailing_settings

    settings_row = mailing_settings(store)
    sent = 0
    connection: Any = None
    try:
        for key, subscriber, extra in _occasions(automation, now):
            try:
                with transaction.atomic():
                    row = AutomatedSend.objects.create(
                        store=store,
                        automation=automation,
                        key=key,
                        email=subscriber.email,
                        status=RecipientStatus.SENDING,
                    )
            except IntegrityError:
                continue  # already mailed for this occasion
            values = {**_links(store, subscriber.language), "name": subscriber.name, **extra}
            rendered = mail.render(
                store,
                _fill(automation.subject, values),
                _fill(automation.body, values),
                automation.language,
            )
            message = mail.message(
                store,
                settings_row,
                rendered,
                to=subscriber.email,
                subscriber_id=subscriber.pk,
                campaign_id=None,
            )
            if connection is None:
                connection = get_connection(fail_silently=False)
                connection.open()
            message.connection = connection
            try:
                connection.send_messages([message])
            except Exception as error:
                row.status = RecipientStatus.FAILED
                row.error = str(error)[:500]
                row.save(update_fields=["status", "error"])
                continue
            row.status = RecipientStatus.SENT
            row.save(update_fields=["status"])
            sent += 1
    finally:
        if connection is not None:
            connection.close()
    return sent


def run_due(now: datetime | None = None) -> dict[str, int]:
    """Every store's enabled automations, once."""
    now = now or timezone.now()
    total = 0
    for automation in AutomatedEmail.objects.filter(enabled=True).select_related("store"):
        try:
            total += run_automation(automation, now)
        except Exception:
            logger.exception("automated email failed", extra={"automation": automation.pk})
    return {"sent": total}


def history(store: Store) -> Any:
    return scoped(AutomatedSend, store).select_related("automation")[:50]
