from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from dukkan.answers import index
from dukkan.knowledge import services as knowledge

# FAQ entries written for these tests, and questions that say the same in other words
# (dialect, other spellings, no shared title words).
FAQ = [
    (
        "en",
        "refund",
        "How do I get a refund?",
        "If a purchase is not what you expected, write to us within 14 days and we return the "
        "money to the card you paid with.",
    ),
    (
        "en",
        "download",
        "My download link expired",
        "Download links last seven days. Open My purchases and ask for a fresh link by email.",
    ),
    (
        "en",
        "licence",
        "Moving a licence to a new computer",
        "Deactivate the licence key on the old machine, then activate it on the new one.",
    ),
    (
        "ar",
        "refund",
        "كيف أسترد أموالي؟",
        "إذا لم يعجبك الكتاب راسلنا خلال ١٤ يومًا وسنعيد المبلغ إلى البطاقة التي دفعت بها.",
    ),
    (
        "ar",
        "download",
        "رابط التحميل لا يعمل",
        "روابط التحميل صالحة سبعة أيام. افتح صفحة مشترياتي واطلب رابطًا جديدًا بالبريد.",
    ),
    (
        "ar",
        "shipping",
        "هل تشحنون كتبًا مطبوعة؟",
        "نبيع الكتب الإلكترونية فقط بصيغتي PDF وEPUB، ولا نشحن نسخًا ورقية.",
    ),
    (
        "fa",
        "refund",
        "چگونه پولم را پس بگیرم؟",
        "اگر افزونه به کارتان نیامد، تا ۱۴ روز به ما پیام دهید تا مبلغ را به کارتتان برگردانیم.",
    ),
    (
        "fa",
        "download",
        "لینک دانلود کار نمی‌کند",
        "لینک‌های دانلود هفت روز اعتبار دارند. از صفحهٔ خریدهای من لینک تازه بخواهید.",
    ),
    (
        "fa",
        "licence",
        "انتقال لایسنس به سایت دیگر",
        "کلید لایسنس را در سایت قبلی غیرفعال و در سایت جدید فعال کنید.",
    ),
]


@pytest.fixture(autouse=True)
def _fresh_indexes() -> Iterator[None]:
    index._cache.clear()
    yield
    index._cache.clear()


@pytest.fixture
def store(make_store: Callable[..., Any]) -> Any:
    return make_store(default_language="ar")


@pytest.fixture
def faq(store: Any) -> dict[tuple[str, str], Any]:
    """The FAQ above in `store`: {(language, topic): article}."""
    return {
        (language, topic): knowledge.create_article(
            store, title=title, body=body, language=language, kind="faq"
        )
        for language, topic, title, body in FAQ
    }


def owner_of(store: Any) -> Any:
    from dukkan.accounts.models import Membership, Role

    return Membership.objects.get(store=store, role=Role.OWNER).user


@pytest.fixture
def conversation(store: Any) -> Callable[..., Any]:
    from dukkan.support import services as support

    def make(language: str = "ar", name: str = "") -> Any:
        visitor = support.create_visitor(store, language=language, name=name)
        return support.start_conversation(visitor)

    return make


from tests.browser.conftest import browser  # noqa: E402, F401  (the fixture, shared)
