"""Gigs' demo: a service with three packages per store (two in the Persian and Arabic
stores' case, with orders in several states, conversations, a late one, a dispute, and a
completed one with a review and the seller's reply). Idempotent: a store's orders are made
only once, with the service."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from dukkan.accounts.models import Membership, User
from dukkan.catalog.models import Product
from dukkan.catalog.services import create_product
from dukkan.checkout import services as checkout
from dukkan.core.models import Store
from dukkan.gigs import selectors, services
from dukkan.gigs.models import GigOrder, RequirementQuestion

P = services.PackageInput

SERVICES: dict[str, dict[str, Any]] = {
    "afzoonesara": {
        "slug": "plugin-setup",
        "title": "نصب و پیکربندی افزونه",
        "summary": "افزونه‌های خریده‌شده را روی سایت وردپرس شما نصب و تنظیم می‌کنیم.",
        "description": "نصب، پیکربندی و آزمودن افزونه روی سایت شما، با گزارش کامل کارهای انجام‌شده.",
        "packages": [
            P("basic", "نصب ساده", 2_000_000, 2, 1, "نصب یک افزونه", ["نصب", "فعال‌سازی"]),
            P("standard", "نصب و تنظیم", 5_000_000, 3, 2, "", ["نصب", "تنظیمات کامل", "آزمون"]),
            P(
                "premium",
                "راه‌اندازی کامل",
                12_000_000,
                5,
                4,
                "",
                ["تا سه افزونه", "بهینه‌سازی سرعت", "آموزش ویدیویی"],
            ),
        ],
        "extras": [("تحویل فوری (۲۴ ساعته)", 1_500_000, 0), ("پشتیبانی یک‌ماهه", 3_000_000, 0)],
        "questions": [
            ("نشانی سایت و نام افزونه چیست؟", "text"),
            ("دسترسی مدیریت (فایل راهنما)", "file"),
        ],
        "buyers": [
            "sara@customers.example",
            "reza@customers.example",
            "neda@customers.example",
            "omid@customers.example",
        ],
        "lines": {
            "message": "سلام، افزونه فروشگاه را می‌خواهم روی سایتم نصب کنید.",
            "reply": "سلام، حتماً. به‌زودی شروع می‌کنیم.",
            "delivery": "افزونه نصب و تنظیم شد؛ گزارش پیوست است.",
            "answer": "https://shop.example.ir — افزونه ووکامرس",
            "review": "سریع و دقیق انجام شد. ممنون!",
            "review_reply": "خوشحالیم که راضی بودید.",
            "dispute": "افزونه بعد از نصب سایت را کند کرده است.",
        },
    },
    "alwarraq": {
        "slug": "book-proofreading",
        "title": "تدقيق لغوي لكتاب",
        "summary": "تدقيق لغوي ونحوي لمخطوطتك قبل النشر.",
        "description": "نراجع النص إملائيًا ونحويًا ونضبط علامات الترقيم، مع ملاحظات على الأسلوب.",
        "packages": [
            P("basic", "حتى ٥٠ صفحة", 15_000, 3, 1, "", ["تدقيق إملائي ونحوي"]),
            P(
                "standard",
                "حتى ١٥٠ صفحة",
                35_000,
                7,
                2,
                "",
                ["تدقيق إملائي ونحوي", "ملاحظات الأسلوب"],
            ),
            P(
                "premium",
                "حتى ٣٠٠ صفحة",
                60_000,
                14,
                3,
                "",
                ["تدقيق شامل", "ملاحظات الأسلوب", "تنسيق للطباعة"],
            ),
        ],
        "extras": [("تسليم مستعجل", 10_000, 0), ("تدقيق الحواشي والمراجع", 8_000, 2)],
        "questions": [("ما عنوان الكتاب وعدد صفحاته؟", "text"), ("ملف المخطوطة", "file")],
        "buyers": [
            "noura@customers.example",
            "khalid@customers.example",
            "huda@customers.example",
            "fahad@customers.example",
        ],
        "lines": {
            "message": "السلام عليكم، أرسلت المخطوطة، متى تتوقعون الانتهاء؟",
            "reply": "وعليكم السلام، نبدأ اليوم إن شاء الله.",
            "delivery": "أنجزنا التدقيق، والملاحظات في الملف المرفق.",
            "answer": "رواية «ظلال النخيل»، ١٢٠ صفحة",
            "review": "عمل متقن وملاحظات مفيدة جدًا.",
            "review_reply": "شكرًا لثقتك، يسعدنا العمل معك مجددًا.",
            "dispute": "بقيت أخطاء كثيرة في الفصل الثالث.",
        },
    },
    "cedar-apps": {
        "slug": "app-setup-call",
        "title": "App setup and onboarding call",
        "summary": "We install and configure our apps for your team, then walk you through them.",
        "description": "A guided setup of our apps on your systems, with a recorded onboarding call.",
        "packages": [
            P("basic", "Setup", 4_900, 2, 1, "", ["Install", "Basic configuration"]),
            P(
                "standard",
                "Setup + call",
                9_900,
                3,
                2,
                "",
                ["Install", "Configuration", "1-hour call"],
            ),
            P(
                "premium",
                "Team onboarding",
                19_900,
                5,
                3,
                "",
                ["Everything in Standard", "Team training"],
            ),
        ],
        "extras": [("Express delivery", 2_900, 0)],
        "questions": [("Which apps and how many seats?", "text")],
        "buyers": ["john@customers.example"],
        "lines": {
            "message": "Hi, we'd like to start next week if possible.",
            "reply": "Sounds good, we'll be ready.",
            "delivery": "",
            "answer": "Cedar Notes, 12 seats",
            "review": "",
            "review_reply": "",
            "dispute": "",
        },
    },
}


def _owner(store: Store) -> User | None:
    membership = Membership.objects.filter(store=store, role="owner").select_related("user").first()
    return membership.user if membership else None


def _paid(package: Any, email: str, language: str, name: str = "") -> GigOrder:
    order = services.order_package(
        package, email=email, name=name, language=language, provider="test"
    )
    checkout.mark_paid(
        order,
        provider="test",
        reference=f"demo-gig-{order.pk}",
        amount_minor=order.total_minor,
        currency=order.currency,
    )
    gig = services.create_from_paid_order(order.pk)
    assert gig is not None
    return gig


def _requirements(gig: GigOrder, answer: str, now: Any) -> GigOrder:
    answers = {
        q.pk: answer for q in RequirementQuestion.objects.filter(product=gig.product, kind="text")
    }
    return services.submit_requirements(gig, answers, {}, now=now)


def _talk(gig: GigOrder, lines: dict[str, str], owner: User | None) -> None:
    services.post_buyer_message(gig, lines["message"])
    if owner is not None:
        services.post_seller_message(gig, lines["reply"], by=owner)


def load(stores: dict[str, Store], people: dict[str, User]) -> None:
    from dukkan.reviews import services as reviews

    for slug, spec in SERVICES.items():
        store = stores.get(slug)
        if store is None:
            continue
        product = Product.objects.filter(store=store, slug=spec["slug"]).first()
        if product is None:
            product = create_product(
                store,
                title=spec["title"],
                slug=spec["slug"],
                kind="service",
                summary=spec["summary"],
                description=spec["description"],
                visibility="published",
            )
            services.save_packages(product, spec["packages"])
            for title, price, days in spec["extras"]:
                services.add_extra(product, title, price, days)
            for question, kind in spec["questions"]:
                services.add_question(product, question, kind=kind, required=kind == "text")
        if GigOrder.objects.filter(product=product).exists():
            continue
        packages = {p.tier: p for p in selectors.packages(product)}
        lines, buyers, owner = spec["lines"], spec["buyers"], _owner(store)
        language = store.default_language
        now = timezone.now()
        if slug == "cedar-apps":
            gig = _paid(packages["standard"], buyers[0], language, "John Carter")
            _requirements(gig, lines["answer"], now)
            _talk(gig, lines, owner)
            continue
        # Completed, reviewed, with the seller's reply.
        done = _paid(packages["standard"], buyers[0], language)
        _requirements(done, lines["answer"], now - timedelta(days=6))
        _talk(done, lines, owner)
        services.deliver(done, message=lines["delivery"], by=owner, now=now - timedelta(days=4))
        services.accept(done, now=now - timedelta(days=3))
        review = reviews.submit_review(
            done.checkout_order, product, rating=5, comment=lines["review"]
        )
        if owner is not None:
            reviews.reply(review, text=lines["review_reply"], by=owner)
        # Late: the deadline passed with nothing delivered.
        late = _paid(packages["basic"], buyers[1], language)
        _requirements(late, lines["answer"], now - timedelta(days=5))
        _talk(late, lines, owner)
        services.mark_late(now)
        # Disputed after a delivery.
        disputed = _paid(packages["premium"], buyers[2], language)
        _requirements(disputed, lines["answer"], now - timedelta(days=4))
        services.deliver(disputed, message=lines["delivery"], by=owner, now=now - timedelta(days=1))
        services.open_dispute(disputed, role=services.BUYER, reason=lines["dispute"])
        _talk(disputed, lines, owner)
        # Waiting for the buyer's requirements.
        _paid(packages["basic"], buyers[3], language)


BANNER = [
    "Services (gigs): {base_url}/fa/dashboard/afzoonesara/services/ (seller) · the operator's disputes, payouts and settings: {base_url}/en/operator/gigs/",
]
