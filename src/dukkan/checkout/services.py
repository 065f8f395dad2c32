"""Writes of the checkout: orders, their state machine, payments, refunds.

Every status change goes through `transition`, which enforces the state machine and writes
the audit trail (`OrderEvent`). Callers hold the order's row lock (`_locked`) while they
decide, so two webhooks, a buyer's return and the reconciliation job never double-act.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dukkan.accounts.models import User
from dukkan.catalog.models import Product, ProductKind
from dukkan.catalog.selectors import price_of
from dukkan.catalog.services import release_copies, reserve_copies
from dukkan.checkout.events import (
    OrderCancelled,
    OrderFlagged,
    OrderFulfilled,
    OrderPaid,
    OrderRefunded,
)
from dukkan.checkout.models import (
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentStatus,
    Refund,
    SellingSettings,
)
from dukkan.checkout.selectors import selling_settings
from dukkan.core.events import publish
from dukkan.core.models import Store
from dukkan.crm.services import upsert_contact
from dukkan.promotions.services import CouponResult, DraftLine

logger = logging.getLogger(__name__)

S = OrderStatus

# The order life cycle. A payment that arrives after an order failed or was cancelled (the
# buyer paid late, or retried) is still money received: such an order may become paid.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.PAID, S.FAILED, S.CANCELLED}),
    S.FAILED: frozenset({S.PAID, S.CANCELLED}),
    S.CANCELLED: frozenset({S.PAID}),
    S.PAID: frozenset({S.FULFILLED, S.REFUNDED, S.PARTIALLY_REFUNDED}),
    S.FULFILLED: frozenset({S.REFUNDED, S.PARTIALLY_REFUNDED}),
    S.PARTIALLY_REFUNDED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.REFUNDED: frozenset(),
}

# Quantity above one makes sense for software (seats); a file or bundle is bought once.
MAX_QUANTITY = {ProductKind.SOFTWARE: 50}
# Pay what you want: the most a buyer may enter, as a multiple of the regular price (or a
# fixed ceiling for free products), so a typo of extra zeros does not charge a fortune.
PWYW_CEILING_FACTOR = 100
PWYW_CEILING_ABSOLUTE = 10**12


class IllegalTransition(ValidationError):
    """The order cannot move from its status to the one asked for."""

    def __init__(self, order: Order, to_status: str) -> None:
        self.from_status = order.status
        self.to_status = to_status
        super().__init__(
            _("Order %(number)s cannot go from “%(from)s” to “%(to)s”.")
            % {
                "number": order.number,
                "from": S(order.status).label,
                "to": S(to_status).label,
            },
            code="illegal_transition",
        )


class SoldOut(ValidationError):
    def __init__(self, product: Product) -> None:
        super().__init__(
            _("Sorry, “%(title)s” is sold out.") % {"title": product.title}, code="sold_out"
        )


# ---------------------------------------------------------------------------------- tax


def _div_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, in integers (amounts are never negative)."""
    return (2 * numerator + denominator) // (2 * denominator)


@dataclass(frozen=True)
class Totals:
    subtotal_minor: int  # the sum of the line totals, as priced
    tax_minor: int  # VAT: contained in the subtotal when prices include it, else added
    total_minor: int  # what the buyer pays
    vat_rate_bp: int
    tax_included: bool


def compute_totals(subtotal_minor: int, vat_rate_bp: int, tax_included: bool) -> Totals:
    """VAT in minor units, rounded half up once per order.

    Inclusive (Saudi Arabia, UAE): the buyer pays the price; the VAT inside it is
    price − price / (1 + rate). Exclusive: VAT = price × rate is added on top.
    """
    if subtotal_minor < 0:
        raise ValueError("amounts are never negative")
    if vat_rate_bp <= 0:
        return Totals(subtotal_minor, 0, subtotal_minor, 0, tax_included)
    if tax_included:
        net = _div_half_up(subtotal_minor * 10_000, 10_000 + vat_rate_bp)
        tax = subtotal_minor - net
        return Totals(subtotal_minor, tax, subtotal_minor, vat_rate_bp, True)
    tax = _div_half_up(subtotal_minor * vat_rate_bp, 10_000)
    return Totals(subtotal_minor, tax, subtotal_minor + tax, vat_rate_bp, False)


def totals_for(store: Store, subtotal_minor: int) -> Totals:
    settings = selling_settings(store)
    return compute_totals(subtotal_minor, settings.vat_rate_bp, settings.prices_include_tax)


