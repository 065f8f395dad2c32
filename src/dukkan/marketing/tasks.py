"""Background work of the mailing list: confirmation mails, campaign batches (chained, within
the store's rate limit), scheduled campaigns, automated emails and the webhook with back-off."""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation
from django_tasks import task

from dukkan.core.periodic import periodic

logger = logging.getLogger(__name__)

WEBHOOK_ATTEMPTS = 6
WEBHOOK_TIMEOUT = 10


@task()
def send_confirmation(subscriber_id: int) -> str:
    """The double opt-in mail: a signed link that expires."""
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string
    from django.urls import reverse

    from dukkan.marketing import mail
    from dukkan.marketing.models import Subscriber, SubscriberStatus
    from dukkan.marketing.services import mailing_settings
    from dukkan.marketing.tokens import CONFIRM_HOURS, make_confirm_token

    subscriber = Subscriber.objects.select_related("store").filter(pk=subscriber_id).first()
    if subscriber is None or subscriber.status != SubscriberStatus.PENDING:
        return "nothing to confirm"
    store = subscriber.store
    token = make_confirm_token(store, subscriber.pk, subscriber.email)
    with translation.override(subscriber.language):
        link = settings.DUKKAN_BASE_URL + reverse(
            "marketing_storefront:confirm", args=[store.slug, token]
        )
        context = {
            "store": store,
            "link": link,
            "hours": CONFIRM_HOURS,
            "page_language": subscriber.language,
            "page_dir": mail.direction(subscriber.language),
        }
        subject = render_to_string("marketing/email/confirm_subject.txt", context).strip()
        text = render_to_string("marketing/email/confirm.txt", context)
        html = render_to_string("marketing/email/confirm.html", context)
    message = EmailMultiAlternatives(
        subject, text, mail.from_header(store, mailing_settings(store)), [subscriber.email]
    )
    message.attach_alternative(html, "text/html")
    message.send()
    return "sent"


@task()
def send_campaign_batch(campaign_id: int) -> dict[str, float]:
    """One batch; queues the next one (later, when the store's rate limit is reached)."""
    from dukkan.marketing.services import send_batch

    result = send_batch(campaign_id)
    if result.remaining:
        if result.wait_seconds:
            later = timezone.now() + timedelta(seconds=result.wait_seconds)
            send_campaign_batch.using(run_after=later).enqueue(campaign_id)
        else:
            send_campaign_batch.enqueue(campaign_id)
    return {"sent": result.sent, "failed": result.failed, "remaining": result.remaining}


@periodic("* * * * *", name="marketing.start_scheduled_campaigns", catch_up=timedelta(days=2))
@task()
def start_scheduled_campaigns() -> dict[str, int]:
    from dukkan.marketing.services import start_due_campaigns

    return start_due_campaigns()


@periodic("*/10 * * * *", name="marketing.run_automations", catch_up=timedelta(hours=1))
@task()
def run_automations() -> dict[str, int]:
    from dukkan.marketing.automation import run_due

    return run_due()


@task()
def deliver_webhook(delivery_id: int) -> str:
    """POST the event, signed: `X-Dukkan-Signature: sha256=HMAC(secret, timestamp.body)`.
    A failure is retried with growing waits (1, 2, 4, 8, 16 minutes), then given up."""
    from dukkan.marketing.models import WebhookDelivery
    from dukkan.marketing.services import mailing_settings
    from dukkan.marketing.tokens import webhook_signature

    delivery = WebhookDelivery.objects.select_related("store").filter(pk=delivery_id).first()
    if delivery is None or delivery.delivered_at or delivery.gave_up:
        return "done"
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
    stamp = str(int(time.time()))
    secret = mailing_settings(delivery.store).webhook_secret
    request = urllib.request.Request(
        delivery.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Dukkan-Webhook/1",
            "X-Dukkan-Event": delivery.event,
            "X-Dukkan-Delivery": str(delivery.pk),
            "X-Dukkan-Timestamp": stamp,
            "X-Dukkan-Signature": webhook_signature(secret, body, stamp),
        },
    )
    delivery.attempts += 1
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status, reason = error.code, f"HTTP {error.code}"
    except (urllib.error.URLError, OSError) as error:
        status, reason = 0, str(error)[:500]
    else:
        reason = ""
    if 200 <= status < 300:
        delivery.delivered_at = timezone.now()
        delivery.last_error = ""
        delivery.save(update_fields=["attempts", "delivered_at", "last_error"])
        return "delivered"
    delivery.last_error = reason or f"HTTP {status}"
    if delivery.attempts >= WEBHOOK_ATTEMPTS:
        delivery.gave_up = True
        delivery.save(update_fields=["attempts", "last_error", "gave_up"])
        return "gave up"
    delivery.save(update_fields=["attempts", "last_error"])
    wait = timedelta(minutes=2 ** (delivery.attempts - 1))
    deliver_webhook.using(run_after=timezone.now() + wait).enqueue(delivery.pk)
    return "retry"
