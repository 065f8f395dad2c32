"""Writes of the mailing list: subscribing (double opt-in), unsubscribing, campaigns and their
sending, automated emails, and the subscribe/unsubscribe webhook.

Sending is at most once per recipient: a batch claims its `CampaignRecipient` rows (pending →
sending, with its own claim id) in one transaction before any SMTP traffic, and only the
claimer sends them. A worker that dies mid-batch leaves rows in "sending"; they are marked
failed as interrupted, never sent again, because the mail may already have left.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import smtplib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import CharField, Count, Min, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.marketing import mail
from dukkan.marketing.models import (
    AutomatedEmail,
    AutomationKind,
    Campaign,
    CampaignRecipient,
    CampaignStatus,
    MailingSettings,
    RecipientStatus,
    Segment,
    Source,
    Subscriber,
    SubscriberStatus,
    SubscriptionEvent,
    WebhookDelivery,
)
from dukkan.marketing.segments import apply_rules, clean_rules, confirmed
from dukkan.marketing.tokens import ip_hash

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# A batch is split over this many SMTP connections, each reused for its part.
SMTP_CONNECTIONS = 4
# A row still "sending" this long after its claim belongs to a worker that died.
STALE_CLAIM = timedelta(minutes=15)
Action = SubscriptionEvent.Action


def mailing_settings(store: Store) -> MailingSettings:
    found = MailingSettings.objects.filter(store=store).first()
    if found is not None:
        return found
    created, _ = MailingSettings.objects.get_or_create(store=store)
    return created


def clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError(_("Enter a valid email address.")) from error
    return email


# --- subscribing --------------------------------------------------------------------------


@dataclass(frozen=True)
class SubscribeResult:
    subscriber: Subscriber
    confirmation_needed: bool


def _event(subscriber: Subscriber, action: str, source: str = "", ip: str | None = None) -> None:
    SubscriptionEvent.objects.create(
        store_id=subscriber.store_id,
        subscriber=subscriber,
        action=action,
        source=source,
        ip_hash=ip_hash(ip),
    )


def subscribe(
    store: Store,
    email: str,
    *,
    source: str,
    language: str,
    name: str = "",
    ip: str | None = None,
    confirmed_already: bool = False,
    contact_id: int | None = None,
) -> SubscribeResult:
    """Put `email` on the store's list.

    From a public form (`confirmed_already=False`) the address is pending until its owner
    clicks the signed link we mail (double opt-in); a buyer who ticked the consent box at
    checkout proved the address by buying and joins at once.
    """
    from dukkan.marketing.tasks import send_confirmation

    email = clean_email(email)
    language = language if language in {"ar", "fa", "en"} else store.default_language
    now = timezone.now()
    with transaction.atomic():
        subscriber, created = (
            scoped(Subscriber, store)
            .select_for_update()
            .get_or_create(
                email=email,
                defaults={
                    "store": store,
                    "status": SubscriberStatus.PENDING,
                    "source": source,
                    "language": language,
                    "name": name[:200],
                },
            )
        )
        if contact_id and not subscriber.contact_id:
            subscriber.contact_id = contact_id
        if subscriber.status == SubscriberStatus.SUBSCRIBED and not created:
            subscriber.save(update_fields=["contact", "updated_at"])
            return SubscribeResult(subscriber, False)
        was_unsubscribed = subscriber.status == SubscriberStatus.UNSUBSCRIBED
        subscriber.language = language
        subscriber.source = source if created or was_unsubscribed else subscriber.source
        subscriber.consent_at = now
        subscriber.consent_ip_hash = ip_hash(ip)
        if confirmed_already:
            subscriber.status = SubscriberStatus.SUBSCRIBED
            subscriber.confirmed_at = now
            subscriber.unsubscribed_at = None
            subscriber.save()
            _event(
                subscriber,
                Action.RESUBSCRIBED if was_unsubscribed else Action.SUBSCRIBED,
                source,
                ip,
            )
            _notify_webhook(store, "subscribed", subscriber)
            return SubscribeResult(subscriber, False)
        subscriber.status = SubscriberStatus.PENDING
        subscriber.save()
        _event(subscriber, Action.REQUESTED, source, ip)
        transaction.on_commit(lambda: send_confirmation.enqueue(subscriber.pk))
    return SubscribeResult(subscriber, True)


def confirm(store: Store, subscriber_id: int, email: str, ip: str | None) -> Subscriber | None:
    """Confirm a pending subscription from its signed link; None when it no longer matches."""
    with transaction.atomic():
        subscriber = (
            scoped(Subscriber, store)
            .select_for_update()
            .filter(pk=subscriber_id, email=email)
            .first()
        )
        if subscriber is None:
            return None
        if subscriber.status == SubscriberStatus.SUBSCRIBED:
            return subscriber
        if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
            return None  # they left after asking: an old link must not bring them back
        subscriber.status = SubscriberStatus.SUBSCRIBED
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["status", "confirmed_at", "updated_at"])
        _event(subscriber, Action.CONFIRMED, subscriber.source, ip)
        _notify_webhook(store, "subscribed", subscriber)
    return subscriber


def unsubscribe(
    store: Store, subscriber_id: int, *, source: str, ip: str | None, campaign_id: int | None = None
) -> Subscriber | None:
    with transaction.atomic():
        subscriber = scoped(Subscriber, store).select_for_update().filter(pk=subscriber_id).first()
        if subscriber is None:
            return None
        if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
            return subscriber
        subscriber.status = SubscriberStatus.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at", "updated_at"])
        SubscriptionEvent.objects.create(
            store=store,
            subscriber=subscriber,
            action=Action.UNSUBSCRIBED,
            source=source,
            ip_hash=ip_hash(ip),
            detail=f"campaign {campaign_id}" if campaign_id else "",
        )
        # Still-queued mail of any campaign no longer goes to them.
        scoped(CampaignRecipient, store).filter(
            subscriber=subscriber, status=RecipientStatus.PENDING
        ).update(status=RecipientStatus.SKIPPED, error="unsubscribed")
        _notify_webhook(store, "unsubscribed", subscriber)
    return subscriber


def resubscribe(store: Store, subscriber_id: int, ip: str | None) -> Subscriber | None:
    """Back on the list from the manage page, whose signed link proves the address."""
    with transaction.atomic():
        subscriber = scoped(Subscriber, store).select_for_update().filter(pk=subscriber_id).first()
        if subscriber is None or subscriber.status == SubscriberStatus.SUBSCRIBED:
            return subscriber
        subscriber.status = SubscriberStatus.SUBSCRIBED
        subscriber.unsubscribed_at = None
        subscriber.confirmed_at = subscriber.confirmed_at or timezone.now()
        subscriber.consent_at = timezone.now()
        subscriber.consent_ip_hash = ip_hash(ip)
        subscriber.save()
        _event(subscriber, Action.RESUBSCRIBED, "email", ip)
        _notify_webhook(store, "subscribed", subscriber)
    return subscriber


def add_buyer(order_id: int) -> Subscriber | None:
    """A paid order whose buyer ticked the (unticked by default) consent box joins the list."""
    from dukkan.checkout.models import Order

    order = Order.objects.select_related("store").filter(pk=order_id).first()
    if order is None or not getattr(order, "marketing_consent", False):
        return None
    existing = scoped(Subscriber, order.store).filter(email=order.email.lower()).first()
    if existing is not None and existing.status == SubscriberStatus.UNSUBSCRIBED:
        # Ticking the box again on a new purchase is fresh consent.
        pass
    return subscribe(
        order.store,
        order.email,
        source=Source.CHECKOUT,
        language=order.language,
        name=order.name,
        confirmed_already=True,
        contact_id=order.contact_id,
    ).subscriber


# --- webhook --------------------------------------------------------------------------------


def _notify_webhook(store: Store, event: str, subscriber: Subscriber) -> None:
    from dukkan.marketing.tasks import deliver_webhook

    settings_row = mailing_settings(store)
    if not settings_row.webhook_url:
        return
    delivery = WebhookDelivery.objects.create(
        store=store,
        event=event,
        url=settings_row.webhook_url,
        payload={
            "event": event,
            "store": store.slug,
            "email": subscriber.email,
            "name": subscriber.name,
            "language": subscriber.language,
            "source": subscriber.source,
            "at": timezone.now().isoformat(),
        },
    )
    transaction.on_commit(lambda: deliver_webhook.enqueue(delivery.pk))


# --- segments -------------------------------------------------------------------------------


def save_segment(store: Store, *, name: str, rules: Any, segment: Segment | None = None) -> Segment:
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the segment a name."))
    cleaned = clean_rules(store, rules)
    segment = segment or Segment(store=store)
    segment.name = name[:120]
    segment.rules = cleaned
    segment.save()
    return segment


# --- campaigns ------------------------------------------------------------------------------


def audience(campaign: Campaign) -> Any:
    store = campaign.store
    rules = campaign.segment.rules if campaign.segment_id and campaign.segment else []
    return apply_rules(store, rules, confirmed(store))


def schedule(campaign: Campaign, when: datetime) -> Campaign:
    if campaign.status not in {CampaignStatus.DRAFT, CampaignStatus.SCHEDULED}:
        raise ValidationError(_("This campaign was already sent."))
    if when <= timezone.now():
        raise ValidationError(_("Choose a time in the future."))
    if not audience(campaign).exists():
        raise ValidationError(
            _("No confirmed subscriber matches this segment; nothing was scheduled.")
        )
    campaign.status = CampaignStatus.SCHEDULED
    campaign.scheduled_for = when
    campaign.save(update_fields=["status", "scheduled_for"])
    return campaign


def unschedule(campaign: Campaign) -> Campaign:
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status == CampaignStatus.SCHEDULED:
            locked.status = CampaignStatus.DRAFT
            locked.scheduled_for = None
            locked.save(update_fields=["status", "scheduled_for"])
    return locked


def start_sending(campaign: Campaign) -> int:
    """Fix the recipient list (confirmed subscribers of the segment, now) and queue the first
    batch. Returns how many will get it; ValidationError for an empty segment (nothing sent)."""
    from dukkan.marketing.tasks import send_campaign_batch

    with transaction.atomic():
        locked = (
            # Lock the campaign row only: the segment is on the nullable side of a join.
            Campaign.objects.select_for_update(of=("self",))
            .select_related("store", "segment")
            .get(pk=campaign.pk)
        )
        if locked.status not in {CampaignStatus.DRAFT, CampaignStatus.SCHEDULED}:
            raise ValidationError(_("This campaign was already sent."))
        people = list(audience(locked).values_list("pk", "email"))
        if not people:
            raise ValidationError(
                _("No confirmed subscriber matches this segment; the campaign was not sent.")
            )
        store = locked.store
        CampaignRecipient.objects.bulk_create(
            [
                CampaignRecipient(store=store, campaign=locked, subscriber_id=pk, email=email)
                for pk, email in people
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )
        locked.status = CampaignStatus.SENDING
        locked.started_at = timezone.now()
        locked.tracking = mailing_settings(store).tracking_enabled
        locked.save(update_fields=["status", "started_at", "tracking"])
        transaction.on_commit(lambda: send_campaign_batch.enqueue(locked.pk))
    campaign.refresh_from_db()
    return len(people)


@dataclass(frozen=True)
class BatchResult:
    sent: int
    failed: int
    remaining: int
    wait_seconds: float  # > 0: the store's rate limit is reached; come back after this


def _claim(campaign: Campaign, limit: int) -> tuple[str, float]:
    """Claim up to `limit` pending rows within the store's per-minute budget."""
    now = timezone.now()
    claim = secrets.token_hex(8)
    with transaction.atomic():
        # The settings row is the store's sending lock: budgets of concurrent batches of all
        # the store's campaigns are counted one after the other.
        settings_row = MailingSettings.objects.select_for_update().get(
            pk=mailing_settings(campaign.store).pk
        )
        window = now - timedelta(seconds=60)
        recent = scoped(CampaignRecipient, campaign.store).filter(claimed_at__gte=window)
        used = recent.count()
        budget = max(0, settings_row.rate_per_minute - used)
        if budget == 0:
            oldest = recent.aggregate(first=Min("claimed_at"))["first"] or now
            return "", max(1.0, (oldest + timedelta(seconds=60) - now).total_seconds())
        ids = list(
            CampaignRecipient.objects.filter(campaign=campaign, status=RecipientStatus.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)[: min(limit, budget)]
        )
        # The Message-ID is fixed before sending, so a bounce report finds its recipient.
        CampaignRecipient.objects.filter(pk__in=ids, status=RecipientStatus.PENDING).update(
            status=RecipientStatus.SENDING,
            claim=claim,
            claimed_at=now,
            message_id=Concat(
                Value(f"<c{campaign.pk}."),
                Cast("pk", output_field=CharField()),
                Value(f".{claim}@{mail.message_id_domain()}>"),
            ),
        )
    return claim, 0.0


