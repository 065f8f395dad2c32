"""Reads of the mailing list, for the dashboard, exports and other apps."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.marketing.models import (
    Campaign,
    CampaignRecipient,
    Segment,
    Subscriber,
    SubscriberStatus,
    WebhookDelivery,
)


def search_subscribers(store: Store, *, query: str = "", status: str = "") -> QuerySet[Subscriber]:
    found = scoped(Subscriber, store).order_by("-created_at", "-pk")
    if status in SubscriberStatus.values:
        found = found.filter(status=status)
    query = query.strip().lower()
    if query:
        found = found.filter(email__contains=query)
    return found


def list_counts(store: Store) -> dict[str, int]:
    counts = dict(
        scoped(Subscriber, store)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in SubscriberStatus.values}


def export_rows(store: Store) -> QuerySet[Subscriber]:
    return scoped(Subscriber, store).order_by("pk").iterator(chunk_size=2000)  # type: ignore[return-value]


def segments(store: Store) -> QuerySet[Segment]:
    return scoped(Segment, store)


def campaigns(store: Store) -> QuerySet[Campaign]:
    return scoped(Campaign, store).select_related("segment").order_by("-created_at", "-pk")


def recipients(campaign: Campaign) -> QuerySet[CampaignRecipient]:
    return scoped(CampaignRecipient, campaign.store).filter(campaign=campaign).order_by("pk")


def webhook_deliveries(store: Store) -> QuerySet[WebhookDelivery]:
    return scoped(WebhookDelivery, store)


def is_subscribed(store: Store, email: str) -> bool:
    """For other apps (checkout's consent box may say "you are already on the list")."""
    return (
        scoped(Subscriber, store)
        .filter(email=email.strip().lower(), status=SubscriberStatus.SUBSCRIBED)
        .exists()
    )
