"""Writes of promotions: coupons (one or a batch), their redemption, sales and offers.

Checkout calls `price_lines` and `redeem` while it creates an order, and `release_for_order` /
`retake_for_order` when the order fails, is cancelled or is paid late. Other apps (the
affiliates' coupons) create coupons through `create_coupon`.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dukkan.catalog.models import Product
from dukkan.core.models import Store
from dukkan.core.money import format_money, validate_currency
from dukkan.core.tenancy import scoped
from dukkan.promotions.models import (
    Audience,
    Coupon,
    CouponBatch,
    CouponKind,
    CrossSell,
    Redemption,
    RedemptionStatus,
    StoreSale,
    UpgradePath,
    Upsell,
)

if TYPE_CHECKING:
    from dukkan.checkout.models import Order

CODE_MAX = 64
CODE_MIN = 3
_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]*$")
_DIGITS = str.maketrans(
    {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}
)
# Codes a person reads from a list and types: no 0/O, 1/I/L look-alikes.
_BATCH_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
BATCH_MAX = 10_000
PERCENT_MAX_BP = 10_000
FIXED_MAX = 10**12


class CouponError(ValidationError):
    """The code does not apply to this order; the message says why (for the buyer)."""


def normalise_code(code: str) -> str:
    """What a code is stored and looked up as: trimmed, ASCII digits, upper case."""
    return (code or "").strip().translate(_DIGITS).upper()


def validate_code(code: str) -> str:
    normal = normalise_code(code)
    if not normal:
        raise ValidationError(_("Enter a code."), code="code_empty")
    if len(normal) < CODE_MIN or len(normal) > CODE_MAX:
        raise ValidationError(
            _("A code has %(min)s to %(max)s characters.") % {"min": CODE_MIN, "max": CODE_MAX},
            code="code_length",
        )
    if not _CODE_RE.match(normal):
        raise ValidationError(
            _(
                "A code may contain only Latin letters A–Z, digits, “-” and “_”, "
                "and starts with a letter or digit."
            ),
            code="code_characters",
        )
    return normal


# ------------------------------------------------------------------------------ coupons


def _store_products(store: Store, ids: Iterable[int], field: str) -> list[Product]:
    wanted = {int(pk) for pk in ids}
    if not wanted:
        return []
    found = list(scoped(Product, store).filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise ValidationError({field: [_("Choose products of this store.")]}, code="products")
    return found


def _validate_terms(
    store: Store,
    *,
    kind: str,
    value: int,
    currency: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    max_uses: int | None,
    max_uses_per_customer: int | None,
    min_order_minor: int,
    audience: str,
) -> str:
    """Check an owner's terms; returns the coupon's currency ("" for a percentage)."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if kind not in CouponKind.values:
        add("kind", _("Choose a percentage or a fixed amount."))
    if not isinstance(value, int) or isinstance(value, bool):
        add("value", _("Enter the discount as a whole number."))
    elif value <= 0:
        add("value", _("A discount must be more than zero."))
    elif kind == CouponKind.PERCENT and value > PERCENT_MAX_BP:
        add("value", _("A percentage discount is at most 100%."))
    elif kind == CouponKind.FIXED and value > FIXED_MAX:
        add("value", _("That amount is too large."))
    currency = (currency or "").strip().upper()
    if kind == CouponKind.FIXED:
        currency = currency or store.currency
        try:
            validate_currency(currency)
        except ValidationError as error:
            add("currency", error.messages[0])
    else:
        currency = ""
    if starts_at is not None and timezone.is_naive(starts_at):
        add("starts_at", _("Give the start with its time zone."))
    if ends_at is not None and timezone.is_naive(ends_at):
        add("ends_at", _("Give the end with its time zone."))
    if (
        starts_at is not None
        and ends_at is not None
        and not errors.get("starts_at")
        and not errors.get("ends_at")
        and ends_at <= starts_at
    ):
        add("ends_at", _("The end must be after the start."))
    for name, number in (("max_uses", max_uses), ("max_uses_per_customer", max_uses_per_customer)):
        if number is not None and (not isinstance(number, int) or number < 1):
            add(name, _("A limit is at least 1 (leave it empty for no limit)."))
    if not isinstance(min_order_minor, int) or min_order_minor < 0:
        add("min_order_minor", _("The minimum order cannot be negative."))
    if audience not in Audience.values:
        add("audience", _("Choose who may use the coupon."))
    if errors:
        raise ValidationError(errors)
    return currency