def _fail_stale(campaign: Campaign) -> None:
    CampaignRecipient.objects.filter(
        campaign=campaign,
        status=RecipientStatus.SENDING,
        claimed_at__lt=timezone.now() - STALE_CLAIM,
    ).update(status=RecipientStatus.FAILED, error="interrupted; not retried to avoid a duplicate")


def send_batch(campaign_id: int, batch_size: int = BATCH_SIZE) -> BatchResult:
    """Send one batch of a campaign over one SMTP connection."""
    campaign = Campaign.objects.select_related("store").filter(pk=campaign_id).first()
    if campaign is None or campaign.status != CampaignStatus.SENDING:
        return BatchResult(0, 0, 0, 0.0)
    store = campaign.store
    claim, wait = _claim(campaign, batch_size)
    if wait:
        remaining = CampaignRecipient.objects.filter(
            campaign=campaign, status=RecipientStatus.PENDING
        ).count()
        return BatchResult(0, 0, remaining, wait)
    rows = list(
        CampaignRecipient.objects.filter(claim=claim, status=RecipientStatus.SENDING)
        .select_related("subscriber")
        .order_by("pk")
    )
    sent = failed = 0
    if rows:
        settings_row = mailing_settings(store)
        rendered = mail.render(store, campaign.subject, campaign.body, campaign.language)
        template = mail.BatchTemplate(store, settings_row, rendered, campaign.pk)
        chunks = [rows[n::SMTP_CONNECTIONS] for n in range(SMTP_CONNECTIONS)]
        results: list[tuple[int, str, str, str]] = []  # (pk, status, error, message id)
        try:
            with ThreadPoolExecutor(max_workers=SMTP_CONNECTIONS) as pool:
                for part in pool.map(
                    lambda chunk: _send_chunk(
                        store, settings_row, rendered, template, campaign, chunk
                    ),
                    [c for c in chunks if c],
                ):
                    results.extend(part)
        finally:
            _record(results)
        sent = sum(1 for r in results if r[1] == RecipientStatus.SENT)
        failed = len(results) - sent
    _fail_stale(campaign)
    remaining = CampaignRecipient.objects.filter(
        campaign=campaign, status=RecipientStatus.PENDING
    ).count()
    if remaining == 0:
        _finish_if_done(campaign)
    return BatchResult(sent, failed, remaining, 0.0)


