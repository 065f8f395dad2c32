"""Refunds reach the gig ledger exactly once, whichever side makes them: the store's orders
page (checkout → OrderRefunded → gigs) or gigs itself (cancellation, dispute). The ledger
reconciles with the orders, refunds, payouts and bonuses: nothing created, nothing lost."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from dukkan.checkout import services as checkout
from dukkan.checkout.models import Order, Refund
from dukkan.gigs import services
from dukkan.gigs.models import GigOrder, GigOrderEvent, GigStatus, LedgerEntry, LedgerKind
from dukkan.gigs.selectors import balance, platform_balance

pytestmark = pytest.mark.django_db
G = GigStatus


def _start(gig: GigOrder) -> GigOrder:
    question = gig.product.requirement_questions.get()
    return services.submit_requirements(gig, {question.pk: "https://example.ir"}, {})


def _owner(shop: Any) -> Any:
    from dukkan.accounts.models import Membership

    return Membership.objects.get(store=shop, role="owner").user


def _refund_in_checkout(
    gig: GigOrder, amount: int | None, by: Any, run: Callable[..., Any]
) -> None:
    """The store refunds from its orders page; the event's handlers run after commit."""
    with run(execute=True):
        checkout.refund(
            Order.objects.get(pk=gig.checkout_order_id),
            amount_minor=amount,
            reason="بازپرداخت",
            by=by,
        )
    gig.refresh_from_db()


def _ledger(gig: GigOrder, kind: str) -> list[int]:
    return list(
        LedgerEntry.objects.filter(gig_order=gig, kind=kind)
        .order_by("pk")
        .values_list("amount_minor", flat=True)
    )


