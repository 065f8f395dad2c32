"""A day of support, simulated against a real `dukkan serve`: the answer bot, the human queue,
callbacks kept or escalated.

    python bench/support.py --db sqlite|postgresql [--quick]

Three stores (Arabic, Persian, English) with the bot on and a FAQ each, each also has a twin
that is closed right now (outside business hours). Simulated agents (two per open store) keep
an agent socket with the inbox feed and answer every conversation assigned to them after a
short think. Simulated customers connect through the widget protocol (a visitor socket plus
the widget's HTTP endpoints) and behave in one of five ways: ask a question the FAQ answers
and say "yes"; ask one and say "no" (one tap); ask something the FAQ does not know (the bot
hands over by itself); tap "Talk to a person" at once; or, at a closed store, book a
callback. Then the clock of the periodic job is driven through the next day (the job is
called with `now=`): agents record their calls for most callbacks before the deadline, the
rest pass their deadline and must be escalated, once.

Prints one JSON object per line:
{"bench":"support","db":..,"quick":..,"customers":N,"bot_resolved_pct":..,"handed_off_pct":..,
 "max_taps_to_human":N,"time_to_human_p50_s":..,"time_to_human_p90_s":..,"callbacks":N,
 "callbacks_on_time_pct":..,"callbacks_escalated":N,"lost":N}
`lost`: a customer who wanted a person and got no human reply, a message never acknowledged,
or a callback request that is not in the database. Required: max_taps_to_human 1, lost 0, and
every callback not done by its deadline escalated (checked; a miss fails the run).
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import urllib.error  # noqa: E402  (after the path fix: bench/ has modules named like the stdlib's)
import urllib.request  # noqa: E402

from bench.harness import Server, emit, environment, log, parse_args  # noqa: E402

KINDS = ["faq_yes", "faq_no", "unknown", "talk_now", "off_hours"]
WEIGHTS = [0.3, 0.2, 0.2, 0.15, 0.15]
HUMAN_TIMEOUT = 60.0  # seconds a customer waits for a person before counting as lost

SETUP = """
import json, random
from datetime import datetime
from zoneinfo import ZoneInfo
from django.conf import settings
from django.test import Client
from dukkan.accounts import services as accounts
from dukkan.accounts.models import Membership, Role, User
from dukkan.answerbot import services as bot
from dukkan.inbox.services import set_capacity
from dukkan.knowledge import services as knowledge
from dukkan.support import services as support

run = "{run}"
n = {n}
random.seed({seed})
FAQ = {{
    "ar": [("كيف أغير كلمة المرور؟", "من صفحة الحساب اختر تغيير كلمة المرور واكتب الجديدة مرتين."),
           ("متى يصل رابط التحميل بعد الدفع؟", "يصل رابط التحميل إلى بريدك فور تأكيد الدفع، وتجده أيضًا في صفحة مشترياتك.")],
    "fa": [("چطور رمز عبورم را عوض کنم؟", "از صفحه حساب کاربری، گزینه تغییر رمز عبور را بزنید و رمز تازه را دو بار بنویسید."),
           ("لینک دانلود بعد از پرداخت کی می‌رسد؟", "لینک دانلود بلافاصله بعد از تأیید پرداخت به ایمیل شما می‌رسد و در صفحه خریدهای من هم هست.")],
    "en": [("How do I change my password?", "Open your account page, choose Change password and type the new one twice."),
           ("When do I get the download link after paying?", "The download link is emailed as soon as the payment is confirmed; it is also on your purchases page.")],
}}
ZONES = {{"ar": "Asia/Riyadh", "fa": "Asia/Tehran", "en": "Europe/London"}}
stores = {{}}
objects = {{}}
for language in ("ar", "fa", "en"):
    for closed in (False, True):
        owner = User.objects.create_user(email=f"owner-{{language}}{{int(closed)}}-{{run}}@bench.example", password=None)
        store = accounts.create_store(owner=owner, name=f"Bench {{language}}", slug=f"b-{{run}}-{{language}}{{int(closed)}}",
                                      default_language=language, time_zone=ZONES[language])
        if closed:
            hour = datetime.now(ZoneInfo(ZONES[language])).hour
            opens = (hour + 3) % 22
            hours = {{str(d): [[f"{{opens:02d}}:00", f"{{opens + 1:02d}}:00"]] for d in range(1, 8)}}
        else:
            hours = {{str(d): [["00:00", "23:59"]] for d in range(1, 8)}}
        type(store).objects.filter(pk=store.pk).update(weekend_days=[], business_hours=hours)  # open every day
        store.refresh_from_db()
        for question, answer in FAQ[language]:
            knowledge.create_article(store, title=question, body=answer, language=language, kind="faq")
        bot.update_settings(store, enabled=True, threshold=0.5)
        agents = []
        for i in range(2):
            agent = User.objects.create_user(email=f"agent{{i}}-{{language}}{{int(closed)}}-{{run}}@bench.example", password=None,
                                             display_name=f"Agent {{i}}", language=language)
            accounts.add_member(store=store, user=agent, role=Role.AGENT)
            set_capacity(actor=Membership.objects.get(store=store, user=owner), member=Membership.objects.get(store=store, user=agent), max_open=100, auto_assign=True)
            bot.set_agent_languages(store, agent.pk, [language, "en"])
            client = Client()
            client.force_login(agent)
            agents.append({{"id": agent.pk, "cookie": settings.SESSION_COOKIE_NAME + "=" + client.cookies[settings.SESSION_COOKIE_NAME].value}})
        objects[(language, closed)] = store
        stores[(language, closed)] = {{"slug": store.slug, "agents": agents if not closed else [], "faq": [q for q, _ in FAQ[language]]}}