def _send_chunk(
    store: Store,
    settings_row: MailingSettings,
    rendered: mail.Rendered,
    template: mail.BatchTemplate,
    campaign: Campaign,
    rows: list[CampaignRecipient],
) -> list[tuple[int, str, str, str]]:
    """Part of a batch over one SMTP connection (no database work here: it runs in a thread)."""
    connection = get_connection(fail_silently=False)
    # Ready-made bytes go straight to an SMTP server; other backends get the message object.
    smtp_path = isinstance(connection, SMTPBackend)
    results: list[tuple[int, str, str, str]] = []
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as error:
        return [
            (row.pk, RecipientStatus.FAILED, f"no connection: {error}"[:500], "") for row in rows
        ]
    try:
        for row in rows:
            message_id = row.message_id
            fast = (
                template.raw(row.email, row.subscriber_id, message_id)
                if smtp_path and not campaign.tracking
                else None
            )
            if fast is not None:
                raw = fast
                status, problem = _deliver(connection, raw=(template.sender, row.email, raw))
            else:
                message = mail.message(
                    store,
                    settings_row,
                    rendered,
                    to=row.email,
                    subscriber_id=row.subscriber_id,
                    campaign_id=campaign.pk,
                    recipient_id=row.pk,
                    tracking=campaign.tracking,
                    message_id=message_id,
                )
                message.connection = connection
                status, problem = _deliver(connection, message)
            results.append((row.pk, status, problem, message_id))
    finally:
        try:
            connection.close()
        except Exception:  # closing a broken connection must not hide the results
            logger.warning("SMTP connection did not close cleanly")
    return results


