"""The `dukkan smtpd` command: the built-in SMTP receiver (and IMAP IDLE watchers)."""

from __future__ import annotations

import argparse
import threading
from collections.abc import Callable
from typing import Any


def add_smtpd_parser(sub: Any, port_type: Callable[[str], int]) -> None:
    smtpd = sub.add_parser("smtpd", help="receive support mail over SMTP (point MX here)")
    smtpd.add_argument("--port", type=port_type, default=2525)
    smtpd.add_argument("--host", default="127.0.0.1")
    smtpd.add_argument("--tls-cert", default="", help="PEM certificate: offer STARTTLS")
    smtpd.add_argument("--tls-key", default="", help="PEM private key of the certificate")
    smtpd.add_argument(
        "--max-size",
        type=int,
        default=80,
        help="largest message accepted, in MB (default 80: a 50 MB file in base64 fits)",
    )
    smtpd.add_argument(
        "--imap-idle",
        action="store_true",
        help="also watch IMAP mailboxes with IDLE and fetch new mail at once",
    )
    smtpd.set_defaults(func=command)


def _idle_loop(address_id: int) -> None:
    from django.db import close_old_connections

    from dukkan.email_channel import imap
    from dukkan.email_channel.models import SupportAddress

    while True:
        close_old_connections()
        address = SupportAddress.objects.filter(pk=address_id).first()
        if address is None:
            return
        try:
            imap.poll(address)
            if imap.wait(address, seconds=300) is None:
                threading.Event().wait(60)  # no IDLE: the periodic job polls every minute
        except Exception as error:  # keep watching; the periodic job records the error
            print(f"imap {address.address}: {type(error).__name__}: {error}", flush=True)
            threading.Event().wait(30)


def command(args: argparse.Namespace) -> None:
    from dukkan.cli import _load_or_exit, _setup

    _load_or_exit()
    _setup()
    from dukkan.email_channel import smtpd
    from dukkan.email_channel.models import SupportAddress

    if bool(args.tls_cert) != bool(args.tls_key):
        raise SystemExit("dukkan smtpd: --tls-cert and --tls-key go together")
    if args.imap_idle:
        for address_id in SupportAddress.objects.exclude(imap_host="").values_list("pk", flat=True):
            threading.Thread(target=_idle_loop, args=(address_id,), daemon=True).start()
    smtpd.run(
        args.host,
        args.port,
        cert=args.tls_cert,
        key=args.tls_key,
        max_size=args.max_size * 1024 * 1024,
    )
