"""Demo: listing review on; one listing failing automatic checks, one with changes requested.

Runs after the catalog demo: the existing products stay public (they count as approved)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from dukkan.accounts.models import User
from dukkan.catalog import services as catalog
from dukkan.catalog.models import Product
from dukkan.core.models import Store
from dukkan.moderation import services
from dukkan.moderation.models import ListingReview
from dukkan.moderation.selectors import settings_row

BANNER = [
    "Listing review: {base_url}/en/operator/review/ (operator) · {base_url}/ar/dashboard/alwarraq/listing-review/",
]

LISTINGS = {
    "ar": [("تصميم شعار سريع", "شعار."), ("ترجمة مقالات", "أترجم مقالاتك من الإنجليزية إلى العربية بدقة وسرعة، مع مراجعة لغوية كاملة ونسخة نهائية جاهزة للنشر على موقعك أو مدونتك.")],
    "fa": [("طراحی لوگو فوری", "لوگو."), ("ترجمه مقاله", "مقاله‌های شما را از انگلیسی به فارسی دقیق و روان ترجمه می‌کنم، همراه با ویرایش کامل و نسخه نهایی آماده انتشار در وبسایت یا وبلاگ شما.")],
    "en": [("Quick logo", "Logo."), ("Article translation", "I translate your articles from English to Arabic accurately and quickly, with a full language review and a final copy ready to publish on your site or blog.")],
}  # fmt: skip


def load(stores: dict[str, Store], people: dict[str, User]) -> None:
    conf = settings_row()
    if not conf.review_listings:
        conf.review_listings = True
        conf.prohibited_words = "counterfeit\nfake reviews\nفالوور فیک\nمتابعين وهميين"
        conf.save()
    operator = next((u for u in people.values() if u.is_operator), None)
    for store in stores.values():
        (failing, changed) = LISTINGS.get(store.default_language, LISTINGS["en"])
        for title, description in (failing, changed):
            if Product.objects.filter(store=store, title=title).exists():
                continue
            product = catalog.create_product(
                store, kind="service", title=title, description=description, price_minor=2500,
                visibility="published",
            )  # fmt: skip
            review = ListingReview.objects.filter(product=product, current=True).first()
            if review is not None and title == changed[0] and operator is not None:
                decided = services.decide(
                    review, "request_changes", by=operator, checklist={},
                    reasons={"ar": "أضف صورة غلاف ونماذج من أعمال سابقة.",
                             "fa": "یک تصویر جلد و نمونه‌کار اضافه کنید.",
                             }.get(store.default_language, "Add a cover image and samples of earlier work."),
                )  # fmt: skip
                # A reviewer takes hours, not milliseconds: the queue's review times say so.
                hours = {"ar": 3, "fa": 7}.get(store.default_language, 26)
                ListingReview.objects.filter(pk=review.pk).update(
                    submitted_at=(decided.decided_at or timezone.now()) - timedelta(hours=hours)
                )
