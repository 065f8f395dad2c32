"""Demo email conversations: each store gets a support address and two conversations that
came in by mail through the real inbound path (`services.receive`): one threaded, with the
team's reply and the customer's answer to it; one from an HTML-only mail."""

from __future__ import annotations

from email.message import EmailMessage

from dukkan.accounts.models import Membership, Role, User
from dukkan.core.models import Store
from dukkan.email_channel import services
from dukkan.email_channel.models import InboundMessage, OutboundMessage, SupportAddress
from dukkan.support import services as support
from dukkan.support.models import Conversation

ADDRESSES = {
    "alwarraq": "support@alwarraq.example",
    "afzoonesara": "support@afzoonesara.example",
    "cedar-apps": "support@cedarapps.example",
}

# slug: (customer name, email, subject, first mail, team reply, customer answer, html-only mail)
THREADS = {
    "alwarraq": (
        "سلمان الدوسري",
        "salman@customers.example",
        "فاتورة الطلب",
        "مرحبًا، أحتاج فاتورة ضريبية لطلبي الأخير باسم شركتي.",
        "أهلًا سلمان، أرسلنا الفاتورة إلى بريدك. هل تحتاج شيئًا آخر؟",
        "وصلت الفاتورة، شكرًا لكم.",
        ("هل لديكم نسخة صوتية من «الأيام» لطه حسين؟", "نسخة صوتية"),
    ),
    "afzoonesara": (
        "رضا کریمی",
        "reza@customers.example",
        "تمدید لایسنس",
        "سلام، لایسنس افزونهٔ فرم‌ساز من تا هفتهٔ بعد تمام می‌شود. چطور تمدیدش کنم؟",
        "سلام رضا جان، از صفحهٔ «خریدهای من» می‌توانید با ۲۰٪ تخفیف تمدید کنید.",
        "ممنون، تمدید شد.",
        ("آیا افزونه با قالب‌های راست‌چین سازگار است؟", "سازگاری قالب"),
    ),
    "cedar-apps": (
        "Priya Nair",
        "priya@customers.example",
        "Invoice for our team licence",
        "Hi, could you send an invoice for the 5-seat licence we bought yesterday?",
        "Hi Priya, the invoice is attached to your order page now. Anything else?",
        "Got it, thanks!",
        ("Does Cedar Notes sync with iCloud?", "iCloud sync"),
    ),
}


def _mail(
    name: str, email: str, to: str, subject: str, text: str, message_id: str, **headers: str
) -> bytes:
    message = EmailMessage()
    message["From"] = f"{name} <{email}>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id
    for header, value in headers.items():
        message[header.replace("_", "-")] = value
    message.set_content(text)
    return message.as_bytes()


def _html_only(name: str, email: str, to: str, subject: str, text: str, message_id: str) -> bytes:
    rtl = any("\u0600" <= ch <= "\u06ff" for ch in text)
    html = (
        f'<html><body dir="{"rtl" if rtl else "ltr"}"><div><p>{text}</p></div>'
        "<div>-- <br>" + name + "</div></body></html>"
    )
    message = EmailMessage()
    message["From"] = f"{name} <{email}>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message.set_content(html, subtype="html")
    return message.as_bytes()


def load(stores: dict[str, Store], people: dict[str, User]) -> None:
    for slug, address in ADDRESSES.items():
        store = stores.get(slug)
        if store is None:
            continue
        if not SupportAddress.objects.filter(address=address).exists():
            services.add_address(store, address, name=store.name, acknowledge=False)
        name, email, subject, first, reply, answer, (html_text, html_subject) = THREADS[slug]
        first_id = f"<demo-{slug}-1@customers.example>"
        if InboundMessage.objects.filter(store=store, message_id=first_id[1:-1]).exists():
            continue  # loaded before
        (row,) = services.receive(
            _mail(name, email, address, subject, first, first_id), source="smtp"
        )
        member = Membership.objects.filter(store=store, role=Role.AGENT).order_by("pk").first()
        conversation = Conversation.objects.filter(pk=row.conversation_id or 0).first()
        if member is not None and conversation is not None:
            support.post_message(
                conversation,
                author_kind="agent",
                author=member.user,
                body=reply,
                client_id=f"demo-email-{slug}",
            )
            sent = (
                OutboundMessage.objects.filter(conversation_id=conversation.pk)
                .order_by("-pk")
                .values_list("message_id", flat=True)
                .first()
            )
            services.receive(
                _mail(
                    name,
                    email,
                    address,
                    f"Re: {subject}",
                    f"{answer}\n\n> {reply}",
                    f"<demo-{slug}-2@customers.example>",
                    In_Reply_To=sent or first_id,
                    References=f"{first_id} {sent or ''}".strip(),
                ),
                source="smtp",
            )
        services.receive(
            _html_only(
                name, email, address, html_subject, html_text, f"<demo-{slug}-3@customers.example>"
            ),
            source="imap",
        )


BANNER = [
    "Email: mail to support@cedarapps.example (or @alwarraq / @afzoonesara .example) becomes a "
    "conversation. Start the receiver with `.venv/bin/dukkan smtpd --port 2525`, then:",
    "   python3 -c \"import smtplib; smtplib.SMTP('127.0.0.1', 2525).sendmail('you@example.com', "
    "['support@cedarapps.example'], 'From: you@example.com\\nSubject: Hello\\n\\nA test mail')\"",
    "   addresses and failed mail: {base_url}/en/dashboard/cedar-apps/email/",
]
