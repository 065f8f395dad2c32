from __future__ import annotations

from typing import Any

import pytest

from dukkan.accounts import services as accounts
from dukkan.accounts.models import Role
from tests.browser.conftest import browser  # noqa: F401  (the fixture, shared)

QUESTION = "رمز عبورم را چطور عوض کنم؟"


@pytest.fixture
def bot_store(make_store: Any, make_user: Any) -> Any:
    """A Persian store open around the clock, the bot on, a FAQ entry, and an agent."""
    from dukkan.answerbot import services as bot
    from dukkan.knowledge import services as knowledge

    store = make_store(default_language="fa", time_zone="Asia/Tehran")
    store.weekend_days = []
    store.business_hours = {str(d): [["00:00", "23:59"]] for d in range(1, 8)}
    store.save()
    knowledge.create_article(
        store,
        title="چطور رمز عبورم را عوض کنم؟",
        body="از صفحه حساب کاربری، گزینه تغییر رمز عبور را بزنید و رمز تازه را دو بار بنویسید.",
        language="fa",
        kind="faq",
    )
    bot.update_settings(store, enabled=True, threshold=0.5)
    agent = make_user(display_name="Agent")
    accounts.add_member(store=store, user=agent, role=Role.AGENT)
    store.agent = agent
    return store
