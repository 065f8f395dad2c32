"""Writes of the email channel. Every inbound path (SMTP receiver, IMAP polling, provider
webhooks) calls `receive`: the raw bytes are committed first, then `process` parses them,
finds or starts the conversation and posts the message through support's services.

Outbound mail (agent replies to email conversations, acknowledgements) is queued as an
`OutboundMessage` row and sent by a task with retries and back-off (`tasks.send_outbound`).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta
from email.utils import formataddr

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dukkan.accounts.models import Membership, User
from dukkan.core.models import Store
from dukkan.email_channel import mime
from dukkan.email_channel.models import (
    InboundMessage,
    InboundStatus,
    OutboundKind,
    OutboundMessage,
    OutboundStatus,
    SupportAddress,
)
from dukkan.email_channel.quotes import normalise_subject
from dukkan.support import services as support
from dukkan.support.models import (
    ATTACHMENT_LIMIT,
    MESSAGE_LIMIT,
    AuthorKind,
    Channel,
    Conversation,
    ConversationEvent,
    Status,
    Visitor,
)

logger = logging.getLogger(__name__)

# Bytes of one raw message, at every entrance: room for a 50 MB file in base64.
MAX_MESSAGE_SIZE = 80 * 1024 * 1024
RATE_WINDOW = timedelta(minutes=10)
RATE_LIMIT = 30  # messages one sender may send to one store per window


# Addresses and reply tokens --------------------------------------------------------------------


def split_address(address: str) -> tuple[str, str]:
    """("support@shop.example", "TAG") for "support+TAG@shop.example"."""
    local, _at, domain = address.strip().lower().rpartition("@")
    base, _plus, tag = local.partition("+")
    return f"{base}@{domain}", tag


_ADDRESS_CACHE: dict[str, tuple[float, SupportAddress | None]] = {}
ADDRESS_CACHE_SECONDS = 10.0  # an address added or removed elsewhere counts within this


def address_for(recipient: str) -> SupportAddress | None:
    """The support address a recipient (with or without a +tag) belongs to.

    Remembered for a few seconds per process (and forgotten at once when this process adds or
    removes one): the SMTP receiver asks at every RCPT and again when storing."""
    if "@" not in recipient:
        return None
    base, _tag = split_address(recipient)
    now = time.monotonic()
    cached = _ADDRESS_CACHE.get(base)
    if cached is not None and now - cached[0] < ADDRESS_CACHE_SECONDS:
        return cached[1]
    found = SupportAddress.objects.select_related("store").filter(address=base).first()
    if len(_ADDRESS_CACHE) > 10_000:
        _ADDRESS_CACHE.clear()
    _ADDRESS_CACHE[base] = (now, found)
    return found


def forget_addresses() -> None:
    _ADDRESS_CACHE.clear()


def _mac(store: Store, text: str) -> str:
    key = f"dukkan.email.reply.{store.pk}.{store.secret}".encode()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:20]


def reply_token(conversation: Conversation, agent: User | None = None) -> str:
    """The +tag of a conversation's reply address: `c<id>x<mac>`, or `a<id>u<user>x<mac>` for
    an agent's (valid only with mail from that agent's own address)."""
    text = f"c{conversation.pk}" if agent is None else f"a{conversation.pk}u{agent.pk}"
    return f"{text}x{_mac(conversation.store, text)}"


def read_token(store: Store, tag: str) -> tuple[int, int | None] | None:
    """(conversation id, agent id or None) a genuine tag names; None for anything else."""
    text, _x, mac = tag.lower().partition("x")
    if not mac or not hmac.compare_digest(mac, _mac(store, text)):
        return None
    try:
        if text.startswith("c"):
            return int(text[1:]), None
        if text.startswith("a"):
            conversation, _u, user = text[1:].partition("u")
            return int(conversation), int(user)
    except ValueError:
        return None
    return None


def store_address(store: Store, conversation: Conversation | None = None) -> SupportAddress | None:
    """The address a conversation's mail goes out from: the one it came in at, else the first."""
    addresses = SupportAddress.objects.filter(store=store)
    if conversation is not None:
        latest = (
            InboundMessage.objects.filter(store=store, conversation_id=conversation.pk)
            .exclude(envelope_to="")
            .order_by("-received_at")
            .values_list("envelope_to", flat=True)
            .first()
        )
        if latest:
            found = addresses.filter(address=split_address(latest)[0]).first()
            if found is not None:
                return found
    return addresses.order_by("pk").first()


