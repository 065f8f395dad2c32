"""Demo: report-card day, the sellers' guides (en/ar/fa), a few more completed service
orders, a computed card per store, levels, and a real bonus round paid from the platform's
commissions on those orders.

Idempotent: the guides add only what is missing, the orders are made once per buyer, the
card once per period and the bonus round once.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from dukkan.accounts.models import Membership, User
from dukkan.core.models import Store
from dukkan.reportcards import services
from dukkan.reportcards.models import BonusRound, ReportCard

BANNER = [
    "Report cards: {base_url}/en/operator/report-cards/ (operator) · {base_url}/fa/dashboard/afzoonesara/report-card/ (a card with a bonus)",
]

# More finished orders for the report cards (and commission for the bonus round): the
# buyer, the package and the answer to the requirements form, in the store's language.
# No reviews: the reviews demo keeps one review per store.
ORDERS: dict[str, list[tuple[str, str, str]]] = {
    "afzoonesara": [
        ("mina@customers.example", "premium", "https://mina-shop.example.ir — سه افزونهٔ فروشگاه"),
        ("kaveh@customers.example", "standard", "https://kaveh.example.ir — افزونهٔ فرم تماس"),
    ],
    "alwarraq": [
        ("salem@customers.example", "standard", "ديوان «مطر الصحراء»، ٩٠ صفحة"),
        ("reem@customers.example", "basic", "مجموعة قصصية، ٤٠ صفحة"),
    ],
}  # fmt: skip
DELIVERY = {
    "afzoonesara": "کار انجام شد؛ گزارش پیوست است.",
    "alwarraq": "أنجزنا العمل، والملف مرفق.",
}
BONUS_STORE = "afzoonesara"  # the banner's card shows the bonus
BONUS_NAMES = {"fa": "پاداش نیمهٔ سال", "ar": "مكافأة نصف السنة", "en": "Half-year bonus"}


def _owner(store: Store) -> User | None:
    found = Membership.objects.filter(store=store, role="owner").select_related("user").first()
    return found.user if found else None


def _completed_orders(store: Store) -> None:
    """Buy, brief, deliver and accept through the real services: each order leaves the
    platform its commission, as a real order does."""
    from dukkan.catalog.models import Product
    from dukkan.checkout import services as checkout
    from dukkan.gigs import selectors as gig_selectors
    from dukkan.gigs import services as gigs
    from dukkan.gigs.models import GigOrder, RequirementQuestion

    # The gigs demo's service (the one already sold), not a listing waiting in review.
    product = (
        Product.objects.filter(store=store, kind="service", gig_orders__isnull=False)
        .order_by("pk")
        .first()
    )
    if product is None:
        return
    packages = {p.tier: p for p in gig_selectors.packages(product)}
    owner, now = _owner(store), timezone.now()
    for email, tier, answer in ORDERS.get(store.slug, []):
        if tier not in packages or GigOrder.objects.filter(store=store, buyer_email=email).exists():
            continue
        order = gigs.order_package(
            packages[tier], email=email, language=store.default_language, provider="test"
        )
        checkout.mark_paid(
            order, provider="test", reference=f"demo-card-{order.pk}",
            amount_minor=order.total_minor, currency=order.currency,
        )  # fmt: skip
        gig = gigs.create_from_paid_order(order.pk)
        if gig is None:
            continue
        answers = {
            q.pk: answer for q in RequirementQuestion.objects.filter(product=product, kind="text")
        }
        if gig.status == "requirements_pending":
            gig = gigs.submit_requirements(gig, answers, {}, now=now - timedelta(hours=30))
        gigs.deliver(gig, message=DELIVERY[store.slug], by=owner, now=now - timedelta(hours=20))
        gig.refresh_from_db()
        gigs.accept(gig, now=now - timedelta(hours=10))


def load(stores: dict[str, Store], people: dict[str, User]) -> None:
    if not stores:
        return
    guides_store = next(iter(stores.values()))
    conf = services.settings_row()
    if conf.guides_store_id is None:
        conf.guides_store = guides_store
        conf.report_day = 1
        conf.save()
    services.ensure_guides(conf.guides_store or guides_store)
    # The demo's orders were made today and a card's window ends where its day starts:
    # the demo card is tomorrow's so they count (the periodic job uses the report-card day).
    period = timezone.now().date() + timedelta(days=1)
    if not ReportCard.objects.filter(period=period).exists():
        for slug in ORDERS:
            if slug in stores:
                _completed_orders(stores[slug])
        services.run_report_cards(period, email=False)
    if not BonusRound.objects.exists():
        from dukkan.gigs.selectors import platform_balance

        operator = next((u for u in people.values() if u.is_operator), None)
        bonus_store = stores.get(BONUS_STORE, guides_store)
        currency = bonus_store.currency
        name = BONUS_NAMES.get(bonus_store.default_language, BONUS_NAMES["en"])
        # Half of what the platform kept in commissions goes back to the best sellers.
        pool = platform_balance(currency) // 2
        if pool > 0:
            # Refused when no seller in that currency completed orders in the window.
            with contextlib.suppress(ValidationError):
                services.create_bonus_round(
                    name=name, period=period, currency=currency,
                    pool_minor=pool, winners=3, by=operator,
                )  # fmt: skip
