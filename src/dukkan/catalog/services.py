"""Writes to the catalog. Views, the demo, checkout and tests all go through these."""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import F, ProtectedError, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from dukkan.catalog import images
from dukkan.catalog.markdown import render_markdown
from dukkan.catalog.models import (
    BundleItem,
    FileVersion,
    Product,
    ProductFile,
    ProductImage,
    ProductKind,
    Visibility,
    _safe_name,
)
from dukkan.core import pagecache
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped

EDITABLE_FIELDS = (
    "kind",
    "title",
    "slug",
    "summary",
    "description",
    "visibility",
    "price_minor",
    "compare_at_minor",
    "pay_what_you_want",
    "min_price_minor",
    "sale_price_minor",
    "sale_starts_at",
    "sale_ends_at",
    "quantity_limit",
    "show_sales_count",
    "pdf_stamping",
    "cover_alt",
)
MAX_FILE_BYTES = 2 * 1024**3
MAX_SAMPLE_BYTES = 100 * 1024**2
SLUG_LENGTH = 120
_SLUG_DROP = str.maketrans({"\u0640": None})  # tatweel only stretches letters
_SLUG_SPACE = str.maketrans({"\u200c": " "})  # a ZWNJ separates word parts: keep them apart


def slug_for(title: str) -> str:
    """A Unicode slug from a title: Arabic and Persian letters stay, marks and tatweel go."""
    text = title.translate(_SLUG_DROP).translate(_SLUG_SPACE)
    slug = slugify(text, allow_unicode=True)[:SLUG_LENGTH].strip("-")
    return slug or "product"


