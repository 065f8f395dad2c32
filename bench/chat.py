"""Live-chat delivery under load: latency from a visitor's send to the agent's receipt.

    python bench/chat.py --db sqlite|postgresql [--quick]

N conversations, each with a connected visitor and a connected agent socket (real WebSockets
to real `dukkan serve` processes: one on SQLite; two on PostgreSQL + Redis, visitors on the
first and agents on the second, so every message crosses processes through Redis). Visitors
send at an aggregate rate R with client ids; 10% of the connections are dropped (TCP cut, no
closing handshake) at random moments and reconnect with `hello` from the last seq they hold,
resending their outbox. At the end every participant reconnects, empties its outbox and
drains; then the load process counts, per agent stream, messages lost (acknowledged or sent
but never received), duplicated (received twice) and reordered (a seq not above the previous).

Prints one JSON object per line per configuration:
{"bench":"chat","db":..,"quick":..,"nodes":N,"conversations":N,"rate":R,"messages":N,
 "p50_ms":..,"p99_ms":..,"lost":N,"duplicated":N,"reordered":N}
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

# bench/http.py would shadow the standard library's `http`: take this folder off the path and
# import the harness as part of the `bench` package instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from bench.harness import Server, emit, environment, log, parse_args  # noqa: E402

CONVERSATIONS_PER_STORE = 50
DROP_SHARE = 0.10


def raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


SETUP = """
import json, math
from django.conf import settings
from django.db import transaction
from django.test import Client
from dukkan.accounts import services as accounts
from dukkan.accounts.models import Role, User
from dukkan.support import services

n = {n}
per_store = {per_store}
out = []
with transaction.atomic():
    for s in range(math.ceil(n / per_store)):
        owner = User.objects.create_user(email=f"owner{{s}}-{run}@bench.example", password=None)
        store = accounts.create_store(owner=owner, name=f"Bench {{s}}", slug=f"bench-{run}-{{s}}")
        agent = User.objects.create_user(email=f"agent{{s}}-{run}@bench.example", password=None, display_name=f"Agent {{s}}")
        accounts.add_member(store=store, user=agent, role=Role.AGENT)
        client = Client()
        client.force_login(agent)
        cookie = settings.SESSION_COOKIE_NAME + "=" + client.cookies[settings.SESSION_COOKIE_NAME].value
        for _ in range(min(per_store, n - s * per_store)):
            visitor = services.create_visitor(store)
            conversation = services.start_conversation(visitor)
            out.append({{"store": store.slug, "token": services.issue_visitor_token(visitor),
                         "cookie": cookie, "conversation": conversation.pk}})
print(json.dumps(out))
"""


# The load process -------------------------------------------------------------------------------


class Side:
    """One participant's socket, reconnecting with `hello` from what it holds."""

    def __init__(self, url: str, origin: str, cookie: str, conversation: int) -> None:
        self.url = url
        self.origin = origin
        self.cookie = cookie
        self.conversation = conversation
        self.ws: Any = None
        self.held = 0
        self.reader: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()
        self.on_frame: Any = None
        self.after_reconnect: Any = None
        self.heartbeat = 25.0
        self.closing = False
        self.unexpected = 0
        self.connecting = asyncio.Lock()

    async def connect(self) -> None:
        async with self.connecting:  # one socket per side, whoever asks to reconnect
            if self.ws is None:
                await self._connect()

    async def _connect(self) -> None:
        from websockets.asyncio.client import connect

        headers = {"Cookie": self.cookie} if self.cookie else {}
        for attempt in range(30):
            try:
                self.ws = await connect(
                    self.url,
                    origin=self.origin,  # type: ignore[arg-type]
                    additional_headers=headers,
                    open_timeout=30,
                    ping_interval=None,
                    max_queue=None,
                )
                break
            except Exception:
                # Back-off with jitter, as clients do.
                await asyncio.sleep(min(5.0, 0.2 * 2**attempt) * random.uniform(0.5, 1.0))
        else:
            raise RuntimeError(f"could not connect to {self.url}")
        welcome = json.loads(await self.ws.recv())
        if welcome.get("type") != "welcome":
            raise RuntimeError(f"refused: {welcome}")
        self.ready.clear()
        await self.ws.send(
            json.dumps({"type": "hello", "after": {str(self.conversation): self.held}})
        )
        self.heartbeat = float(welcome.get("heartbeat", 25))
        self.reader = asyncio.get_running_loop().create_task(self.read(self.ws))
        await self.ready.wait()

    async def read(self, ws: Any) -> None:
        pinger = asyncio.get_running_loop().create_task(self.ping(ws))
        try:
            async for raw in ws:
                frame = json.loads(raw)
                kind = frame.get("type")
                if kind == "synced":
                    self.held = max(self.held, frame["seq"])
                    self.ready.set()
                    continue
                self.on_frame(frame)
                if kind == "event":
                    self.held = max(self.held, frame["seq"])
        except Exception:
            pass
        finally:
            pinger.cancel()
        if self.ws is ws and not self.closing:
            # The server closed on us (not one of our drops): come back, as a client does.
            self.unexpected += 1
            self.ws = None
            await self.connect()
            if self.after_reconnect is not None:
                await self.after_reconnect()

    async def ping(self, ws: Any) -> None:
        """The protocol's heartbeat: a `ping` every `heartbeat` seconds."""
        try:
            while True:
                await asyncio.sleep(self.heartbeat)
                await ws.send('{"type":"ping"}')
        except Exception:
            return

    async def drop(self) -> None:
        ws, self.ws = self.ws, None
        if ws is not None:
            ws.transport.abort()
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)

    async def send(self, frame: dict[str, Any]) -> bool:
        if self.ws is None:
            return False
        try:
            await self.ws.send(json.dumps(frame))
            return True
        except Exception:
            return False

    async def close(self) -> None:
        self.closing = True
        if self.ws is not None:
            await self.ws.close()
            self.ws = None


