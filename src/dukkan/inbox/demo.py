"""Demo data of the inbox: canned replies in each store's language, capacities, notifications."""

from __future__ import annotations

from dukkan.accounts.models import Membership, User
from dukkan.core.models import Store
from dukkan.inbox.models import AgentCapacity, CannedReply, NotificationSettings

BANNER = [
    "Agents' inbox (sign in as an agent; type / in a reply for canned replies):",
    "  {base_url}/ar/dashboard/alwarraq/inbox/   {base_url}/fa/dashboard/afzoonesara/inbox/"
    "   {base_url}/en/dashboard/cedar-apps/inbox/",
]

CANNED: dict[str, list[tuple[str, str, str]]] = {
    "alwarraq": [
        ("ترحيب", "ترحيب", "أهلًا {name}، معك {agent} من {store}. كيف أستطيع مساعدتك؟"),
        (
            "تحميل",
            "رابط التحميل",
            "يا {name}، تجد رابط تحميل كتابك في بريد الإيصال المرسل إلى {email}، "
            "ويمكنك أيضًا فتحه من صفحة «مشترياتي» في متجرنا.",
        ),
        (
            "صيغ",
            "صيغ الكتب",
            "كل كتبنا متاحة بصيغتي PDF وEPUB، وتُقرأ على الهاتف والحاسوب وأجهزة القراءة.",
        ),
        ("شكرا", "شكر وختام", "شكرًا لتواصلك مع {store} يا {name}، نتمنى لك قراءة ممتعة!"),
    ],
    "afzoonesara": [
        ("سلام", "خوشامد", "سلام {name} عزیز، {agent} هستم از {store}. چطور می‌توانم کمکتان کنم؟"),
        (
            "لایسنس",
            "فعال‌سازی لایسنس",
            "{name} عزیز، کلید لایسنس در ایمیل رسید به {email} آمده است. "
            "در پیشخوان وردپرس به «افزونه‌سرا ← لایسنس» بروید و کلید را وارد کنید.",
        ),
        (
            "بروزرسانی",
            "به‌روزرسانی افزونه",
            "نسخه‌ی تازه از پیشخوان وردپرس، بخش به‌روزرسانی‌ها، نصب می‌شود. "
            "پیش از به‌روزرسانی از سایتتان پشتیبان بگیرید.",
        ),
        ("ممنون", "تشکر و پایان", "ممنون که با {store} در تماس بودید، {name} عزیز. روزتان خوش!"),
    ],
    "cedar-apps": [
        ("hello", "Greeting", "Hi {name}, {agent} from {store} here. How can I help?"),
        (
            "licence",
            "Licence key",
            "Hi {name}, your licence key is in the receipt we sent to {email}. "
            "Open the app, choose Help → Enter licence, and paste it there.",
        ),
        (
            "refund",
            "Refund policy",
            "We refund any purchase within 30 days, no questions asked. "
            "Reply with your order number and we will take care of it.",
        ),
        (
            "thanks",
            "Thanks and close",
            "Thanks for reaching out to {store}, {name}. Have a great day!",
        ),
    ],
}

CAPACITY = {"owner": 3, "admin": 5, "agent": 6}


def load(stores: dict[str, Store], people: dict[str, User]) -> None:
    for slug, replies in CANNED.items():
        store = stores.get(slug)
        if store is None:
            continue
        for shortcut, title, body in replies:
            CannedReply.objects.get_or_create(
                store=store,
                shortcut=shortcut,
                defaults={"title": title, "body": body, "language": store.default_language},
            )
        for membership in Membership.objects.filter(store=store):
            AgentCapacity.objects.get_or_create(
                store=store,
                user_id=membership.user_id,
                defaults={"max_open": CAPACITY.get(membership.role, 5)},
            )
        NotificationSettings.objects.get_or_create(store=store)