def reply_address(conversation: Conversation, agent: User | None = None) -> str:
    address = store_address(conversation.store, conversation)
    if address is None:
        return ""
    local, _at, domain = address.address.partition("@")
    return f"{local}+{reply_token(conversation, agent)}@{domain}"


def new_message_id(domain: str) -> str:
    return f"<dukkan.{uuid.uuid4().hex}@{domain or 'dukkan.invalid'}>"


def add_address(store: Store, address: str, *, name: str = "", **imap: object) -> SupportAddress:
    address = address.strip().lower()
    if "+" in address.partition("@")[0]:
        raise ValidationError(
            _("A support address cannot contain '+': Dukkan adds its reply tokens after it."),
            code="invalid",
        )
    row = SupportAddress(store=store, address=address, name=name.strip()[:120], **imap)
    row.full_clean()
    row.save()
    forget_addresses()
    return row


# Receiving -------------------------------------------------------------------------------------


def receive(
    raw: bytes,
    *,
    source: str,
    recipients: Iterable[str] = (),
    envelope_from: str = "",
    on_stored: Callable[[list[InboundMessage]], None] | None = None,
    process_now: bool = True,
) -> list[InboundMessage]:
    """Store `raw` once per store it is addressed to (committed before anything else), then
    process it. `recipients` are the envelope recipients; without them, the To/Cc headers
    decide. `on_stored` runs inside the storing transaction (the IMAP cursor moves there)."""
    targets: dict[int, tuple[SupportAddress, str]] = {}
    candidates = list(recipients)
    if not candidates:
        try:
            candidates = mime.parse_headers_only(raw)
        except Exception:
            candidates = []
    for recipient in candidates:
        found = address_for(recipient)
        if found is not None and found.store_id not in targets:
            targets[found.store_id] = (found, recipient.strip().lower())
    stored: list[InboundMessage] = []
    with transaction.atomic():
        for address, recipient in targets.values():
            row = InboundMessage(
                store=address.store,
                raw=raw,
                size=len(raw),
                source=source,
                envelope_from=envelope_from[:320],
                envelope_to=recipient[:320],
            )
            if len(raw) > MAX_MESSAGE_SIZE:
                row.status = InboundStatus.FAILED
                row.reason = "too large"
            row.save()
            stored.append(row)
        if on_stored is not None:
            on_stored(stored)
    if process_now:
        for row in stored:
            if row.status == InboundStatus.RECEIVED:
                process(row)
    return stored


_PARSED_FIELDS = ["message_id", "sender", "subject", "html", "quoted", "attempts"]


def _finish(row: InboundMessage, status: str, reason: str = "", **fields: object) -> InboundMessage:
    row.status = status
    row.reason = reason[:500]
    row.processed_at = timezone.now()
    for name, value in fields.items():
        setattr(row, name, value)
    # Never rewrite the (possibly huge) raw bytes: they were committed on arrival.
    row.save(update_fields=[*_PARSED_FIELDS, "status", "reason", "processed_at", *fields])
    level = logging.WARNING if status == InboundStatus.FAILED else logging.INFO
    logger.log(
        level,
        "inbound mail %s",
        status,
        extra={"inbound_id": row.pk, "store_id": row.store_id, "reason": row.reason},
    )
    return row


def process(row: InboundMessage) -> InboundMessage:
    """Parse a stored raw message and post it to its conversation. Never raises: a failure is
    recorded on the row (status `failed` and the reason) for the owner to see and retry."""
    row.attempts += 1
    try:
        return _process(row)
    except Exception as error:
        logger.exception("inbound mail failed", extra={"inbound_id": row.pk})
        return _finish(row, InboundStatus.FAILED, f"{type(error).__name__}: {error}"[:500])


def retry(row: InboundMessage) -> InboundMessage:
    if row.status == InboundStatus.POSTED:
        return row
    row.status = InboundStatus.RECEIVED
    return process(row)


def _rate_limited(store: Store, sender: str, row: InboundMessage) -> bool:
    since = timezone.now() - RATE_WINDOW
    recent = (
        InboundMessage.objects.filter(store=store, sender=sender, received_at__gte=since)
        .exclude(pk=row.pk)
        .count()
    )
    return recent >= RATE_LIMIT


