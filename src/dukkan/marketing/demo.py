"""The mailing list's demo: per store, subscribers (confirmed, one waiting for confirmation, one
who left), a segment of a product's buyers, one campaign sent through the real sending path
(per-recipient results) and one scheduled for next week at 10:00 store time, all in the
store's language; the post-purchase sequence is on.

Idempotent: a store that already has a campaign is left as it is.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from dukkan.accounts.models import User
from dukkan.catalog.models import Product, Visibility
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.marketing import services
from dukkan.marketing.models import AutomatedEmail, AutomationKind, Campaign, Source

LIST: dict[str, dict[str, Any]] = {
    "alwarraq": {
        "confirmed": [
            ("noura@customers.example", "نورة الحربي"),
            ("khalid.reader@customers.example", "خالد العتيبي"),
            ("huda.books@customers.example", "هدى الزهراني"),
        ],
        "pending": ("fahad.new@customers.example", "فهد القحطاني"),
        "left": ("old.reader@customers.example", "سلمان الدوسري"),
        "segment": "من اشترى {product}",
        "sent": (
            "وصل جديد الخريف",
            "## كتب الخريف وصلت\n\nأضفنا هذا الأسبوع **عشرة عناوين جديدة** في الأدب والتاريخ.\n\n"
            "- طبعات محققة\n- فهارس كاملة\n\nتصفحها الآن في المكتبة.",
        ),
        "scheduled": (
            "خصم العيد لقرائنا",
            "## عيدكم مبارك\n\nخصم **٢٠٪** على كل الكتب لمدة ثلاثة أيام، لمشتركي القائمة فقط.",
        ),
    },
    "afzoonesara": {
        "confirmed": [
            ("sara@customers.example", "سارا محمدی"),
            ("reza.dev@customers.example", "رضا کریمی"),
            ("niloofar@customers.example", "نیلوفر احمدی"),
        ],
        "pending": ("amir.new@customers.example", "امیر حسینی"),
        "left": ("old.user@customers.example", "مهدی رستمی"),
        "segment": "خریداران {product}",
        "sent": (
            "نسخه‌ی تازه‌ی افزونه‌ها",
            "## به‌روزرسانی پاییز\n\nنسخه‌ی جدید افزونه‌ها با **پشتیبانی کامل از تقویم شمسی** "
            "منتشر شد.\n\n- سریع‌تر\n- سازگار با وردپرس ۶",
        ),
        "scheduled": (
            "تخفیف ویژه‌ی یلدا",
            "## شب یلدا مبارک\n\nبیست درصد تخفیف روی همه‌ی افزونه‌ها، فقط برای مشترکان خبرنامه.",
        ),
    },
    "cedar-apps": {
        "confirmed": [
            ("john@customers.example", "John Carter"),
            ("emma.dev@customers.example", "Emma Wilson"),
            ("liam.ops@customers.example", "Liam Brown"),
        ],
        "pending": ("new.visitor@customers.example", "Olivia Green"),
        "left": ("former@customers.example", "Noah White"),
        "segment": "Bought {product}",
        "sent": (
            "What's new in Cedar apps",
            "## Autumn release\n\nOur apps now sync **twice as fast**.\n\n"
            "- Offline mode\n- Dark theme\n\nUpdate from My purchases.",
        ),
        "scheduled": (
            "Black Friday for subscribers",
            "## 30% off everything\n\nFor list subscribers only, from Friday to Monday.",
        ),
    },
}


def _next_week_at_ten(store: Store) -> datetime:
    zone = ZoneInfo(store.time_zone)
    day = (timezone.now().astimezone(zone) + timedelta(days=7)).date()
    return datetime.combine(day, time(10, 0), tzinfo=zone)


def load(stores: dict[str, Store], people: dict[str, User]) -> None:
    for slug, data in LIST.items():
        store = stores.get(slug)
        if store is None or scoped(Campaign, store).exists():
            continue
        language = store.default_language
        for email, name in data["confirmed"]:
            services.subscribe(
                store,
                email,
                source=Source.CHECKOUT
                if email.split("@")[0] in {"noura", "sara", "john"}
                else Source.STOREFRONT,
                language=language,
                name=name,
                confirmed_already=True,
            )
        email, name = data["pending"]
        services.subscribe(store, email, source=Source.STOREFRONT, language=language, name=name)
        email, name = data["left"]
        left = services.subscribe(
            store,
            email,
            source=Source.STOREFRONT,
            language=language,
            name=name,
            confirmed_already=True,
        ).subscriber
        services.unsubscribe(store, left.pk, source="link", ip=None)

        product = (
            scoped(Product, store).filter(visibility=Visibility.PUBLISHED).order_by("pk").first()
        )
        rules = [{"type": "bought", "product": product.pk}] if product else []
        segment = services.save_segment(
            store,
            name=data["segment"].format(product=product.title if product else "—"),
            rules=rules,
        )

        subject, body = data["sent"]
        sent = Campaign.objects.create(store=store, subject=subject, body=body, language=language)
        services.start_sending(sent)
        while services.send_batch(sent.pk).remaining:
            pass

        subject, body = data["scheduled"]
        scheduled = Campaign.objects.create(
            store=store, subject=subject, body=body, language=language, segment=segment
        )
        try:
            services.schedule(scheduled, _next_week_at_ten(store))
        except Exception:
            # The segment's buyers may not be subscribers: schedule for the whole list then.
            scheduled.segment = None
            scheduled.save(update_fields=["segment"])
            services.schedule(scheduled, _next_week_at_ten(store))

        services.automations(store)
        AutomatedEmail.objects.filter(
            store=store,
            kind__in=[AutomationKind.THANK_YOU, AutomationKind.CHECK_IN, AutomationKind.REVIEW],
        ).update(enabled=True)


BANNER = [
    "Mailing list, campaigns and automated emails: {base_url}/ar/dashboard/alwarraq/marketing/",
]
