"""The inbox in a real Chromium against a real `dukkan serve` (WebSockets need ASGI).

A customer writes through the protocol's HTTP endpoint, as the widget does on a network
without WebSockets; the agent's open inbox shows it without a reload. Screenshots in Arabic
and Persian go to /tmp/inbox-shots/.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from dukkan.demo import DEMO_PASSWORD
from dukkan.support import services as support
from dukkan.support.models import Conversation
from tests.browser.conftest import DESKTOP, overflow, sign_in
from tests.browser.conftest import browser as browser  # the fixture, shared
from tests.processes import Process, answers, clean_environ, database_url, free_port, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PORTS = range(18400, 18500)
SHOTS = Path("/tmp/inbox-shots")
TABLET = {"width": 820, "height": 1180}


@dataclass
class Server:
    base: str
    process: Process


def _real_password_hashes() -> None:
    """The server checks real password hashes; the test settings make MD5 ones."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from dukkan.accounts.models import Membership

    hasher = PBKDF2PasswordHasher()
    for membership in Membership.objects.select_related("user"):
        user = membership.user
        user.password = hasher.encode(DEMO_PASSWORD, hasher.salt(), iterations=1000)
        user.save(update_fields=["password"])


@pytest.fixture
def inbox_server(transactional_db: None, tmp_path: Path) -> Iterator[Server]:
    from dukkan.demo import load_demo

    load_demo()
    _real_password_hashes()
    from django.conf import settings

    # The same secret as this process, so visitor tokens signed here are good there.
    extra = {"DATABASE_URL": database_url(), "SECRET_KEY": settings.SECRET_KEY}
    if os.environ.get("REDIS_URL"):
        extra["REDIS_URL"] = os.environ["REDIS_URL"]
    env = clean_environ(tmp_path / "data", DUKKAN_LOG_FORMAT="console", **extra)
    port = free_port(PORTS)
    process = Process(["serve", "--no-migrate", "--port", str(port)], env, tmp_path / "serve.log")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: answers(f"{base}/healthz"), "dukkan serve to answer", [process])
        yield Server(base, process)
    finally:
        process.stop()
        from django.db import connections

        connections.close_all()


@dataclass
class Customer:
    server: Server
    store: str
    token: str
    conversation: int = 0

    def say(self, text: str) -> dict[str, Any]:
        frame: dict[str, Any] = {"type": "send", "client_id": str(uuid.uuid4()), "body": text}
        if self.conversation:
            frame["conversation"] = self.conversation
        response = httpx.post(
            f"{self.server.base}/chat/{self.store}/send",
            json=frame,
            headers={"X-Dukkan-Visitor": self.token},
            timeout=15,
        )
        assert response.status_code == 200, response.text
        ack: dict[str, Any] = response.json()
        self.conversation = ack["conversation"]
        return ack

    def bodies(self) -> list[str]:
        response = httpx.get(
            f"{self.server.base}/chat/{self.store}/poll",
            params={"conversation": self.conversation, "after": 0, "wait": 0},
            headers={"X-Dukkan-Visitor": self.token},
            timeout=15,
        )
        assert response.status_code == 200, response.text
        return [f["event"]["body"] for f in response.json()["frames"] if f["type"] == "event"]


def customer(server: Server, store: str, name: str, language: str) -> Customer:
    from dukkan.core.models import Store

    visitor = support.create_visitor(
        Store.objects.get(slug=store), name=name, email="", language=language
    )
    return Customer(server, store, support.issue_visitor_token(visitor))


def agent_page(browser: Browser, server: Server, language: str, email: str, **options: Any) -> Page:
    context = browser.new_context(viewport=options.get("viewport", DESKTOP), locale=language)  # type: ignore[arg-type]
    context.set_default_timeout(20_000)
    page = context.new_page()
    sign_in(page, server.base, language, email, DEMO_PASSWORD)
    return page