def _deliver(
    connection: Any, message: Any = None, raw: tuple[str, str, bytes] | None = None
) -> tuple[str, str]:
    try:
        if raw is not None:
            if connection.connection is None:
                connection.open()
            connection.connection.sendmail(raw[0], [raw[1]], raw[2])
        else:
            connection.send_messages([message])
    except smtplib.SMTPRecipientsRefused as error:
        detail = next(iter(error.recipients.values()), (0, b""))
        return RecipientStatus.BOUNCED, f"{detail[0]} {detail[1]!r}"[:500]
    except smtplib.SMTPServerDisconnected:
        # Open a fresh connection for the rest of the batch; this one is not retried.
        with contextlib.suppress(Exception):
            connection.close()
        connection.connection = None
        connection.open()
        return RecipientStatus.FAILED, "server disconnected"
    except (smtplib.SMTPException, OSError) as error:
        return RecipientStatus.FAILED, str(error)[:500]
    return RecipientStatus.SENT, ""


def _record(results: list[tuple[int, str, str, str]]) -> None:
    """What happened to each recipient: one UPDATE for everything sent, one per problem."""
    now = timezone.now()
    sent = [pk for pk, status, _error, _mid in results if status == RecipientStatus.SENT]
    with transaction.atomic():
        for chunk in range(0, len(sent), 1000):
            CampaignRecipient.objects.filter(pk__in=sent[chunk : chunk + 1000]).update(
                status=RecipientStatus.SENT, sent_at=now
            )
        for pk, status, error, _mid in results:
            if status != RecipientStatus.SENT:
                CampaignRecipient.objects.filter(pk=pk).update(status=status, error=error)


