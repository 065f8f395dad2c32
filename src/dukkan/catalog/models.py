"""The catalog: what a store sells.

A `Product` is one thing on sale: downloadable files, software (licence keys come with the
licensing issue), a bundle of other products, or (reserved for the marketplace issue) a
service. Its files are `ProductFile`s with `FileVersion`s: a new upload becomes the current
version and the older ones stay, so buyers keep what they bought.

Money is integer minor units in the store's currency (`store.currency`).
Paid files and free samples live in the private storage (`STORAGES["private"]`), which has
no public URL: files leave only through delivery's signed links or the sample view.
"""

from __future__ import annotations

import secrets
from pathlib import PurePosixPath
from typing import Any

from django.core.validators import validate_unicode_slug
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dukkan.catalog.storage import private_storage
from dukkan.core.tenancy import StoreOwned


def _safe_name(filename: str) -> str:
    name = PurePosixPath(filename.replace("\\", "/")).name or "file"
    return name[-120:]


def _store_path(instance: Any, kind: str, filename: str) -> str:
    return f"catalog/{instance.store_id}/{kind}/{secrets.token_hex(8)}/{_safe_name(filename)}"


def file_upload_to(instance: Any, filename: str) -> str:
    return _store_path(instance, "files", filename)


def sample_upload_to(instance: Any, filename: str) -> str:
    return _store_path(instance, "samples", filename)


def image_upload_to(instance: Any, filename: str) -> str:
    return _store_path(instance, "images", filename)


class ProductKind(models.TextChoices):
    FILE = "file", _("Downloadable files")
    SOFTWARE = "software", _("Software with licence keys")
    BUNDLE = "bundle", _("Bundle of products")
    SERVICE = "service", _("Service")  # the marketplace issue; not sellable yet


SELLABLE_KINDS = (ProductKind.FILE, ProductKind.SOFTWARE, ProductKind.BUNDLE)


class Visibility(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    UNLISTED = "unlisted", _("Unlisted (only by link)")


class Product(StoreOwned):
    kind = models.CharField(
        _("type"), max_length=20, choices=ProductKind.choices, default=ProductKind.FILE
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("address"),
        max_length=120,
        allow_unicode=True,
        validators=[validate_unicode_slug],
        help_text=_("Used in the product's web address; made from the title when left empty."),
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown: **bold**, lists, links, tables.")
    )
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.DRAFT
    )
    price_minor = models.PositiveBigIntegerField(_("price"), default=0)
    compare_at_minor = models.PositiveBigIntegerField(_("compare-at price"), null=True, blank=True)
    pay_what_you_want = models.BooleanField(_("pay what you want"), default=False)
    min_price_minor = models.PositiveBigIntegerField(_("minimum price"), null=True, blank=True)
    sale_price_minor = models.PositiveBigIntegerField(_("sale price"), null=True, blank=True)
    sale_starts_at = models.DateTimeField(_("sale starts"), null=True, blank=True)
    sale_ends_at = models.DateTimeField(_("sale ends"), null=True, blank=True)
    quantity_limit = models.PositiveIntegerField(
        _("limited quantity"), null=True, blank=True, help_text=_("Empty: unlimited.")
    )
    quantity_sold = models.PositiveIntegerField(_("copies sold"), default=0)
    show_sales_count = models.BooleanField(_("show how many bought it"), default=False)
    pdf_stamping = models.BooleanField(
        _("stamp PDFs with the buyer's email"),
        default=False,
        help_text=_("PDF files are stamped with the buyer's name and email at download time."),
    )
    cover = models.ImageField(
        _("cover image"), upload_to=image_upload_to, null=True, blank=True, max_length=300
    )
    cover_small = models.ImageField(
        upload_to=image_upload_to, null=True, blank=True, max_length=300
    )
    cover_large = models.ImageField(
        upload_to=image_upload_to, null=True, blank=True, max_length=300
    )
    cover_alt = models.CharField(_("cover description"), max_length=200, blank=True)
    sample = models.FileField(
        _("free sample"),
        upload_to=sample_upload_to,
        storage=private_storage,
        null=True,
        blank=True,
        max_length=300,
    )
    sample_name = models.CharField(_("sample file name"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-published_at", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["store", "slug"], name="catalog_product_unique_slug"),
            models.CheckConstraint(
                condition=Q(quantity_limit__isnull=True)
                | Q(quantity_sold__lte=models.F("quantity_limit")),
                name="catalog_product_not_oversold",
            ),
        ]
        indexes = [models.Index(fields=["store", "visibility", "-published_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def currency(self) -> str:
        return self.store.currency

    @property
    def is_sellable(self) -> bool:
        return self.kind in SELLABLE_KINDS and self.visibility != Visibility.DRAFT


class ProductImage(StoreOwned):
    """One picture of the gallery."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to=image_upload_to, max_length=300)
    thumbnail = models.ImageField(upload_to=image_upload_to, null=True, blank=True, max_length=300)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)
    alt_text = models.CharField(_("description"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.alt_text or str(self.image.name)


class ProductFile(StoreOwned):
    """A file the buyer gets (for example "The book (PDF)"); its content lives in versions."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="files")
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def current_version(self) -> FileVersion | None:
        """The newest upload (uses prefetched versions when there are some)."""
        from dukkan.catalog.selectors import current_version

        return current_version(self)


class FileVersion(StoreOwned):
    """One upload of a `ProductFile`; the newest is current, older ones stay for buyers."""

    product_file = models.ForeignKey(ProductFile, on_delete=models.CASCADE, related_name="versions")
    label = models.CharField(_("version"), max_length=40, blank=True)
    upload = models.FileField(upload_to=file_upload_to, storage=private_storage, max_length=300)
    original_name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=120, default="application/octet-stream")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.product_file.title} {self.label}".strip()


class BundleItem(StoreOwned):
    bundle = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="bundle_items")
    item = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="in_bundles")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "item"], name="catalog_bundle_item_once"),
            models.CheckConstraint(
                condition=~Q(bundle=models.F("item")), name="catalog_bundle_not_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bundle_id} ⊃ {self.item_id}"
