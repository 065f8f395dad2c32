"""One path for every provider's news about a payment: webhooks, returns and status queries.

A webhook is stored as received (`WebhookEvent`) before anything else. A bad signature is
refused (400), logged and kept for review; nothing else changes. A verified event is claimed
once by its unique (store, provider, event id): the same event delivered a hundred times,
even at the same moment, moves the order once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from dukkan.checkout import services
from dukkan.checkout.models import Order, Payment, WebhookEvent
from dukkan.checkout.payments import registry
from dukkan.checkout.payments.base import Outcome, PaymentUpdate, SignatureError
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped

logger = logging.getLogger(__name__)

MAX_BODY = 256 * 1024
KEPT_HEADERS = (
    "content-type",
    "user-agent",
    "stripe-signature",
    "dukkan-signature",
    "paypal-transmission-id",
    "paypal-transmission-time",
    "paypal-transmission-sig",
    "paypal-cert-url",
    "paypal-auth-algo",
)


@dataclass(frozen=True)
class Received:
    status: int  # the HTTP status to answer the provider with
    result: str


def _kept(headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): v[:2000] for k, v in headers.items() if k.lower() in KEPT_HEADERS}


def receive(store: Store, provider: str, body: bytes, headers: Mapping[str, str]) -> Received:
    """Verify, store and apply one webhook delivery."""
    adapter = registry.adapter(store, provider)
    if (
        adapter is None
        or not adapter.has_webhook
        or provider not in services.enabled_providers(store)
    ):
        return Received(404, "unknown provider")
    if len(body) > MAX_BODY:
        return Received(413, "too large")
    text = body.decode("utf-8", errors="replace")
    try:
        update = adapter.parse_webhook(body, headers)
    except SignatureError as error:
        WebhookEvent.objects.create(
            store=store,
            provider=provider,
            body=text,
            headers=_kept(headers),
            signature_ok=False,
            result="bad_signature",
            error=str(error)[:1000],
        )
        logger.warning(
            "webhook refused: bad signature",
            extra={"store_id": store.pk, "provider": provider, "error": str(error)},
        )
        return Received(400, "bad signature")
    if not update.event_id:
        return Received(400, "no event id")
    event = _store_event(store, provider, update.event_id, text, headers)
    result = apply(store, provider, update, event=event)
    return Received(200, result)


def _store_event(
    store: Store, provider: str, event_id: str, text: str, headers: Mapping[str, str]
) -> WebhookEvent:
    try:
        with transaction.atomic():
            return WebhookEvent.objects.create(
                store=store,
                provider=provider,
                event_id=event_id[:200],
                body=text,
                headers=_kept(headers),
                signature_ok=True,
                result="received",
            )
    except IntegrityError:
        return WebhookEvent.objects.get(
            store=store, provider=provider, event_id=event_id[:200], signature_ok=True
        )


def find_order(store: Store, provider: str, update: PaymentUpdate) -> Order | None:
    orders = scoped(Order, store)
    if update.order_token:
        found = orders.filter(token=update.order_token).first()
        if found is not None:
            return found
    if update.reference:
        found = orders.filter(provider=provider, provider_reference=update.reference).first()
        if found is not None:
            return found
        payment = (
            scoped(Payment, store)
            .filter(provider=provider, reference=update.reference)
            .select_related("order")
            .first()
        )
        if payment is not None:
            return payment.order
    return None


def apply(
    store: Store,
    provider: str,
    update: PaymentUpdate,
    *,
    event: WebhookEvent | None = None,
    order: Order | None = None,
) -> str:
    """Turn a provider's news into the order's transition; once per event when one is given."""
    with transaction.atomic():
        if event is not None:
            claimed = WebhookEvent.objects.filter(pk=event.pk, processed_at__isnull=True).update(
                processed_at=timezone.now()
            )
            if not claimed:
                return "duplicate"
        order = order or find_order(store, provider, update)
        if order is None:
            result = "unknown_order"
        elif update.outcome == Outcome.PAID:
            if update.amount_minor is None:
                result = "no_amount"
            else:
                done = services.mark_paid(
                    order,
                    provider=provider,
                    reference=update.reference,
                    amount_minor=update.amount_minor,
                    currency=update.currency,
                    event_id=update.event_id,
                    raw=update.raw,
                )
                result = "paid" if done.is_paid else ("flagged" if done.flagged else done.status)
        elif update.outcome == Outcome.FAILED:
            services.mark_failed(order, provider=provider, reason=update.note)
            result = "failed"
        else:
            result = "ignored"
        if event is not None:
            WebhookEvent.objects.filter(pk=event.pk).update(result=result, order=order)
    return result


def record_and_apply(store: Store, provider: str, update: PaymentUpdate, order: Order) -> str:
    """A confirmed update that came another way (the buyer's return, a status query)."""
    if update.outcome in (Outcome.PENDING, Outcome.IGNORED):
        return str(update.outcome)
    event = _store_event(store, provider, update.event_id, "", {}) if update.event_id else None
    return apply(store, provider, update, event=event, order=order)
