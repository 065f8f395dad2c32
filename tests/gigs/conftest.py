from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dukkan.checkout import services as checkout
from dukkan.checkout.models import Order, SellingSettings
from dukkan.gigs import services
from dukkan.gigs.models import GigOrder, MarketplaceSettings, ServicePackage
from tests.tasks import run_queued_tasks  # noqa: F401  (imported from here by tests)


@pytest.fixture
def market(db: None) -> MarketplaceSettings:
    settings, _ = MarketplaceSettings.objects.update_or_create(
        pk=1,
        defaults={
            "commission_bp": 2000,
            "clearing_days": 14,
            "auto_complete_days": 3,
            "review_after_days": 3,
            "max_requirement_file_mb": 1,
        },
    )
    return settings


@pytest.fixture
def shop(make_store: Callable[..., Any]) -> Any:
    """A Persian seller: IRR, no VAT, the test payment provider."""
    store = make_store(currency="IRR", default_language="fa")
    SellingSettings.objects.update_or_create(
        store=store, defaults={"vat_rate_bp": 0, "providers": ["test"]}
    )
    return store


@pytest.fixture
def service(shop: Any, market: MarketplaceSettings) -> Any:
    from dukkan.catalog.services import create_product

    product = create_product(
        shop,
        title="نصب و پیکربندی افزونه",
        kind="service",
        visibility="published",
        price_minor=0,
    )
    services.save_packages(
        product,
        [
            services.PackageInput("basic", "پایه", 1_000_000, 2, 0),
            services.PackageInput("standard", "استاندارد", 2_500_000, 3, 1, features=["پشتیبانی"]),
            services.PackageInput("premium", "ویژه", 5_000_003, 5, 3),
        ],
    )
    services.add_extra(product, "تحویل فوری", 500_000, 0)
    services.add_question(product, "نشانی سایت شما چیست؟")
    return product


@pytest.fixture
def package(service: Any) -> ServicePackage:
    return ServicePackage.objects.get(product=service, tier="standard")


@pytest.fixture
def paid_gig(
    package: ServicePackage, django_capture_on_commit_callbacks: Callable[..., Any]
) -> Callable[..., GigOrder]:
    """Order `tier` and pay it through checkout; the OrderPaid handler makes the gig order."""

    def make(tier: str = "standard", email: str = "buyer@example.com", **kw: Any) -> GigOrder:
        chosen = ServicePackage.objects.get(product=package.product, tier=tier)
        order = services.order_package(
            chosen, email=email, name="مریم", language="fa", provider="test", **kw
        )
        with django_capture_on_commit_callbacks(execute=True):
            checkout.mark_paid(
                order,
                provider="test",
                reference=f"r{order.pk}",
                amount_minor=order.total_minor,
                currency=order.currency,
            )
        return GigOrder.objects.get(checkout_order=Order.objects.get(pk=order.pk))

    return make
