"""Mailing list: B's subscribers, segments, campaigns and links stay B's."""

from __future__ import annotations

from typing import Any

from dukkan.marketing import services
from dukkan.marketing.models import (
    Campaign,
    CampaignRecipient,
    Segment,
    Subscriber,
    SubscriberStatus,
    SubscriptionEvent,
)
from dukkan.marketing.tokens import make_confirm_token, make_list_token, make_tracking_token
from tests.isolation.walker import World

SUBSCRIBER = "bravo-subscriber-5t8n@bravo-private.example"


def build(world: World) -> None:
    subscriber = services.subscribe(
        world.b, SUBSCRIBER, source="dashboard", language="en", confirmed_already=True
    ).subscriber
    segment = services.save_segment(world.b, name="Bravo segment", rules=[])
    campaign = Campaign.objects.create(
        store=world.b, subject="Bravo launch", body="Bravo", language="en", segment=segment
    )
    recipient = CampaignRecipient.objects.create(
        store=world.b, campaign=campaign, subscriber=subscriber, email=SUBSCRIBER
    )
    world.extra.update(
        marketing_subscriber=subscriber,
        marketing_segment=segment,
        marketing_campaign=campaign,
        marketing_recipient=recipient,
    )


def _forged_list_token(world: World) -> str:
    # B's subscriber, signed with A's key: A can make these; they must change nothing.
    real = make_list_token(world.a, world.extra["marketing_subscriber"].pk)
    parts = real.split(".")
    parts[0] = make_list_token(world.b, 1).split(".")[0]
    return ".".join(parts)


def _forged_confirm_token(world: World) -> str:
    return make_confirm_token(world.a, world.extra["marketing_subscriber"].pk, SUBSCRIBER)


def _forged_tracking_token(world: World) -> str:
    real = make_tracking_token(world.b, world.extra["marketing_recipient"].pk)
    return real[:-4] + ("AAAA" if not real.endswith("AAAA") else "BBBB")


def __getattr__(name: str) -> Any:
    if name != "PARAMETERS":
        raise AttributeError(name)
    from tests.isolation.walker import Param

    return {
        "segment_id": Param(lambda w: str(w.extra["marketing_segment"].pk), True, "B's segment"),
        "campaign_id": Param(lambda w: str(w.extra["marketing_campaign"].pk), True, "B's campaign"),
        "list_token": Param(
            _forged_list_token,
            True,
            "unsubscribe/manage links are mailed to B's subscribers; A can only forge one",
        ),
        "confirm_token": Param(
            _forged_confirm_token,
            True,
            "a double opt-in link is mailed to the subscriber; A can only sign one with its key",
        ),
        "tracking_token": Param(
            _forged_tracking_token, True, "open/click tracking of B's recipient, forged"
        ),
    }


PUBLIC_ROUTES = {
    "marketing_storefront:subscribe": "the subscribe form is for every visitor (double opt-in)",
    "marketing_storefront:confirm": "a forged confirmation link answers the bad-link page",
    "marketing_storefront:manage": "a forged manage link answers the bad-link page",
    "marketing_public:unsubscribe": "a forged unsubscribe link answers the bad-link page",
    "marketing_public:open": "the tracking pixel answers the same picture to everybody",
    "marketing_public:click": "a forged click link answers the bad-link page, never redirects",
}


def private_markers(world: World) -> list[str]:
    return [SUBSCRIBER, "Bravo segment", "Bravo launch"]


def snapshot(world: World) -> Any:
    # Anyone may ask to join B's list (a pending row); nothing else of B's may change.
    return (
        list(
            Subscriber.objects.filter(store=world.b)
            .exclude(status=SubscriberStatus.PENDING)
            .order_by("pk")
            .values_list()
        ),
        SubscriptionEvent.objects.filter(store=world.b).exclude(action="requested").count(),
        list(Segment.objects.filter(store=world.b).order_by("pk").values_list()),
        list(Campaign.objects.filter(store=world.b).order_by("pk").values_list()),
        list(CampaignRecipient.objects.filter(store=world.b).order_by("pk").values_list()),
    )
