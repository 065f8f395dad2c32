"""Background work of the email channel: sending with retries and back-off, IMAP polling."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from dukkan.core.periodic import periodic

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF = [30, 120, 600, 1800, 7200]  # seconds before attempts 2, 3, …


def backoff(attempt: int) -> timedelta:
    return timedelta(seconds=BACKOFF[min(attempt - 1, len(BACKOFF) - 1)])


@task()
def send_outbound(outbound_id: int) -> str:
    """Send one recorded mail. A temporary failure (4xx, connection) is retried later with a
    growing delay; a permanent one (5xx) or the last attempt marks it failed, for the inbox."""
    from dukkan.email_channel.models import OutboundMessage, OutboundStatus
    from dukkan.email_channel.outbound import build
    from dukkan.email_channel.services import mark

    outbound = OutboundMessage.objects.select_related("store").filter(pk=outbound_id).first()
    if outbound is None or outbound.status in (OutboundStatus.SENT, OutboundStatus.BOUNCED):
        return "nothing to do"
    outbound.attempts += 1
    try:
        message = build(outbound)
        message.send()
    except smtplib.SMTPResponseException as error:
        permanent = 500 <= error.smtp_code < 600
        return _failed(outbound, f"{error.smtp_code} {error.smtp_error!r}", permanent=permanent)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _msg in error.recipients.values()]
        permanent = bool(codes) and all(500 <= c < 600 for c in codes)
        return _failed(outbound, f"recipient refused: {error.recipients}", permanent=permanent)
    except (OSError, smtplib.SMTPException) as error:
        return _failed(outbound, f"{type(error).__name__}: {error}", permanent=False)
    mark(outbound, OutboundStatus.SENT)
    return "sent"


def _failed(outbound: object, error: str, *, permanent: bool) -> str:
    from dukkan.email_channel.models import OutboundMessage, OutboundStatus
    from dukkan.email_channel.services import mark

    assert isinstance(outbound, OutboundMessage)
    logger.warning("mail not sent", extra={"outbound_id": outbound.pk, "error": error})
    if permanent or outbound.attempts >= MAX_ATTEMPTS:
        mark(outbound, OutboundStatus.FAILED, error)
        return "failed"
    mark(outbound, OutboundStatus.RETRYING, error)
    send_outbound.using(run_after=timezone.now() + backoff(outbound.attempts)).enqueue(outbound.pk)
    return "retrying"


@periodic("* * * * *", name="email_channel.poll_imap", catch_up=timedelta(minutes=5))
@task()
def poll_imap() -> int:
    """Every minute: new mail of every IMAP mailbox, by UID cursor."""
    from dukkan.email_channel.imap import poll_all

    return poll_all()