def create_coupon(
    store: Store,
    *,
    code: str,
    kind: str,
    value: int,
    currency: str = "",
    product_ids: Sequence[int] = (),
    excluded_product_ids: Sequence[int] = (),
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    max_uses: int | None = None,
    max_uses_per_customer: int | None = None,
    min_order_minor: int = 0,
    audience: str = Audience.EVERYONE,
    stackable: bool = False,
    single_use: bool = False,
    label: str = "",
    batch: CouponBatch | None = None,
) -> Coupon:
    """A new coupon of `store`. Raises `ValidationError` (per field) and writes nothing then.

    `value` is basis points for a percentage (2000 = 20 %), minor units for a fixed amount.
    A single-use coupon is used once in all (`max_uses` = 1).
    """
    try:
        normal = validate_code(code)
    except ValidationError as error:
        raise ValidationError({"code": error.messages}) from error
    currency = _validate_terms(
        store,
        kind=kind,
        value=value,
        currency=currency,
        starts_at=starts_at,
        ends_at=ends_at,
        max_uses=max_uses,
        max_uses_per_customer=max_uses_per_customer,
        min_order_minor=min_order_minor,
        audience=audience,
    )
    included = _store_products(store, product_ids, "product_ids")
    excluded = _store_products(store, excluded_product_ids, "excluded_product_ids")
    if single_use:
        max_uses = 1
    try:
        with transaction.atomic():
            coupon = Coupon.objects.create(
                store=store,
                code=normal,
                label=(label or "").strip()[:120],
                kind=kind,
                value=value,
                currency=currency,
                starts_at=starts_at,
                ends_at=ends_at,
                max_uses=max_uses,
                max_uses_per_customer=max_uses_per_customer,
                min_order_minor=min_order_minor,
                audience=audience,
                stackable=stackable,
                single_use=single_use,
                batch=batch,
            )
            if included:
                coupon.products.set(included)
            if excluded:
                coupon.excluded_products.set(excluded)
    except IntegrityError as error:
        raise ValidationError(
            {"code": [_("This store already has a coupon with that code.")]}, code="duplicate"
        ) from error
    return coupon


def update_coupon(
    coupon: Coupon,
    *,
    label: str,
    kind: str,
    value: int,
    currency: str = "",
    product_ids: Sequence[int] = (),
    excluded_product_ids: Sequence[int] = (),
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    max_uses: int | None = None,
    max_uses_per_customer: int | None = None,
    min_order_minor: int = 0,
    audience: str = Audience.EVERYONE,
    stackable: bool = False,
    is_active: bool = True,
) -> Coupon:
    """Change a coupon's terms (its code stays: links and lists already carry it)."""
    store = coupon.store
    currency = _validate_terms(
        store,
        kind=kind,
        value=value,
        currency=currency,
        starts_at=starts_at,
        ends_at=ends_at,
        max_uses=max_uses,
        max_uses_per_customer=max_uses_per_customer,
        min_order_minor=min_order_minor,
        audience=audience,
    )
    if coupon.single_use:
        max_uses = 1
    included = _store_products(store, product_ids, "product_ids")
    excluded = _store_products(store, excluded_product_ids, "excluded_product_ids")
    with transaction.atomic():
        Coupon.objects.filter(pk=coupon.pk).update(
            label=(label or "").strip()[:120],
            kind=kind,
            value=value,
            currency=currency,
            starts_at=starts_at,
            ends_at=ends_at,
            max_uses=max_uses,
            max_uses_per_customer=max_uses_per_customer,
            min_order_minor=min_order_minor,
            audience=audience,
            stackable=stackable,
            is_active=is_active,
            updated_at=timezone.now(),
        )
        coupon.refresh_from_db()
        coupon.products.set(included)
        coupon.excluded_products.set(excluded)
    return coupon