def _process(row: InboundMessage) -> InboundMessage:
    store = row.store
    raw = bytes(row.raw)
    if len(raw) > MAX_MESSAGE_SIZE:
        return _finish(row, InboundStatus.FAILED, "too large")
    parsed = mime.parse(raw)
    row.message_id = parsed.message_id[:500]
    row.sender = parsed.from_address[:320]
    row.subject = parsed.subject[:300]
    row.html = parsed.html[:200_000]
    row.quoted = parsed.quoted[:50_000]
    if parsed.bounce:
        changed = record_bounce(store, parsed)
        return _finish(
            row,
            InboundStatus.IGNORED,
            f"delivery report for {changed} sent message(s)" if changed else "delivery report",
        )
    if _unsubscribed_by_mail(parsed.subject):
        # The mailto: half of the newsletter's List-Unsubscribe: not a support conversation.
        return _finish(row, InboundStatus.IGNORED, "newsletter unsubscribe request")
    if not parsed.from_address:
        return _finish(row, InboundStatus.FAILED, "no sender (From) address")
    if parsed.message_id:
        earlier = (
            InboundMessage.objects.filter(
                store=store, message_id=parsed.message_id, status=InboundStatus.POSTED
            )
            .exclude(pk=row.pk)
            .first()
        )
        if earlier is not None:
            return _finish(row, InboundStatus.IGNORED, f"duplicate of #{earlier.pk}")
        if OutboundMessage.objects.filter(
            store=store, message_id=f"<{parsed.message_id}>"
        ).exists():
            return _finish(row, InboundStatus.IGNORED, "our own mail came back (loop)")
    if _rate_limited(store, parsed.from_address, row):
        return _finish(row, InboundStatus.IGNORED, "sender over the rate limit")
    if store_address_row := SupportAddress.objects.filter(address=parsed.from_address).first():
        # Mail from one of our own addresses is a loop, whatever its headers say.
        return _finish(row, InboundStatus.IGNORED, f"sent from {store_address_row.address}")

    conversation, agent = _thread(store, row, parsed)
    started = conversation is None
    with transaction.atomic():
        if conversation is None:
            visitor = _visitor(store, parsed)
            conversation = support.start_conversation(
                visitor, channel=Channel.EMAIL, subject=normalise_subject(parsed.subject)
            )
            if parsed.language and not conversation.language:
                conversation.language = parsed.language
                conversation.save(update_fields=["language"])
        body = parsed.clean_text or parsed.text
        notes: list[str] = list(parsed.problems[:3])
        if len(body) > MESSAGE_LIMIT:
            body = body[: MESSAGE_LIMIT - 1] + "…"
            notes.append("text shortened")
        author_kind = AuthorKind.AGENT if agent is not None else AuthorKind.VISITOR
        attachments, skipped = _attachments(store, conversation, parsed, agent)
        notes += skipped
        if not body.strip() and not attachments:
            body = parsed.subject or "(empty message)"
        first = attachments[0] if attachments else None
        posted = support.post_message(
            conversation,
            author_kind=author_kind,
            author=agent,
            body=body,
            client_id=f"mail-{row.pk}",
            attachment=first,
        )
        for i, extra in enumerate(attachments[1:], start=1):
            support.post_message(
                conversation,
                author_kind=author_kind,
                author=agent,
                body="",
                client_id=f"mail-{row.pk}-{i}",
                attachment=extra,
            )
        _finish(
            row,
            InboundStatus.POSTED,
            "; ".join(
                filter(None, [parsed.automatic and f"automatic: {parsed.automatic}", *notes])
            ),
            conversation_id=conversation.pk,
            event_id=posted.event.pk,
        )
    if started and not parsed.automatic:
        address = address_for(row.envelope_to)
        if address is not None and address.acknowledge:
            queue_mail(conversation, OutboundKind.ACK)
    return row


def _visitor(store: Store, parsed: mime.Parsed) -> Visitor:
    found = Visitor.objects.filter(store=store, email=parsed.from_address).order_by("-pk").first()
    if found is not None:
        return found
    return support.create_visitor(
        store,
        name=parsed.from_name,
        email=parsed.from_address,
        language=parsed.language or store.default_language,
    )


