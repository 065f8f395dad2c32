"""The support tools in a real Chromium against a real `dukkan serve` (WebSockets).

Persian: the bot answers from the FAQ, the customer says it did not help (one tap), an agent
gets the conversation with the bot's context and replies live. Arabic, outside business
hours: the customer books a callback, the agent sees it with its deadline on the store's
clock, the periodic job (called with a clock) finds it overdue and the escalation email
reaches a real SMTP server.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import timezone, translation
from playwright.sync_api import Browser, Page, expect

from dukkan.accounts import services as accounts
from dukkan.accounts.models import Role, User
from dukkan.answerbot import services as bot
from dukkan.callbacks import services as callbacks
from dukkan.callbacks.models import CallbackRequest
from dukkan.core.templatetags.dukkan import ldatetime
from dukkan.support.models import Conversation, ConversationEvent
from tests.browser.conftest import DESKTOP, sign_in
from tests.processes import Process, answers, clean_environ, database_url, free_port, wait_until
from tests.widget.conftest import Server, _stop

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PORTS = range(20800, 20850)
PASSWORD = "a-long-test-password-1"
WIDGET = "[data-dukkan-chat]"


def _person(email: str, name: str, language: str) -> User:
    hasher = PBKDF2PasswordHasher()  # the server's real settings check this hash
    user = User.objects.create_user(
        email=email, password=None, display_name=name, language=language
    )
    user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def server(transactional_db: None, tmp_path: Path) -> Iterator[Server]:
    extra = {"DATABASE_URL": database_url()}
    if os.environ.get("REDIS_URL"):
        extra["REDIS_URL"] = os.environ["REDIS_URL"]
    # The bot's turns are background tasks: this server runs them itself, on PostgreSQL too.
    env = clean_environ(
        tmp_path / "data", DUKKAN_LOG_FORMAT="console", DUKKAN_WORKER_IN_PROCESS="1", **extra
    )
    port = free_port(PORTS)
    args = ["serve", "--no-migrate", "--port", str(port)]
    log = tmp_path / "serve.log"
    found = Server(f"http://127.0.0.1:{port}", Process(args, env, log), args, env, log)
    try:
        wait_until(lambda: answers(f"{found.base}/healthz"), "dukkan serve", [found.process])
        yield found
    finally:
        _stop(found.process)
        from django.db import connections

        connections.close_all()


def shop(slug: str, language: str, zone: str, agent_email: str) -> tuple[Any, User]:
    owner = _person(f"owner@{slug}.example", "Owner", language)
    store = accounts.create_store(
        owner=owner, name=slug.title(), slug=slug, default_language=language, time_zone=zone
    )
    agent = _person(agent_email, "Agent " + language, language)
    accounts.add_member(store=store, user=agent, role=Role.AGENT)
    bot.set_agent_languages(store, agent.pk, [language])
    return store, agent


def widget(selector: str) -> str:
    return f"{WIDGET} {selector}"


def visitor_page(browser: Browser, server: Server, slug: str, language: str) -> Page:
    context = browser.new_context(viewport=DESKTOP, locale=language)  # type: ignore[arg-type]
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"{server.base}/widget/demo/{slug}/?lang={language}")
    page.click(widget("button.l"))
    expect(page.locator(widget("section.p"))).to_be_visible()
    return page


def agent_page(browser: Browser, server: Server, language: str, email: str) -> Page:
    context = browser.new_context(viewport=DESKTOP, locale=language)  # type: ignore[arg-type]
    context.set_default_timeout(20_000)
    page = context.new_page()
    sign_in(page, server.base, language, email, PASSWORD)
    return page


def test_persian_bot_answers_then_one_tap_brings_a_person_who_replies_live(
    browser: Browser, server: Server
) -> None:
    from dukkan.knowledge import services as knowledge
    from dukkan.realtime.presence import online_agents

    store, agent = shop("ketabyar", "fa", "Asia/Tehran", "agent@ketabyar.example")
    store.weekend_days = []
    store.business_hours = {str(d): [["00:00", "23:59"]] for d in range(1, 8)}
    store.save()
    knowledge.create_article(
        store,
        title="چطور رمز عبورم را عوض کنم؟",
        kind="faq",
        language="fa",
        body="از صفحه حساب کاربری، گزینه تغییر رمز عبور را بزنید و رمز تازه را دو بار بنویسید.",
    )
    bot.update_settings(store, enabled=True, threshold=0.5)

    inbox = agent_page(browser, server, "fa", agent.email)
    inbox.goto(f"{server.base}/fa/dashboard/{store.slug}/inbox/")
    wait_until(lambda: bool(online_agents(store)), "the agent online", [server.process])

    visitor = visitor_page(browser, server, store.slug, "fa")
    person_button = visitor.locator(widget("[data-action=talk-to-person]"))
    expect(person_button).to_be_visible()
    box = visitor.locator(widget("textarea"))
    box.fill("رمز عبورم را چطور عوض کنم؟")
    box.press("Enter")
    answer = visitor.locator(widget("li.m.bot"))
    expect(answer).to_contain_text("رمز")
    expect(answer.locator("a")).to_have_attribute("href", re.compile(r"^https?://"))
    expect(person_button).to_be_visible()  # at every moment

    visitor.click(widget("[data-solved=false]"))  # "No": the one tap
    conversation = Conversation.objects.get(store=store)
    wait_until(
        lambda: Conversation.objects.get(pk=conversation.pk).assignee_id == agent.pk,
        "assigned",
        [server.process],
    )

    inbox.goto(f"{server.base}/fa/dashboard/{store.slug}/inbox/c/{conversation.pk}/")
    context = inbox.locator("li.event[data-kind=note][data-author=system] .bubble")
    expect(context).to_contain_text("رمز")  # what the bot offered, and why it stepped aside
    inbox.fill("#reply-body", "سلام، من علی هستم؛ رمز را با هم عوض می‌کنیم.")
    inbox.click("[data-role=send]")
    expect(visitor.locator(widget("li.m.them .x")).last).to_have_text(
        "سلام، من علی هستم؛ رمز را با هم عوض می‌کنیم."
    )
    assert (
        ConversationEvent.objects.filter(
            conversation=conversation, author_kind="agent", kind="message"
        ).count()
        == 1
    )


@dataclass
class Sink:
    received: list[tuple[Envelope, Any]] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.received.append(
            (envelope, message_from_bytes(envelope.original_content or b"", policy=policy.default))
        )
        self.arrived.set()
        return "250 OK"


def closed_hours_now(zone: str) -> dict[str, list[list[str]]]:
    """Open one hour a day, never the hour we are in."""
    hour = datetime.now(ZoneInfo(zone)).hour
    opens = (hour + 3) % 22
    return {str(d): [[f"{opens:02d}:00", f"{opens + 1:02d}:00"]] for d in range(1, 8)}


def test_arabic_callback_outside_hours_is_tracked_and_escalated_once_overdue(
    browser: Browser, server: Server, settings: Any
) -> None:
    store, agent = shop("warraqa", "ar", "Asia/Riyadh", "agent@warraqa.example")
    store.weekend_days = []
    store.business_hours = closed_hours_now("Asia/Riyadh")
    store.save()

    visitor = visitor_page(browser, server, store.slug, "ar")
    expect(visitor.locator(widget(".qs"))).to_be_visible()  # when people are back
    visitor.click(widget("[data-action=callback]"))
    form = visitor.locator(widget("form.cb"))
    form.locator("input[name=phone]").fill("12345")
    form.locator("input[name=topic]").fill("أريد تغيير بريد الحساب")
    form.locator("button[type=submit]").click()
    expect(form.locator("[data-error=phone]")).not_to_be_empty()  # a clear message, form kept
    expect(form.locator("input[name=topic]")).to_have_value("أريد تغيير بريد الحساب")
    form.locator("input[name=phone]").fill("050 123 4567")
    form.locator("button[type=submit]").click()
    expect(visitor.locator(widget("li.m.sys")).last).to_contain_text("+966 50 123 4567")

    row = CallbackRequest.objects.get(store=store)
    assert row.phone == "+966501234567"
    assert row.assignee == agent
    with translation.override("ar"), timezone.override("Asia/Riyadh"):
        shown = ldatetime(row.deadline)
    page = agent_page(browser, server, "ar", agent.email)
    page.goto(f"{server.base}/ar/dashboard/{store.slug}/callbacks/")
    listed = page.locator(f"tr[data-callback='{row.pk}']")
    expect(listed.locator("time.deadline")).to_have_text(shown)
    expect(listed.locator("a[href='tel:+966501234567']")).to_be_visible()

    sink = Sink()
    port = free_port(range(20850, 20899))
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        assert callbacks.sweep(now=row.deadline - timedelta(minutes=1)).escalated == 0
        assert callbacks.sweep(now=row.deadline + timedelta(minutes=1)).escalated == 1
        assert callbacks.sweep(now=row.deadline + timedelta(minutes=2)).escalated == 0
        assert sink.arrived.wait(10)
    finally:
        controller.stop()
    escalations = [(e, m) for e, m in sink.received if "owner@warraqa.example" in e.rcpt_tos]
    assert len(escalations) == 1
    assert "+966 50 123 4567" in escalations[0][1].get_content()

    page.reload()  # the Callbacks view marks it escalated
    expect(page.locator(f"tr[data-callback='{row.pk}'] .escalated")).to_be_visible()
