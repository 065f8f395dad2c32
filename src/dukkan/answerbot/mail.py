"""Plain-text emails of the support tools, in the reader's language: rating requests here;
callbacks use `send_text` too."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from dukkan.core.tenancy import scoped
from dukkan.support.models import Conversation

RATING_SALT = "dukkan.answerbot.rating"
RATING_MAX_AGE = 30 * 24 * 3600  # seconds a rating link works


def send_text(recipient: str, subject: str, lines: list[str]) -> None:
    EmailMessage(subject, "\n\n".join(lines) + "\n", None, [recipient]).send()


def rating_token(conversation: Conversation) -> str:
    return signing.dumps(
        {"c": conversation.pk, "s": conversation.store_id}, salt=RATING_SALT, compress=True
    )


def conversation_from_rating_token(token: str) -> Conversation | None:
    try:
        data = signing.loads(token, salt=RATING_SALT, max_age=RATING_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("c"), int):
        return None
    if not isinstance(data.get("s"), int):
        return None
    return (
        Conversation.objects.select_related("store", "visitor")
        .filter(pk=int(data["c"]), store_id=int(data["s"]))
        .first()
    )


def rating_link(conversation: Conversation, language: str) -> str:
    path = reverse(
        "callbacks_public:rate_by_email",
        kwargs={"store_slug": conversation.store.slug, "token": rating_token(conversation)},
    )
    return f"{settings.DUKKAN_BASE_URL}{path}?lang={language}"


def send_rating_request(conversation_id: int) -> bool:
    from dukkan.answerbot.models import Rating

    conversation = (
        Conversation.objects.select_related("store", "visitor", "contact")
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None or conversation.assignee_id is None:
        return False
    email = (
        conversation.contact.email if conversation.contact else ""
    ) or conversation.visitor.email
    if not email or scoped(Rating, conversation.store).filter(conversation=conversation).exists():
        return False
    language = (conversation.language or conversation.visitor.language or "")[:2]
    language = language if language in ("ar", "fa", "en") else conversation.store.default_language
    with translation.override(language):
        subject = _("How did %(store)s do?") % {"store": conversation.store.name}
        lines = [
            _("Your conversation with %(store)s was resolved. Would you rate it from 1 to 5?")
            % {"store": conversation.store.name},
            rating_link(conversation, language),
        ]
    send_text(email, subject, lines)
    return True
