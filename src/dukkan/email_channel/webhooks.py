"""Inbound mail from providers: Mailgun (signature verified) and Postmark (secret URL token or
basic auth: Postmark signs nothing, so a secret only it knows is what it offers).

Both end in `services.receive` with the raw MIME: Mailgun's "raw MIME" routes send it as
`body-mime`; Postmark sends `RawEmail` when "Include raw email content" is on, otherwise the
message is rebuilt from its JSON fields. A 2xx answer is given only after the raw message is
committed; providers retry anything else.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from email.message import EmailMessage
from email.utils import formataddr

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from dukkan.email_channel import services
from dukkan.email_channel.models import SupportAddress

TIMESTAMP_TOLERANCE = 15 * 60  # seconds


def _refuse(status: int, reason: str) -> JsonResponse:
    return JsonResponse({"ok": False, "error": reason}, status=status)


def verify_mailgun(signing_key: str, timestamp: str, token: str, signature: str) -> bool:
    if not (signing_key and timestamp and token and signature):
        return False
    expected = hmac.new(
        signing_key.encode(), (timestamp + token).encode(), hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, signature.lower())


@csrf_exempt
@require_POST
def mailgun(request: HttpRequest) -> HttpResponse:
    recipient = request.POST.get("recipient", "").split(",")[0].strip()
    address = services.address_for(recipient)
    if address is None:
        # 406 tells Mailgun not to retry: nobody here will ever accept this recipient.
        return _refuse(406, "unknown recipient")
    timestamp = request.POST.get("timestamp", "")
    token = request.POST.get("token", "")
    if not verify_mailgun(
        address.mailgun_signing_key, timestamp, token, request.POST.get("signature", "")
    ):
        return _refuse(403, "bad signature")
    try:
        age = abs(time.time() - int(timestamp))
    except ValueError:
        return _refuse(403, "bad timestamp")
    if age > TIMESTAMP_TOLERANCE:
        return _refuse(403, "stale timestamp")
    if not cache.add(f"email:mailgun-token:{token}", 1, TIMESTAMP_TOLERANCE * 2):
        return _refuse(403, "replayed token")
    raw = request.POST.get("body-mime", "")
    upload = request.FILES.get("body-mime")
    if not raw and upload is not None:
        raw_bytes = upload.read()
    else:
        raw_bytes = raw.encode("utf-8", "surrogateescape")
    if not raw_bytes:
        return _refuse(400, "no body-mime: use a route that forwards the raw MIME message")
    if len(raw_bytes) > services.MAX_MESSAGE_SIZE:
        return _refuse(413, "message too large")
    stored = services.receive(
        raw_bytes,
        source="mailgun",
        recipients=[recipient],
        envelope_from=request.POST.get("sender", ""),
    )
    return JsonResponse({"ok": True, "stored": [row.pk for row in stored]})


def _postmark_address(request: HttpRequest, token: str) -> SupportAddress | None:
    if not token:
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            try:
                user, _c, password = base64.b64decode(header[6:]).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return None
            token = password if user == "dukkan" else ""
    if not token:
        return None
    for candidate in SupportAddress.objects.filter(webhook_token=token):
        if hmac.compare_digest(candidate.webhook_token, token):
            return candidate
    return None


def rebuild_postmark(payload: dict) -> bytes:
    """A MIME message from Postmark's JSON fields (used when RawEmail is not included)."""
    message = EmailMessage()
    message["From"] = payload.get("From") or formataddr(
        (payload.get("FromName", ""), payload.get("FromFull", {}).get("Email", ""))
    )
    message["To"] = payload.get("To", "")
    if payload.get("Cc"):
        message["Cc"] = payload["Cc"]
    message["Subject"] = payload.get("Subject", "")
    if payload.get("MessageID"):
        message["X-Postmark-Message-ID"] = payload["MessageID"]
    for header in payload.get("Headers", []) or []:
        name, value = str(header.get("Name", "")), str(header.get("Value", ""))
        if name.lower() in {
            "message-id",
            "in-reply-to",
            "references",
            "auto-submitted",
            "precedence",
            "x-autoreply",
            "date",
        }:
            message[name] = value
    message.set_content(payload.get("TextBody") or "")
    if payload.get("HtmlBody"):
        message.add_alternative(payload["HtmlBody"], subtype="html")
    for attachment in payload.get("Attachments", []) or []:
        data = base64.b64decode(attachment.get("Content", ""))
        maintype, _s, subtype = (
            attachment.get("ContentType") or "application/octet-stream"
        ).partition("/")
        message.add_attachment(
            data,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=attachment.get("Name") or "attachment",
        )
    return message.as_bytes()


@csrf_exempt
@require_POST
def postmark(request: HttpRequest, webhook_token: str = "") -> HttpResponse:
    address = _postmark_address(request, webhook_token)
    if address is None:
        return _refuse(403, "unknown webhook token")
    if len(request.body) > services.MAX_MESSAGE_SIZE * 2:
        return _refuse(413, "message too large")
    try:
        payload = json.loads(request.body)
        if not isinstance(payload, dict):
            raise ValueError
    except ValueError:
        return _refuse(400, "the body is not a JSON object")
    raw_email = payload.get("RawEmail")
    try:
        raw = (
            raw_email.encode("utf-8", "surrogateescape")
            if isinstance(raw_email, str) and raw_email
            else rebuild_postmark(payload)
        )
    except (ValueError, TypeError, binascii.Error) as error:
        return _refuse(400, f"unreadable message: {error}")
    recipients = [r for r in [payload.get("OriginalRecipient", ""), address.address] if r]
    stored = services.receive(
        raw,
        source="postmark",
        recipients=recipients[:1] if services.address_for(recipients[0]) else [address.address],
    )
    return JsonResponse({"ok": True, "stored": [row.pk for row in stored]})