def _thread(
    store: Store, row: InboundMessage, parsed: mime.Parsed
) -> tuple[Conversation | None, User | None]:
    """The conversation a mail continues (and the agent who wrote it, for verified agent
    replies), or (None, None) for a new conversation."""
    conversations = Conversation.objects.filter(store=store).select_related("store", "visitor")
    # 1. A reply address token: signed, so it cannot be guessed or moved to another store.
    for recipient in [row.envelope_to, *parsed.to]:
        base, tag = split_address(recipient)
        if not tag or address_for(base) is None:
            continue
        token = read_token(store, tag)
        if token is None:
            continue
        conversation = conversations.filter(pk=token[0]).first()
        if conversation is None:
            continue
        if token[1] is None:
            return conversation, None
        agent = User.objects.filter(pk=token[1], is_active=True).first()
        if (
            agent is not None
            and agent.email.lower() == parsed.from_address
            and Membership.objects.filter(store=store, user=agent).exists()
        ):
            return conversation, agent
        # A forwarded agent notification answered by someone else: theirs, as the customer's? No:
        # it is neither the agent nor necessarily the customer; treat as a new conversation.
    # 2. The headers, against the Message-IDs we sent and received.
    ids = [*parsed.in_reply_to, *reversed(parsed.references)]
    if ids:
        bracketed = [f"<{i}>" for i in ids]
        sent = (
            OutboundMessage.objects.filter(store=store, message_id__in=bracketed)
            .values_list("conversation_id", flat=True)
            .first()
        )
        received = (
            InboundMessage.objects.filter(
                store=store, message_id__in=ids, conversation_id__isnull=False
            )
            .values_list("conversation_id", flat=True)
            .first()
        )
        for conversation_id in (sent, received):
            if conversation_id is not None:
                conversation = conversations.filter(pk=conversation_id).first()
                if conversation is not None and _same_sender(conversation, parsed):
                    return conversation, None
    # 3. A client that dropped the headers: same sender, same subject, not yet resolved.
    subject = normalise_subject(parsed.subject)
    if subject and subject != parsed.subject.strip():
        conversation = (
            conversations.filter(
                visitor__email=parsed.from_address, subject=subject[:200], channel=Channel.EMAIL
            )
            .exclude(status=Status.RESOLVED)
            .order_by("-pk")
            .first()
        )
        if conversation is not None:
            return conversation, None
    return None, None


def _same_sender(conversation: Conversation, parsed: mime.Parsed) -> bool:
    # A thread continues for its own customer; someone else replying to a forwarded mail
    # starts their own conversation instead of writing into another customer's.
    email = (conversation.visitor.email or "").lower()
    return not email or email == parsed.from_address


def _attachments(
    store: Store, conversation: Conversation, parsed: mime.Parsed, agent: User | None
) -> tuple[list, list[str]]:
    saved = []
    skipped: list[str] = []
    for part in parsed.attachments[:20]:
        if part.size > ATTACHMENT_LIMIT:
            limit = _("A file may be at most %(limit)s MB.") % {
                "limit": ATTACHMENT_LIMIT // (1024 * 1024)
            }
            skipped.append(f"{part.name}: {limit}")
            continue
        upload = SimpleUploadedFile(part.name, part.data, content_type=part.content_type)
        try:
            attachment = support.save_attachment(
                store, upload, visitor=None if agent else conversation.visitor, user=agent
            )
        except ValidationError as error:
            skipped.append(f"{part.name}: {' '.join(error.messages)}")
            continue
        saved.append(attachment)
    return saved, skipped


# Bounces ---------------------------------------------------------------------------------------


def record_bounce(store: Store, parsed: mime.Parsed) -> int:
    """Mark our sent mail that a delivery report names as bounced (permanent) or failed."""
    failures = [d for d in parsed.dsn if d.get("action") in {"failed", ""}]
    if parsed.dsn and not failures:
        return 0  # "delayed", "delivered", "relayed": nothing went wrong yet
    detail = failures[0] if failures else {}
    reason = " ".join(filter(None, [detail.get("status", ""), detail.get("diagnostic", "")])) or _(
        "The recipient's mail server returned the mail."
    )
    ids = [f"<{i}>" for i in parsed.original_ids]
    support_mail = (
        OutboundMessage.objects.filter(store=store, message_id__in=ids)
        .exclude(status=OutboundStatus.BOUNCED)
        .update(status=OutboundStatus.BOUNCED, error=reason[:500])
    )
    return support_mail + _campaign_bounces(store, ids, reason)