def unique_slug(store: Store, base: str, *, exclude_pk: int | None = None) -> str:
    taken = set(
        scoped(Product, store)
        .filter(slug__startswith=base[: SLUG_LENGTH - 8])
        .exclude(pk=exclude_pk or 0)
        .values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = base[: SLUG_LENGTH - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        number += 1


PublishCheck = Callable[[Product], None]
_publish_checks: list[PublishCheck] = []


def register_publish_check(check: PublishCheck) -> None:
    """Another app's rule for a product about to be listed (e.g. gigs caps a seller's active
    services by level); the check raises ValidationError to refuse. Registered once, from
    the app's AppConfig.ready()."""
    if check not in _publish_checks:
        _publish_checks.append(check)


def run_publish_checks(product: Product) -> None:
    """Run the registered checks on `product` as it is about to become listed (catalog calls
    this when a draft is published; listing review when it approves)."""
    for check in _publish_checks:
        check(product)


def validate_product(product: Product) -> None:
    """The rules a seller can break in the form, each with a message that says what to fix."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    price = product.price_minor
    if product.compare_at_minor is not None and product.compare_at_minor <= price:
        add("compare_at_minor", _("The compare-at price must be higher than the price."))
    minimum = product.min_price_minor
    if product.pay_what_you_want and minimum is not None and minimum > price:
        add("min_price_minor", _("The minimum price cannot be above the suggested price."))
    sale = product.sale_price_minor
    if sale is not None and sale >= price:
        add("sale_price_minor", _("The sale price must be lower than the regular price."))
    if sale is None and (product.sale_starts_at or product.sale_ends_at):
        add("sale_price_minor", _("Set a sale price for the sale dates to apply."))
    starts, ends = product.sale_starts_at, product.sale_ends_at
    if starts is not None and ends is not None and ends <= starts:
        add("sale_ends_at", _("The sale must end after it starts."))
    if product.quantity_limit is not None and product.quantity_limit < product.quantity_sold:
        add(
            "quantity_limit",
            _("%(sold)s copies are already sold; the limit cannot be lower.")
            % {"sold": product.quantity_sold},
        )
    # A published service is sold only through its packages (gigs prices them for checkout).
    if errors:
        raise ValidationError(errors)


def _save(product: Product, fields: dict[str, Any]) -> Product:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    from dukkan.moderation import services as moderation

    before = moderation.before_save(product)  # what listing review compares the edit with
    was_listed = product.pk is not None and product.visibility != Visibility.DRAFT
    was_kind = product.kind
    for name, value in fields.items():
        setattr(product, name, value)
    product.title = (product.title or "").strip()
    if not product.slug:
        product.slug = unique_slug(product.store, slug_for(product.title), exclude_pk=product.pk)
    elif scoped(Product, product.store).filter(slug=product.slug).exclude(pk=product.pk).exists():
        raise ValidationError(
            {"slug": _("Another product of this store already uses this address.")}
        )
    if not product.pay_what_you_want:
        product.min_price_minor = None
    product.full_clean(exclude=["store", "cover", "cover_small", "cover_large", "sample"])
    validate_product(product)
    if product.visibility != Visibility.DRAFT and product.published_at is None:
        product.published_at = timezone.now()
    with transaction.atomic():
        if product.visibility != Visibility.DRAFT and (not was_listed or product.kind != was_kind):
            run_publish_checks(product)  # inside: a check may lock rows until the save commits
        if product.pk is None:
            product.save()
        else:
            # Never write `quantity_sold` back: sales may have moved it since this row was read.
            product.save(update_fields=[*EDITABLE_FIELDS, "published_at", "updated_at"])
        # With "review listings" on, a new or substantially changed listing waits in the queue.
        moderation.submit_for_review(product, before)
    return product


def create_product(store: Store, *, title: str, **fields: Any) -> Product:
    """A new product (a draft unless `visibility` says otherwise); ValidationError if invalid."""
    return _save(Product(store=store), {"title": title, **fields})


def update_product(product: Product, **fields: Any) -> Product:
    """Change some of a product's fields; nothing is saved when the result is invalid."""
    fresh = Product.objects.select_related("store").get(pk=product.pk)
    saved = _save(fresh, fields)
    product.refresh_from_db()
    return saved


def delete_product(product: Product) -> None:
    """Delete a product nobody bought (and its files); a sold one can only be unpublished,
    since its buyers keep their downloads."""
    if product.quantity_sold:
        raise ValidationError(
            _("Buyers have this product, so it cannot be deleted; make it a draft instead.")
        )
    stored = [product.cover, product.cover_large, product.cover_small, product.sample]
    stored += [p.image for p in scoped(ProductImage, product.store).filter(product=product)]
    stored += [p.thumbnail for p in scoped(ProductImage, product.store).filter(product=product)]
    stored += [
        v.upload for v in scoped(FileVersion, product.store).filter(product_file__product=product)
    ]
    try:
        with transaction.atomic():
            product.delete()
            _delete_files(*stored)
    except ProtectedError as error:
        raise ValidationError(
            _("Orders refer to this product, so it cannot be deleted; make it a draft instead.")
        ) from error


# --- files -------------------------------------------------------------------------------


def add_product_file(product: Product, title: str) -> ProductFile:
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Give the file a name buyers will recognise.")})
    position = scoped(ProductFile, product.store).filter(product=product).count()
    return ProductFile.objects.create(
        store=product.store, product=product, title=title[:200], position=position
    )


def _digest(upload: File[Any]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return digest.hexdigest(), size


def upload_version(product_file: ProductFile, upload: File[Any], *, label: str = "") -> FileVersion:
    """A new upload of the file: it becomes the current version; the older ones stay."""
    name = _safe_name(upload.name or "file")
    sha256, size = _digest(upload)
    if size == 0:
        raise ValidationError({"upload": _("The file is empty.")})
    if size > MAX_FILE_BYTES:
        raise ValidationError({"upload": _("Files can be at most 2 GB.")})
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    label = label.strip()[:40]
    if not label:
        count = scoped(FileVersion, product_file.store).filter(product_file=product_file).count()
        label = str(count + 1)
    version = FileVersion(
        store=product_file.store,
        product_file=product_file,
        label=label,
        original_name=name,
        size=size,
        sha256=sha256,
        content_type=content_type,
    )
    version.upload.save(name, upload, save=False)
    with transaction.atomic():
        version.save()
        Product.objects.filter(pk=product_file.product_id).update(updated_at=timezone.now())
    return version


def add_file(
    product: Product, upload: File[Any], *, title: str = "", label: str = ""
) -> FileVersion:
    """Upload `upload` as a new version of the product's file titled `title` (made if new)."""
    title = (title or _safe_name(upload.name or "file")).strip()
    existing = scoped(ProductFile, product.store).filter(product=product, title=title).first()
    product_file = existing or add_product_file(product, title)
    return upload_version(product_file, upload, label=label)


def rename_file(product_file: ProductFile, title: str) -> ProductFile:
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Give the file a name buyers will recognise.")})
    product_file.title = title[:200]
    product_file.save(update_fields=["title"])
    return product_file


# --- pictures and the sample ---------------------------------------------------------------


def _delete_later(storage: Any, name: str) -> None:
    """Remove a replaced file once the change is committed (a rollback keeps it)."""
    transaction.on_commit(lambda: storage.delete(name))


def _delete_files(*fields: Any) -> None:
    for field in fields:
        if field:
            _delete_later(field.storage, field.name)


def set_cover(product: Product, upload: Any, *, alt: str | None = None) -> Product:
    """A new cover: re-encoded and thumbnailed (320 and 960 px); non-pictures are refused."""
    original, large, small = images.renditions(
        upload, (images.ORIGINAL_WIDTH, images.LARGE_WIDTH, images.SMALL_WIDTH)
    )
    old = (product.cover, product.cover_large, product.cover_small)
    old_names = [str(f.name) for f in old if f]
    product.cover.save("cover.webp", original.content, save=False)
    product.cover_large.save("cover-960.webp", large.content, save=False)
    product.cover_small.save("cover-320.webp", small.content, save=False)
    if alt is not None:
        product.cover_alt = alt.strip()[:200]
    with transaction.atomic():
        product.save(
            update_fields=["cover", "cover_large", "cover_small", "cover_alt", "updated_at"]
        )
        for name in old_names:
            _delete_later(product.cover.storage, name)
    return product


def clear_cover(product: Product) -> Product:
    _delete_files(product.cover, product.cover_large, product.cover_small)
    product.cover = product.cover_large = product.cover_small = None
    product.save(update_fields=["cover", "cover_large", "cover_small", "updated_at"])
    return product


def add_gallery_image(product: Product, upload: Any, *, alt: str = "") -> ProductImage:
    large, small = images.renditions(upload, (images.ORIGINAL_WIDTH, images.SMALL_WIDTH))
    position = scoped(ProductImage, product.store).filter(product=product).count()
    picture = ProductImage(
        store=product.store,
        product=product,
        width=large.width,
        height=large.height,
        position=position,
        alt_text=alt.strip()[:200],
    )
    picture.image.save("image.webp", large.content, save=False)
    picture.thumbnail.save("image-320.webp", small.content, save=False)
    with transaction.atomic():
        picture.save()
        Product.objects.filter(pk=product.pk).update(updated_at=timezone.now())
    return picture


def remove_gallery_image(picture: ProductImage) -> None:
    with transaction.atomic():
        _delete_files(picture.image, picture.thumbnail)
        picture.delete()


def set_sample(product: Product, upload: File[Any], *, name: str = "") -> Product:
    """The free sample shown on the product page (any file type, at most 100 MB)."""
    size = _digest(upload)[1]
    if size == 0:
        raise ValidationError({"sample": _("The file is empty.")})
    if size > MAX_SAMPLE_BYTES:
        raise ValidationError({"sample": _("A sample can be at most 100 MB.")})
    filename = _safe_name(name or upload.name or "sample")
    old = product.sample.name if product.sample else None
    product.sample.save(filename, upload, save=False)
    product.sample_name = filename
    with transaction.atomic():
        product.save(update_fields=["sample", "sample_name", "updated_at"])
        if old:
            _delete_later(product.sample.storage, old)
    return product


def clear_sample(product: Product) -> Product:
    _delete_files(product.sample)
    product.sample = None
    product.sample_name = ""
    product.save(update_fields=["sample", "sample_name", "updated_at"])
    return product


def set_bundle_items(bundle: Product, items: Iterable[Product]) -> list[BundleItem]:
    """The products a bundle contains (same store; no bundles inside bundles, no services)."""
    chosen = list(dict.fromkeys(items))
    if bundle.kind != ProductKind.BUNDLE:
        raise ValidationError({"items": _("Only a bundle can contain other products.")})
    for item in chosen:
        if item.store_id != bundle.store_id:
            raise ValidationError({"items": _("A bundle can only contain this store's products.")})
        if item.pk == bundle.pk or item.kind in (ProductKind.BUNDLE, ProductKind.SERVICE):
            raise ValidationError(
                {"items": _("A bundle can contain files and software, not bundles or services.")}
            )
    with transaction.atomic():
        scoped(BundleItem, bundle.store).filter(bundle=bundle).delete()
        made = [
            BundleItem.objects.create(store=bundle.store, bundle=bundle, item=item, position=n)
            for n, item in enumerate(chosen)
        ]
        Product.objects.filter(pk=bundle.pk).update(updated_at=timezone.now())
    return made


# --- copies ----------------------------------------------------------------------------------


def _sales_changed() -> None:
    """Pages that show copies left or sold are old now, and again once the sale commits."""
    pagecache.bump_stores_version()
    transaction.on_commit(pagecache.bump_stores_version)


def _sales_shown(product: Product) -> bool:
    return product.quantity_limit is not None or product.show_sales_count


def reserve_copies(product: Product, quantity: int = 1) -> bool:
    """Take `quantity` copies, or none if that would pass the limit. One conditional UPDATE:
    the database serialises concurrent calls, so a limit of 50 sells exactly 50, never 51.
    Checkout calls this for every sale (limited or not): `quantity_sold` is also the sales count.
    """
    if quantity < 1:
        raise ValueError("quantity must be positive")
    updated = (
        Product.objects.filter(pk=product.pk)
        .filter(
            Q(quantity_limit__isnull=True) | Q(quantity_sold__lte=F("quantity_limit") - quantity)
        )
        .update(quantity_sold=F("quantity_sold") + quantity)
    )
    if updated and _sales_shown(product):
        _sales_changed()
    return bool(updated)


def release_copies(product: Product, quantity: int = 1) -> None:
    """Give back copies of a sale that did not happen (a cancelled or failed order)."""
    if quantity < 1:
        raise ValueError("quantity must be positive")
    Product.objects.filter(pk=product.pk, quantity_sold__gte=quantity).update(
        quantity_sold=F("quantity_sold") - quantity
    )
    if _sales_shown(product):
        _sales_changed()


# --- reading helpers that render -------------------------------------------------------------


def render_description(product: Product) -> str:
    """The description as safe HTML (Markdown, sanitised; cached per text)."""
    return render_markdown(product.description, product.store.slug, product.store_id)


def preview_markdown(store: Store, text: str) -> str:
    return render_markdown(text, store.slug, store.pk)
