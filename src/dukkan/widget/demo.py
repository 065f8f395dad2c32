"""The demo stores' chat widgets, and a sample host page per store to try them on."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from dukkan.accounts.models import User
from dukkan.core.models import Store
from dukkan.widget import services
from dukkan.widget.models import FieldMode, PreChatMode, ReplyTime, WidgetSettings

BANNER = [
    "Chat widget on a sample host site (signed-in demo customer):",
    "  {base_url}/widget/demo/alwarraq/   {base_url}/widget/demo/afzoonesara/   {base_url}/widget/demo/cedar-apps/",
    "  (agents answer in the inbox; settings: {base_url}/en/dashboard/cedar-apps/widget/)",
]

WELCOME = {
    "alwarraq": {
        "welcome_ar": "أهلًا بك في مكتبة الورّاق! اسألنا عن أي كتاب أو عن طلبك.",
        "welcome_fa": "به کتابفروشی الورّاق خوش آمدید! دربارهٔ هر کتاب یا سفارشتان بپرسید.",
        "welcome_en": "Welcome to Al-Warraq! Ask us about any book or your order.",
        "reply_time": ReplyTime.MINUTES,
        "accent_colour": "#7c2d12",
    },
    "afzoonesara": {
        "welcome_ar": "مرحبًا بك في افزونه‌سرا! كيف نساعدك في إضافات ووردبريس؟",
        "welcome_fa": "سلام! به افزونه‌سرا خوش آمدید. چطور می‌توانیم در افزونه‌های وردپرس کمکتان کنیم؟",
        "welcome_en": "Hi! Welcome to Afzoonesara. How can we help with your WordPress plugins?",
        "reply_time": ReplyTime.HOUR,
        "accent_colour": "#1d4ed8",
        "prechat_mode": PreChatMode.BEFORE,
        "prechat_name": FieldMode.OPTIONAL,
        "prechat_email": FieldMode.REQUIRED,
        "prechat_phone": FieldMode.OPTIONAL,
    },
    "cedar-apps": {
        "welcome_ar": "مرحبًا بك في Cedar Apps! اسألنا عن التراخيص والتحديثات.",
        "welcome_fa": "به Cedar Apps خوش آمدید! دربارهٔ مجوزها و به‌روزرسانی‌ها بپرسید.",
        "welcome_en": "Hello from Cedar Apps! Questions about licences or updates? Ask away.",
        "reply_time": ReplyTime.MINUTES,
        "accent_colour": "#0f766e",
    },
}

# The sample page's signed-in customer of each demo store.
DEMO_CUSTOMERS = {
    "alwarraq": "noura@customers.example",
    "afzoonesara": "sara@customers.example",
    "cedar-apps": "john@customers.example",
}


def demo_origins() -> str:
    origins = [
        settings.DUKKAN_BASE_URL.rstrip("/"),
        "http://localhost:8000",
        "http://127.0.0.1:8000",
    ]
    return "\n".join(dict.fromkeys(origins))


def load(stores: dict[str, Store], people: dict[str, User]) -> None:
    for slug, values in WELCOME.items():
        store = stores.get(slug)
        if store is None or WidgetSettings.objects.filter(store=store).exists():
            continue  # made already: an owner's later changes stay
        services.update_settings(store, allowed_origins=demo_origins(), **values)


def signed_identity(store: Store) -> dict[str, Any] | None:
    """The demo customer the sample page signs in, for the demo stores outside production only:
    anywhere else the page must not vouch for anyone."""
    email = DEMO_CUSTOMERS.get(store.slug)
    if email is None or settings.DUKKAN_ENV == "production":
        return None
    person = User.objects.filter(email=email).first()
    if person is None:
        return None
    user_id = f"demo-{person.pk}"
    return {
        "user_id": user_id,
        "name": person.display_name,
        "email": person.email,
        "signature": services.identity_signature(store, user_id),
    }
