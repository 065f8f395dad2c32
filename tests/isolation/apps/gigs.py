"""Gigs: B's services, service orders, deliveries and balance stay B's; the operator's pages
refuse a store owner who is not the marketplace operator."""

from __future__ import annotations

from typing import Any

from dukkan.catalog import services as catalog_services
from dukkan.checkout import services as checkout_services
from dukkan.gigs import services
from dukkan.gigs.models import Delivery, GigOrder, LedgerEntry, ServicePackage
from tests.isolation.walker import World

BUYER = "bravo-gig-buyer-5t8v@bravo-private.example"
MESSAGE = "bravo private delivery note 9x4k"


def build(world: World) -> None:
    product = catalog_services.create_product(
        world.b, title="Bravo Service", kind="service", visibility="published"
    )
    (package, *_rest) = services.save_packages(
        product, [services.PackageInput("basic", "Bravo basic", 5000, 2, 1)]
    )
    order = services.order_package(package, email=BUYER, provider="test")
    checkout_services.mark_paid(
        order,
        provider="test",
        reference="bravo-gig",
        amount_minor=order.total_minor,
        currency=order.currency,
    )
    gig = services.create_from_paid_order(order.pk)
    assert gig is not None
    delivery = services.deliver(gig, message=MESSAGE)
    world.extra["gig_order"] = gig
    world.extra["gig_package"] = package
    world.extra["gig_delivery"] = delivery


def _forged_gig_token(world: World) -> str:
    real: str = world.extra["gig_order"].token
    return real[:-6] + ("A" * 6 if not real.endswith("A" * 6) else "B" * 6)


def __getattr__(name: str) -> Any:
    if name != "PARAMETERS":
        raise AttributeError(name)
    from tests.isolation.walker import Param

    return {
        "gig_order_id": Param(lambda w: str(w.extra["gig_order"].pk), True, "B's service order"),
        "gig_action": Param(lambda w: "deliver", False, "an action on a service order"),
        "file_kind": Param(lambda w: "delivery", False, "a delivery's file"),
        "gig_file_id": Param(
            lambda w: str(w.extra["gig_delivery"].pk), True, "a file of B's order"
        ),
        "gig_token": Param(
            _forged_gig_token,
            True,
            "a service order's page is reached by a secret token only its buyer has",
        ),
        "gig_package_id": Param(
            lambda w: str(w.extra["gig_package"].pk),
            False,
            "ordering a package of B's published service is for every visitor",
        ),
        "seller_store_id": Param(
            lambda w: str(w.b.pk), True, "the operator records payouts to B; no store owner may"
        ),
    }


PUBLIC_ROUTES = {
    "gigs_storefront:order_package": "anyone may order a published service (a pending order)",
}

FORM_PAYLOAD = {"message": "taken over", "body": "taken over", "note": "taken over"}


def private_markers(world: World) -> list[str]:
    return [BUYER, MESSAGE]


def snapshot(world: World) -> Any:
    gig: GigOrder = world.extra["gig_order"]
    return (
        list(GigOrder.objects.filter(pk=gig.pk).values_list()),
        list(ServicePackage.objects.filter(store=world.b).order_by("pk").values_list()),
        Delivery.objects.filter(store=world.b).count(),
        list(LedgerEntry.objects.filter(store=world.b).order_by("pk").values_list()),
    )
