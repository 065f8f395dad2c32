"""Campaign send rate: one campaign to 10,000 confirmed subscribers (2,000 with --quick) through
a local SMTP sink, sent by a real `dukkan worker` process through the task queue.

    python bench/growth_campaign.py --db sqlite|postgresql [--quick]

The sink (aiosmtpd) runs in its own process on a port in 20700-20799 and counts what arrives.
The worker sends batches of 500 over one SMTP connection each, claiming rows first (sending is
at most once per recipient); the store's rate limit is set to its highest value (60,000 a
minute) so the figure is the sending path's own speed. `per_s` is messages accepted by the sink
per second, from the moment the campaign started to the last message; `p99_ms` is the 99th
percentile of the time between two messages arriving on the same SMTP connection (a batch of
500 goes over 4 connections at once, each reused for its share). bench/growth.py imports
`run()`. One JSON object per line:
{"bench":"growth","db":..,"quick":..,"what":"campaign","per_s":..,"p99_ms":..,"sent":N,"failed":N}
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

os.environ.setdefault("DUKKAN_BENCH_PORT_MIN", "20700")
os.environ.setdefault("DUKKAN_BENCH_PORT_MAX", "20800")

from bench.harness import emit, environment, free_port, log, parse_args  # noqa: E402

SINK = r"""
import asyncio, json, signal, sys, time
from aiosmtpd.controller import Controller

port, out = int(sys.argv[1]), sys.argv[2]
times = []

class Sink:
    async def handle_DATA(self, server, session, envelope):
        times.append([str(session.peer), time.time()])
        return "250 OK"

controller = Controller(Sink(), hostname="127.0.0.1", port=port)
controller.start()
print("ready", flush=True)
stop = False
def finish(*_):
    global stop
    stop = True
signal.signal(signal.SIGTERM, finish)
signal.signal(signal.SIGINT, finish)
while not stop:
    time.sleep(0.1)
controller.stop()
with open(out, "w") as f:
    json.dump(times, f)
"""

SETUP = """
from django.utils import timezone
from dukkan.accounts import services as accounts
from dukkan.accounts.models import User
from dukkan.marketing.models import Campaign, MailingSettings, Subscriber
owner = User.objects.create_user(email="bench-owner-%(n)s@example.com", password=None)
store = accounts.create_store(owner=owner, name="متجر الحملات", slug="bench-mail-%(n)s",
                              default_language="ar")
MailingSettings.objects.update_or_create(store=store, defaults={"rate_per_minute": 60000})
now = timezone.now()
Subscriber.objects.bulk_create(
    [Subscriber(store=store, email=f"reader{i}@bench.example", language="ar",
                status="subscribed", source="dashboard", consent_at=now, confirmed_at=now)
     for i in range(%(count)s)],
    batch_size=2000,
)
# One English subscriber for a one-message campaign that warms the worker up (a long-running
# worker has its code loaded); the measured campaign goes to the Arabic-speaking segment.
Subscriber.objects.create(store=store, email="warmup@bench.example", language="en",
                          status="subscribed", source="dashboard", consent_at=now)
from dukkan.marketing.services import save_segment
arabic = save_segment(store, name="عربي", rules=[{"type": "language", "language": "ar"}])
english = save_segment(store, name="English", rules=[{"type": "language", "language": "en"}])
warmup = Campaign.objects.create(store=store, subject="Warm-up", language="en", body="Hi",
                                 segment=english)
campaign = Campaign.objects.create(
    store=store, segment=arabic, subject="عرض نهاية الأسبوع", language="ar",
    body="## عرض خاص\\n\\nخصم **٣٠٪** على كل الكتب حتى الجمعة. [تسوّق الآن](https://example.com/)",
)
print(warmup.pk, campaign.pk)
"""

START = """
from dukkan.marketing.models import Campaign
from dukkan.marketing.services import start_sending
print(start_sending(Campaign.objects.get(pk=%(pk)s)))
"""

WAIT = """
import json, time
from dukkan.marketing.models import Campaign, CampaignRecipient
deadline = time.time() + %(timeout)s
while time.time() < deadline:
    c = Campaign.objects.get(pk=%(pk)s)
    if c.status == "sent":
        break
    time.sleep(0.2)
c = Campaign.objects.get(pk=%(pk)s)
rows = CampaignRecipient.objects.filter(campaign=c)
print(json.dumps({
    "status": c.status,
    "started": c.started_at.timestamp(),
    "sent": rows.filter(status="sent").count(),
    "failed": rows.exclude(status="sent").count(),
}))
"""


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(db: str, quick: bool) -> dict[str, Any]:
    count = 2000 if quick else 10000
    sink_port = free_port()
    with environment(db, EMAIL_URL=f"smtp://127.0.0.1:{sink_port}") as prepared:
        times_path = prepared.data_dir / "sink.json"
        sink = subprocess.Popen(
            [sys.executable, "-c", SINK, str(sink_port), str(times_path)],
            stdout=subprocess.PIPE,
            text=True,
        )
        worker: subprocess.Popen[bytes] | None = None
        try:
            assert sink.stdout is not None
            if sink.stdout.readline().strip() != "ready":
                raise RuntimeError("the SMTP sink did not start")
            log(f"growth campaign: {count} subscribers on {db}, sink on port {sink_port}")
            warmup, pk = map(
                int, prepared.python(SETUP % {"n": os.getpid(), "count": count}).split()
            )
            worker = subprocess.Popen(
                [sys.executable, "-m", "dukkan", "worker"],
                env=prepared.env,
                stdout=subprocess.DEVNULL,
                stderr=open(prepared.data_dir / "worker.log", "wb"),  # noqa: SIM115
                start_new_session=True,
            )
            prepared.python(START % {"pk": warmup})
            prepared.python(WAIT % {"pk": warmup, "timeout": 120})
            prepared.python(START % {"pk": pk})
            result = json.loads(prepared.python(WAIT % {"pk": pk, "timeout": 600}))
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=30)
            sink.terminate()
            sink.wait(timeout=30)
        received = json.loads(times_path.read_text()) if times_path.exists() else []
    # Only the measured campaign: the warm-up message arrived before it started.
    received = [(peer, at) for peer, at in received if at >= result["started"]]
    arrivals = [at for _peer, at in received]
    if result["status"] != "sent" or not arrivals:
        log(f"campaign did not finish: {result}")
    elapsed = (max(arrivals) - result["started"]) if arrivals else 0.0
    # Per SMTP connection: the time from one message to the next on the same connection.
    by_peer: dict[str, list[float]] = {}
    for peer, at in received:
        by_peer.setdefault(peer, []).append(at)
    gaps = [
        (b - a) * 1000 for times in by_peer.values() for a, b in itertools.pairwise(sorted(times))
    ]
    if arrivals:
        ordered = sorted(arrivals)
        pauses = sorted(((b - a) for a, b in itertools.pairwise(ordered)), reverse=True)[:5]
        log(
            f"first message {ordered[0] - result['started']:.2f}s after the start, last "
            f"{ordered[-1] - result['started']:.2f}s; longest pauses: "
            + ", ".join(f"{p:.2f}s" for p in pauses)
        )
    return {
        "bench": "growth",
        "db": db,
        "quick": quick,
        "what": "campaign",
        "per_s": round(len(arrivals) / elapsed, 1) if elapsed > 0 else 0.0,
        "p99_ms": round(_percentile(gaps, 0.99), 2),
        "sent": result["sent"],
        "failed": result["failed"],
    }


def main() -> None:
    args = parse_args("Campaign send rate through a local SMTP sink.")
    emit(run(args.db, args.quick))


if __name__ == "__main__":
    main()