def set_coupon_active(coupon: Coupon, active: bool) -> None:
    Coupon.objects.filter(pk=coupon.pk).update(is_active=active, updated_at=timezone.now())
    coupon.is_active = active


def _batch_code(prefix: str, length: int) -> str:
    body = "".join(secrets.choice(_BATCH_ALPHABET) for _ in range(length))
    return f"{prefix}-{body}" if prefix else body


def generate_batch(
    store: Store,
    *,
    count: int,
    prefix: str = "",
    label: str = "",
    kind: str,
    value: int,
    currency: str = "",
    product_ids: Sequence[int] = (),
    excluded_product_ids: Sequence[int] = (),
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    min_order_minor: int = 0,
    audience: str = Audience.EVERYONE,
    stackable: bool = False,
) -> CouponBatch:
    """`count` single-use codes with the same terms, all or nothing."""
    errors: dict[str, list[str]] = {}
    if not isinstance(count, int) or not 1 <= count <= BATCH_MAX:
        errors["count"] = [
            _("Generate from 1 to %(max)s codes at a time.") % {"max": f"{BATCH_MAX}"}
        ]
    prefix = normalise_code(prefix)
    if prefix and (len(prefix) > 20 or not _CODE_RE.match(prefix)):
        errors["prefix"] = [
            _("A prefix has at most 20 characters: Latin letters A–Z, digits, “-” and “_”.")
        ]
    label = (label or "").strip()
    if not label:
        errors["label"] = [_("Give the batch a name, for example “Launch list”.")]
    try:
        currency = _validate_terms(
            store,
            kind=kind,
            value=value,
            currency=currency,
            starts_at=starts_at,
            ends_at=ends_at,
            max_uses=1,
            max_uses_per_customer=None,
            min_order_minor=min_order_minor,
            audience=audience,
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    included = _store_products(store, product_ids, "product_ids")
    excluded = _store_products(store, excluded_product_ids, "excluded_product_ids")
    with transaction.atomic():
        batch = CouponBatch.objects.create(
            store=store, label=label[:120], prefix=prefix, count=count
        )
        existing = set(
            scoped(Coupon, store).filter(code__startswith=prefix).values_list("code", flat=True)
        )
        codes: set[str] = set()
        while len(codes) < count:
            candidate = _batch_code(prefix, 8)
            if candidate not in existing:
                codes.add(candidate)
        Coupon.objects.bulk_create(
            [
                Coupon(
                    store=store,
                    code=code,
                    label=label[:120],
                    kind=kind,
                    value=value,
                    currency=currency,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    max_uses=1,
                    min_order_minor=min_order_minor,
                    audience=audience,
                    stackable=stackable,
                    single_use=True,
                    batch=batch,
                )
                for code in sorted(codes)
            ],
            batch_size=500,
        )
        if included or excluded:
            coupons = list(Coupon.objects.filter(batch=batch))
            through_in = Coupon.products.through
            through_out = Coupon.excluded_products.through
            through_in.objects.bulk_create(
                [through_in(coupon=c, product=p) for c in coupons for p in included],
                batch_size=1000,
            )
            through_out.objects.bulk_create(
                [through_out(coupon=c, product=p) for c in coupons for p in excluded],
                batch_size=1000,
            )
    return batch


def batch_csv(batch: CouponBatch) -> str:
    """The batch's codes as CSV (code, status, uses) for a mailing tool or a printer."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "used", "active"])
    for code, uses, active in (
        Coupon.objects.filter(batch=batch).order_by("code").values_list("code", "uses", "is_active")
    ):
        writer.writerow([code, "yes" if uses else "no", "yes" if active else "no"])
    return out.getvalue()


# ----------------------------------------------------------------------- applying a code


@dataclass
class DraftLine:
    """A line of an order being priced: what checkout will write as an `OrderLine`."""

    product: Product
    unit_minor: int
    quantity: int
    on_sale: bool = False  # the unit price is a sale price (product or store-wide)
    discount_minor: int = 0  # bundle/upgrade discount already on the line
    note: str = ""

    @property
    def gross_minor(self) -> int:
        return self.unit_minor * self.quantity

    @property
    def net_minor(self) -> int:
        return self.gross_minor - self.discount_minor


@dataclass
class CouponResult:
    coupon: Coupon
    discounts: list[int] = field(default_factory=list)  # per line, in the lines' order

    @property
    def total_minor(self) -> int:
        return sum(self.discounts)


def _when(moment: datetime, store: Store) -> str:
    """A moment in the store's time zone, in the reader's calendar (Jalali in Persian)."""
    from dukkan.core.templatetags.dukkan import ldatetime

    with timezone.override(store.time_zone):
        return ldatetime(moment)


def _paid_orders_of(store: Store, email: str) -> bool:
    from dukkan.checkout.models import Order, OrderStatus

    return (
        scoped(Order, store)
        .filter(
            email=email,
            status__in=(OrderStatus.PAID, OrderStatus.FULFILLED, OrderStatus.PARTIALLY_REFUNDED),
        )
        .exists()
    )


def _half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


def apply_coupon(
    store: Store,
    code: str,
    lines: Sequence[DraftLine],
    *,
    email: str,
    currency: str,
    now: datetime | None = None,
    check_buyer: bool = True,
) -> CouponResult:
    """The discount `code` gives these lines, or `CouponError` saying why it does not apply.

    The use itself is counted by `redeem` when the order is written.
    """
    from dukkan.promotions.selectors import coupon_by_code

    now = now or timezone.now()
    normal = normalise_code(code)
    coupon = coupon_by_code(store.pk, normal) if normal else None
    if coupon is None or not coupon.is_active:
        raise CouponError(
            _("The code “%(code)s” is not a valid coupon of this store.") % {"code": normal[:64]},
            code="unknown",
        )
    if coupon.starts_at is not None and now < coupon.starts_at:
        raise CouponError(
            _("This coupon is not valid yet: it starts on %(date)s.")
            % {"date": _when(coupon.starts_at, store)},
            code="not_started",
        )
    if coupon.ends_at is not None and now >= coupon.ends_at:
        raise CouponError(
            _("This coupon expired on %(date)s.") % {"date": _when(coupon.ends_at, store)},
            code="expired",
        )
    if coupon.max_uses is not None and coupon.uses >= coupon.max_uses:
        raise CouponError(_("This coupon has been used up."), code="used_up")
    if coupon.kind == CouponKind.FIXED and coupon.currency != currency:
        raise CouponError(
            _("This coupon is for orders in %(currency)s.") % {"currency": coupon.currency},
            code="currency",
        )
    included, excluded = _product_rules(coupon)
    eligible = [
        index
        for index, line in enumerate(lines)
        if (not included or line.product.pk in included) and line.product.pk not in excluded
    ]
    if not eligible:
        raise CouponError(_("This coupon is not for this product."), code="product")
    if not coupon.stackable:
        eligible = [i for i in eligible if not lines[i].on_sale and not lines[i].discount_minor]
        if not eligible:
            raise CouponError(
                _("This coupon cannot be combined with a sale price or a bundle discount."),
                code="not_stackable",
            )
    order_minor = sum(line.net_minor for line in lines)
    if coupon.min_order_minor and order_minor < coupon.min_order_minor:
        raise CouponError(
            _("This coupon needs an order of at least %(amount)s.")
            % {"amount": format_money(coupon.min_order_minor, currency, _language())},
            code="minimum",
        )
    if check_buyer and coupon.audience != Audience.EVERYONE:
        bought_before = _paid_orders_of(store, email)
        if coupon.audience == Audience.FIRST_PURCHASE and bought_before:
            raise CouponError(_("This coupon is only for a first purchase."), code="first_purchase")
        if coupon.audience == Audience.EXISTING_CUSTOMERS and not bought_before:
            raise CouponError(
                _(
                    "This coupon is only for existing customers: use the email address "
                    "you bought with before."
                ),
                code="existing_customers",
            )
    if (
        check_buyer
        and coupon.max_uses_per_customer is not None
        and _customer_uses(coupon, email) >= coupon.max_uses_per_customer
    ):
        raise CouponError(
            _("You have already used this coupon as often as it allows."), code="per_customer"
        )
    discounts = [0] * len(lines)
    if coupon.kind == CouponKind.PERCENT:
        for index in eligible:
            discounts[index] = _half_up(lines[index].net_minor * coupon.value, 10_000)
    else:
        base = sum(lines[i].net_minor for i in eligible)
        amount = min(coupon.value, base)
        left = amount
        for position, index in enumerate(eligible):
            if position == len(eligible) - 1:
                share = left
            else:
                share = amount * lines[index].net_minor // base if base else 0
            discounts[index] = share
            left -= share
    for index, line in enumerate(lines):
        discounts[index] = max(0, min(discounts[index], line.net_minor))
    return CouponResult(coupon=coupon, discounts=discounts)


def _product_rules(coupon: Coupon) -> tuple[set[int], set[int]]:
    """The products a coupon is only for, and those it is not for, in one query."""
    from django.db.models import IntegerField, Value

    only = Coupon.products.through.objects.filter(coupon_id=coupon.pk).values_list(
        "product_id", Value(1, output_field=IntegerField())
    )
    never = Coupon.excluded_products.through.objects.filter(coupon_id=coupon.pk).values_list(
        "product_id", Value(0, output_field=IntegerField())
    )
    included: set[int] = set()
    excluded: set[int] = set()
    for product_id, is_included in only.union(never, all=True):
        (included if is_included else excluded).add(product_id)
    return included, excluded


def _language() -> str:
    from django.utils import translation

    return translation.get_language() or "en"


def _customer_uses(coupon: Coupon, email: str) -> int:
    return Redemption.objects.filter(
        coupon=coupon,
        email=email,
        status__in=(RedemptionStatus.HELD, RedemptionStatus.CONFIRMED),
    ).count()


def redeem(result: CouponResult, order: Order) -> Redemption:
    """Count the use for `order` (call inside the transaction that creates the order).

    The conditional UPDATE takes one use only while uses < max_uses, and holds the coupon's
    row lock until the order commits, so concurrent buyers are counted one at a time: with
    50 uses left, exactly 50 orders get the discount and the rest are told it is used up.
    """
    coupon = result.coupon
    taken = (
        Coupon.objects.filter(pk=coupon.pk, is_active=True)
        .filter(Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")))
        .update(uses=F("uses") + 1)
    )
    if not taken:
        raise CouponError(_("This coupon has been used up."), code="used_up")
    if coupon.max_uses_per_customer is not None and (
        _customer_uses(coupon, order.email) >= coupon.max_uses_per_customer
    ):
        raise CouponError(
            _("You have already used this coupon as often as it allows."), code="per_customer"
        )
    return Redemption.objects.create(
        store_id=order.store_id,
        coupon=coupon,
        order=order,
        email=order.email,
        discount_minor=result.total_minor,
    )


def release_for_order(order: Order) -> None:
    """The order failed, was cancelled or expired: its coupon use goes back."""
    held = list(
        Redemption.objects.select_for_update().filter(
            order=order, status__in=(RedemptionStatus.HELD, RedemptionStatus.CONFIRMED)
        )
    )
    for redemption in held:
        Redemption.objects.filter(pk=redemption.pk).update(
            status=RedemptionStatus.RELEASED, updated_at=timezone.now()
        )
        Coupon.objects.filter(pk=redemption.coupon_id, uses__gt=0).update(uses=F("uses") - 1)


def retake_for_order(order: Order) -> None:
    """A closed order was paid after all: its use counts again (even past the limit: the
    buyer paid the discounted price)."""
    released = list(
        Redemption.objects.select_for_update().filter(order=order, status=RedemptionStatus.RELEASED)
    )
    for redemption in released:
        Redemption.objects.filter(pk=redemption.pk).update(
            status=RedemptionStatus.CONFIRMED, updated_at=timezone.now()
        )
        Coupon.objects.filter(pk=redemption.coupon_id).update(uses=F("uses") + 1)


def confirm_for_order(order_id: int) -> None:
    Redemption.objects.filter(order_id=order_id, status=RedemptionStatus.HELD).update(
        status=RedemptionStatus.CONFIRMED, updated_at=timezone.now()
    )


__all__ = [
    "CouponError",
    "CrossSell",
    "StoreSale",
    "UpgradePath",
    "Upsell",
    "apply_coupon",
    "create_coupon",
    "generate_batch",
    "redeem",
    "release_for_order",
]


# ------------------------------------------------------------------- cross-sells, offers


def cross_sell_lines(store: Store, product: Product, offer_ids: Sequence[int]) -> list[DraftLine]:
    """Lines for the cross-sell offers of `product` the buyer ticked, with their bundle
    discount. An id that is not an active offer of this product is refused."""
    from dukkan.catalog.selectors import price_of

    wanted = []
    for value in offer_ids:
        try:
            wanted.append(int(value))
        except (TypeError, ValueError) as error:
            raise ValidationError(_("That offer is not available."), code="offer") from error
    wanted = list(dict.fromkeys(wanted))
    offers = {
        cross.offer_id: cross
        for cross in scoped(CrossSell, store)
        .filter(product=product, offer_id__in=wanted, is_active=True)
        .select_related("offer", "offer__store")
    }
    lines: list[DraftLine] = []
    for offer_id in wanted:
        cross = offers.get(offer_id)
        if cross is None or offer_id == product.pk or not cross.offer.is_sellable:
            raise ValidationError(_("That offer is not available."), code="offer")
        price = price_of(cross.offer)
        if price.pay_what_you_want and price.amount_minor == 0:
            raise ValidationError(_("That offer is not available."), code="offer")
        line = DraftLine(cross.offer, price.amount_minor, 1, on_sale=price.on_sale)
        if cross.discount_bp:
            line.discount_minor = _half_up(price.amount_minor * cross.discount_bp, 10_000)
            line.note = "bundle"
        lines.append(line)
    return lines


def apply_offer_token(
    store: Store, token: str, line: DraftLine, *, email: str
) -> dict[str, object]:
    """Lock the discount of a signed upsell/upgrade offer on `line` (the offered product).

    Raises `ValidationError` when the token is forged, expired, for another product or for
    another buyer; returns what the order's audit trail keeps about the offer.
    """
    from dukkan.promotions.offers import OfferError, read_offer

    try:
        offer = read_offer(store, token)
    except OfferError as error:
        raise ValidationError(str(error), code="offer") from error
    if offer.product_id != line.product.pk:
        raise ValidationError(_("That offer is for another product."), code="offer")
    if offer.email and offer.email != email:
        raise ValidationError(
            _("That offer is for the buyer it was sent to: use the same email address."),
            code="offer_email",
        )
    if offer.kind == "upgrade":
        discount = min(offer.credit_minor, line.gross_minor)
    else:
        discount = _half_up(line.gross_minor * offer.discount_bp, 10_000)
    line.discount_minor += max(discount, 0)
    line.note = offer.kind
    return {"kind": offer.kind, "from_order": offer.order_id, "discount_minor": discount}


# ------------------------------------------------------------- taking offers after buying


@dataclass(frozen=True)
class Taken:
    """The outcome of a one-click offer: a new paid order, or where to check out instead."""

    order: Order | None
    checkout_url: str


def offer_token_for(order: Order, kind: str, offer_id: int) -> tuple[str, Product]:
    """A signed token locking an after-purchase offer's discount for the order's buyer."""
    import math

    from dukkan.promotions.offers import Offer, make_offer
    from dukkan.promotions.selectors import after_purchase_offer

    found = after_purchase_offer(order, kind, offer_id)
    if found is None:
        raise ValidationError(_("This offer has ended."), code="offer_ended")
    token = make_offer(
        order.store,
        Offer(
            kind="upsell",
            product_id=found.product.pk,
            email=order.email,
            order_id=order.pk,
            discount_bp=found.discount_bp,
            expires_at=math.floor(found.ends_at.timestamp()),
        ),
    )
    return token, found.product


def checkout_url(store: Store, product: Product, token: str, language: str) -> str:
    from urllib.parse import urlencode

    from django.urls import reverse
    from django.utils import translation

    with translation.override(language):
        path = reverse(
            "shop:checkout", kwargs={"store_slug": store.slug, "product_slug": product.slug}
        )
    return f"{path}?{urlencode({'offer': token})}"


def take_offer(order: Order, kind: str, offer_id: int, *, language: str) -> Taken:
    """One click on an after-purchase offer: charge the method that paid `order` again where
    the provider can; otherwise a checkout prefilled with the discount locked."""
    from dukkan.checkout import services as checkout
    from dukkan.checkout import webhooks
    from dukkan.checkout.payments import registry

    token, product = offer_token_for(order, kind, offer_id)
    store = order.store
    fallback = checkout_url(store, product, token, language)
    adapter = registry.adapter(store, order.provider)
    if adapter is None or order.provider not in checkout.enabled_providers(store):
        return Taken(None, fallback)
    if not adapter.can_charge_again:
        return Taken(None, fallback)
    new = checkout.start_checkout(
        store,
        product,
        email=order.email,
        name=order.name,
        language=language,
        provider=order.provider,
        buyer=order.buyer,
        offer_token=token,
    )
    update = adapter.charge_again(new, order)
    if update is None:
        checkout.cancel(new, note="one-click payment not possible; checkout instead")
        return Taken(None, fallback)
    checkout.record_payment_attempt(new, provider=order.provider, reference=update.reference)
    webhooks.record_and_apply(store, order.provider, update, new)
    new.refresh_from_db()
    return Taken(new, "")


def upgrade_token(store: Store, email: str, upgrade_id: int) -> tuple[str, Product]:
    """A signed token crediting what `email` paid for the product they upgrade from."""
    import math
    from datetime import timedelta

    from dukkan.promotions.offers import Offer, make_offer
    from dukkan.promotions.selectors import upgrade_offers

    found = next((o for o in upgrade_offers(store, email) if o.path.pk == upgrade_id), None)
    if found is None:
        raise ValidationError(
            _("This upgrade is for owners of the earlier product, bought with this email address."),
            code="not_owner",
        )
    token = make_offer(
        store,
        Offer(
            kind="upgrade",
            product_id=found.path.to_product_id,
            email=email.strip().lower(),
            order_id=found.from_order_id,
            credit_minor=found.credit_minor,
            expires_at=math.floor((timezone.now() + timedelta(hours=24)).timestamp()),
        ),
    )
    return token, found.path.to_product


# --------------------------------------------------------------- sales and offer setup


def _validate_bp(value: int, name: str, errors: dict[str, list[str]], *, allow_zero: bool) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        errors.setdefault(name, []).append(_("Enter the discount as a whole number."))
    elif value < 0 or (value == 0 and not allow_zero):
        errors.setdefault(name, []).append(_("A discount must be more than zero."))
    elif value > PERCENT_MAX_BP:
        errors.setdefault(name, []).append(_("A percentage discount is at most 100%."))


def save_sale(
    store: Store,
    *,
    name: str,
    percent_bp: int,
    starts_at: datetime | None,
    ends_at: datetime | None,
    excluded_product_ids: Sequence[int] = (),
    is_active: bool = True,
    sale: StoreSale | None = None,
) -> StoreSale:
    """Create (or change) a store-wide sale: a percentage off everything for a period."""
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Give the sale a name, for example “Black Friday”.")]
    _validate_bp(percent_bp, "percent_bp", errors, allow_zero=False)
    if percent_bp == PERCENT_MAX_BP:
        errors.setdefault("percent_bp", []).append(
            _("A store-wide sale gives less than 100% off; use free products instead.")
        )
    if starts_at is None:
        errors["starts_at"] = [_("Enter when the sale starts.")]
    if ends_at is None:
        errors["ends_at"] = [_("Enter when the sale ends.")]
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = [_("The end must be after the start.")]
    if errors:
        raise ValidationError(errors)
    assert starts_at is not None
    assert ends_at is not None
    excluded = _store_products(store, excluded_product_ids, "excluded_product_ids")
    with transaction.atomic():
        if sale is None:
            sale = StoreSale.objects.create(
                store=store,
                name=name[:120],
                percent_bp=percent_bp,
                starts_at=starts_at,
                ends_at=ends_at,
                is_active=is_active,
            )
        else:
            sale.name, sale.percent_bp = name[:120], percent_bp
            sale.starts_at, sale.ends_at, sale.is_active = starts_at, ends_at, is_active
            sale.save()
        sale.excluded_products.set(excluded)
        from dukkan.promotions.pricing import sales_changed

        sales_changed(store.pk)
    return sale


def delete_sale(sale: StoreSale) -> None:
    from dukkan.promotions.pricing import sales_changed

    store_id = sale.store_id
    with transaction.atomic():
        sale.delete()
        sales_changed(store_id)


def _two_products(
    store: Store, first_id: int | None, second_id: int | None, names: tuple[str, str]
) -> tuple[Product | None, Product]:
    errors: dict[str, list[str]] = {}
    first = scoped(Product, store).filter(pk=first_id).first() if first_id else None
    second = scoped(Product, store).filter(pk=second_id).first() if second_id else None
    if first_id and first is None:
        errors[names[0]] = [_("Choose products of this store.")]
    if second is None:
        errors[names[1]] = [_("Choose the product to offer.")]
    if first is not None and second is not None and first.pk == second.pk:
        errors[names[1]] = [_("Offer a different product.")]
    if errors:
        raise ValidationError(errors)
    assert second is not None
    return first, second


def add_cross_sell(
    store: Store, *, product_id: int, offer_id: int, discount_bp: int = 0
) -> CrossSell:
    errors: dict[str, list[str]] = {}
    _validate_bp(discount_bp, "discount_bp", errors, allow_zero=True)
    if not product_id:
        errors["product"] = [_("Choose the product the offer goes with.")]
    if errors:
        raise ValidationError(errors)
    product, offer = _two_products(store, product_id, offer_id, ("product", "offer"))
    assert product is not None
    try:
        with transaction.atomic():
            return CrossSell.objects.create(
                store=store, product=product, offer=offer, discount_bp=discount_bp
            )
    except IntegrityError as error:
        raise ValidationError(
            {"offer": [_("That product is offered with this one already.")]}
        ) from error


def add_upsell(
    store: Store,
    *,
    product_id: int | None,
    offer_id: int,
    discount_bp: int,
    valid_hours: int = 24,
    headline: str = "",
) -> Upsell:
    errors: dict[str, list[str]] = {}
    _validate_bp(discount_bp, "discount_bp", errors, allow_zero=False)
    if not isinstance(valid_hours, int) or not 1 <= valid_hours <= 24 * 30:
        errors["valid_hours"] = [_("An offer lasts from 1 hour to 30 days.")]
    if errors:
        raise ValidationError(errors)
    product, offer = _two_products(store, product_id, offer_id, ("product", "offer"))
    return Upsell.objects.create(
        store=store,
        product=product,
        offer=offer,
        discount_bp=discount_bp,
        valid_hours=valid_hours,
        headline=(headline or "").strip()[:200],
    )


def add_upgrade(store: Store, *, from_product_id: int, to_product_id: int) -> UpgradePath:
    if not from_product_id:
        raise ValidationError({"from_product": [_("Choose the product buyers own.")]})
    first, second = _two_products(
        store, from_product_id, to_product_id, ("from_product", "to_product")
    )
    assert first is not None
    try:
        with transaction.atomic():
            return UpgradePath.objects.create(store=store, from_product=first, to_product=second)
    except IntegrityError as error:
        raise ValidationError({"to_product": [_("That upgrade exists already.")]}) from error