class Pair:
    def __init__(
        self, spec: dict[str, Any], visitor_base: str, agent_base: str, stats: Stats
    ) -> None:
        conversation = spec["conversation"]
        self.conversation = conversation
        self.stats = stats
        store = spec["store"]
        self.visitor = Side(
            f"{visitor_base.replace('http', 'ws')}/ws/chat/visitor/?store={store}&token={spec['token']}",
            visitor_base,
            "",
            conversation,
        )
        self.agent = Side(
            f"{agent_base.replace('http', 'ws')}/ws/chat/agent/?store={store}",
            agent_base,
            spec["cookie"],
            conversation,
        )
        self.outbox: dict[str, str] = {}  # client_id -> body, unacknowledged
        self.acked: set[str] = set()
        self.sent_at: dict[str, float] = {}
        self.received: set[str] = set()
        self.last_seq = 0
        self.visitor.on_frame = self.visitor_frame
        self.agent.on_frame = self.agent_frame
        self.visitor.after_reconnect = self.resend

    def visitor_frame(self, frame: dict[str, Any]) -> None:
        if frame.get("type") == "ack":
            self.outbox.pop(frame["client_id"], None)
            self.acked.add(frame["client_id"])
        elif frame.get("type") == "error":
            self.stats.errors += 1

    def agent_frame(self, frame: dict[str, Any]) -> None:
        if frame.get("type") != "event" or frame["conversation"] != self.conversation:
            return
        seq = frame["seq"]
        event = frame["event"]
        if seq <= self.last_seq:
            client_id = event.get("client_id")
            if client_id in self.received:
                self.stats.duplicated += 1
            else:
                self.stats.reordered += 1
        self.last_seq = max(self.last_seq, seq)
        if event["kind"] != "message" or event["author"]["kind"] != "visitor":
            return
        client_id = event["client_id"]
        if client_id in self.received:
            return
        self.received.add(client_id)
        started = self.sent_at.get(client_id)
        if started is not None:
            self.stats.latencies.append((time.time() - started) * 1000)

    async def send(self) -> None:
        client_id = uuid.uuid4().hex
        body = f"bench message {client_id[:8]}"
        self.outbox[client_id] = body
        self.sent_at[client_id] = time.time()
        self.stats.messages += 1
        await self.visitor.send(
            {
                "type": "send",
                "conversation": self.conversation,
                "client_id": client_id,
                "body": body,
            }
        )

    async def resend(self) -> None:
        for client_id, body in list(self.outbox.items()):
            await self.visitor.send(
                {
                    "type": "send",
                    "conversation": self.conversation,
                    "client_id": client_id,
                    "body": body,
                }
            )


class Stats:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.messages = 0
        self.duplicated = 0
        self.reordered = 0
        self.errors = 0
        self.drops = 0


