"""Listing review: B's reviews and feedback stay B's; A cannot resubmit B's listing."""

from __future__ import annotations

from typing import Any

from dukkan.catalog.models import Product
from dukkan.moderation.models import ListingReview
from tests.isolation.walker import World


def build(world: World) -> None:
    product = Product.objects.create(
        store=world.b, title="Bravo listing 7k3q", slug="bravo-listing-7k3q", visibility="published"
    )
    world.extra["listing_review"] = ListingReview.objects.create(
        store=world.b,
        product=product,
        status="changes_requested",
        reasons="Bravo private feedback 7k3q",
    )


def private_markers(world: World) -> list[str]:
    return ["Bravo private feedback 7k3q"]


def snapshot(world: World) -> Any:
    return list(ListingReview.objects.filter(store=world.b).values_list())


def __getattr__(name: str) -> Any:
    if name != "PARAMETERS":
        raise AttributeError(name)
    from tests.isolation.walker import Param

    return {
        "listing_review_id": Param(
            lambda w: str(w.extra["listing_review"].pk), True, "B's listing review"
        )
    }