def _finish_if_done(campaign: Campaign) -> None:
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        busy = CampaignRecipient.objects.filter(
            campaign=locked, status__in=[RecipientStatus.PENDING, RecipientStatus.SENDING]
        ).exists()
        if locked.status == CampaignStatus.SENDING and not busy:
            locked.status = CampaignStatus.SENT
            locked.finished_at = timezone.now()
            locked.save(update_fields=["status", "finished_at"])


def record_bounce(store: Store, message_id: str, reason: str) -> bool:
    """A bounce report (DSN) for a message we sent: the email channel calls this."""
    updated = (
        scoped(CampaignRecipient, store)
        .filter(message_id=message_id.strip())
        .update(status=RecipientStatus.BOUNCED, error=reason[:500])
    )
    return bool(updated)


def send_test(campaign: Campaign, to: str, language: str | None = None) -> None:
    """The campaign as a subscriber would get it, to one address (not a subscriber)."""
    to = clean_email(to)
    store = campaign.store
    settings_row = mailing_settings(store)
    subject = _("[Test] %(subject)s") % {"subject": campaign.subject}
    rendered = mail.render(store, subject, campaign.body, language or campaign.language)
    message = mail.message(
        store, settings_row, rendered, to=to, subscriber_id=0, campaign_id=campaign.pk
    )
    message.send()


def due_campaigns(now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        Campaign.objects.filter(status=CampaignStatus.SCHEDULED, scheduled_for__lte=now)
        .order_by("scheduled_for")
        .values_list("pk", flat=True)
    )


