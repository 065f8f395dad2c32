"""Inbound email throughput: messages per second from SMTP receipt to a conversation message
visible in the inbox, with p50/p99 of that latency and the number lost.

A real `dukkan smtpd` process receives; the load is a separate process with several SMTP
connections (smtplib) sending mail from distinct customers to a store's support address.
Latency of one message: from the moment its sender started the SMTP transaction to the
`created_at` of the conversation message it became (committed, so the inbox shows it).
Both clocks are this machine's. A message is lost when no conversation message came of it.

    python bench/email.py --db sqlite|postgresql [--quick]
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named like the standard library's `email` package: keep its folder off the
# import path, or `import email` (done by smtplib, Django, …) would find this script.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import json  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

from bench.harness import emit, environment, free_port, log, parse_args  # noqa: E402

ADDRESS = "support@bench-mail.example"
LOAD = rf"""
import json, smtplib, sys, threading, time
from email.message import EmailMessage
port, total, connections, run = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
sent, errors = {{}}, []
def worker(k):
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
        for i in range(k, total, connections):
            m = EmailMessage()
            m["From"] = f"Customer {{i}} <customer{{i}}@bench.example>"
            m["To"] = "{ADDRESS}"
            m["Subject"] = f"Question {{i}}"
            mid = f"bench-{{run}}-{{i}}@bench.example"
            m["Message-ID"] = f"<{{mid}}>"
            m.set_content(f"Hello, this is question number {{i}}.\n\nOn Monday, Support wrote:\n> earlier")
            start = time.time()
            try:
                client.sendmail(f"customer{{i}}@bench.example", ["{ADDRESS}"], m.as_bytes())
                sent[mid] = start
            except Exception as error:
                errors.append(repr(error))
threads = [threading.Thread(target=worker, args=(k,)) for k in range(connections)]
began = time.time()
[t.start() for t in threads]
[t.join() for t in threads]
print(json.dumps({{"sent": sent, "errors": errors[:5], "began": began, "ended": time.time()}}))
"""

SETUP = f"""
from dukkan.accounts.models import User
from dukkan.accounts.services import create_store
from dukkan.core.models import Store
from dukkan.email_channel.models import SupportAddress
from dukkan.email_channel.services import add_address
# A kept PostgreSQL bench database is reused: make what is missing only.
owner = User.objects.filter(email="owner@bench-mail.example").first() or User.objects.create_user(
    email="owner@bench-mail.example", password="x-long-password-1"
)
store = Store.objects.filter(slug="bench-mail").first() or create_store(
    owner=owner, name="Bench Mail", slug="bench-mail"
)
if not SupportAddress.objects.filter(address="{ADDRESS}").exists():
    add_address(store, "{ADDRESS}")
"""

COLLECT = """
import json, sys
from dukkan.email_channel.models import InboundMessage
from dukkan.support.models import ConversationEvent
ids = json.loads(open(sys.argv[-1]).read())
rows = dict(InboundMessage.objects.filter(message_id__in=ids, status="posted").values_list("message_id", "event_id"))
created = dict(ConversationEvent.objects.filter(pk__in=rows.values()).values_list("pk", "created_at"))
print(json.dumps({mid: created[eid].timestamp() for mid, eid in rows.items() if eid in created}))
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    args = parse_args(__doc__ or "")
    total = 300 if args.quick else 2000
    connections = 8
    with environment(args.db, DUKKAN_LOG_LEVEL="WARNING") as prepared:
        prepared.python(SETUP)
        port = free_port(20400, 20450)
        log_path = prepared.data_dir / "smtpd.log"
        with log_path.open("wb") as out:
            receiver = subprocess.Popen(
                [sys.executable, "-m", "dukkan", "smtpd", "--port", str(port)],
                env=prepared.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            deadline = time.monotonic() + 60
            while "receiving mail" not in log_path.read_text(errors="replace"):
                if receiver.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"dukkan smtpd did not start:\n{log_path.read_text()}")
                time.sleep(0.2)
            log(f"sending {total} messages over {connections} SMTP connections to port {port}")
            load = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    LOAD,
                    str(port),
                    str(total),
                    str(connections),
                    str(int(time.time())),
                ],
                capture_output=True,
                text=True,
                check=True,
                timeout=1800,
            )
            result = json.loads(load.stdout)
        finally:
            receiver.terminate()
            receiver.wait(timeout=30)
        if result["errors"]:
            log(f"send errors: {result['errors']}")
        ids_file = prepared.data_dir / "ids.json"
        ids_file.write_text(json.dumps(list(result["sent"])))
        visible = json.loads(prepared.python(COLLECT.replace("sys.argv[-1]", repr(str(ids_file)))))
        latencies = [
            (visible[mid] - start) * 1000 for mid, start in result["sent"].items() if mid in visible
        ]
        lost = total - len(latencies)
        last = max(visible.values()) if visible else result["ended"]
        elapsed = max(1e-9, last - result["began"])
        emit(
            {
                "bench": "email",
                "db": args.db,
                "quick": args.quick,
                "messages": total,
                "connections": connections,
                "per_s": round(len(latencies) / elapsed, 1),
                "p50_ms": round(percentile(latencies, 0.50), 1) if latencies else None,
                "p99_ms": round(percentile(latencies, 0.99), 1) if latencies else None,
                "lost": lost,
            }
        )


if __name__ == "__main__":
    main()
