"""The order life cycle: every legal transition works, every other one is refused."""

from __future__ import annotations

from typing import Any

import pytest

from dukkan.checkout import services
from dukkan.checkout.models import Order, OrderEvent, OrderStatus
from dukkan.core.events import subscribe

S = OrderStatus
ALL = [s.value for s in S]
LEGAL = {(a, b) for a, targets in services.TRANSITIONS.items() for b in targets}

pytestmark = pytest.mark.django_db


def _order(shop: Any, product: Any, **kw: Any) -> Order:
    return services.start_checkout(
        shop, product, email="Buyer@Example.com", name="نورة", language="ar", provider="test", **kw
    )


@pytest.mark.parametrize(("source", "target"), [(a, b) for a in ALL for b in ALL])
def test_transition_table(shop: Any, product: Any, source: str, target: str) -> None:
    order = _order(shop, product)
    Order.objects.filter(pk=order.pk).update(status=source)
    order.refresh_from_db()
    if (source, target) in LEGAL:
        services.transition(order, target, note="by test")
        order.refresh_from_db()
        assert order.status == target
        event = OrderEvent.objects.filter(order=order).last()
        assert event is not None
        assert (event.from_status, event.to_status) == (source, target)
    else:
        with pytest.raises(services.IllegalTransition) as caught:
            services.transition(order, target)
        assert order.number in str(caught.value.messages[0])
        order.refresh_from_db()
        assert order.status == source


def test_the_happy_path_writes_an_audit_trail(shop: Any, product: Any) -> None:
    order = _order(shop, product)
    assert order.status == S.PENDING
    assert order.email == "buyer@example.com"
    services.mark_paid(
        order, provider="test", reference="r1", amount_minor=order.total_minor, currency="SAR"
    )
    assert order.status == S.PAID
    assert order.paid_at is not None
    services.mark_fulfilled(order)
    assert order.status == S.FULFILLED
    assert order.fulfilled_at is not None
    trail = list(OrderEvent.objects.filter(order=order).values_list("from_status", "to_status"))
    assert trail == [("", "pending"), ("pending", "paid"), ("paid", "fulfilled")]


def test_paid_is_published_once_after_commit(
    shop: Any, product: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from dukkan.checkout.events import OrderPaid

    seen: list[int] = []

    @subscribe(OrderPaid)
    def remember(event: OrderPaid) -> None:
        seen.append(event.order_id)

    order = _order(shop, product)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            services.mark_paid(
                order,
                provider="test",
                reference="r",
                amount_minor=order.total_minor,
                currency="SAR",
            )
    assert seen.count(order.pk) == 1


def test_mark_failed_never_downgrades_a_paid_order(shop: Any, product: Any) -> None:
    order = _order(shop, product)
    services.mark_paid(
        order, provider="test", reference="r", amount_minor=order.total_minor, currency="SAR"
    )
    services.mark_failed(order, reason="late failure")
    assert order.status == S.PAID


def test_failure_and_cancel_give_copies_back(shop: Any, make_product: Any) -> None:
    limited = make_product(shop, title="طبعة محدودة", quantity_limit=2)
    first = _order(shop, limited)
    second = _order(shop, limited)
    limited.refresh_from_db()
    assert limited.quantity_sold == 2
    with pytest.raises(services.SoldOut):
        _order(shop, limited)
    services.mark_failed(first)
    services.cancel(second)
    services.cancel(first)  # failed → cancelled: no double release
    limited.refresh_from_db()
    assert limited.quantity_sold == 0


def test_late_payment_after_cancel_takes_a_copy_again_or_is_flagged(
    shop: Any, make_product: Any
) -> None:
    limited = make_product(shop, title="نسخة واحدة", quantity_limit=1)
    order = _order(shop, limited)
    services.cancel(order)
    other = _order(shop, limited)  # the copy went to someone else
    services.mark_paid(
        order, provider="test", reference="late", amount_minor=order.total_minor, currency="SAR"
    )
    assert order.status == S.PAID
    assert order.flagged
    assert "refund" in order.flag_reason
    limited.refresh_from_db()
    assert limited.quantity_sold == 1
    assert other.status == S.PENDING


def test_mismatched_amount_or_currency_flags_and_does_not_pay(shop: Any, product: Any) -> None:
    order = _order(shop, product)
    services.mark_paid(order, provider="test", reference="x", amount_minor=1, currency="SAR")
    assert order.status == S.PENDING
    assert order.flagged
    services.mark_paid(
        order, provider="test", reference="y", amount_minor=order.total_minor, currency="USD"
    )
    assert order.status == S.PENDING
    assert order.flag_reason.count("\n") == 1  # two reasons


def test_refunds_full_and_partial(
    shop: Any, product: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from dukkan.checkout.events import OrderRefunded

    seen: list[tuple[int, bool]] = []

    @subscribe(OrderRefunded)
    def remember(event: OrderRefunded) -> None:
        seen.append((event.amount_minor, event.full))

    owner = make_user()
    order = _order(shop, product)
    with pytest.raises(services.IllegalTransition):
        services.refund(order, reason="not paid", by=owner)
    services.mark_paid(
        order, provider="test", reference="r", amount_minor=order.total_minor, currency="SAR"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.refund(order, amount_minor=1500, reason="partial", by=owner)
    assert order.status == S.PARTIALLY_REFUNDED
    assert order.refunded_minor == 1500
    with pytest.raises(Exception, match="at most"):
        services.refund(order, amount_minor=order.total_minor, reason="too much", by=owner)
    with django_capture_on_commit_callbacks(execute=True):
        made = services.refund(order, reason="the rest", by=owner)
    assert made.amount_minor == order.total_minor - 1500
    assert made.provider_reference.startswith("test_re_")
    assert order.status == S.REFUNDED
    assert order.refunded_minor == order.total_minor
    assert all(line.refunded for line in order.lines.all())
    assert seen == [(1500, False), (order.total_minor - 1500, True)]
    with pytest.raises(services.IllegalTransition):
        services.refund(order, amount_minor=1, reason="again", by=owner)


def test_bank_transfer_is_confirmed_by_hand(shop: Any, product: Any, make_user: Any) -> None:
    order = services.start_checkout(
        shop, product, email="a@example.com", language="en", provider="manual"
    )
    owner = make_user()
    services.confirm_bank_transfer(order, owner)
    assert order.status == S.PAID
    event = OrderEvent.objects.filter(order=order, to_status="paid").get()
    assert event.actor == owner
    test_order = _order(shop, product)
    with pytest.raises(Exception, match="bank-transfer"):
        services.confirm_bank_transfer(test_order, owner)
