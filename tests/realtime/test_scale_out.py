"""Two `dukkan serve` processes on PostgreSQL + Redis share the chat: a visitor on A and an
agent on B talk live, and a client that reconnects to the other process resumes without loss."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.realtime.chat import Chat
from tests.realtime.conftest import Shop, start_server, visitor_token

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not settings.REDIS_URL or connection.vendor != "postgresql",
        reason="needs PostgreSQL and REDIS_URL: runs in CI's PostgreSQL + Redis pass",
    ),
]


def test_visitor_on_one_process_and_agent_on_another_chat_live_and_resume_across(
    shop: Shop, tmp_path: Path
) -> None:
    first = start_server(tmp_path / "a")
    second = start_server(tmp_path / "b")
    _visitor, token = visitor_token(shop.store, name="Sara")
    slug = shop.store.slug

    def visitor_url(port: int) -> str:
        return f"ws://127.0.0.1:{port}/ws/chat/visitor/?store={slug}&token={token}"

    agent_url = f"{second.ws}/ws/chat/agent/?store={slug}"

    async def scenario() -> None:
        visitor = Chat(visitor_url(first.port), first.http)
        welcome_a = await visitor.open()
        agent = Chat(agent_url, second.http, shop.agent_cookie)
        welcome_b = await agent.open()
        assert welcome_a["server"] != welcome_b["server"], "two different processes"

        # The agent watches the store's inbox on B; the visitor starts a conversation on A.
        await agent.send({"type": "hello", "after": {}, "inbox": True})
        await agent.wait_for("inbox", change="counts")
        ack = await visitor.say("سلام از سرور الف")
        conversation = ack["conversation"]
        new = await agent.wait_for("inbox", change="conversation")
        assert new["conversation"]["id"] == conversation
        await agent.send({"type": "subscribe", "conversation": conversation, "after": 0})
        await agent.wait_for("synced", conversation=conversation)
        assert agent.bodies(conversation) == ["سلام از سرور الف"]

        # Live both ways, across the processes (only Redis joins them).
        await agent.say("مرحباً من الخادم ب", conversation)
        live = await visitor.wait_for("event", conversation=conversation, seq=2)
        assert live["event"]["body"] == "مرحباً من الخادم ب"
        await visitor.say("دومی", conversation)
        await agent.wait_for("event", conversation=conversation, seq=3)
        await visitor.send({"type": "typing", "conversation": conversation, "on": True})
        await agent.wait_for("typing", conversation=conversation)

        # The visitor's network drops; meanwhile the agent writes; the visitor comes back on B.
        await visitor.drop()
        for text in ("یک", "دو", "سه"):
            await agent.say(text, conversation)
        moved = Chat(
            visitor_url(second.port), second.http, events=visitor.events, held=visitor.held
        )
        await moved.open()
        await moved.hello()
        assert moved.seqs(conversation) == [1, 2, 3, 4, 5, 6]
        assert moved.bodies(conversation)[-3:] == ["یک", "دو", "سه"]
        # And it goes on live from B.
        await agent.say("تمام", conversation)
        await moved.wait_for("event", conversation=conversation, seq=7)
        await moved.close()
        await agent.close()

    try:
        asyncio.run(scenario())
    finally:
        first.stop()
        second.stop()