UNKNOWN = {{"ar": "هل تبيعون أقلام حبر للمدارس بالجملة؟", "fa": "آیا برای مدرسه‌ها خودکار عمده می‌فروشید؟", "en": "Do you sell wholesale fountain pens to schools?"}}
PHONES = {{"ar": "05012345%02d", "fa": "091234567%02d", "en": "074001234%02d"}}
customers = []
for i in range(n):
    kind = random.choices({kinds!r}, weights={weights!r})[0]
    language = random.choice(["ar", "fa", "en"])
    closed = kind == "off_hours"
    spec = stores[(language, closed)]
    visitor = support.create_visitor(objects[(language, closed)], language=language)
    conversation = support.start_conversation(visitor)
    question = random.choice(spec["faq"]) if kind in ("faq_yes", "faq_no", "off_hours") else UNKNOWN[language]
    customers.append({{"kind": kind, "language": language, "store": spec["slug"], "token": support.issue_visitor_token(visitor),
                       "conversation": conversation.pk, "question": question, "phone": PHONES[language] % (i % 100), "address": f"10.{{i // 250}}.{{i % 250}}.1"}})
print(json.dumps({{"customers": customers, "agents": [dict(a, store=s["slug"]) for s in stores.values() for a in s["agents"]]}}))
"""

CLOCK = """
import json, random
from datetime import timedelta
from django.utils import timezone
from dukkan.callbacks import services
from dukkan.callbacks.models import CallbackRequest
random.seed(7)
run = "{run}"
rows = list(CallbackRequest.objects.filter(store__slug__startswith=f"b-{{run}}-").select_related("store", "assignee"))
start = timezone.now()
# The agents get to three callbacks in four in time; the others slip past their deadline.
plans = {{row.pk: i % 4 != 3 for i, row in enumerate(rows)}}  # every fourth one slips
end = max((row.deadline for row in rows), default=start) + timedelta(hours=1)
step = timedelta(minutes=15)
now = start
while now <= end:
    services.sweep(now=now)
    for row in rows:
        row.refresh_from_db()
        if row.status != "scheduled" or not plans[row.pk]:
            continue
        if row.deadline - timedelta(minutes=45) <= now < row.deadline:
            services.record_attempt(row, outcome="reached", agent=row.assignee, now=now)
    now += step
