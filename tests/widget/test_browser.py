"""The widget in a real Chromium, on a sample host page, against a real `dukkan serve`.

A visitor on a Persian page chats with an agent who works in the Arabic inbox; the visitor
goes offline, writes two messages, comes back, and the agent gets both, in order, once.
"""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, expect

from dukkan.demo import DEMO_PASSWORD
from dukkan.support.models import ATTACHMENT_LIMIT, Attachment, Conversation, ConversationEvent
from tests.browser.conftest import DESKTOP, PHONE, overflow, sign_in
from tests.processes import free_port
from tests.widget.conftest import PORTS, Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = Path("/tmp/widget-shots")
STORE = "afzoonesara"
AGENT = "ali@afzoonesara.example"
WIDGET = "[data-dukkan-chat]"


def visitor_page(
    browser: Browser, server: Server, viewport: dict[str, int] = DESKTOP
) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport=viewport, locale="fa-IR")  # type: ignore[arg-type]
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"{server.base}/widget/demo/{STORE}/?lang=fa")
    expect(page.locator(f"{WIDGET} button.l")).to_be_visible()
    return context, page


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def widget(page: Page, selector: str) -> str:
    return f"{WIDGET} {selector}"


def open_widget(page: Page) -> None:
    page.click(widget(page, "button.l"))
    expect(page.locator(widget(page, "section.p"))).to_be_visible()


def write(page: Page, text: str) -> None:
    box = page.locator(widget(page, "textarea"))
    box.fill(text)
    box.press("Enter")


def mine(page: Page) -> list[str]:
    return page.locator(widget(page, "li.m.me .x")).all_inner_texts()


def states(page: Page) -> list[str | None]:
    return [
        item.get_attribute("data-state") for item in page.locator(widget(page, "li.m.me")).all()
    ]


def set_hidden(page: Page, hidden: bool) -> None:
    """Put the tab in the background (or bring it back), as far as the page can tell."""
    page.evaluate(
        """hidden => {
            Object.defineProperty(document, "hidden", {configurable: true, get: () => hidden});
            document.dispatchEvent(new Event("visibilitychange"));
        }""",
        hidden,
    )


def conversation_with(body: str) -> Conversation:
    """The conversation in which a visitor wrote `body` (the demo has others)."""
    return ConversationEvent.objects.get(body=body, author_kind="visitor").conversation


def visitor_bodies_in_db(conversation: Conversation) -> list[str]:
    return list(
        ConversationEvent.objects.filter(
            conversation=conversation, kind="message", author_kind="visitor"
        )
        .order_by("seq")
        .values_list("body", flat=True)
    )


