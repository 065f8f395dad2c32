"""Demo callbacks in every store: one due, one overdue (escalated), one done."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from dukkan.accounts.models import User
from dukkan.callbacks import services
from dukkan.callbacks.models import CallbackRequest, CallbackStatus
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped

CALLBACKS = {
    "alwarraq": [
        ("نورة السبيعي", "0501234567", "استفسار عن طلب جماعي لكتب المكتبة المدرسية"),
        ("خالد العنزي", "0551234567", "لم يصلني رابط تحميل الكتاب"),
        ("ريم القحطاني", "0561234567", "أريد فاتورة ضريبية للشركة"),
    ],
    "afzoonesara": [
        ("سارا محمدی", "09123456789", "فعال‌سازی لایسنس روی دامنه دوم"),
        ("رضا احمدی", "09351234567", "ناسازگاری افزونه تقویم با قالب"),
        ("نیلوفر کاظمی", "09121112233", "سؤال درباره فاکتور رسمی"),
    ],
    "cedar-apps": [
        ("John Carter", "07400 123456", "Team licence for 12 seats"),
        ("Emma Stone", "07911 123456", "Activation fails after a new laptop"),
        ("Liam Hughes", "07824 123456", "Invoice with our VAT number"),
    ],
}


def load(stores: dict[str, Store], people: dict[str, User]) -> None:
    now = timezone.now()
    for slug, rows in CALLBACKS.items():
        store = stores.get(slug)
        if store is None:
            continue
        for index, (name, phone, topic) in enumerate(rows):
            client_id = f"demo-{slug}-{index}"
            if scoped(CallbackRequest, store).filter(client_id=client_id).exists():
                continue
            # The second was asked for two days ago and is overdue; the third was done.
            asked_at = now - timedelta(days=2) if index else now
            row = services.request_callback(
                store,
                phone=phone,
                topic=topic,
                name=name,
                language=store.default_language,
                client_id=client_id,
                now=asked_at,
            ).request
            if index == 1:
                services.sweep(
                    now=max(row.deadline, now - timedelta(hours=1)) + timedelta(minutes=1)
                )
            if index == 2 and row.status == CallbackStatus.SCHEDULED:
                services.record_attempt(
                    row, outcome="reached", agent=row.assignee, now=asked_at + timedelta(hours=1)
                )