def test_agent_sees_customer_messages_live_and_notes_never_reach_the_customer(
    browser: Browser, inbox_server: Server
) -> None:
    SHOTS.mkdir(exist_ok=True)
    page = agent_page(browser, inbox_server, "ar", "yousef@alwarraq.example")
    page.goto(f"{inbox_server.base}/ar/dashboard/alwarraq/inbox/?view=all")
    expect(page.locator("[data-role=live-status]")).to_have_attribute("data-state", "live")
    assert page.locator("html").get_attribute("dir") == "rtl"
    rows = page.locator("[data-role=conversation-list] li[data-conversation]")
    before = rows.count()

    noura = customer(inbox_server, "alwarraq", "نورة السبيعي", "ar")
    noura.say("السلام عليكم، لم يصلني رابط كتاب <b>تاريخ الأندلس</b>")
    # The new conversation shows up in the open list, without a reload.
    expect(rows).to_have_count(before + 1)
    row = page.locator(f'[data-conversation="{noura.conversation}"]')
    expect(row).to_contain_text("نورة السبيعي")
    expect(row).to_contain_text("<b>تاريخ الأندلس</b>")  # as text, never markup
    assert row.locator("b").count() == 0
    assert overflow(page) == 0
    page.screenshot(path=str(SHOTS / "inbox-list-ar.png"), full_page=True)

    # The agent opens it; the next customer message appears in the thread live.
    row.locator("a").click()
    expect(page.locator("[data-role=live-status]")).to_have_attribute("data-state", "live")
    thread = page.locator("[data-role=thread]")
    from_customer = thread.locator("li[data-kind=message][data-author=visitor] .bubble")
    expect(from_customer).to_have_count(1)
    noura.say("هل يمكنكم إرساله مرة أخرى؟")
    expect(from_customer).to_have_text(
        ["السلام عليكم، لم يصلني رابط كتاب <b>تاريخ الأندلس</b>", "هل يمكنكم إرساله مرة أخرى؟"]
    )

    # A canned reply typed as /shortcut, filled with the customer's name.
    box = page.locator("#reply-body")
    box.click()
    box.type("/تحم")
    suggestion = page.locator("[data-role=suggestions] li")
    expect(suggestion).to_have_count(1)
    box.press("Enter")
    expect(box).to_have_value(
        "يا نورة، تجد رابط تحميل كتابك في بريد الإيصال المرسل إلى ، "
        "ويمكنك أيضًا فتحه من صفحة «مشترياتي» في متجرنا."
    )
    box.press("Control+Enter")
    mine = thread.locator("li[data-kind=message][data-author=agent] .bubble")
    expect(mine).to_have_count(1)
    expect(box).to_have_value("")

    # An internal note: shown to the team, never sent to the customer.
    page.keyboard.press("Escape")
    page.keyboard.press("n")
    expect(box).to_be_focused()
    box.type("ملاحظة داخلية: عميلة دائمة")
    box.press("Control+Enter")
    expect(thread.locator("li[data-kind=note] .bubble")).to_have_text(
        ["ملاحظة داخلية: عميلة دائمة"]
    )
    assert "ملاحظة داخلية: عميلة دائمة" not in noura.bodies()
    assert "يا نورة، تجد رابط تحميل كتابك" in " ".join(noura.bodies())
    page.screenshot(path=str(SHOTS / "inbox-conversation-ar.png"), full_page=True)

    # "?" shows the keyboard help; "e" resolves.
    page.keyboard.press("Escape")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("?")
    expect(page.locator("[data-role=help]")).to_be_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("e")
    expect(page.locator("[data-role=status-chip]")).to_contain_text("محلولة")
    conversation = Conversation.objects.get(pk=noura.conversation)
    assert conversation.status == "resolved"
    assert conversation.agent_read_seq >= 2  # the page told the server what the agent saw


def ali_id(conversation_id: int) -> int:
    assignee = Conversation.objects.get(pk=conversation_id).assignee_id
    assert assignee is not None
    return assignee