def _campaign_bounces(store: Store, ids: list[str], reason: str) -> int:
    """Bounces of the store's newsletter mail go to marketing, through its public function."""
    from dukkan.marketing import services as marketing

    return sum(1 for message_id in ids if marketing.record_bounce(store, message_id, reason))


def _unsubscribed_by_mail(subject: str) -> bool:
    """True when the mail is a valid "unsubscribe <token>" request (marketing's List-Unsubscribe
    mailto:, sent to the store's reply-to/from address) and marketing unsubscribed someone."""
    words = subject.split()
    if len(words) != 2 or words[0].lower() != "unsubscribe":
        return False  # the common case costs no import and no query
    from dukkan.marketing import services as marketing

    return marketing.unsubscribe_by_mail(subject)


# Sending ---------------------------------------------------------------------------------------


def queue_mail(
    conversation: Conversation,
    kind: str,
    *,
    event: ConversationEvent | None = None,
    recipient: str = "",
) -> OutboundMessage | None:
    """Record a mail to send about `conversation` and queue its sending (after commit)."""
    from dukkan.email_channel import tasks

    recipient = recipient or (conversation.visitor.email or "")
    address = store_address(conversation.store, conversation)
    if not recipient or address is None:
        return None
    if (
        kind == OutboundKind.ACK
        and OutboundMessage.objects.filter(
            conversation_id=conversation.pk, kind=OutboundKind.ACK
        ).exists()
    ):
        return None  # once per thread
    outbound = OutboundMessage.objects.create(
        store=conversation.store,
        conversation_id=conversation.pk,
        event_id=event.pk if event else None,
        seq=event.seq if event else 0,
        kind=kind,
        message_id=new_message_id(address.domain),
        recipient=recipient,
    )
    transaction.on_commit(lambda: tasks.send_outbound.enqueue(outbound.pk))
    return outbound


def thread_ids(conversation: Conversation) -> list[str]:
    """Message-IDs of the conversation's mail, oldest first (for References)."""
    received = InboundMessage.objects.filter(
        store_id=conversation.store_id, conversation_id=conversation.pk
    ).exclude(message_id="")
    sent = OutboundMessage.objects.filter(conversation_id=conversation.pk).filter(
        Q(status=OutboundStatus.SENT) | Q(kind=OutboundKind.DIGEST)
    )
    stamped = [
        (r.received_at, f"<{r.message_id}>") for r in received.only("received_at", "message_id")
    ]
    stamped += [(s.created_at, s.message_id) for s in sent.only("created_at", "message_id")]
    return [mid for _t, mid in sorted(stamped)][-20:]


def continuity_headers(conversation: Conversation, *, agent: User | None = None) -> dict[str, str]:
    """Headers that make a notification about `conversation` answerable by replying:
    Reply-To with the signed reply address (the agent's own, for agent notices), a recorded
    Message-ID, and In-Reply-To/References to earlier mail. Empty when the store has no
    support address."""
    address = store_address(conversation.store, conversation)
    if address is None:
        return {}
    message_id = new_message_id(address.domain)
    earlier = thread_ids(conversation)
    OutboundMessage.objects.create(
        store=conversation.store,
        conversation_id=conversation.pk,
        seq=conversation.last_agent_message_seq,
        kind=OutboundKind.AGENT_NOTICE if agent else OutboundKind.DIGEST,
        message_id=message_id,
        recipient=(agent.email if agent else conversation.visitor.email or "")[:320],
        status=OutboundStatus.SENT,
        sent_at=timezone.now(),
    )
    headers = {"Reply-To": reply_address(conversation, agent), "Message-ID": message_id}
    if earlier:
        headers["In-Reply-To"] = earlier[-1]
        headers["References"] = " ".join(earlier)
    return headers


def sender_of(conversation: Conversation) -> str:
    address = store_address(conversation.store, conversation)
    if address is None:
        return ""
    return formataddr((address.name or conversation.store.name, address.address))


def mark(outbound: OutboundMessage, status: str, error: str = "") -> None:
    outbound.status = status
    outbound.error = error[:500]
    if status == OutboundStatus.SENT:
        outbound.sent_at = timezone.now()
    outbound.save(update_fields=["status", "error", "sent_at", "attempts"])