def test_visitor_in_persian_and_agent_in_arabic_chat_and_offline_messages_arrive_once_in_order(
    browser: Browser, chat_server: Server
) -> None:
    SHOTS.mkdir(exist_ok=True)
    visitor_context, visitor = visitor_page(browser, chat_server)
    root = visitor.locator(widget(visitor, "div.r"))
    assert root.get_attribute("dir") == "rtl"
    assert root.get_attribute("lang") == "fa"

    open_widget(visitor)
    expect(visitor.locator(widget(visitor, "textarea"))).to_be_focused()
    write(visitor, "سلام، فایل افزونه را بعد از خرید پیدا نمی‌کنم.")
    first = visitor.locator(widget(visitor, "li.m.me")).first
    expect(first).to_have_attribute("data-state", "sent")
    conversation = conversation_with("سلام، فایل افزونه را بعد از خرید پیدا نمی‌کنم.")
    assert conversation.visitor.external_id.startswith("demo-")  # the host's signed identity

    # The agent, in Arabic, opens the conversation in the inbox.
    agent_context = browser.new_context(viewport=DESKTOP, locale="ar")  # type: ignore[arg-type]
    agent_context.set_default_timeout(20_000)
    agent = agent_context.new_page()
    sign_in(agent, chat_server.base, "ar", AGENT, DEMO_PASSWORD)
    agent.goto(f"{chat_server.base}/ar/dashboard/{STORE}/inbox/c/{conversation.pk}/")
    assert agent.locator("html").get_attribute("lang") == "ar"
    thread = agent.locator("[data-role=thread]")
    from_visitor = thread.locator("li.event[data-kind=message][data-author=visitor] .bubble")
    expect(from_visitor).to_have_count(1)

    # The agent answers; the visitor sees it live and the agent's read receipt marks "seen".
    agent.fill("#reply-body", "سلام! الرابط في صفحة مشترياتك، وأرسلته لك أيضًا.")
    agent.click("[data-role=send]")
    theirs = visitor.locator(widget(visitor, "li.m.them .x"))
    expect(theirs).to_have_text(["سلام! الرابط في صفحة مشترياتك، وأرسلته لك أيضًا."])
    expect(first).to_have_attribute("data-state", "seen")

    # Each sees the other typing.
    visitor.locator(widget(visitor, "textarea")).press_sequentially("دارم می‌نویسم")
    expect(agent.locator("[data-role=indicators]")).to_contain_text("سارا محمدی")
    visitor.locator(widget(visitor, "textarea")).fill("")
    agent.locator("#reply-body").press_sequentially("لحظة")
    expect(visitor.locator(widget(visitor, "div.ty"))).to_contain_text("علی کریمی")
    agent.locator("#reply-body").fill("")

    # Offline: two messages wait in the outbox, shown as sending.
    visitor_context.set_offline(True)
    write(visitor, "پیام اول در حالت آفلاین")
    write(visitor, "پیام دوم در حالت آفلاین")
    expect(visitor.locator(widget(visitor, "li.m.me[data-state=sending]"))).to_have_count(2)
    expect(visitor.locator(widget(visitor, "div.cn"))).to_be_visible()
    visitor.screenshot(path=str(SHOTS / "visitor-offline-fa.png"))
    assert visitor_bodies_in_db(conversation) == ["سلام، فایل افزونه را بعد از خرید پیدا نمی‌کنم."]

    # Back online: both are delivered to the agent, in order, exactly once.
    visitor_context.set_offline(False)
    expect(from_visitor).to_have_text(
        [
            "سلام، فایل افزونه را بعد از خرید پیدا نمی‌کنم.",
            "پیام اول در حالت آفلاین",
            "پیام دوم در حالت آفلاین",
        ]
    )
    expect(visitor.locator(widget(visitor, "li.m.me[data-state=sending]"))).to_have_count(0)
    last = visitor.locator(widget(visitor, "li.m.me")).last
    expect(last).to_have_attribute("data-state", "seen")
    assert mine(visitor) == [
        "سلام، فایل افزونه را بعد از خرید پیدا نمی‌کنم.",
        "پیام اول در حالت آفلاین",
        "پیام دوم در حالت آفلاین",
    ]
    assert visitor_bodies_in_db(conversation) == mine(visitor)

    # HTML and script in a message are text on both sides, never markup.
    hostile = "<img src=x onerror=\"document.title='pwned'\"><b>درشت</b>"
    write(visitor, hostile)
    expect(from_visitor.last).to_have_text(hostile)
    assert from_visitor.last.locator("img, b").count() == 0
    bubble = visitor.locator(widget(visitor, "li.m.me .x")).last
    expect(bubble).to_have_text(hostile)
    assert bubble.locator("img, b").count() == 0
    assert visitor.title() != "pwned"
    assert agent.title() != "pwned"

    # With the panel closed and the tab in the background, a reply lights the unread badge
    # and the page title; coming back restores the title, opening the panel clears the badge.
    visitor.keyboard.press("Escape")
    expect(visitor.locator(widget(visitor, "section.p"))).to_be_hidden()
    title = visitor.title()
    set_hidden(visitor, True)
    agent.fill("#reply-body", "هل وصلك الرابط؟")
    agent.click("[data-role=send]")
    badge = visitor.locator(widget(visitor, "button.l .b"))
    expect(badge).to_have_text("1")
    expect(visitor).to_have_title(f"(1) {title}")
    assert "1" in (visitor.locator(widget(visitor, "button.l")).get_attribute("aria-label") or "")
    set_hidden(visitor, False)
    expect(visitor).to_have_title(title)
    open_widget(visitor)
    expect(badge).to_be_hidden()
    expect(theirs).to_have_count(2)

    visitor.screenshot(path=str(SHOTS / "visitor-chat-fa.png"))
    agent.screenshot(path=str(SHOTS / "agent-inbox-ar.png"))
    agent_context.close()
    visitor_context.close()


def test_the_widget_is_usable_with_the_keyboard_alone(
    browser: Browser, chat_server: Server
) -> None:
    context, page = visitor_page(browser, chat_server)
    launcher = page.locator(widget(page, "button.l"))
    for _ in range(10):
        page.keyboard.press("Tab")
        if launcher.evaluate("b => b.getRootNode().activeElement === b"):
            break
    expect(launcher).to_be_focused()
    assert launcher.get_attribute("aria-expanded") == "false"
    assert launcher.get_attribute("aria-label")
    page.keyboard.press("Enter")
    expect(page.locator(widget(page, "section.p"))).to_be_visible()
    assert launcher.get_attribute("aria-expanded") == "true"
    box = page.locator(widget(page, "textarea"))
    expect(box).to_be_focused()
    page.keyboard.type("سطر اول")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("سطر دوم")
    page.keyboard.press("Enter")
    expect(page.locator(widget(page, "li.m.me .x"))).to_have_text(["سطر اول\nسطر دوم"])
    expect(page.locator(widget(page, "li.m.me"))).to_have_attribute("data-state", "sent")
    assert page.locator(widget(page, "[role=log]")).get_attribute("aria-live") == "polite"
    page.keyboard.press("Escape")
    expect(page.locator(widget(page, "section.p"))).to_be_hidden()
    expect(launcher).to_be_focused()
    context.close()