def start_due_campaigns(now: datetime | None = None) -> dict[str, int]:
    started = empty = 0
    for pk in due_campaigns(now):
        campaign = Campaign.objects.select_related("store").get(pk=pk)
        try:
            start_sending(campaign)
            started += 1
        except ValidationError:
            # The segment emptied since it was scheduled: back to draft, nothing sent.
            Campaign.objects.filter(pk=pk, status=CampaignStatus.SCHEDULED).update(
                status=CampaignStatus.DRAFT
            )
            empty += 1
    return {"started": started, "empty": empty}


def results(campaign: Campaign) -> dict[str, int]:
    counts = dict(
        CampaignRecipient.objects.filter(campaign=campaign)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    counts["opened"] = CampaignRecipient.objects.filter(
        campaign=campaign, opened_at__isnull=False
    ).count()
    counts["clicked"] = CampaignRecipient.objects.filter(
        campaign=campaign, clicked_at__isnull=False
    ).count()
    return counts


# --- automated emails -----------------------------------------------------------------------

DEFAULT_DAYS = {
    AutomationKind.THANK_YOU: 0,
    AutomationKind.CHECK_IN: 3,
    AutomationKind.REVIEW: 14,
    AutomationKind.LICENCE_ENDING: 7,
    AutomationKind.SALE_ENDING: 1,
}


def _default_text(kind: str) -> tuple[str, str]:
    if kind == AutomationKind.THANK_YOU:
        return _("Thank you for your purchase"), _(
            "Thank you for buying from us. Answers to common questions are in our help center: "
            "{help_url}"
        )
    if kind == AutomationKind.CHECK_IN:
        return _("How is it going?"), _(
            "A few days ago you bought from us. How is it going? Reply to this email if anything "
            "is unclear; we read every message."
        )
    if kind == AutomationKind.REVIEW:
        return _("Would you review your purchase?"), _(
            "Two weeks have passed since your purchase. A short review helps other buyers "
            "decide: {store_url}"
        )
    if kind == AutomationKind.LICENCE_ENDING:
        return _("Your licence ends soon"), _(
            "Your licence ends within a few days. Renew it in time to keep your updates: "
            "{store_url}"
        )
    return _("The sale ends soon"), _("{product} is on sale only until {ends}: {store_url}")


def automations(store: Store) -> list[AutomatedEmail]:
    """The store's automated emails, created with defaults in its language on first use."""
    from django.utils import translation

    existing = {a.kind: a for a in scoped(AutomatedEmail, store)}
    missing = [kind for kind in AutomationKind.values if kind not in existing]
    if missing:
        with translation.override(store.default_language):
            for kind in missing:
                subject, body = _default_text(kind)
                try:
                    with transaction.atomic():
                        existing[kind] = AutomatedEmail.objects.create(
                            store=store,
                            kind=kind,
                            days=DEFAULT_DAYS[AutomationKind(kind)],
                            subject=subject,
                            body=body,
                            language=store.default_language,
                        )
                except IntegrityError:
                    existing[kind] = scoped(AutomatedEmail, store).get(kind=kind)
    return [existing[kind] for kind in AutomationKind.values]


def unsubscribed_emails(store: Store) -> Any:
    return scoped(Subscriber, store).filter(status=SubscriberStatus.UNSUBSCRIBED).values("email")


def unsubscribe_by_mail(subject: str) -> bool:
    """The `mailto:` half of List-Unsubscribe: an email whose subject is "unsubscribe <token>".

    For the email channel to call on inbound mail; True when a valid token unsubscribed someone
    (a forged or damaged token changes nothing).
    """
    from dukkan.marketing.tokens import BadToken, read_list_token, verify_list_token

    words = subject.strip().split()
    if len(words) != 2 or words[0].lower() != "unsubscribe":
        return False
    try:
        claim = read_list_token(words[1])
        store = Store.objects.filter(pk=claim.store_id).first()
        if store is None:
            return False
        verify_list_token(words[1], store)
    except BadToken:
        return False
    return (
        unsubscribe(
            store, claim.subscriber_id, source="mailto", ip=None, campaign_id=claim.campaign_id
        )
        is not None
    )
