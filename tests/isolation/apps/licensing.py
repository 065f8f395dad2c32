"""Licensing: B's keys, machines, policies and signing keys stay B's."""

from __future__ import annotations

from typing import Any

from dukkan.catalog import services as catalog_services
from dukkan.checkout import services as checkout_services
from dukkan.licensing import dukkan_verify as fmt
from dukkan.licensing import services
from dukkan.licensing.models import Activation, Licence, LicencePolicy, SigningKey
from tests.isolation.walker import World

BUYER = "bravo-licensee-8k3w@bravo-private.example"


def build(world: World) -> None:
    product = catalog_services.create_product(
        world.b, title="Bravo App", kind="software", price_minor=1000, visibility="published"
    )
    policy = services.save_policy(world.b, product, max_activations=2)
    order = checkout_services.start_checkout(world.b, product, email=BUYER, provider="test")
    order = checkout_services.mark_paid(
        order,
        provider="test",
        reference="bravo-licence-pay",
        amount_minor=order.total_minor,
        currency=order.currency,
    )
    services.issue_for_order(order)  # or already done by OrderPaid's handler
    licence = Licence.objects.get(order=order)
    key = services.reveal_key(licence)
    result = services.activate(
        store_id=world.b.pk,
        product_id=product.pk,
        key=key,
        fingerprint_tag=fmt.fingerprint_tag("bravo-machine"),
        name="bravo-private-machine",
    )
    world.extra["licensing_licence"] = licence
    world.extra["licensing_activation"] = result.activation
    world.extra["licensing_product"] = product
    world.extra["licensing_key"] = key
    world.extra["licensing_policy"] = policy


def __getattr__(name: str) -> Any:
    if name != "PARAMETERS":
        raise AttributeError(name)
    from tests.isolation.walker import Param

    return {
        "licence_id": Param(lambda w: str(w.extra["licensing_licence"].pk), True, "B's licence"),
        "activation_id": Param(
            lambda w: str(w.extra["licensing_activation"].pk), True, "a machine on B's licence"
        ),
    }


PUBLIC_ROUTES = {
    "licensing_storefront:offline": "a customer's offline activation; needs B's purchases session, else sends to its sign-in form",
    "licensing_storefront:release": "a customer releases their machine; needs B's purchases session, else sends to its sign-in form",
}


def private_markers(world: World) -> list[str]:
    return [BUYER, world.extra["licensing_key"], "bravo-private-machine"]


def snapshot(world: World) -> Any:
    return (
        list(Licence.objects.filter(store=world.b).order_by("pk").values_list()),
        list(Activation.objects.filter(store=world.b).order_by("pk").values_list()),
        list(LicencePolicy.objects.filter(store=world.b).order_by("pk").values_list()),
        list(SigningKey.objects.filter(store=world.b).order_by("pk").values_list()),
    )