def test_on_a_phone_the_panel_fills_the_screen_without_overflow(
    browser: Browser, chat_server: Server
) -> None:
    SHOTS.mkdir(exist_ok=True)
    attachments = Attachment.objects.count()
    context, page = visitor_page(browser, chat_server, PHONE)
    assert overflow(page) == 0
    open_widget(page)
    write(page, "این یک پیام نسبتاً بلند است تا ببینیم در صفحهٔ گوشی درست شکسته می‌شود یا نه؛ " * 3)
    expect(page.locator(widget(page, "li.m.me"))).to_have_attribute("data-state", "sent")
    panel = page.locator(widget(page, "section.p")).bounding_box()
    assert panel is not None
    assert (panel["x"], panel["y"]) == (0, 0)
    assert (panel["width"], panel["height"]) == (PHONE["width"], PHONE["height"])
    assert overflow(page) == 0
    log_overflow = page.locator(widget(page, "ol.lg")).evaluate(
        "l => l.scrollWidth - l.clientWidth"
    )
    assert log_overflow == 0
    page.screenshot(path=str(SHOTS / "visitor-phone-fa.png"))

    # Attachments: an image goes up and shows; a file too large or of another type is stopped
    # before upload, with the limit said in the visitor's language.
    files = page.locator(widget(page, "input[type=file]"))
    files.set_input_files({"name": "receipt.png", "mimeType": "image/png", "buffer": png()})
    image = page.locator(widget(page, "li.m.me img"))
    expect(image).to_have_count(1)
    expect(page.locator(widget(page, "li.m.me")).last).to_have_attribute("data-state", "sent")
    page.wait_for_function(
        "() => document.querySelector('[data-dukkan-chat]').shadowRoot"
        ".querySelector('li.m.me img').naturalWidth > 0"
    )
    big = b"%PDF-1.4\n" + b"0" * ATTACHMENT_LIMIT
    files.set_input_files({"name": "big.pdf", "mimeType": "application/pdf", "buffer": big})
    expect(page.locator(widget(page, "div.er"))).to_contain_text("۱۰ مگابایت")
    files.set_input_files(
        {"name": "x.exe", "mimeType": "application/x-msdownload", "buffer": b"MZ"}
    )
    expect(page.locator(widget(page, "div.er"))).to_contain_text("PDF")
    assert Attachment.objects.count() == attachments + 1
    context.close()