def test_two_agents_see_each_other_typing_and_pages_in_persian(
    browser: Browser, inbox_server: Server
) -> None:
    SHOTS.mkdir(exist_ok=True)
    from dukkan.inbox.models import AgentCapacity

    # Nobody takes conversations automatically here: the assignment below is by hand.
    AgentCapacity.objects.filter(store__slug="afzoonesara").update(auto_assign=False)
    sara = customer(inbox_server, "afzoonesara", "سارا محمدی", "fa")
    sara.say("سلام، کلید لایسنس افزونه‌ی تقویم شمسی را کجا وارد کنم؟")
    owner = agent_page(browser, inbox_server, "fa", "maryam@afzoonesara.example")
    ali = agent_page(browser, inbox_server, "fa", "ali@afzoonesara.example", viewport=TABLET)
    url = f"{inbox_server.base}/fa/dashboard/afzoonesara/inbox/c/{sara.conversation}/"
    owner.goto(url)
    ali.goto(url)
    for page in (owner, ali):
        expect(page.locator("[data-role=live-status]")).to_have_attribute("data-state", "live")
    ali.locator("#reply-body").type("سلام سارا")
    expect(owner.locator("[data-role=indicators]")).to_contain_text("علی کریمی")
    # Mariam gives the conversation to Ali; Ali's open page shows it live, without a reload.
    assigned = ali.locator("li[data-kind=assignment]")
    owner.select_option("#assignee", label="علی کریمی")
    owner.locator("form[data-role=assign] button").click()
    expect(assigned).to_have_count(1)
    expect(assigned.last).to_contain_text("علی کریمی")
    expect(ali.locator("#assignee")).to_have_value(str(ali_id(sara.conversation)))
    # Mariam marks it pending: Ali's status chip follows.
    owner.locator("form:has(input[name=status][value=pending]) button").click()
    expect(ali.locator("[data-role=status-chip]")).to_have_text("در انتظار")
    assert overflow(ali) == 0
    ali.screenshot(path=str(SHOTS / "inbox-conversation-fa-tablet.png"), full_page=True)
    owner.goto(f"{inbox_server.base}/fa/dashboard/afzoonesara/inbox/canned/")
    expect(owner.locator("[data-canned]")).to_have_count(4)
    owner.screenshot(path=str(SHOTS / "inbox-canned-fa.png"), full_page=True)
    owner.goto(f"{inbox_server.base}/fa/dashboard/afzoonesara/inbox/settings/")
    owner.screenshot(path=str(SHOTS / "inbox-settings-fa.png"), full_page=True)
    owner.goto(f"{inbox_server.base}/fa/dashboard/afzoonesara/inbox/figures/")
    owner.screenshot(path=str(SHOTS / "inbox-figures-fa.png"), full_page=True)
    assert overflow(owner) == 0


def test_without_websockets_the_inbox_polls_and_still_shows_new_messages(
    browser: Browser, inbox_server: Server
) -> None:
    john = customer(inbox_server, "cedar-apps", "John Carter", "en")
    john.say("Hi, my licence key is not accepted.")
    context = browser.new_context(viewport=DESKTOP, locale="en")  # type: ignore[arg-type]
    context.set_default_timeout(20_000)
    page = context.new_page()
    blocked: list[str] = []

    def refuse(socket: Any) -> None:
        blocked.append(str(socket.url))
        socket.close()

    page.route_web_socket("**/ws/chat/**", refuse)
    sign_in(page, inbox_server.base, "en", "priya@cedarapps.example", DEMO_PASSWORD)
    page.goto(f"{inbox_server.base}/en/dashboard/cedar-apps/inbox/c/{john.conversation}/")
    expect(page.locator("[data-role=live-status]")).to_have_attribute("data-state", "polling")
    john.say("It says the key is for version 1.")
    expect(page.locator("li[data-kind=message][data-author=visitor] .bubble")).to_have_text(
        ["Hi, my licence key is not accepted.", "It says the key is for version 1."],
        timeout=20_000,
    )
    page.fill("#reply-body", "Version 2 needs a new key; I have sent it to you.")
    page.click("[data-role=send]")
    expect(page.locator("li[data-kind=message][data-author=agent] .bubble")).to_have_count(1)
    assert "Version 2 needs a new key; I have sent it to you." in john.bodies()
    assert blocked
    context.close()