def test_a_refund_from_the_orders_page_is_booked_once(
    paid_gig: Callable[..., GigOrder],
    shop: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    gig = _start(paid_gig())  # 2,500,000 rials, 20% commission
    owner = _owner(shop)
    _refund_in_checkout(gig, 500_000, owner, django_capture_on_commit_callbacks)
    assert gig.refunded_minor == 500_000
    assert gig.commission_minor == services.commission_of(2_000_000, 2000) == 400_000
    assert gig.status == G.IN_PROGRESS  # a partial refund: the work goes on
    assert _ledger(gig, LedgerKind.REFUND) == [-500_000]
    # The event again (a retry, a second worker): nothing more is booked.
    assert services.book_checkout_refund(gig.checkout_order_id) == 0
    assert _ledger(gig, LedgerKind.REFUND) == [-500_000]
    refund_event = GigOrderEvent.objects.filter(order=gig, action="refund").get()
    assert refund_event.actor_role == "seller"
    assert refund_event.actor == owner
    assert balance(shop.pk).pending == 2_000_000 - 400_000
    # The buyer's page shows the refund on the timeline as money.
    page = Client().get(f"/fa/s/{shop.slug}/services/o/{gig.token}/").content.decode()
    timeline = page[page.index('class="card gig-timeline"') :]
    assert "۵۰٬۰۰۰ تومان" in timeline
    assert "500000" not in page

    # The rest refunded: nothing is left to pay for, the order is cancelled, and says why.
    _refund_in_checkout(gig, None, owner, django_capture_on_commit_callbacks)
    assert gig.refunded_minor == gig.price_minor
    assert gig.status == G.CANCELLED
    last = GigOrderEvent.objects.filter(order=gig).last()
    assert last is not None
    assert last.action == "checkout_refund"
    assert last.note
    assert balance(shop.pk) == balance(shop.pk).__class__(0, 0, 0, "IRR")
    assert platform_balance("IRR") == 0


def test_a_refund_whose_event_was_lost_is_booked_by_the_hourly_sweep(
    paid_gig: Callable[..., GigOrder], shop: Any
) -> None:
    gig = _start(paid_gig())
    # Refunded in checkout, but its after-commit handlers never ran (here: never captured).
    checkout.refund(Order.objects.get(pk=gig.checkout_order_id), amount_minor=700_000)
    gig.refresh_from_db()
    assert gig.refunded_minor == 0
    assert services.sync_checkout_refunds() == 700_000
    assert services.sync_checkout_refunds() == 0
    gig.refresh_from_db()
    assert gig.refunded_minor == 700_000
    assert _ledger(gig, LedgerKind.REFUND) == [-700_000]


def test_a_dispute_refund_is_booked_once(
    paid_gig: Callable[..., GigOrder],
    make_user: Callable[..., Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    gig = _start(paid_gig())
    services.deliver(gig, message="done")
    services.open_dispute(gig, role="buyer", reason="ناقص")
    operator = make_user(is_operator=True)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.resolve_dispute(gig, refund_minor=1_000_000, note="نیمی", by=operator)
    assert callbacks  # OrderRefunded was delivered to its handlers, gigs' included
    gig.refresh_from_db()
    assert gig.status == G.COMPLETED
    assert _ledger(gig, LedgerKind.REFUND) == [-1_000_000]
    assert Refund.objects.get().amount_minor == 1_000_000
    assert gig.refunded_minor == Order.objects.get(pk=gig.checkout_order_id).refunded_minor


def test_a_refund_after_completion_is_owed_back_at_once(
    paid_gig: Callable[..., GigOrder],
    shop: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    gig = _start(paid_gig())
    services.deliver(gig, message="done")
    services.accept(gig)
    _refund_in_checkout(gig, 1_000_000, _owner(shop), django_capture_on_commit_callbacks)
    assert gig.status == G.COMPLETED  # finished work stays finished; the money comes back
    kept = gig.price_minor - 1_000_000
    assert gig.commission_minor == services.commission_of(kept, 2000)
    now = timezone.now()
    state = balance(shop.pk, now=now)
    # The cleared share still waits for its date; the refund (less the commission returned)
    # is taken from what is available now.
    assert state.pending == 2_000_000
    assert state.available == -(1_000_000 - 200_000)
    assert balance(shop.pk, now=now + timedelta(days=15)).available == kept - gig.commission_minor


def test_ledger_reconciles_per_store_with_orders_payouts_and_bonuses(
    paid_gig: Callable[..., GigOrder],
    shop: Any,
    make_user: Callable[..., Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    operator = make_user(is_operator=True)
    owner = _owner(shop)
    run = django_capture_on_commit_callbacks
    now = timezone.now()
    done = [
        _start(paid_gig(email=f"d{i}@example.com", tier=t))
        for i, t in enumerate(["basic", "premium"])
    ]
    for gig in done:
        services.deliver(gig, message="done", now=now)
        services.accept(gig, now=now)
    _refund_in_checkout(done[1], 1_234_567, owner, run)  # after completion
    partly = _start(paid_gig(email="p@example.com"))
    _refund_in_checkout(partly, 333_333, owner, run)  # still open
    whole = paid_gig(email="w@example.com", tier="basic")
    _refund_in_checkout(whole, None, owner, run)  # cancels it
    disputed = _start(paid_gig(email="x@example.com", tier="premium"))
    services.open_dispute(disputed, role="buyer", reason="late")
    with run(execute=True):
        services.resolve_dispute(disputed, refund_minor=2_000_001, note="split", by=operator)
    cancelled = _start(paid_gig(email="c@example.com", tier="standard"))
    services.propose_cancel(cancelled, role="seller", reason="busy")
    with run(execute=True):
        services.answer_cancel(cancelled, role="buyer", agree=True)

    later = now + timedelta(days=30)
    available = balance(shop.pk, now=later).available
    services.record_payout(shop, available - 7, by=operator, reference="IBAN", now=later)
    services.record_bonus(shop, 10_000, "IRR", "پاداش", operator)

    orders = list(GigOrder.objects.filter(store=shop))
    checkout_orders = Order.objects.filter(pk__in=[o.checkout_order_id for o in orders])
    # Every refund checkout made is on the gig orders, once.
    refunded = Refund.objects.aggregate(s=Sum("amount_minor"))["s"]
    assert refunded == sum(o.refunded_minor for o in orders)
    assert refunded == checkout_orders.aggregate(s=Sum("refunded_minor"))["s"]
    assert (
        LedgerEntry.objects.filter(kind=LedgerKind.REFUND).aggregate(s=Sum("amount_minor"))["s"]
        == -refunded
    )
    # The store's ledger: what its orders kept, less commission, less payouts, plus bonuses.
    net = sum(o.price_minor - o.refunded_minor - o.commission_minor for o in orders)
    ledger = LedgerEntry.objects.filter(store=shop).aggregate(s=Sum("amount_minor"))["s"]
    assert ledger == net - (available - 7) + 10_000
    state = balance(shop.pk, now=later)
    assert state.available == 7 + 10_000
    assert state.pending == partly.price_minor - partly.refunded_minor - partly.commission_minor
    # The platform kept the commission on what was not refunded, less the bonus.
    assert platform_balance("IRR") == sum(o.commission_minor for o in orders) - 10_000
    for order in orders:
        assert order.commission_minor == services.commission_of(
            order.price_minor - order.refunded_minor, order.commission_bp
        )
    # Money is neither created nor lost.
    paid_in = checkout_orders.aggregate(s=Sum("total_minor"))["s"]
    assert paid_in == refunded + state.total + state.paid_out + platform_balance("IRR")
