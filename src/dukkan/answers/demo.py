"""Answers in the demo: suggestions on, policy "remind", and a few questions the FAQ does not
answer yet, so the unanswered-questions report has something to show. Idempotent."""

from __future__ import annotations

from dukkan.accounts.models import User
from dukkan.answers import services
from dukkan.answers.models import AskedQuestion, Policy
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped

UNANSWERED = {
    "alwarraq": (
        "ar",
        [
            "هل لديكم خصم للطلاب؟",
            "عندكم خصم لطلاب الجامعة؟",
            "هل تبيعون كتباً صوتية؟",
            "متى تصدر الطبعة الثانية من رواية ليالي الوراق؟",
        ],
    ),
    "afzoonesara": (
        "fa",
        [
            "آیا افزونه با صفحه‌ساز المنتور سازگار است؟",
            "با المنتور کار می‌کنه؟",
            "فاکتور رسمی صادر می‌کنید؟",
        ],
    ),
    "cedar-apps": (
        "en",
        [
            "Do you offer an education discount?",
            "any student pricing for the pro plan?",
            "Is there a Linux version?",
        ],
    ),
}

BANNER = [
    "FAQ answers: the chat widget suggests answers as you type ({base_url}/widget/demo/alwarraq/);"
    " each store's dashboard has “Unanswered questions”.",
]


def load(stores: dict[str, Store], people: dict[str, User]) -> None:
    for slug, (language, questions) in UNANSWERED.items():
        store = stores.get(slug)
        if store is None:
            continue
        settings = services.selectors.settings_for(store)
        if settings.pk is None:
            services.update_settings(
                store,
                enabled=True,
                threshold=0.5,
                policy=Policy.REMIND,
                repeat_limit=3,
                window_hours=24,
            )
        for text in questions:
            if not scoped(AskedQuestion, store).filter(text=text).exists():
                services.record_question(store, text, language=language)
