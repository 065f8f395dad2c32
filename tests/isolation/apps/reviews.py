"""Reviews: B's reviews are replied to by B's team only; a review needs the buyer's order."""

from __future__ import annotations

from typing import Any

from dukkan.gigs import services as gigs
from dukkan.reviews import services
from dukkan.reviews.models import Review
from tests.isolation.walker import World


def build(world: World) -> None:
    gig = world.extra["gig_order"]
    gigs.accept(gig)
    world.extra["review"] = services.submit_review(
        gig.checkout_order, gig.product, rating=4, comment="Bravo review"
    )


def __getattr__(name: str) -> Any:
    if name != "PARAMETERS":
        raise AttributeError(name)
    from tests.isolation.walker import Param

    return {
        "review_id": Param(lambda w: str(w.extra["review"].pk), True, "B's review"),
    }


PUBLIC_ROUTES = {
    "reviews_storefront:profile": "a seller's reviews are public",
}

FORM_PAYLOAD = {"reply": "taken over", "rating": "1", "comment": "taken over"}


def private_markers(world: World) -> list[str]:
    return []


def snapshot(world: World) -> Any:
    return list(Review.objects.filter(store=world.b).order_by("pk").values_list())
