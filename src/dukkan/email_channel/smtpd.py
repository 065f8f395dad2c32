"""`dukkan smtpd`: the built-in SMTP receiver (aiosmtpd) for self-hosters who point MX here.

Recipients are checked at RCPT time against the stores' support addresses (with or without a
+token), so mail for anyone else is refused before its data is sent; messages over the size
limit are refused at DATA (552). The "250 OK" answer comes only after the raw message is
committed to the database, so an accepted message is never lost. STARTTLS is offered when a
certificate and key are given.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.db import close_old_connections

from dukkan.email_channel import services

logger = logging.getLogger(__name__)


class Handler:
    def __init__(self, workers: int = 8) -> None:
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="smtpd-db")

    async def _run(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        def call() -> Any:
            close_old_connections()
            try:
                return function(*args, **kwargs)
            finally:
                close_old_connections()

        return await asyncio.get_running_loop().run_in_executor(self.pool, call)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        found = await self._run(services.address_for, address)
        if found is None:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):  # pragma: no cover - decode_data is off
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            stored = await self._run(
                services.receive,
                raw,
                source="smtp",
                recipients=list(envelope.rcpt_tos),
                envelope_from=envelope.mail_from or "",
                process_now=False,
            )
        except Exception:
            logger.exception("smtp receiver could not store a message")
            return "451 4.3.0 Could not store the message; try again later"
        # Accepted: stored and committed. Processing failures stay on the row, not the client.
        for row in stored:
            await self._run(services.process, row)
        return "250 OK: queued"


def tls_context(cert: str, key: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def controller(
    host: str,
    port: int,
    *,
    max_size: int = services.MAX_MESSAGE_SIZE,
    cert: str = "",
    key: str = "",
    hostname: str = "",
) -> Controller:
    context = tls_context(cert, key) if cert and key else None
    return Controller(
        Handler(),
        hostname=host,
        port=port,
        server_hostname=hostname or None,
        data_size_limit=max_size,
        tls_context=context,
        require_starttls=False,
        decode_data=False,
        enable_SMTPUTF8=True,
        ready_timeout=10,
    )


def run(host: str, port: int, *, cert: str = "", key: str = "", max_size: int = 0) -> None:
    """Serve until interrupted (the `dukkan smtpd` command)."""
    import signal
    import threading

    receiver = controller(
        host, port, cert=cert, key=key, max_size=max_size or services.MAX_MESSAGE_SIZE
    )
    receiver.start()
    tls = "STARTTLS" if cert and key else "no TLS"
    print(f"dukkan smtpd: receiving mail on {host}:{port} ({tls})", flush=True)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    stop.wait()
    receiver.stop()