# ------------------------------------------------------------------------- state machine


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def transition(
    order: Order,
    to_status: str,
    *,
    actor: User | None = None,
    actor_label: str = "system",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> Order:
    """Move `order` to `to_status` and write the audit trail; the caller holds the row lock."""
    if not can_transition(order.status, to_status):
        raise IllegalTransition(order, to_status)
    now = timezone.now()
    from_status = order.status
    order.status = to_status
    fields = ["status", "updated_at"]
    if to_status == S.PAID:
        order.paid_at = now
        fields.append("paid_at")
    elif to_status == S.FULFILLED:
        order.fulfilled_at = now
        fields.append("fulfilled_at")
    order.save(update_fields=fields)
    record(
        order,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_label=actor_label,
        note=note,
        data=data,
    )
    return order


def record(
    order: Order,
    *,
    from_status: str = "",
    to_status: str = "",
    actor: User | None = None,
    actor_label: str = "system",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> OrderEvent:
    return OrderEvent.objects.create(
        store_id=order.store_id,
        order=order,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_label="" if actor is not None else actor_label,
        note=note,
        data=data or {},
    )


def _locked(order: Order) -> Order:
    """The order re-read under its row lock (call inside `transaction.atomic`)."""
    return Order.objects.select_for_update().select_related("store").get(pk=order.pk)


def _refresh(target: Order, source: Order) -> Order:
    """Copy the saved state into the caller's instance, so it sees what happened."""
    for field in Order._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    return target


# ------------------------------------------------------------------------------ checkout


def allowed_quantity(product: Product, quantity: int) -> int:
    """The quantity the server accepts: anything out of range falls back to one copy."""
    limit = MAX_QUANTITY.get(ProductKind(product.kind), 1)
    if not isinstance(quantity, int) or quantity < 1 or quantity > limit:
        return 1
    return quantity


def _next_number(settings: SellingSettings) -> str:
    """An increasing order number per store (gaps allowed: a rolled-back order skips one)."""
    with transaction.atomic():
        SellingSettings.objects.filter(pk=settings.pk).update(
            last_order_number=F("last_order_number") + 1
        )
        value = (
            SellingSettings.objects.filter(pk=settings.pk)
            .values_list("last_order_number", flat=True)
            .get()
        )
    return str(value)


def enabled_providers(store: Store, settings: SellingSettings | None = None) -> list[str]:
    from dukkan.checkout.payments import registry

    settings = settings or selling_settings(store)
    return [code for code in settings.providers or [] if code in registry.PROVIDERS]


@dataclass
class Quote:
    """An order priced on the server before it is written: its lines and totals."""

    lines: list[DraftLine]
    currency: str
    on_sale: bool
    subtotal_minor: int  # the lines as priced (sale prices included)
    discount_minor: int  # coupon, bundle and offer discounts
    totals: Totals  # VAT and total, on subtotal − discount
    coupon: CouponResult | None = None
    offer_data: dict[str, Any] | None = None


@dataclass(frozen=True)
class PricedLine:
    """One line priced by another app (a service package with its extras, by `gigs`)."""

    title: str
    unit_minor: int


def quote(
    store: Store,
    product: Product,
    *,
    email: str = "",
    amount_minor: int | None = None,
    quantity: int = 1,
    coupon_code: str = "",
    extra_product_ids: Sequence[int] = (),
    offer_token: str = "",
    settings: SellingSettings | None = None,
    check_buyer: bool = True,
) -> Quote:
    """Price `product` (and chosen cross-sells) with a coupon or offer, writing nothing.

    Raises `ValidationError` for a bad amount or offer, `CouponError` for a code that does not
    apply (with `check_buyer=False`, the checks that need the buyer's email are left to the
    order itself: a preview before the buyer typed it).
    """
    from dukkan.promotions import services as promotions

    settings = settings or selling_settings(store)
    price = price_of(product)
    unit = price.amount_minor
    if price.pay_what_you_want and amount_minor is not None:
        minimum = price.min_price_minor or 0
        ceiling = max(price.regular_minor * PWYW_CEILING_FACTOR, 0) or PWYW_CEILING_ABSOLUTE
        if amount_minor < minimum:
            raise ValidationError(
                _("The least you can pay for this product is the minimum shown."),
                code="below_minimum",
            )
        if amount_minor > min(ceiling, PWYW_CEILING_ABSOLUTE):
            raise ValidationError(_("That amount is too large."), code="too_large")
        unit = amount_minor
    quantity = allowed_quantity(product, quantity)
    lines = [promotions.DraftLine(product, unit, quantity, on_sale=price.on_sale)]
    offer_data: dict[str, Any] | None = None
    if offer_token:
        offer_data = promotions.apply_offer_token(store, offer_token, lines[0], email=email)
    if extra_product_ids:
        lines.extend(promotions.cross_sell_lines(store, product, extra_product_ids))
    coupon = None
    if coupon_code.strip():
        coupon = promotions.apply_coupon(
            store,
            coupon_code,
            lines,
            email=email,
            currency=price.currency,
            check_buyer=check_buyer,
        )
        for line, discount in zip(lines, coupon.discounts, strict=True):
            line.discount_minor += discount
    subtotal = sum(line.gross_minor for line in lines)
    discount_total = sum(line.discount_minor for line in lines)
    totals = compute_totals(
        subtotal - discount_total, settings.vat_rate_bp, settings.prices_include_tax
    )
    return Quote(
        lines=lines,
        currency=price.currency,
        on_sale=price.on_sale,
        subtotal_minor=subtotal,
        discount_minor=discount_total,
        totals=totals,
        coupon=coupon,
        offer_data=offer_data,
    )


def start_checkout(
    store: Store,
    product: Product,
    *,
    email: str,
    name: str = "",
    language: str = "en",
    amount_minor: int | None = None,
    quantity: int = 1,
    provider: str,
    buyer: User | None = None,
    coupon_code: str = "",
    referral_code: str = "",
    marketing_consent: bool = False,
    extra_product_ids: Sequence[int] = (),
    offer_token: str = "",
    settings: SellingSettings | None = None,
    priced_line: PricedLine | None = None,
) -> Order:
    """A pending order for one product (plus chosen cross-sells), priced on the server.

    `amount_minor` counts only for a pay-what-you-want product (at least the minimum);
    `quantity` beyond what the product allows is ignored (one copy). `extra_product_ids` are
    the seller's cross-sell offers of `product` the buyer ticked (others are refused);
    `coupon_code` is applied with `promotions` and its use counted in the same transaction;
    `offer_token` is a signed upsell/upgrade offer locking a discount on `product`.
    `priced_line`: the one way to sell a service (`gigs` prices its package and extras);
    coupons, offers and cross-sells do not apply to it.
    Raises `ValidationError` with a message for the buyer (`CouponError` for a code that
    does not apply), `SoldOut` when no copy is left.
    """
    from dukkan.promotions import services as promotions

    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError(_("Enter a valid email address."), code="email") from error
    sellable = product.is_sellable
    if priced_line is not None:
        sellable = product.kind == ProductKind.SERVICE and product.visibility != "draft"
    if product.store_id != store.pk or not sellable:
        raise ValidationError(_("This product is not for sale."), code="not_for_sale")
    if settings is None or settings.store_id != store.pk:
        settings = selling_settings(store)
    if provider not in enabled_providers(store, settings):
        raise ValidationError(_("Choose a payment method."), code="provider")
    if priced_line is not None:
        unit = priced_line.unit_minor
        priced = Quote(
            lines=[promotions.DraftLine(product, unit, 1)],
            currency=product.currency,
            on_sale=False,
            subtotal_minor=unit,
            discount_minor=0,
            totals=compute_totals(unit, settings.vat_rate_bp, settings.prices_include_tax),
        )
    else:
        priced = quote(
            store,
            product,
            email=email,
            amount_minor=amount_minor,
            quantity=quantity,
            coupon_code=coupon_code,
            extra_product_ids=extra_product_ids,
            offer_token=offer_token,
            settings=settings,
        )
    lines, coupon, totals = priced.lines, priced.coupon, priced.totals

    # One transaction (one commit) for the contact and the order; the contact comes first so
    # the hot rows below (product, order number, coupon) stay locked as briefly as possible.
    with transaction.atomic():
        contact = upsert_contact(store, email=email, name=name, language=language)
        for line in lines:
            if not reserve_copies(line.product, line.quantity):
                raise SoldOut(line.product)
        order = Order.objects.create(
            store=store,
            number=_next_number(settings),
            email=email,
            name=name.strip()[:200],
            contact=contact,
            buyer=buyer if buyer is not None and buyer.is_authenticated else None,
            language=language,
            currency=priced.currency,
            subtotal_minor=priced.subtotal_minor,
            discount_minor=priced.discount_minor,
            coupon_code=coupon.coupon.code if coupon else "",
            referral_code=(referral_code or "")[:200],
            marketing_consent=bool(marketing_consent),
            tax_minor=totals.tax_minor,
            total_minor=totals.total_minor,
            vat_rate_bp=totals.vat_rate_bp,
            tax_included=totals.tax_included,
            provider=provider,
            holds_copies=True,
        )
        OrderLine.objects.bulk_create(
            [
                OrderLine(
                    store=store,
                    order=order,
                    product=line.product,
                    title=priced_line.title if priced_line else line.product.title,
                    unit_price_minor=line.unit_minor,
                    quantity=line.quantity,
                    total_minor=line.gross_minor,
                    discount_minor=line.discount_minor,
                )
                for line in lines
            ]
        )
        data: dict[str, Any] = {"provider": provider, "on_sale": priced.on_sale}
        if coupon is not None:
            data["coupon"] = coupon.coupon.code
        if priced.offer_data:
            data["offer"] = priced.offer_data
        record(
            order,
            to_status=S.PENDING,
            actor=order.buyer,
            actor_label="buyer",
            note="checkout",
            data=data,
        )
        if coupon is not None:
            # Last in the transaction: the coupon's row stays locked only until commit.
            promotions.redeem(coupon, order)
    return order


def _release(order: Order) -> None:
    """Give the order's copies and coupon use back (the caller holds the lock)."""
    if not order.holds_copies:
        return
    if order.coupon_code:
        from dukkan.promotions.services import release_for_order

        release_for_order(order)
    for line in order.lines.select_related("product"):
        release_copies(line.product, line.quantity)
    order.holds_copies = False
    order.save(update_fields=["holds_copies", "updated_at"])


def _reserve_again(order: Order) -> bool:
    """A late payment on a failed or cancelled order: take its copies back if any are left."""
    if order.holds_copies:
        return True
    taken: list[OrderLine] = []
    for line in order.lines.select_related("product"):
        if not reserve_copies(line.product, line.quantity):
            for done in taken:
                release_copies(done.product, done.quantity)
            return False
        taken.append(line)
    order.holds_copies = True
    order.save(update_fields=["holds_copies", "updated_at"])
    if order.coupon_code:
        from dukkan.promotions.services import retake_for_order

        retake_for_order(order)
    return True


# ------------------------------------------------------------------------------ payments


def record_payment_attempt(
    order: Order, *, provider: str, reference: str, raw: dict[str, Any] | None = None
) -> Payment:
    """A provider accepted to take the payment (a session, an authority, an invoice…)."""
    with transaction.atomic():
        payment = Payment.objects.create(
            store_id=order.store_id,
            order=order,
            provider=provider,
            reference=reference,
            amount_minor=order.total_minor,
            currency=order.currency,
            raw=raw or {},
        )
        Order.objects.filter(pk=order.pk).update(
            provider=provider, provider_reference=reference, updated_at=timezone.now()
        )
        order.provider = provider
        order.provider_reference = reference
    return payment


def _flag(order: Order, reason: str, *, data: dict[str, Any] | None = None) -> None:
    order.flagged = True
    order.flag_reason = (f"{order.flag_reason}\n{reason}" if order.flag_reason else reason)[:4000]
    order.save(update_fields=["flagged", "flag_reason", "updated_at"])
    record(order, note=f"flagged: {reason}", data=data)
    publish(OrderFlagged(order_id=order.pk, store_id=order.store_id, reason=reason))


def flag(order: Order, reason: str) -> Order:
    with transaction.atomic():
        locked = _locked(order)
        _flag(locked, reason)
    return _refresh(order, locked)


def mark_paid(
    order: Order,
    *,
    provider: str,
    reference: str,
    amount_minor: int,
    currency: str,
    event_id: str = "",
    raw: dict[str, Any] | None = None,
    actor: User | None = None,
) -> Order:
    """The provider says the buyer paid `amount_minor` `currency` for `order`.

    Idempotent: the same payment reported again changes nothing. An amount or currency that
    differs from the order's flags the order and leaves it unpaid (nothing is delivered).
    """
    currency = (currency or "").upper()
    with transaction.atomic():
        locked = _locked(order)
        data = {
            "provider": provider,
            "reference": reference,
            "amount_minor": amount_minor,
            "currency": currency,
            "event_id": event_id,
        }
        if locked.is_paid or locked.status == S.REFUNDED:
            if reference and reference != locked.provider_reference:
                _flag(
                    locked,
                    _("A second payment (%(reference)s) arrived for an order already paid.")
                    % {"reference": reference},
                    data=data,
                )
            return _refresh(order, locked)
        if amount_minor != locked.total_minor or currency != locked.currency:
            _save_payment(locked, provider, reference, amount_minor, currency, raw, ok=False)
            _flag(
                locked,
                _(
                    "The payment (%(paid)s %(paid_currency)s) does not match the order total "
                    "(%(total)s %(currency)s)."
                )
                % {
                    "paid": amount_minor,
                    "paid_currency": currency,
                    "total": locked.total_minor,
                    "currency": locked.currency,
                },
                data=data,
            )
            return _refresh(order, locked)
        late = locked.status in (S.FAILED, S.CANCELLED)
        copies_ok = _reserve_again(locked) if late else True
        _save_payment(locked, provider, reference, amount_minor, currency, raw, ok=True)
        locked.provider = provider
        locked.provider_reference = reference or locked.provider_reference
        locked.save(update_fields=["provider", "provider_reference", "updated_at"])
        transition(locked, S.PAID, actor=actor, actor_label=provider, data=data)
        if not copies_ok:
            _flag(
                locked,
                _("Paid after the order was closed, and no copy is left: refund the buyer."),
                data=data,
            )
        else:
            publish(OrderPaid(order_id=locked.pk, store_id=locked.store_id))
    return _refresh(order, locked)


def _save_payment(
    order: Order,
    provider: str,
    reference: str,
    amount_minor: int,
    currency: str,
    raw: dict[str, Any] | None,
    *,
    ok: bool,
) -> Payment:
    status = PaymentStatus.SUCCEEDED if ok else PaymentStatus.FAILED
    payment = (
        Payment.objects.filter(order=order, provider=provider, reference=reference).first()
        if reference
        else None
    )
    if payment is None:
        payment = Payment(store_id=order.store_id, order=order, provider=provider)
    payment.reference = reference
    payment.amount_minor = amount_minor
    payment.currency = currency
    payment.status = status
    payment.raw = {**(payment.raw or {}), **(raw or {})}
    payment.save()
    return payment


def mark_fulfilled(order: Order) -> Order:
    """Delivery granted the downloads and queued the receipt. Idempotent."""
    with transaction.atomic():
        locked = _locked(order)
        if locked.status in (S.FULFILLED, S.REFUNDED, S.PARTIALLY_REFUNDED):
            return _refresh(order, locked)
        transition(locked, S.FULFILLED, actor_label="delivery")
        publish(OrderFulfilled(order_id=locked.pk, store_id=locked.store_id))
    return _refresh(order, locked)


def mark_failed(order: Order, *, provider: str = "", reason: str = "") -> Order:
    """The provider says the payment failed. A paid order is never downgraded."""
    with transaction.atomic():
        locked = _locked(order)
        if locked.status != S.PENDING:
            return _refresh(order, locked)
        transition(locked, S.FAILED, actor_label=provider or "system", note=reason)
        _release(locked)
        if locked.provider_reference:
            Payment.objects.filter(
                order=locked, reference=locked.provider_reference, status=PaymentStatus.STARTED
            ).update(status=PaymentStatus.FAILED)
    return _refresh(order, locked)


def cancel(order: Order, *, by: User | None = None, note: str = "") -> Order:
    """Cancel an unpaid order and give its copies back."""
    with transaction.atomic():
        locked = _locked(order)
        if locked.status == S.CANCELLED:
            return _refresh(order, locked)
        transition(locked, S.CANCELLED, actor=by, note=note)
        _release(locked)
        publish(OrderCancelled(order_id=locked.pk, store_id=locked.store_id))
    return _refresh(order, locked)


def confirm_bank_transfer(order: Order, by: User) -> Order:
    """The owner saw the transfer arrive: the order is paid (and then delivered)."""
    if order.provider != "manual":
        raise ValidationError(
            _("Only bank-transfer orders are confirmed by hand."), code="provider"
        )
    return mark_paid(
        order,
        provider="manual",
        reference=f"manual-{order.number}",
        amount_minor=order.total_minor,
        currency=order.currency,
        actor=by,
    )


# ------------------------------------------------------------------------------- refunds


def line_refund_amount(order: Order, line: OrderLine) -> int:
    """What refunding one line pays back: what was paid for it (after its discount) plus its
    share of VAT added on top."""
    paid = line.total_minor - line.discount_minor
    if order.tax_included or not order.net_minor:
        return paid
    return paid + _div_half_up(paid * order.tax_minor, order.net_minor)


def refund(
    order: Order,
    *,
    amount_minor: int | None = None,
    lines: list[OrderLine] | None = None,
    reason: str = "",
    by: User | None = None,
) -> Refund:
    """Pay back all of an order (`amount_minor=None`), some lines, or an amount.

    Calls the provider's refund where it has one (else the owner pays back by hand and the
    refund is recorded as such), revokes downloads through `OrderRefunded`.
    """
    from dukkan.checkout.payments import registry
    from dukkan.checkout.payments.base import ProviderError

    with transaction.atomic():
        locked = _locked(order)
        if locked.status not in (S.PAID, S.FULFILLED, S.PARTIALLY_REFUNDED):
            raise IllegalTransition(locked, S.REFUNDED)
        refund_lines: list[OrderLine] = []
        if lines:
            line_ids = {line.pk for line in lines}
            refund_lines = list(locked.lines.filter(pk__in=line_ids, refunded=False))
            if len(refund_lines) != len(line_ids):
                raise ValidationError(_("Those lines cannot be refunded."), code="lines")
            if amount_minor is None:
                amount_minor = min(
                    locked.refundable_minor,
                    sum(line_refund_amount(locked, line) for line in refund_lines),
                )
        if amount_minor is None:
            amount_minor = locked.refundable_minor
        if amount_minor <= 0 or amount_minor > locked.refundable_minor:
            raise ValidationError(
                _("A refund must be more than zero and at most what is left to refund."),
                code="amount",
            )
        full = locked.refunded_minor + amount_minor >= locked.total_minor
        adapter = registry.adapter(locked.store, locked.provider)
        try:
            outcome = adapter.refund(locked, amount_minor) if adapter else None
        except ProviderError as error:
            raise ValidationError(
                _("The payment provider refused the refund: %(error)s") % {"error": error},
                code="provider",
            ) from error
        made = Refund.objects.create(
            store_id=locked.store_id,
            order=locked,
            amount_minor=amount_minor,
            reason=reason,
            by=by,
            provider_reference=outcome.reference if outcome else "",
            provider_status=outcome.status if outcome else "manual",
        )
        if full:
            refund_lines = list(locked.lines.filter(refunded=False))
        if refund_lines:
            made.lines.set(refund_lines)
            OrderLine.objects.filter(pk__in=[line.pk for line in refund_lines]).update(
                refunded=True
            )
        locked.refunded_minor += amount_minor
        locked.save(update_fields=["refunded_minor", "updated_at"])
        transition(
            locked,
            S.REFUNDED if full else S.PARTIALLY_REFUNDED,
            actor=by,
            note=reason,
            data={
                "amount_minor": amount_minor,
                "lines": [line.pk for line in refund_lines],
                "provider_reference": made.provider_reference,
            },
        )
        publish(
            OrderRefunded(
                order_id=locked.pk, store_id=locked.store_id, amount_minor=amount_minor, full=full
            )
        )
    _refresh(order, locked)
    return made


# ------------------------------------------------------------------------ reconciliation


def pending_expiry(settings: SellingSettings, provider: str) -> timedelta:
    minutes = settings.pending_expiry_minutes or 60
    if provider == "manual":
        # A bank transfer takes days; the owner confirms it by hand.
        return max(timedelta(minutes=minutes), timedelta(days=7))
    return timedelta(minutes=minutes)


def save_selling_settings(
    store: Store,
    *,
    vat_rate_bp: int,
    prices_include_tax: bool,
    pending_expiry_minutes: int,
    providers: list[str],
    provider_config: dict[str, dict[str, str]],
    bank_instructions: dict[str, str],
) -> SellingSettings:
    from dukkan.checkout.payments import registry

    unknown = set(providers) - set(registry.PROVIDERS)
    if unknown:
        raise ValidationError(_("Unknown payment method."), code="provider")
    if not 0 <= vat_rate_bp <= 10_000:
        raise ValidationError(_("The VAT rate must be from 0 to 100 percent."), code="vat")
    settings = selling_settings(store)
    settings.vat_rate_bp = vat_rate_bp
    settings.prices_include_tax = prices_include_tax
    settings.pending_expiry_minutes = pending_expiry_minutes
    settings.providers = [code for code in registry.PROVIDERS if code in providers]
    settings.provider_config = provider_config
    settings.bank_instructions = bank_instructions
    settings.save()
    return settings
