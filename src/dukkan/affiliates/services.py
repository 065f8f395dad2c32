"""Writes of the affiliate programme: rules, sign-up and approval, clicks, commissions, payouts.

Commissions follow `pending → payable → paid`; a refund reverses all or part of one (a part
already paid is taken back from the next payout). Everything a form writes is validated first
and written in one transaction, so a refused input leaves nothing half-written.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dukkan.accounts.models import User
from dukkan.affiliates import referral
from dukkan.affiliates.models import (
    DEFAULT_REFUND_WINDOW_DAYS,
    MAX_COMMISSION_BP,
    MAX_COOKIE_DAYS,
    MIN_COMMISSION_BP,
    Affiliate,
    AffiliateStatus,
    Approval,
    Attribution,
    Click,
    Commission,
    CommissionKind,
    CommissionStatus,
    Payout,
    PayoutBatch,
    PayoutMethod,
    ProductCommission,
    Programme,
    Source,
)
from dukkan.catalog.models import Product
from dukkan.core.models import Store

logger = logging.getLogger(__name__)

CODE_RE = re.compile(r"^[A-Z0-9]{4,20}$")
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_DIGITS = str.maketrans(
    {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}
)
MAX_DISCOUNT_BP = 9000
# Fraud signals.
SAME_NETWORK_SALES = 3  # sales from clicks of one IP hash in 30 days
HIGH_CONVERSION_MIN_SALES = 5
HIGH_CONVERSION_RATE = 0.5
HIGH_REFUND_MIN_SALES = 5
HIGH_REFUND_RATE = 0.3


# ---------------------------------------------------------------------------- programme


def refund_window_days(store: Store) -> int:
    """The store's refund window: checkout's setting where it has one, else the usual 30 days."""
    from dukkan.checkout.selectors import selling_settings

    days = getattr(selling_settings(store), "refund_window_days", None)
    return int(days) if isinstance(days, int) and days >= 0 else DEFAULT_REFUND_WINDOW_DAYS


def programme_of(store: Store) -> Programme:
    """The store's programme, made with the defaults the first time (closed until opened)."""
    found = Programme.objects.filter(store=store).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Programme.objects.create(
                store=store, is_open=False, hold_days=max(30, refund_window_days(store))
            )
    except IntegrityError:
        return Programme.objects.get(store=store)


