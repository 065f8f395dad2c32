"""Demo conversations: a few per store, in its language, with notes, a resolved one and an
unassigned open one; the demo customers' visitors are linked to their contacts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from dukkan.accounts.models import Membership, Role, User
from dukkan.core.models import Store
from dukkan.support import services
from dukkan.support.models import Conversation, ConversationEvent, Status


@dataclass(frozen=True)
class Demo:
    key: str
    subject: str
    visitor: tuple[str, str]  # name, email ("" for an anonymous visitor)
    lines: list[tuple[str, str]]  # ("visitor" | "agent" | "note", text)
    status: str = Status.OPEN
    assigned: bool = True
    labels: list[str] = field(default_factory=list)
    priority: int = 0
    hours_ago: int = 2


DEMOS: dict[str, list[Demo]] = {
    "alwarraq": [
        Demo(
            "download",
            "رابط التحميل",
            ("نورة السبيعي", "noura@customers.example"),
            [
                (
                    "visitor",
                    "السلام عليكم، اشتريت رواية «موسم الهجرة إلى الشمال» ولم يصلني رابط التحميل.",
                ),
                (
                    "agent",
                    "وعليكم السلام يا نورة، أعتذر عن التأخير. أرسلت الرابط الآن إلى بريدك، وتجدينه أيضًا في صفحة «مشترياتي».",
                ),
                ("visitor", "وصل، شكرًا جزيلًا!"),
                ("note", "الرسالة الأولى ذهبت إلى مجلد الرسائل غير المرغوبة؛ نبّهتها إلى ذلك."),
                ("agent", "العفو، قراءة ممتعة!"),
            ],
            status=Status.RESOLVED,
            labels=["تحميل"],
            hours_ago=26,
        ),
        Demo(
            "kindle",
            "القراءة على كيندل",
            ("", ""),
            [
                ("visitor", "مرحبًا، هل تعمل كتبكم بصيغة EPUB على جهاز كيندل؟"),
                ("visitor", "أريد شراء ثلاثة كتب لكن أخاف ألا تفتح."),
            ],
            assigned=False,
            hours_ago=1,
        ),
        Demo(
            "payment",
            "فشل الدفع",
            ("عبدالله القحطاني", ""),
            [
                ("visitor", "حاولت الدفع بمدى مرتين والعملية ترفض، هل المشكلة عندكم؟"),
                ("note", "راجعت بوابة الدفع: الرفض من البنك المصدر وليس منّا."),
                (
                    "agent",
                    "أهلًا عبدالله، الرفض يأتي من البنك نفسه. جرّب بطاقة أخرى أو تواصل مع البنك لتفعيل الشراء عبر الإنترنت.",
                ),
            ],
            labels=["دفع"],
            priority=3,
            hours_ago=3,
        ),
    ],
    "afzoonesara": [
        Demo(
            "licence",
            "فعال‌سازی لایسنس",
            ("سارا محمدی", "sara@customers.example"),
            [
                (
                    "visitor",
                    "سلام، کلید لایسنس افزونه‌ی فاکتور رسمی را وارد می‌کنم ولی می‌گوید نامعتبر است.",
                ),
                ("agent", "سلام سارا خانم، لطفاً نشانی سایتتان را بفرمایید تا بررسی کنم."),
                ("visitor", "sara-shop.ir"),
                ("note", "لایسنس روی دامنه‌ی آزمایشی فعال شده بود؛ آزادش کردم."),
                ("agent", "درست شد. کلید روی دامنه‌ی آزمایشی ثبت شده بود؛ الان دوباره وارد کنید."),
                ("visitor", "فعال شد، خیلی ممنون 🌷"),
            ],
            status=Status.RESOLVED,
            labels=["لایسنس"],
            hours_ago=30,
        ),
        Demo(
            "jalali",
            "سازگاری تقویم شمسی",
            ("", ""),
            [
                ("visitor", "درود. افزونه‌ی تقویم شمسی با ووکامرس نسخه‌ی ۹ سازگار است؟"),
            ],
            assigned=False,
            hours_ago=1,
        ),
        Demo(
            "gateway",
            "خطای درگاه پرداخت",
            ("حمید نوروزی", ""),
            [
                ("visitor", "بعد از به‌روزرسانی، درگاه زرین‌پال در صفحه‌ی پرداخت نمایش داده نمی‌شود."),
                (
                    "agent",
                    "سلام حمید آقا، لطفاً از بخش ابزارها ← وضعیت سیستم گزارش بگیرید و اینجا بفرستید.",
                ),
                ("note", "احتمالاً تداخل با افزونه‌ی کش؛ منتظر گزارش سیستم هستیم."),
            ],
            status=Status.PENDING,
            labels=["باگ"],
            priority=2,
            hours_ago=5,
        ),
    ],
    "cedar-apps": [
        Demo(
            "refund",
            "Refund request",
            ("John Carter", "john@customers.example"),
            [
                ("visitor", "Hi, I bought Inkwell Pro twice by mistake. Can I get one refunded?"),
                (
                    "agent",
                    "Hi John, sorry about that! I've refunded the second order; it shows up in 3–5 days.",
                ),
                ("note", "Duplicate order #1042 refunded in full."),
                ("visitor", "Perfect, thank you."),
            ],
            status=Status.RESOLVED,
            labels=["billing"],
            hours_ago=20,
        ),
        Demo(
            "trial",
            "Trial limits",
            ("", ""),
            [
                ("visitor", "Does the trial build of Inkwell save files, or is it read-only?"),
            ],
            assigned=False,
            hours_ago=1,
        ),
        Demo(
            "activation",
            "Activation on a new laptop",
            ("Emma Wilson", ""),
            [
                (
                    "visitor",
                    "I moved to a new laptop and the app says my licence is already in use.",
                ),
                ("note", "Two activations used; old machine still registered."),
                ("agent", "Hi Emma, I've released the old machine. Please try activating again."),
            ],
            labels=["licensing"],
            priority=2,
            hours_ago=4,
        ),
    ],
}


def load(stores: dict[str, Store], people: dict[str, User]) -> None:
    for slug, demos in DEMOS.items():
        store = stores.get(slug)
        if store is None:
            continue
        member = Membership.objects.filter(store=store, role=Role.AGENT).order_by("pk").first()
        agent = member.user if member is not None else None
        for demo in demos:
            if not Conversation.objects.filter(store=store, subject=demo.subject).exists():
                _load_one(store, agent, demo)


def _load_one(store: Store, agent: User | None, demo: Demo) -> None:
    name, email = demo.visitor
    visitor = services.create_visitor(store, name=name, language=store.default_language)
    if email:
        services.identify_visitor(visitor, email=email, name=name)
    conversation = services.start_conversation(visitor, subject=demo.subject)
    if agent is not None and demo.assigned:
        services.assign(conversation, agent)
    for n, (kind, text) in enumerate(demo.lines):
        client_id = f"demo-{demo.key}-{n}"
        if kind == "visitor":
            services.post_message(
                conversation, author_kind="visitor", body=text, client_id=client_id
            )
        elif agent is not None and kind == "agent":
            services.post_message(
                conversation, author_kind="agent", author=agent, body=text, client_id=client_id
            )
        elif agent is not None and kind == "note":
            services.post_note(conversation, author=agent, body=text, client_id=client_id)
    labels = [services.create_label(store, label) for label in demo.labels]
    if labels:
        services.set_labels(conversation, labels, actor=agent)
    if demo.priority:
        services.set_priority(conversation, demo.priority, actor=agent)
    if demo.status != Status.OPEN:
        services.set_status(conversation, demo.status, actor=agent)
    # Spread the story over the past hours, a few minutes between events.
    start = timezone.now() - timedelta(hours=demo.hours_ago)
    events = ConversationEvent.objects.filter(conversation=conversation)
    for event in events:
        events.filter(pk=event.pk).update(created_at=start + timedelta(minutes=3 * event.seq))
    shift = timezone.now() - start
    Conversation.objects.filter(pk=conversation.pk).update(
        created_at=start,
        last_message_at=F("last_message_at") - shift + timedelta(minutes=3 * len(demo.lines)),
        first_visitor_message_at=F("first_visitor_message_at") - shift,
        first_response_at=F("first_response_at") - shift + timedelta(minutes=6),
        resolved_at=F("resolved_at") - shift + timedelta(minutes=3 * (len(demo.lines) + 2)),
        unseen_since=F("unseen_since") - shift,
    )