async def load(config: dict[str, Any]) -> dict[str, Any]:
    stats = Stats()
    pairs = [
        Pair(spec, config["visitor_base"], config["agent_base"], stats) for spec in config["specs"]
    ]
    sides = [side for pair in pairs for side in (pair.visitor, pair.agent)]
    semaphore = asyncio.Semaphore(64)

    async def open_one(side: Side) -> None:
        async with semaphore:
            await side.connect()

    await asyncio.gather(*(open_one(side) for side in sides))
    log(f"load: {len(sides)} sockets open")
    duration = config["seconds"]
    rate = config["rate"]
    # Drops: 10% of the connections, at random moments of the run.
    drops = sorted(
        (random.uniform(0.1, 0.9) * duration, random.choice(pairs), random.random() < 0.5)
        for _ in range(int(len(sides) * DROP_SHARE))
    )
    reconnecting: set[asyncio.Task[None]] = set()

    async def drop_and_return(pair: Pair, visitor: bool) -> None:
        side = pair.visitor if visitor else pair.agent
        if side.ws is None:
            return
        stats.drops += 1
        await side.drop()
        await asyncio.sleep(random.uniform(0.1, 1.0))
        await side.connect()
        if visitor:
            await pair.resend()

    start = time.monotonic()
    sent = 0
    while (elapsed := time.monotonic() - start) < duration:
        while drops and drops[0][0] <= elapsed:
            _at, pair, visitor = drops.pop(0)
            task = asyncio.get_running_loop().create_task(drop_and_return(pair, visitor))
            reconnecting.add(task)
            task.add_done_callback(reconnecting.discard)
        due = int(elapsed * rate)
        while sent < due:
            await random.choice(pairs).send()
            sent += 1
        await asyncio.sleep(0.002)
    await asyncio.gather(*reconnecting, return_exceptions=True)
    # The end: everyone resends what is still unacknowledged, then drains.
    for pair in pairs:
        if pair.visitor.ws is None:
            await pair.visitor.connect()
        if pair.agent.ws is None:
            await pair.agent.connect()
        await pair.resend()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if all(not p.outbox and p.acked <= p.received for p in pairs):
            break
        await asyncio.sleep(0.2)
    lost = sum(len(p.outbox) + len(p.acked - p.received) for p in pairs)
    await asyncio.gather(*(side.close() for side in sides), return_exceptions=True)
    return {
        "latencies": stats.latencies,
        "messages": stats.messages,
        "lost": lost,
        "duplicated": stats.duplicated,
        "reordered": stats.reordered,
        "errors": stats.errors,
        "drops": stats.drops,
        "unexpected_closes": sum(side.unexpected for side in sides),
    }


def load_main(path: str) -> None:
    raise_fd_limit()
    config = json.loads(Path(path).read_text())
    result = asyncio.run(load(config))
    print(json.dumps(result))


# The driver ------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))
    return round(ordered[index], 1)


def run(db: str, quick: bool) -> None:
    raise_fd_limit()
    if quick:
        conversations, rate, seconds, load_processes = 200, 40, 20, 1
    elif db == "postgresql":
        conversations, rate, seconds, load_processes = 2000, 400, 60, 2
    else:
        conversations, rate, seconds, load_processes = 500, 100, 60, 1
    nodes = 2 if db == "postgresql" else 1
    with environment(db, DUKKAN_LOG_LEVEL="WARNING") as prepared:
        log(f"setting up {conversations} conversations")
        specs = json.loads(
            prepared.python(
                SETUP.format(
                    n=conversations,
                    per_store=CONVERSATIONS_PER_STORE,
                    # A database kept from an earlier run already has that run's stores.
                    run=uuid.uuid4().hex[:6],
                )
            )
        )
        servers = [Server(prepared).start() for _ in range(nodes)]
        processes: list[subprocess.Popen[bytes]] = []
        try:
            visitor_base = servers[0].base_url
            agent_base = servers[-1].base_url
            chunks = [specs[i::load_processes] for i in range(load_processes)]
            for chunk in chunks:
                config_path = Path(tempfile.mktemp(suffix=".json", dir=prepared.data_dir))
                config_path.write_text(
                    json.dumps(
                        {
                            "specs": chunk,
                            "visitor_base": visitor_base,
                            "agent_base": agent_base,
                            "rate": rate / load_processes,
                            "seconds": seconds,
                        }
                    )
                )
                processes.append(
                    subprocess.Popen(
                        [sys.executable, __file__, "--load", str(config_path)],
                        stdout=subprocess.PIPE,
                    )
                )
            results = []
            deadline = time.monotonic() + seconds + 600
            for process in processes:
                try:
                    out, _ = process.communicate(timeout=max(1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    raise SystemExit(
                        "the load did not finish in time: the servers could not keep up"
                    ) from None
                if process.returncode != 0:
                    raise SystemExit(f"load process failed ({process.returncode})")
                results.append(json.loads(out))
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
            for server in servers:
                server.stop()
    latencies = [value for result in results for value in result["latencies"]]
    log(
        f"drops: {sum(r['drops'] for r in results)}, error frames: {sum(r['errors'] for r in results)}, "
        f"closed by the server: {sum(r['unexpected_closes'] for r in results)}"
    )
    emit(
        {
            "bench": "chat",
            "db": db,
            "quick": quick,
            "nodes": nodes,
            "conversations": conversations,
            "rate": rate,
            "messages": sum(r["messages"] for r in results),
            "p50_ms": percentile(latencies, 0.50),
            "p99_ms": percentile(latencies, 0.99),
            "lost": sum(r["lost"] for r in results),
            "duplicated": sum(r["duplicated"] for r in results),
            "reordered": sum(r["reordered"] for r in results),
        }
    )


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--load":
        load_main(sys.argv[2])
        return
    args = parse_args(__doc__ or "")
    run(args.db, args.quick)


if __name__ == "__main__":
    main()