def _check_commission(kind: str, bp: int | None, fixed_minor: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if kind == CommissionKind.PERCENT:
        if bp is None or not MIN_COMMISSION_BP <= bp <= MAX_COMMISSION_BP:
            errors["commission_bp"] = _("The commission must be from 1% to 75% of the sale.")
    elif kind == CommissionKind.FIXED:
        if fixed_minor is None or fixed_minor <= 0:
            errors["commission_fixed"] = _("A fixed commission must be more than zero.")
    else:
        errors["commission_kind"] = _("Choose a percentage or a fixed amount.")
    return errors


@dataclass(frozen=True)
class ProgrammeInput:
    is_open: bool
    approval: str
    commission_kind: str
    commission_bp: int | None
    commission_fixed_minor: int | None
    customer_discount_bp: int
    cookie_days: int
    attribution: str
    hold_days: int
    min_payout_minor: int
    terms: str = ""


def save_programme(store: Store, data: ProgrammeInput) -> Programme:
    """Validate every rule, then save them all; raises `ValidationError` keyed by field."""
    errors = _check_commission(
        data.commission_kind, data.commission_bp, data.commission_fixed_minor
    )
    if data.approval not in Approval.values:
        errors["approval"] = _("Choose how affiliates are approved.")
    if data.attribution not in Attribution.values:
        errors["attribution"] = _("Choose first click or last click.")
    if not 1 <= data.cookie_days <= MAX_COOKIE_DAYS:
        errors["cookie_days"] = _("The cookie window must be from 1 to 365 days.")
    window = refund_window_days(store)
    if data.hold_days < window:
        errors["hold_days"] = _(
            "Hold commissions at least as long as the refund window (%(days)s days), so that "
            "a refund can still reverse them."
        ) % {"days": window}
    elif data.hold_days > MAX_COOKIE_DAYS:
        errors["hold_days"] = _("Hold commissions at most 365 days.")
    if data.min_payout_minor < 0:
        errors["min_payout_minor"] = _("The minimum payout cannot be negative.")
    if not 100 <= data.customer_discount_bp <= MAX_DISCOUNT_BP:
        errors["customer_discount_bp"] = _(
            "The discount for the affiliate's customers must be from 1% to 90%."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme_of(store).pk)
        programme.is_open = data.is_open
        programme.approval = data.approval
        programme.commission_kind = data.commission_kind
        if data.commission_kind == CommissionKind.PERCENT:
            programme.commission_bp = data.commission_bp or 0
        else:
            fixed = dict(programme.commission_fixed or {})
            fixed[store.currency] = data.commission_fixed_minor or 0
            programme.commission_fixed = fixed
        programme.customer_discount_bp = data.customer_discount_bp
        programme.cookie_days = data.cookie_days
        programme.attribution = data.attribution
        programme.hold_days = data.hold_days
        programme.min_payout_minor = data.min_payout_minor
        programme.terms = data.terms
        programme.save()
    return programme


def set_product_commission(
    store: Store, product: Product, *, kind: str, bp: int | None, fixed_minor: int | None
) -> ProductCommission:
    if product.store_id != store.pk:
        raise ValidationError({"product": _("Choose one of this store's products.")})
    errors = _check_commission(kind, bp, fixed_minor)
    if errors:
        raise ValidationError(errors)
    override, _made = ProductCommission.objects.update_or_create(
        store=store,
        product=product,
        defaults={
            "kind": kind,
            "commission_bp": (bp or 0) if kind == CommissionKind.PERCENT else 0,
            "commission_fixed": {store.currency: fixed_minor}
            if kind == CommissionKind.FIXED
            else {},
        },
    )
    return override


def remove_product_commission(override: ProductCommission) -> None:
    override.delete()


# ------------------------------------------------------------------------------ sign-up


def normalise_code(code: str) -> str:
    return (code or "").strip().translate(_DIGITS).upper()


def _suggest_code(name: str) -> str:
    letters = "".join(ch for ch in name.upper() if "A" <= ch <= "Z")[:8]
    stem = letters if len(letters) >= 3 else ""
    tail = "".join(secrets.choice(_CODE_ALPHABET) for _i in range(8 - len(stem) // 2))
    return (stem + tail)[:12] if stem else tail


def join(
    store: Store,
    user: User,
    *,
    name: str,
    code: str = "",
    website: str = "",
    payout_method: str = PayoutMethod.PAYPAL,
    payout_details: str = "",
    language: str = "en",
) -> Affiliate:
    """Sign `user` up as an affiliate of `store`; approved at once when the programme says so."""
    programme = programme_of(store)
    errors: dict[str, str] = {}
    if not programme.is_open:
        raise ValidationError(_("This store is not accepting affiliates."), code="closed")
    if Affiliate.objects.filter(store=store, user=user).exists():
        raise ValidationError(_("You are already an affiliate of this store."), code="exists")
    from dukkan.accounts.selectors import membership_for

    if membership_for(user, store) is not None:
        # The team earns from the store already; a commission on their own sales is self-dealing.
        raise ValidationError(
            _("Members of the store's team cannot be its affiliates."), code="member"
        )
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Enter your name.")
    if payout_method not in PayoutMethod.values:
        errors["payout_method"] = _("Choose how you want to be paid.")
    code = normalise_code(code)
    if code and not CODE_RE.match(code):
        errors["code"] = _("A code has 4 to 20 Latin letters A–Z or digits.")
    elif code and Affiliate.objects.filter(store=store, code=code).exists():
        errors["code"] = _("This code is taken; choose another.")
    if errors:
        raise ValidationError(errors)
    if not code:
        code = _suggest_code(name)
        while Affiliate.objects.filter(store=store, code=code).exists():
            code = _suggest_code(name)
    with transaction.atomic():
        affiliate = Affiliate.objects.create(
            store=store,
            user=user,
            name=name[:120],
            code=code,
            website=(website or "").strip()[:300],
            payout_method=payout_method,
            payout_details=(payout_details or "").strip()[:300],
            language=language,
        )
        if programme.approval == Approval.AUTOMATIC:
            approve(affiliate)
    return affiliate


def _coupon_for(affiliate: Affiliate, programme: Programme) -> str:
    """The affiliate's own coupon (the programme's discount), made through promotions."""
    from dukkan.promotions.services import create_coupon

    try:
        coupon = create_coupon(
            affiliate.store,
            code=affiliate.code,
            kind="percent",
            value=programme.customer_discount_bp,
            label=_("Affiliate %(name)s") % {"name": affiliate.name},
        )
    except ValidationError as error:
        raise ValidationError(
            {
                "code": _("The coupon code %(code)s cannot be made: %(why)s")
                % {"code": affiliate.code, "why": " ".join(error.messages)}
            }
        ) from error
    return str(coupon.code)


def approve(affiliate: Affiliate, *, by: User | None = None) -> Affiliate:
    """Approve an affiliate: their coupon code is made and they are told by email."""
    from dukkan.affiliates.tasks import send_approved

    with transaction.atomic():
        locked = Affiliate.objects.select_for_update().select_related("store").get(pk=affiliate.pk)
        if locked.status == AffiliateStatus.APPROVED:
            return locked
        if not locked.coupon_code:
            locked.coupon_code = _coupon_for(locked, programme_of(locked.store))
        locked.status = AffiliateStatus.APPROVED
        locked.approved_at = timezone.now()
        locked.save(update_fields=["status", "approved_at", "coupon_code"])
        send_approved.enqueue(locked.pk)
    affiliate.status, affiliate.coupon_code = locked.status, locked.coupon_code
    affiliate.approved_at = locked.approved_at
    return locked


def set_status(affiliate: Affiliate, status: str) -> Affiliate:
    """Reject or suspend (an approved affiliate may be suspended; their links stop counting)."""
    if status not in (AffiliateStatus.REJECTED, AffiliateStatus.SUSPENDED):
        raise ValidationError(_("Unknown status."), code="status")
    Affiliate.objects.filter(pk=affiliate.pk).update(status=status)
    affiliate.status = status
    return affiliate


# ------------------------------------------------------------------------------- clicks


def hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def record_click(
    affiliate: Affiliate, *, ip: str, user_agent: str, path: str, now: datetime | None = None
) -> int:
    """The click's id; a repeat by the same visitor within the hour returns the first one."""
    now = now or timezone.now()
    hour = hour_of(now)
    visitor = referral.keyed_hash("visitor", ip, user_agent[:300])
    made = Click.objects.bulk_create(
        [
            Click(
                store_id=affiliate.store_id,
                affiliate=affiliate,
                at=now,
                hour=hour,
                visitor_hash=visitor,
                ip_hash=referral.keyed_hash("ip", ip),
                path=path[:300],
            )
        ],
        ignore_conflicts=True,
    )
    if made and made[0].pk:
        return int(made[0].pk)
    found = (
        Click.objects.filter(affiliate=affiliate, visitor_hash=visitor, hour=hour)
        .values_list("pk", flat=True)
        .first()
    )
    return int(found or 0)


# ------------------------------------------------------------------------- attribution


def _div_half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


def commission_base(order: Any) -> int:
    """What the commission is computed on: what the buyer paid, less VAT.

    VAT is the state's money that the store only collects and passes on; paying commission on
    it would pay the affiliate out of tax. Discounts are already out of `total_minor`.
    """
    return max(int(order.total_minor) - int(order.tax_minor), 0)


def compute_commission(order: Any, programme: Programme) -> int:
    """The commission on `order`: per line, the product's override or the programme default."""
    base = commission_base(order)
    lines = list(order.lines.all())
    gross = sum(line.total_minor for line in lines)
    if base <= 0 or not lines or gross <= 0:
        return 0
    overrides = {
        o.product_id: o
        for o in ProductCommission.objects.filter(
            store_id=order.store_id, product_id__in=[line.product_id for line in lines]
        )
    }
    total = 0
    allocated = 0
    for index, line in enumerate(lines):
        # The line's share of the net (VAT and discounts spread in proportion).
        if index == len(lines) - 1:
            share = base - allocated
        else:
            share = _div_half_up(base * line.total_minor, gross)
            allocated += share
        rule = overrides.get(line.product_id)
        kind = rule.kind if rule else programme.commission_kind
        if kind == CommissionKind.PERCENT:
            bp = rule.commission_bp if rule else programme.commission_bp
            total += share * bp // 10_000
        else:
            fixed = (rule.commission_fixed if rule else programme.commission_fixed) or {}
            per_unit = int(fixed.get(order.currency, 0) or 0)
            total += min(per_unit * line.quantity, share)
    return total


def _affiliate_by_coupon(order: Any) -> Affiliate | None:
    code = normalise_code(getattr(order, "coupon_code", "") or "")
    if not code:
        return None
    return (
        Affiliate.objects.filter(store_id=order.store_id, coupon_code=code)
        .select_related("user")
        .first()
    )


def _affiliate_by_cookie(order: Any, programme: Programme) -> tuple[Affiliate | None, int | None]:
    found = referral.parse(getattr(order, "referral_code", "") or "").get(order.store_id)
    if found is None:
        return None, None
    at = order.created_at
    window = timedelta(days=programme.cookie_days)
    choices = [(found.last_code, found.last_at, found.last_click_id)]
    if programme.attribution == Attribution.FIRST_CLICK:
        choices.insert(0, (found.first_code, found.first_at, found.first_click_id))
    for code, clicked_at, click_id in choices:
        if clicked_at <= at <= clicked_at + window:
            affiliate = (
                Affiliate.objects.filter(store_id=order.store_id, code=code)
                .select_related("user")
                .first()
            )
            return affiliate, click_id
    return None, None


def _is_self_referral(affiliate: Affiliate, order: Any) -> bool:
    email = (order.email or "").strip().lower()
    if order.buyer_id and order.buyer_id == affiliate.user_id:
        return True
    if email and email == affiliate.user.email.strip().lower():
        return True
    contact = getattr(order, "contact", None)
    contact_email = (getattr(contact, "email", "") or "").strip().lower()
    return bool(contact_email) and contact_email == affiliate.user.email.strip().lower()


def attribute_order(order: Any) -> Commission | None:
    """Credit the affiliate who referred a paid order; idempotent (one row per order).

    The affiliate's coupon wins over the cookie. Self-referral is recorded, earning nothing.
    """
    from dukkan.checkout import services as checkout_services

    programme = Programme.objects.filter(store_id=order.store_id).first()
    if programme is None or Commission.objects.filter(order_id=order.pk).exists():
        return None
    affiliate = _affiliate_by_coupon(order)
    source, click_id = Source.COUPON, None
    if affiliate is None:
        affiliate, click_id = _affiliate_by_cookie(order, programme)
        source = Source.COOKIE
    if affiliate is None or affiliate.status != AffiliateStatus.APPROVED:
        return None
    click = Click.objects.filter(pk=click_id, affiliate=affiliate).first() if click_id else None
    paid_at = order.paid_at or timezone.now()
    status, reason, amount = CommissionStatus.PENDING, "", compute_commission(order, programme)
    if _is_self_referral(affiliate, order):
        status, reason, amount = CommissionStatus.REJECTED, "self_referral", 0
    elif amount <= 0:
        status, reason = CommissionStatus.REJECTED, "nothing_to_earn"
    flags = _flags_for_sale(affiliate, click) if status == CommissionStatus.PENDING else []
    try:
        with transaction.atomic():
            commission = Commission.objects.create(
                store_id=order.store_id,
                affiliate=affiliate,
                order_id=order.pk,
                click=click,
                source=source,
                currency=order.currency,
                base_minor=commission_base(order),
                amount_minor=amount,
                status=status,
                reason=reason,
                flagged=bool(flags),
                flag_reason="; ".join(flags)[:500],
                payable_at=paid_at + timedelta(days=programme.hold_days),
            )
            checkout_services.record(
                order,
                actor_label="affiliates",
                note=f"affiliate {affiliate.code} ({source})" + (f": {reason}" if reason else ""),
                data={"affiliate": affiliate.code, "source": source, "commission": amount},
            )
    except IntegrityError:
        return Commission.objects.filter(order_id=order.pk).first()
    return commission


def _flags_for_sale(affiliate: Affiliate, click: Click | None) -> list[str]:
    flags = []
    since = timezone.now() - timedelta(days=30)
    if click is not None:
        same = Commission.objects.filter(
            affiliate=affiliate, click__ip_hash=click.ip_hash, created_at__gte=since
        ).count()
        if same + 1 >= SAME_NETWORK_SALES:
            flags.append(f"{same + 1} sales from clicks of one network address in 30 days")
    sales = Commission.objects.filter(affiliate=affiliate, source=Source.COOKIE).count() + 1
    clicks = Click.objects.filter(affiliate=affiliate).count()
    if sales >= HIGH_CONVERSION_MIN_SALES and clicks and sales / clicks > HIGH_CONVERSION_RATE:
        flags.append(f"{sales} sales from {clicks} clicks")
    return flags


def reverse_for_refund(order: Any, *, amount_minor: int, full: bool) -> Commission | None:
    """A refund takes back the commission: all of it, or the refunded share of it."""
    with transaction.atomic():
        commission = Commission.objects.select_for_update().filter(order_id=order.pk).first()
        if commission is None or commission.status in (
            CommissionStatus.REVERSED,
            CommissionStatus.REJECTED,
        ):
            return commission
        if full or not order.total_minor:
            take = commission.net_minor
        else:
            refunded = min(int(order.refunded_minor), int(order.total_minor))
            # Cumulative: what all refunds so far take back, less what was taken before.
            should = commission.amount_minor * refunded // int(order.total_minor)
            take = max(min(should - commission.reversed_minor, commission.net_minor), 0)
        if take <= 0:
            return commission
        if commission.status == CommissionStatus.PAID:
            commission.clawback_minor += take
        commission.reversed_minor += take
        if commission.net_minor <= 0 and commission.status != CommissionStatus.PAID:
            commission.status = CommissionStatus.REVERSED
        commission.save(update_fields=["reversed_minor", "clawback_minor", "status"])
        _flag_refund_rate(commission.affiliate_id)
    return commission


def _flag_refund_rate(affiliate_id: int) -> None:
    earned = Commission.objects.filter(affiliate_id=affiliate_id).exclude(
        status=CommissionStatus.REJECTED
    )
    total = earned.count()
    refunded = earned.filter(reversed_minor__gt=0).count()
    if total >= HIGH_REFUND_MIN_SALES and refunded / total > HIGH_REFUND_RATE:
        note = f"{refunded} of {total} sales refunded"
        earned.filter(reversed_minor__gt=0, flagged=False).update(flagged=True, flag_reason=note)


# -------------------------------------------------------------------------- hold period


def release_held(now: datetime | None = None) -> int:
    """Pending commissions whose hold is over become payable (the periodic job)."""
    now = now or timezone.now()
    return Commission.objects.filter(status=CommissionStatus.PENDING, payable_at__lte=now).update(
        status=CommissionStatus.PAYABLE
    )


# ------------------------------------------------------------------------------ payouts


@dataclass(frozen=True)
class Balance:
    affiliate: Affiliate
    currency: str
    amount_minor: int
    commission_ids: tuple[int, ...]
    clawback_ids: tuple[int, ...]


def payable_balance(affiliate: Affiliate, *, lock: bool = False) -> list[Balance]:
    """What the store owes `affiliate` now, per currency: payable commissions less clawbacks."""
    payable = Commission.objects.filter(
        affiliate=affiliate, status=CommissionStatus.PAYABLE, payout__isnull=True
    )
    clawed = Commission.objects.filter(
        affiliate=affiliate, clawback_minor__gt=0, clawback_payout__isnull=True
    )
    if lock:
        payable, clawed = payable.select_for_update(), clawed.select_for_update()
    per: dict[str, tuple[int, list[int], list[int]]] = {}
    for c in payable:
        amount, ids, back = per.get(c.currency, (0, [], []))
        per[c.currency] = (amount + c.net_minor, [*ids, c.pk], back)
    for c in clawed:
        amount, ids, back = per.get(c.currency, (0, [], []))
        per[c.currency] = (amount - c.clawback_minor, ids, [*back, c.pk])
    return [
        Balance(affiliate, currency, amount, tuple(ids), tuple(back))
        for currency, (amount, ids, back) in sorted(per.items())
    ]


def pay_batch(
    store: Store,
    affiliates: Iterable[Affiliate],
    *,
    method: str,
    reference: str,
    note: str = "",
    by: User | None = None,
) -> PayoutBatch:
    """Mark the payable balances of `affiliates` paid, as one batch; each affiliate is told."""
    from dukkan.affiliates.tasks import send_payout_notice

    reference = (reference or "").strip()
    chosen = list(affiliates)
    errors: dict[str, str] = {}
    if method not in PayoutMethod.values:
        errors["method"] = _("Choose how you paid.")
    if not reference:
        errors["reference"] = _("Enter the payment's reference (transaction id or note).")
    if not chosen:
        errors["affiliates"] = _("Choose at least one affiliate to pay.")
    if errors:
        raise ValidationError(errors)
    programme = programme_of(store)
    with transaction.atomic():
        batch = PayoutBatch.objects.create(
            store=store, method=method, reference=reference[:200], note=note[:300], by=by
        )
        made: list[Payout] = []
        for affiliate in chosen:
            if affiliate.store_id != store.pk:
                raise ValidationError(_("Choose at least one affiliate to pay."))
            for balance in payable_balance(affiliate, lock=True):
                minimum = programme.min_payout_minor if balance.currency == store.currency else 0
                if balance.amount_minor <= 0 or balance.amount_minor < minimum:
                    continue
                payout = Payout.objects.create(
                    store=store,
                    batch=batch,
                    affiliate=affiliate,
                    amount_minor=balance.amount_minor,
                    currency=balance.currency,
                    method=method,
                    reference=reference[:200],
                    payout_details=affiliate.payout_details,
                )
                Commission.objects.filter(pk__in=balance.commission_ids).update(
                    status=CommissionStatus.PAID, payout=payout
                )
                Commission.objects.filter(pk__in=balance.clawback_ids).update(
                    clawback_payout=payout
                )
                made.append(payout)
        if not made:
            raise ValidationError(
                _("There is nothing to pay: no chosen affiliate has a payable balance.")
                if programme.min_payout_minor <= 0
                else _(
                    "There is nothing to pay: no chosen affiliate has a payable balance of "
                    "at least the minimum payout."
                ),
                code="nothing",
            )
        for payout in made:
            send_payout_notice.enqueue(payout.pk)
    return batch
