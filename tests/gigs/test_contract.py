"""The contract other apps use: the gig order from a paid checkout, balances, bonuses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from dukkan.gigs import services
from dukkan.gigs.models import GigOrder, GigStatus, LedgerEntry
from dukkan.gigs.selectors import balance, platform_balance

pytestmark = pytest.mark.django_db


def test_paid_order_makes_one_gig_order_and_books_it_held(
    paid_gig: Callable[..., GigOrder], make_user: Callable[..., Any], shop: Any
) -> None:
    gig = paid_gig(extra_ids=[])
    assert gig.status == GigStatus.REQUIREMENTS_PENDING
    assert gig.price_minor == 2_500_000
    assert gig.commission_minor == 500_000
    assert gig.conversation is not None
    assert gig.conversation.store_id == shop.pk
    assert services.create_from_paid_order(gig.checkout_order_id) == gig  # idempotent
    assert GigOrder.objects.count() == 1
    assert balance(shop.pk) == balance(shop.pk).__class__(2_000_000, 0, 0, "IRR")
    assert platform_balance("IRR") == 500_000

    with pytest.raises(ValidationError) as caught:
        services.record_bonus(shop, 600_000, "IRR", "best seller", make_user())
    assert caught.value.code == "pool"
    services.record_bonus(shop, 100_000, "IRR", "best seller", None)
    assert balance(shop.pk).available == 100_000
    assert platform_balance("IRR") == 400_000
    assert LedgerEntry.objects.filter(store=shop).count() == 3
