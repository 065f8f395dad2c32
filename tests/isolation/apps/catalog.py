"""Catalog: B's drafts, files and pictures stay B's; B's published pages are public on purpose."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from dukkan.catalog import services
from dukkan.catalog.models import BundleItem, FileVersion, Product, ProductFile, ProductImage
from tests.catalog.conftest import picture_bytes
from tests.isolation.walker import World

DRAFT_TITLE = "Bravo Secret Draft Marmalade"
DRAFT_TEXT = "bravo-unreleased-chapter-7d3f"
FILE_NAME = "bravo-paid-edition-4q8z.pdf"


def build(world: World) -> None:
    public = services.create_product(
        world.b, title="Bravo Catalog Book", price_minor=1500, visibility="published"
    )
    services.set_cover(public, ContentFile(picture_bytes((300, 400)), name="cover.jpg"))
    picture = services.add_gallery_image(
        public, ContentFile(picture_bytes((400, 300)), name="shot.jpg"), alt="shot"
    )
    services.set_sample(public, ContentFile(b"%PDF-1.4 sample", name="sample.pdf"))
    services.add_file(public, ContentFile(b"bravo paid bytes", name=FILE_NAME), title="Edition")
    draft = services.create_product(
        world.b, title=DRAFT_TITLE, description=DRAFT_TEXT, price_minor=900
    )
    bundle = services.create_product(world.b, title="Bravo Bundle", kind="bundle", price_minor=2000)
    services.set_bundle_items(bundle, [public])
    public.refresh_from_db()
    world.extra["catalog_public"] = public
    world.extra["catalog_draft"] = draft
    world.extra["catalog_picture"] = picture


def __getattr__(name: str) -> Any:
    # `Param` is defined in the walker after it imports this module; build on first use.
    if name != "PARAMETERS":
        raise AttributeError(name)
    from tests.isolation.walker import Param

    return {
        "product_id": Param(
            lambda w: str(w.extra["catalog_draft"].pk),
            True,
            "B's draft product in B's dashboard",
        ),
        "product_image_id": Param(
            lambda w: str(w.extra["catalog_picture"].pk),
            True,
            "a picture of B's product gallery",
        ),
        "product_slug": Param(
            lambda w: str(w.extra["catalog_public"].slug),
            False,
            "B's published product: its public pages are for every visitor",
        ),
        "media_path": Param(
            lambda w: str(w.extra["catalog_public"].cover_small.name),
            False,
            "the cover of B's published product: public pictures",
        ),
    }


PUBLIC_ROUTES = {
    "storefront:product": "a published product's page is for every visitor",
    "storefront:sample": "the free sample of a published product is for every visitor",
    "storefront:media": "covers and gallery pictures of published products are public",
}

FORM_PAYLOAD = {
    "kind": "file",
    "title": "Taken over",
    "price": "1",
    "visibility": "published",
    "summary": "Taken over",
    "label": "9.9",
    "alt_text": "Taken over",
    "remove": "1",
    "items": "1",
}


def private_markers(world: World) -> list[str]:
    return [DRAFT_TITLE, DRAFT_TEXT, FILE_NAME]


def snapshot(world: World) -> Any:
    def rows(model: Any) -> list[tuple[Any, ...]]:
        return [
            tuple(r.values())
            for r in model._default_manager.filter(store=world.b).order_by("pk").values()
        ]

    products = [
        tuple(v for k, v in r.items() if k != "quantity_sold")  # anyone may buy: sales move
        for r in Product.objects.filter(store=world.b).order_by("pk").values()
    ]
    return (
        products,
        rows(ProductFile),
        rows(FileVersion),
        rows(ProductImage),
        rows(BundleItem),
    )
