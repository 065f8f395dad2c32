"""One browser test, in Arabic: a customer types a question in the widget on the demo host page,
sees the matching FAQ answer above the send button, and opens it (a deflection is counted)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.processes import Process, answers, clean_environ, database_url, free_port, wait_until
from tests.widget.conftest import Server, _stop

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PORTS = range(20200, 20300)  # the answers suite's ports
WIDGET = "[data-dukkan-chat]"
FAQ = [
    (
        "هل يمكنني استرداد ثمن الكتاب؟",
        "نعم. إذا لم يعجبك الكتاب اطلب الاسترداد خلال ١٤ يوماً من الشراء، ويعود المبلغ إلى "
        "وسيلة الدفع نفسها.",
    ),
    (
        "انتهت صلاحية رابط التحميل، ماذا أفعل؟",
        "افتح صفحة مشترياتي واطلب رابط دخول جديداً ببريدك الإلكتروني.",
    ),
    ("ما صيغ الكتب الإلكترونية المتاحة؟", "نوفر كل كتاب بصيغتي EPUB وPDF."),
]


@pytest.fixture
def answers_server(transactional_db: None, tmp_path: Path) -> Iterator[Server]:
    """An Arabic e-book store with its FAQ, committed to the test database, then a server
    process on it."""
    from dukkan.accounts import services as accounts
    from dukkan.accounts.models import User
    from dukkan.knowledge import services as knowledge

    owner = User.objects.create_user(email="salma@warraq-test.example", password=None)
    store = accounts.create_store(
        owner=owner, name="الوراق", slug="warraq-test", default_language="ar"
    )
    for title, body in FAQ:
        knowledge.create_article(store, title=title, body=body, language="ar", kind="faq")
    extra = {"DATABASE_URL": database_url()}
    if os.environ.get("REDIS_URL"):
        extra["REDIS_URL"] = os.environ["REDIS_URL"]
    env = clean_environ(tmp_path / "data", DUKKAN_LOG_FORMAT="console", **extra)
    port = free_port(PORTS)
    args = ["serve", "--no-migrate", "--port", str(port)]
    log = tmp_path / "serve.log"
    server = Server(f"http://127.0.0.1:{port}", Process(args, env, log), args, env, log)
    try:
        wait_until(lambda: answers(f"{server.base}/healthz"), "dukkan serve", [server.process])
        yield server
    finally:
        _stop(server.process)
        from django.db import connections

        connections.close_all()


def test_a_customer_sees_the_answer_above_the_send_button_and_opens_it(
    browser: Browser, answers_server: Server
) -> None:
    from dukkan.answers.models import Deflection
    from dukkan.core.models import Store

    store = Store.objects.get(slug="warraq-test")
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ar")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"{answers_server.base}/widget/demo/warraq-test/?lang=ar")
    page.click(f"{WIDGET} button.l")
    box = page.locator(f"{WIDGET} textarea")
    expect(box).to_be_visible()
    # Palestinian Arabic, none of the FAQ title's words as written there.
    box.press_sequentially("بدي ارجع فلوس الكتاب لانه ما عجبني", delay=10)

    suggestion = page.locator(f"{WIDGET} section.an button.at").first
    # The server's first match loads the embedding model and builds the store's index.
    expect(suggestion).to_have_text("هل يمكنني استرداد ثمن الكتاب؟", timeout=60_000)
    # Above the send button.
    answer_box = page.locator(f"{WIDGET} section.an").bounding_box()
    send = page.locator(f"{WIDGET} button.sd").bounding_box()
    assert answer_box is not None
    assert send is not None
    assert answer_box["y"] + answer_box["height"] <= send["y"]

    suggestion.click()
    snippet = page.locator(f"{WIDGET} section.an .sn").first
    expect(snippet).to_contain_text("١٤ يوماً")
    expect(snippet.locator("a")).to_have_attribute(
        "href", re.compile(rf"^{re.escape(answers_server.base)}/ar/s/warraq-test/help/.+/$")
    )
    wait_until(lambda: Deflection.objects.filter(store=store).exists(), "a deflection recorded", [])
    deflection = Deflection.objects.get(store=store)
    assert deflection.query == "بدي ارجع فلوس الكتاب لانه ما عجبني"
    context.close()
