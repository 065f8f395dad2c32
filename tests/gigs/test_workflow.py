"""The gig order state machine: every transition, the workflow's rules, late orders,
auto-completion, mutual cancellation, disputes, and the ledger reconciling with all of it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.utils import timezone

from dukkan.checkout.models import Order, OrderStatus, Refund
from dukkan.gigs import services
from dukkan.gigs.models import (
    Delivery,
    GigOrder,
    GigOrderEvent,
    GigStatus,
    LedgerEntry,
    RequirementFile,
)
from dukkan.gigs.selectors import balance, platform_balance

G = GigStatus
ALL = [s.value for s in G]
LEGAL = {(a, b) for a, targets in services.TRANSITIONS.items() for b in targets}

pytestmark = pytest.mark.django_db


def _start(gig: GigOrder, **kw: Any) -> GigOrder:
    question = gig.product.requirement_questions.get()
    return services.submit_requirements(gig, {question.pk: "https://example.ir"}, {}, **kw)


def test_every_transition_is_legal_or_refused(paid_gig: Callable[..., GigOrder]) -> None:
    gig = paid_gig()
    for source in ALL:
        for target in ALL:
            GigOrder.objects.filter(pk=gig.pk).update(status=source)
            gig.refresh_from_db()
            before = GigOrderEvent.objects.filter(order=gig).count()
            if (source, target) in LEGAL:
                services.transition(gig, target, action="test", role="system")
                gig.refresh_from_db()
                assert gig.status == target
                last = GigOrderEvent.objects.filter(order=gig).last()
                assert last is not None
                assert (last.from_status, last.to_status) == (source, target)
            else:
                with pytest.raises(services.IllegalTransition) as caught:
                    services.transition(gig, target, action="test", role="system")
                assert caught.value.code == "illegal_transition"
                gig.refresh_from_db()
                assert gig.status == source
                assert GigOrderEvent.objects.filter(order=gig).count() == before
    # Terminal states have no way out; every open state can be disputed or cancelled.
    assert not services.TRANSITIONS[G.COMPLETED]
    assert not services.TRANSITIONS[G.CANCELLED]


def test_happy_path_with_revision_completes_and_clears(
    paid_gig: Callable[..., GigOrder], shop: Any, market: Any
) -> None:
    gig = paid_gig()
    question = gig.product.requirement_questions.get()
    # Bad input first: a required answer missing, an oversized file — nothing written.
    with pytest.raises(ValidationError) as caught:
        services.submit_requirements(gig, {}, {})
    assert caught.value.code == "required"
    big = SimpleUploadedFile("big.zip", b"x" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError) as caught:
        services.submit_requirements(gig, {question.pk: "site"}, {question.pk: [big]})
    assert caught.value.code == "file_size"
    assert not RequirementFile.objects.exists()
    gig.refresh_from_db()
    assert gig.status == G.REQUIREMENTS_PENDING
    assert gig.due_at is None

    now = timezone.now()
    small = SimpleUploadedFile("brief.txt", b"hello")
    services.submit_requirements(
        gig, {question.pk: "https://example.ir"}, {question.pk: [small]}, now=now
    )
    assert gig.status == G.IN_PROGRESS
    assert gig.due_at == now + timedelta(days=3)
    assert RequirementFile.objects.filter(order=gig).count() == 1
    with pytest.raises(services.IllegalTransition):  # requirements only once
        services.submit_requirements(gig, {question.pk: "again"}, {})

    with pytest.raises(ValidationError) as caught:
        services.deliver(gig, message="  ", files=[])
    assert caught.value.code == "empty_delivery"
    assert not Delivery.objects.exists()
    with pytest.raises(ValidationError):  # accepting before any delivery
        services.accept(gig)

    services.deliver(gig, message="نسخه اول", now=now + timedelta(days=1))
    assert gig.status == G.DELIVERED
    assert not gig.is_late
    services.request_revision(gig, note="رنگ را عوض کنید")
    assert gig.status == G.REVISION_REQUESTED
    assert gig.revisions_used == 1
    services.deliver(gig, message="", files=[SimpleUploadedFile("v2.zip", b"zip")])
    with pytest.raises(ValidationError) as caught:  # the standard package has one revision
        services.request_revision(gig)
    assert caught.value.code == "no_revisions"
    assert gig.revisions_used == 1
    assert gig.status == G.DELIVERED

    done = now + timedelta(days=2)
    services.accept(gig, now=done)
    assert gig.status == G.COMPLETED
    assert gig.completed_at == done
    assert not gig.auto_completed
    assert balance(shop.pk, now=done) == balance(shop.pk, now=done).__class__(
        2_000_000, 0, 0, "IRR"
    )
    cleared = done + timedelta(days=market.clearing_days)
    assert balance(shop.pk, now=cleared).available == 2_000_000
    actions = list(GigOrderEvent.objects.filter(order=gig).values_list("action", flat=True))
    assert actions == ["paid", "requirements", "delivery", "revision", "delivery", "accept"]


def test_auto_complete_only_after_n_days_without_answer(
    paid_gig: Callable[..., GigOrder], market: Any
) -> None:
    waiting = _start(paid_gig())
    answered = _start(paid_gig(email="other@example.com"))
    now = timezone.now()
    services.deliver(waiting, message="done", now=now)
    services.deliver(answered, message="done", now=now)
    services.request_revision(answered)
    assert services.auto_complete_due(now + timedelta(days=2, hours=23)) == 0
    assert services.auto_complete_due(now + timedelta(days=3, seconds=1)) == 1
    waiting.refresh_from_db()
    answered.refresh_from_db()
    assert waiting.status == G.COMPLETED
    assert waiting.auto_completed
    assert answered.status == G.REVISION_REQUESTED
    assert services.auto_complete_due(now + timedelta(days=30)) == 0  # once


def test_late_order_is_marked_and_the_buyer_may_cancel_it(
    paid_gig: Callable[..., GigOrder], shop: Any
) -> None:
    gig = _start(paid_gig())
    due = gig.due_at
    assert due is not None
    with pytest.raises(ValidationError) as caught:
        services.cancel_late(gig, now=due - timedelta(minutes=1))
    assert caught.value.code == "not_late"
    assert services.mark_late(due - timedelta(minutes=1)) == 0
    assert services.mark_late(due + timedelta(minutes=1)) == 1
    assert services.mark_late(due + timedelta(minutes=2)) == 0
    gig.refresh_from_db()
    assert gig.is_late
    services.cancel_late(gig, now=due + timedelta(hours=1))
    assert gig.status == G.CANCELLED
    order = Order.objects.get(pk=gig.checkout_order_id)
    assert order.status == OrderStatus.REFUNDED
    assert order.refunded_minor == gig.price_minor
    assert balance(shop.pk) == balance(shop.pk).__class__(0, 0, 0, "IRR")
    assert platform_balance("IRR") == 0


def test_a_late_first_delivery_marks_the_order_late(paid_gig: Callable[..., GigOrder]) -> None:
    gig = _start(paid_gig())
    assert gig.due_at is not None
    delivery = services.deliver(gig, message="دیر شد", now=gig.due_at + timedelta(hours=5))
    assert delivery.late
    assert gig.is_late
    with pytest.raises(ValidationError):  # delivered: no longer cancellable as late
        services.cancel_late(gig, now=gig.due_at + timedelta(days=1))


def test_mutual_cancellation_needs_the_other_side(paid_gig: Callable[..., GigOrder]) -> None:
    gig = _start(paid_gig())
    with pytest.raises(ValidationError):
        services.propose_cancel(gig, role="buyer", reason="")
    services.propose_cancel(gig, role="seller", reason="نمی‌توانم انجام دهم")
    with pytest.raises(ValidationError) as caught:
        services.answer_cancel(gig, role="seller", agree=True)
    assert caught.value.code == "no_proposal"
    services.answer_cancel(gig, role="buyer", agree=False)
    assert gig.status == G.IN_PROGRESS
    assert gig.cancel_proposed_by == ""
    services.propose_cancel(gig, role="buyer", reason="دیگر لازم نیست")
    services.answer_cancel(gig, role="seller", agree=True)
    assert gig.status == G.CANCELLED
    assert gig.refunded_minor == gig.price_minor


@pytest.mark.parametrize("refund", [0, 1_000_001, 2_500_000])
def test_dispute_decisions_refund_and_reconcile(
    paid_gig: Callable[..., GigOrder], make_user: Callable[..., Any], shop: Any, refund: int
) -> None:
    gig = _start(paid_gig())
    services.deliver(gig, message="done")
    operator = make_user(is_operator=True)
    with pytest.raises(ValidationError):  # not disputed yet
        services.resolve_dispute(gig, refund_minor=0, note="x", by=operator)
    services.open_dispute(gig, role="buyer", reason="کیفیت پایین")
    assert gig.status == G.DISPUTED
    with pytest.raises(ValidationError) as caught:
        services.resolve_dispute(gig, refund_minor=0, note="x", by=make_user())
    assert caught.value.code == "forbidden"
    with pytest.raises(ValidationError) as caught:
        services.resolve_dispute(gig, refund_minor=gig.price_minor + 1, note="x", by=operator)
    assert caught.value.code == "amount"
    assert not Refund.objects.exists()

    services.resolve_dispute(gig, refund_minor=refund, note="تصمیم داور", by=operator)
    full = refund == gig.price_minor
    assert gig.status == (G.CANCELLED if full else G.COMPLETED)
    order = Order.objects.get(pk=gig.checkout_order_id)
    assert order.refunded_minor == refund
    kept = gig.price_minor - refund
    commission = services.commission_of(kept, 2000)
    assert gig.commission_minor == commission
    # The seller's entries for the order add up to what was kept less the commission on it.
    seller = LedgerEntry.objects.filter(gig_order=gig).aggregate(s=Sum("amount_minor"))["s"]
    assert seller == kept - commission
    assert platform_balance("IRR") == commission
    later = timezone.now() + timedelta(days=15)
    assert balance(shop.pk, now=later).available == kept - commission


def test_money_reconciles_across_orders_refunds_payouts_and_bonuses(
    paid_gig: Callable[..., GigOrder], make_user: Callable[..., Any], shop: Any
) -> None:
    operator = make_user(is_operator=True)
    now = timezone.now()
    finished = [
        _start(paid_gig(email=f"b{i}@example.com", tier=t))
        for i, t in enumerate(["basic", "standard", "premium"])
    ]
    for gig in finished:
        services.deliver(gig, message="done", now=now)
        services.accept(gig, now=now)
    disputed = _start(paid_gig(email="d@example.com", tier="premium"))
    services.open_dispute(disputed, role="seller", reason="buyer vanished")
    services.resolve_dispute(disputed, refund_minor=1_234_567, note="split", by=operator)
    cancelled = _start(paid_gig(email="c@example.com", tier="basic"))
    services.propose_cancel(cancelled, role="buyer", reason="no")
    services.answer_cancel(cancelled, role="seller", agree=True)
    open_one = paid_gig(email="o@example.com")

    later = now + timedelta(days=20)
    available = balance(shop.pk, now=later).available
    with pytest.raises(ValidationError) as caught:
        services.record_payout(shop, available + 1, by=operator, now=later)
    assert caught.value.code == "amount"
    services.record_payout(shop, available - 100, by=operator, reference="IBAN", now=later)
    services.record_bonus(shop, 50_000, "IRR", "پاداش فروشنده برتر", operator)

    orders = GigOrder.objects.all()
    paid_in = sum(Order.objects.get(pk=o.checkout_order_id).total_minor for o in orders)
    refunded = Refund.objects.aggregate(s=Sum("amount_minor"))["s"]
    assert refunded == sum(o.refunded_minor for o in orders)
    state = balance(shop.pk, now=later)
    # Every unit the buyers paid is refunded, with the seller (held, available, paid out)
    # or with the platform (commission less bonuses): nothing created, nothing lost.
    assert paid_in == refunded + state.pending + state.available + state.paid_out + (
        platform_balance("IRR")
    )
    assert state.available == 100 + 50_000
    assert state.paid_out == available - 100
    assert state.pending == open_one.price_minor - open_one.commission_minor
    assert platform_balance("IRR") == sum(o.commission_minor for o in orders) - 50_000