HOST_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Cedar reseller</title></head><body><h1>A reseller of Cedar Apps</h1>
<script src="%s/widget.js" data-store="cedar-apps" async></script></body></html>"""


@contextmanager
def host_site(address: str, server: Server) -> Iterator[str]:
    """Another site, on its own origin (a loopback address of its own), embedding the widget."""
    body = (HOST_PAGE % server.base).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer((address, free_port(PORTS)), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{address}:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


# "open": whatever the server does with a socket from another origin, the chat must work.
@pytest.mark.parametrize("sockets", ["open", "blocked"])
def test_on_another_site_the_widget_works_cross_origin_and_over_http_when_sockets_are_blocked(
    browser: Browser, chat_server: Server, sockets: str
) -> None:
    from dukkan.core.models import Store
    from dukkan.widget import services

    cedar = Store.objects.get(slug="cedar-apps")
    context = browser.new_context(viewport=DESKTOP)  # type: ignore[arg-type]
    context.set_default_timeout(20_000)
    page = context.new_page()
    blocked: list[str] = []

    def refuse(socket: object) -> None:
        blocked.append(str(getattr(socket, "url", "")))
        socket.close()  # type: ignore[attr-defined]

    if sockets == "blocked":
        page.route_web_socket("**/ws/chat/**", refuse)
    polls: list[str] = []
    page.on("request", lambda r: polls.append(r.url) if "/chat/poll" in r.url else None)
    with host_site("127.0.0.3", chat_server) as shop:
        services.update_settings(cedar, allowed_origins=shop)
        page.goto(f"{shop}/shop.html")
        open_widget(page)
        text = f"Hello from a reseller's site ({sockets} sockets)"
        write(page, text)
        expect(page.locator(widget(page, "li.m.me"))).to_have_attribute("data-state", "sent")
    if sockets == "blocked":
        assert len(blocked) >= 2  # it tried the socket, then switched to HTTP by itself
    else:
        assert polls == []  # an allowed site gets the socket itself, no fallback needed
    conversation = conversation_with(text)
    assert conversation.store == cedar
    assert visitor_bodies_in_db(conversation) == [text]
    # A reply of the team, sent through the server as the inbox does, reaches the page live
    # (socket or long-poll).
    from tests.realtime.chat import Chat

    inbox = browser.new_context(viewport=DESKTOP)  # type: ignore[arg-type]
    sign_in(inbox.new_page(), chat_server.base, "en", "priya@cedarapps.example", DEMO_PASSWORD)
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in inbox.cookies())
    inbox.close()
    agent = Chat(
        f"{chat_server.base.replace('http', 'ws', 1)}/ws/chat/agent/?store=cedar-apps",
        chat_server.base,
        cookie,
    )

    async def reply() -> None:
        await agent.open()
        ack = await agent.say("Hi! Priya here.", conversation.pk)
        assert ack["type"] == "ack"
        await agent.close()

    # Playwright's loop runs in this thread: the agent's client gets a thread of its own.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, reply()).result(timeout=60)
    expect(page.locator(widget(page, "li.m.them .x"))).to_have_text(["Hi! Priya here."])

    # A site the store did not allow gets no chat at all.
    other = context.new_page()
    with host_site("127.0.0.2", chat_server) as stranger:
        with other.expect_request(lambda r: "/config" in r.url):  # the script ran and asked
            other.goto(f"{stranger}/shop.html")
        other.wait_for_load_state("networkidle")
        assert other.locator(WIDGET).count() == 0
    context.close()


def test_the_prechat_form_asks_what_the_store_wants_before_the_first_message(
    browser: Browser, chat_server: Server
) -> None:
    context = browser.new_context(viewport=DESKTOP)  # type: ignore[arg-type]
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"{chat_server.base}/fa/s/{STORE}/")  # Dukkan's own store page, no identity
    open_widget(page)
    form = page.locator(widget(page, "form.pf"))
    expect(form).to_be_visible()
    expect(page.locator(widget(page, "form.c"))).to_be_hidden()
    expect(form.locator("input[name=name]")).to_be_focused()
    form.locator("input[name=name]").fill("رضا")
    form.locator("button").click()
    expect(page.locator(widget(page, "div.er"))).not_to_be_empty()  # the email is required
    expect(form.locator("input[name=email]")).to_be_focused()
    form.locator("input[name=email]").fill("reza@example.com")
    form.locator("button").click()
    expect(form).to_be_hidden()
    expect(page.locator(widget(page, "textarea"))).to_be_focused()
    write(page, "سلام، فاکتور رسمی با تقویم شمسی سازگار است؟")
    expect(page.locator(widget(page, "li.m.me"))).to_have_attribute("data-state", "sent")
    conversation = conversation_with("سلام، فاکتور رسمی با تقویم شمسی سازگار است؟")
    assert (conversation.visitor.name, conversation.visitor.email) == ("رضا", "reza@example.com")
    assert conversation.contact is not None
    assert conversation.contact.email == "reza@example.com"
    context.close()


def test_messages_written_while_the_server_is_down_are_sent_once_it_is_back(
    browser: Browser, chat_server: Server
) -> None:
    context, page = visitor_page(browser, chat_server)
    open_widget(page)
    write(page, "پیش از قطع سرور")
    expect(page.locator(widget(page, "li.m.me"))).to_have_attribute("data-state", "sent")
    chat_server.process.popen.kill()  # SIGKILL: no goodbye to the socket
    chat_server.process.popen.wait()
    write(page, "وقتی سرور در دسترس نیست")
    expect(page.locator(widget(page, "li.m.me[data-state=sending]"))).to_have_count(1)
    expect(page.locator(widget(page, "div.cn"))).to_be_visible()
    chat_server.restart()
    expect(page.locator(widget(page, "li.m.me[data-state=sending]"))).to_have_count(
        0, timeout=60_000
    )
    conversation = conversation_with("پیش از قطع سرور")
    assert visitor_bodies_in_db(conversation) == ["پیش از قطع سرور", "وقتی سرور در دسترس نیست"]
    page.reload()  # the history comes back from the server, each message once
    open_widget(page)
    expect(page.locator(widget(page, "li.m.me .x"))).to_have_text(
        ["پیش از قطع سرور", "وقتی سرور در دسترس نیست"]
    )
    context.close()