services.sweep(now=end)
out = []
for row in CallbackRequest.objects.filter(pk__in=[r.pk for r in rows]):
    on_time = row.done_at is not None and row.done_at <= row.deadline
    out.append({{"on_time": on_time, "escalations": row.escalations, "client_id": row.client_id}})
print(json.dumps(out))
"""


# The load process -------------------------------------------------------------------------------


class Socket:
    def __init__(self, url: str, origin: str, cookie: str = "") -> None:
        self.url, self.origin, self.cookie = url, origin, cookie
        self.ws: Any = None
        self.frames: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.reader: asyncio.Task[None] | None = None

    async def open(self, hello: dict[str, Any]) -> None:
        from websockets.asyncio.client import connect

        headers = {"Cookie": self.cookie} if self.cookie else {}
        for attempt in range(20):
            try:
                self.ws = await connect(
                    self.url,
                    origin=self.origin,
                    additional_headers=headers,
                    open_timeout=30,
                    ping_interval=None,
                    max_queue=None,
                )  # type: ignore[arg-type]
                break
            except Exception:
                await asyncio.sleep(min(5.0, 0.2 * 2**attempt) * random.uniform(0.5, 1.0))
        else:
            raise RuntimeError(f"could not connect to {self.url}")
        welcome = json.loads(await self.ws.recv())
        if welcome.get("type") != "welcome":
            raise RuntimeError(f"refused: {welcome}")
        self.welcome = welcome
        await self.ws.send(json.dumps({"type": "hello", **hello}))
        self.reader = asyncio.get_running_loop().create_task(self.read())

    async def read(self) -> None:
        try:
            async for raw in self.ws:
                await self.frames.put(json.loads(raw))
        except Exception:
            return

    async def send(self, frame: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(frame))

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            self.reader.cancel()


def http(
    base: str, path: str, body: dict[str, Any] | None, address: str
) -> tuple[int, dict[str, Any]]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        base + path,
        data=data,
        method="POST" if body is not None else "GET",
        headers={"Content-Type": "application/json", "X-Forwarded-For": address},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


async def agent(
    spec: dict[str, Any], base: str, stop: asyncio.Event, stats: dict[str, Any]
) -> None:
    """Answers every conversation the inbox assigns to this agent, after a short think."""
    ws_base = base.replace("http", "ws")
    socket = Socket(f"{ws_base}/ws/chat/agent/?store={spec['store']}", base, spec["cookie"])
    await socket.open({"after": {}, "inbox": True})
    answered: set[int] = set()

    async def reply(conversation: int) -> None:
        await asyncio.sleep(random.uniform(0.3, 1.5))
        await socket.send(
            {
                "type": "send",
                "conversation": conversation,
                "client_id": uuid.uuid4().hex,
                "body": "Hello, a person here. How can I help?",
            }
        )
        stats["agent_replies"] += 1

    tasks = []
    while not stop.is_set():
        try:
            frame = await asyncio.wait_for(socket.frames.get(), 0.5)
        except TimeoutError:
            continue
        if frame.get("type") != "inbox" or frame.get("change") != "conversation":
            continue
        summary = frame["conversation"]
        if summary.get("assignee") == spec["id"] and summary["id"] not in answered:
            answered.add(summary["id"])
            tasks.append(asyncio.get_running_loop().create_task(reply(summary["id"])))
    await asyncio.gather(*tasks, return_exceptions=True)
    await socket.close()


async def customer(spec: dict[str, Any], base: str, results: list[dict[str, Any]]) -> None:
    ws_base = base.replace("http", "ws")
    conversation = spec["conversation"]
    socket = Socket(f"{ws_base}/ws/chat/visitor/?store={spec['store']}&token={spec['token']}", base)
    await socket.open({"after": {str(conversation): 0}})
    out: dict[str, Any] = {
        "kind": spec["kind"],
        "taps": 0,
        "wanted_person": False,
        "lost": 0,
        "resolved_by_bot": False,
        "handed_off": False,
    }
    api = f"/callbacks/{spec['store']}/"

    async def next_event(predicate: Any, timeout: float) -> dict[str, Any] | None:
        end = time.monotonic() + timeout
        while (left := end - time.monotonic()) > 0:
            try:
                frame = await asyncio.wait_for(socket.frames.get(), left)
            except TimeoutError:
                return None
            if (
                frame.get("type") == "event"
                and frame["event"]["kind"] == "message"
                and predicate(frame["event"])
            ):
                return frame
        return None

    def bot(kind: str) -> Any:
        return lambda e: (
            e["author"]["kind"] == "system" and e["data"].get("bot", {}).get("kind") == kind
        )

    def human(e: dict[str, Any]) -> bool:
        return bool(e["author"]["kind"] == "agent")

    async def ask() -> bool:
        client_id = uuid.uuid4().hex
        await socket.send(
            {
                "type": "send",
                "conversation": conversation,
                "client_id": client_id,
                "body": spec["question"],
            }
        )
        return True

    await asyncio.sleep(random.uniform(0, 20))  # customers arrive over the run
    kind = spec["kind"]
    handed_at: float | None = None
    if kind == "talk_now":
        out["taps"] = 1
        handed_at = time.monotonic()
        status, _ = await asyncio.to_thread(
            http,
            base,
            api + "person",
            {"token": spec["token"], "conversation": conversation},
            spec["address"],
        )
        out["wanted_person"] = status == 200
        out["lost"] += status != 200
    elif kind in ("faq_yes", "faq_no"):
        await ask()
        answer = await next_event(lambda e: e["author"]["kind"] == "system", HUMAN_TIMEOUT)
        bot_kind = answer["event"]["data"].get("bot", {}).get("kind") if answer else None
        if bot_kind == "answer":
            out["taps"] = 1
            solved = kind == "faq_yes"
            if not solved:
                handed_at = time.monotonic()
            status, body = await asyncio.to_thread(
                http,
                base,
                api + "feedback",
                {"token": spec["token"], "conversation": conversation, "solved": solved},
                spec["address"],
            )
            out["resolved_by_bot"] = body.get("outcome") == "resolved"
            out["wanted_person"] = not solved
        elif bot_kind == "handover":  # the FAQ did not match with enough confidence
            handed_at = time.monotonic()
            out["wanted_person"] = True
        else:
            out["lost"] += 1
    elif kind == "unknown":
        await ask()
        handover = await next_event(bot("handover"), HUMAN_TIMEOUT)
        handed_at = time.monotonic()
        out["wanted_person"] = True
        out["lost"] += handover is None
    elif kind == "off_hours":
        await ask()
        await next_event(lambda e: e["author"]["kind"] == "system", 30)
        client_id = uuid.uuid4().hex
        body = {
            "token": spec["token"],
            "conversation": conversation,
            "phone": spec["phone"],
            "topic": spec["question"],
            "client_id": client_id,
        }
        status, answer = await asyncio.to_thread(
            http, base, api + "request?lang=" + spec["language"], body, spec["address"]
        )
        out["callback"] = client_id if status in (200, 201) else None
        out["lost"] += status not in (200, 201)
        if status not in (200, 201):
            log(f"callback refused: {status} {answer}")
    if out["wanted_person"] and kind != "off_hours":
        out["handed_off"] = True
        reply = await next_event(human, HUMAN_TIMEOUT)
        if reply is None:
            out["lost"] += 1
        elif handed_at is not None:
            out["time_to_human"] = time.monotonic() - handed_at
    await socket.close()
    results.append(out)


async def load(config: dict[str, Any]) -> dict[str, Any]:
    base = config["base"]
    stop = asyncio.Event()
    stats = {"agent_replies": 0}
    agents = [
        asyncio.get_running_loop().create_task(agent(a, base, stop, stats))
        for a in config["agents"]
    ]
    await asyncio.sleep(2)  # the agents are online (presence) before customers come
    results: list[dict[str, Any]] = []
    semaphore = asyncio.Semaphore(100)

    async def one(spec: dict[str, Any]) -> None:
        async with semaphore:
            try:
                await customer(spec, base, results)
            except Exception as error:
                log(f"customer failed: {error!r}")
                results.append({"kind": spec["kind"], "lost": 1, "taps": 0})

    await asyncio.gather(*(one(spec) for spec in config["customers"]))
    stop.set()
    await asyncio.gather(*agents, return_exceptions=True)
    return {"results": results, **stats}


def load_main(path: str) -> None:
    config = json.loads(Path(path).read_text())
    print(json.dumps(asyncio.run(load(config))))


# The driver ------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))], 2)


def python(prepared: Any, code: str) -> str:
    try:
        return str(prepared.python(code))
    except subprocess.CalledProcessError as failed:
        log(str(failed.stderr)[-3000:])
        raise SystemExit("a setup step failed") from None


def run(db: str, quick: bool) -> None:
    customers = 60 if quick else 300
    run_id = uuid.uuid4().hex[:6]
    with environment(db, DUKKAN_LOG_LEVEL="WARNING") as prepared:
        log(f"setting up {customers} customers")
        setup = json.loads(
            python(
                prepared,
                SETUP.format(run=run_id, n=customers, seed=42, kinds=KINDS, weights=WEIGHTS),
            )
        )
        server = Server(prepared).start()
        worker = None
        if db == "postgresql":  # scaled out: the bot's turns run in a `dukkan worker` process
            worker = subprocess.Popen(
                [sys.executable, "-m", "dukkan", "worker"],
                env=prepared.env,
                stdout=(prepared.data_dir / "worker.log").open("wb"),
                stderr=subprocess.STDOUT,
            )
        try:
            config_path = Path(tempfile.mktemp(suffix=".json", dir=prepared.data_dir))
            config_path.write_text(json.dumps({"base": server.base_url, **setup}))
            done = subprocess.run(
                [sys.executable, __file__, "--load", str(config_path)],
                stdout=subprocess.PIPE,
                timeout=600,
                check=True,
            )
            loaded = json.loads(done.stdout)
        finally:
            server.stop()
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=30)
        log(
            f"agents replied {loaded['agent_replies']} times; driving the clock through the callbacks"
        )
        clock = json.loads(python(prepared, CLOCK.format(run=run_id)))
        if worker is not None and sum(r.get("lost", 0) for r in loaded["results"]):
            log((prepared.data_dir / "worker.log").read_text()[-4000:])
    results = loaded["results"]
    booked = {r["callback"] for r in results if r.get("callback")}
    stored = {row["client_id"] for row in clock}
    missed = [row for row in clock if not row["on_time"] and row["escalations"] < 1]
    if missed:
        log(f"REQUIRED: {len(missed)} late callbacks were not escalated")
    for kind in KINDS:
        of_kind = [r for r in results if r["kind"] == kind]
        log(f"{kind}: {len(of_kind)} customers, lost {sum(r.get('lost', 0) for r in of_kind)}")
    lost = sum(r.get("lost", 0) for r in results) + len(booked - stored)
    human_waits = [r["time_to_human"] for r in results if "time_to_human" in r]
    with_bot = [r for r in results if r["kind"] != "talk_now"]
    emit(
        {
            "bench": "support",
            "db": db,
            "quick": quick,
            "customers": len(results),
            "bot_resolved_pct": round(
                100
                * sum(r.get("resolved_by_bot", False) for r in with_bot)
                / max(1, len(with_bot)),
                1,
            ),
            "handed_off_pct": round(
                100 * sum(r.get("handed_off", False) for r in results) / max(1, len(results)), 1
            ),
            "max_taps_to_human": max(
                (r["taps"] for r in results if r.get("handed_off")), default=0
            ),
            "time_to_human_p50_s": percentile(human_waits, 0.5),
            "time_to_human_p90_s": percentile(human_waits, 0.9),
            "callbacks": len(clock),
            "callbacks_on_time_pct": round(
                100 * sum(r["on_time"] for r in clock) / max(1, len(clock)), 1
            ),
            "callbacks_escalated": sum(1 for r in clock if r["escalations"] > 0),
            "lost": lost,
        }
    )
    if missed:
        raise SystemExit(1)


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--load":
        load_main(sys.argv[2])
        return
    args = parse_args(__doc__ or "")
    run(args.db, args.quick)


if __name__ == "__main__":
    main()
