"""Public pages show products: any change to one makes the cached store and product pages old."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from dukkan.catalog.models import BundleItem, FileVersion, Product, ProductFile, ProductImage
from dukkan.core import pagecache


def _catalog_changed(sender: type[Any], **kwargs: Any) -> None:
    # As for stores: now, and again after commit (a reader in between may cache the old row).
    pagecache.bump_stores_version()
    transaction.on_commit(pagecache.bump_stores_version)


def connect() -> None:
    for model in (Product, ProductImage, ProductFile, FileVersion, BundleItem):
        uid = f"dukkan.catalog.{model.__name__}"
        post_save.connect(_catalog_changed, sender=model, dispatch_uid=f"{uid}.saved")
        post_delete.connect(_catalog_changed, sender=model, dispatch_uid=f"{uid}.deleted")
