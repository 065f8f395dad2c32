"""Polling support mailboxes over IMAP, by the folder's UID cursor.

`UIDVALIDITY` and the highest UID already stored are kept on the address; each message is
stored in the same transaction that moves the cursor, so nothing is fetched twice or skipped
even if the worker dies between two messages. When the server's UIDVALIDITY changes (the
folder was recreated) the cursor starts again from the beginning, and Message-ID
de-duplication in `services.process` keeps what was already posted from being posted again.
`wait` uses IDLE where the server offers it, to learn of new mail without polling.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re

from django.utils import timezone

from dukkan.email_channel import services
from dukkan.email_channel.models import InboundMessage, SupportAddress

logger = logging.getLogger(__name__)

BATCH = 200  # messages per poll and mailbox


def _connect(address: SupportAddress, timeout: float = 30) -> imaplib.IMAP4:
    cls = imaplib.IMAP4_SSL if address.imap_ssl else imaplib.IMAP4
    client = cls(address.imap_host, address.imap_port, timeout=timeout)
    client.login(address.imap_user, address.imap_password)
    return client


def _uidvalidity(client: imaplib.IMAP4, folder: str) -> int:
    status, _data = client.select(_quote(folder), readonly=True)
    if status != "OK":
        raise imaplib.IMAP4.error(f"cannot open folder {folder}")
    value = client.untagged_responses.get("UIDVALIDITY", [b"0"])[-1]
    return int(value if isinstance(value, bytes) else value[0])


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def poll(address: SupportAddress) -> int:
    """Store every message newer than the cursor; returns how many were stored."""
    client = _connect(address)
    try:
        validity = _uidvalidity(client, address.imap_folder)
        if address.imap_uidvalidity != validity:
            SupportAddress.objects.filter(pk=address.pk).update(
                imap_uidvalidity=validity, imap_last_uid=0
            )
            address.imap_uidvalidity, address.imap_last_uid = validity, 0
        status, data = client.uid("SEARCH", f"UID {address.imap_last_uid + 1}:*")
        if status != "OK":
            raise imaplib.IMAP4.error("UID SEARCH failed")
        uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) > address.imap_last_uid)
        stored = 0
        for uid in uids[:BATCH]:
            status, parts = client.uid("FETCH", str(uid), "(BODY.PEEK[])")
            raw = next((p[1] for p in parts if isinstance(p, tuple) and len(p) == 2), None)
            if status != "OK" or raw is None:
                raise imaplib.IMAP4.error(f"UID FETCH {uid} failed")

            def advance(_rows: list[InboundMessage], uid: int = uid) -> None:
                SupportAddress.objects.filter(pk=address.pk).update(imap_last_uid=uid)

            services.receive(raw, source="imap", recipients=[address.address], on_stored=advance)
            address.imap_last_uid = uid
            stored += 1
        if address.imap_error:
            SupportAddress.objects.filter(pk=address.pk).update(imap_error="")
        return stored
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            client.logout()


def poll_all() -> int:
    total = 0
    for address in SupportAddress.objects.exclude(imap_host="").exclude(imap_user=""):
        try:
            total += poll(address)
        except (TimeoutError, OSError, imaplib.IMAP4.error) as error:
            message = f"{timezone.now():%Y-%m-%d %H:%M} {type(error).__name__}: {error}"
            SupportAddress.objects.filter(pk=address.pk).update(imap_error=message[:500])
            logger.warning(
                "imap poll failed", extra={"address": address.address, "error": str(error)}
            )
    return total


def wait(address: SupportAddress, seconds: float = 300) -> bool | None:
    """Block until the server says new mail arrived (IMAP IDLE, RFC 2177): True; or until
    `seconds` pass: False. None when the server has no IDLE (the caller polls on a timer)."""
    client = _connect(address, timeout=seconds + 30)
    try:
        _uidvalidity(client, address.imap_folder)
        if "IDLE" not in client.capabilities:
            return None
        tag = client._new_tag().decode()
        client.send(f"{tag} IDLE\r\n".encode())
        if not client.readline().startswith(b"+"):
            return None
        client.sock.settimeout(seconds)
        arrived = False
        try:
            while True:
                line = client.readline()
                if not line:
                    break
                if re.match(rb"\* \d+ (EXISTS|RECENT)", line):
                    arrived = True
                    break
        except TimeoutError:
            pass
        client.sock.settimeout(30)
        client.send(b"DONE\r\n")
        while True:  # read up to the tagged end of IDLE
            line = client.readline()
            if not line or line.startswith(tag.encode()):
                break
        return arrived
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            client.logout()
