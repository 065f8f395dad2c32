"""The delivery protocol over real WebSockets to a real `dukkan serve` (docs/protocol.md)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.realtime.chat import Chat
from tests.realtime.conftest import Server, Shop, visitor_token

pytestmark = pytest.mark.slow


def visitor_chat(server: Server, shop: Shop, token: str, **query: str) -> Chat:
    extra = "".join(f"&{k}={v}" for k, v in query.items())
    return Chat(
        f"{server.ws}/ws/chat/visitor/?store={shop.store.slug}&token={token}{extra}", server.http
    )


def agent_chat(server: Server, shop: Shop, cookie: str | None = None) -> Chat:
    return Chat(
        f"{server.ws}/ws/chat/agent/?store={shop.store.slug}",
        server.http,
        cookie or shop.agent_cookie,
    )


def test_visitor_and_agent_chat_both_ways_with_acks_after_commit(
    server: Server, shop: Shop
) -> None:
    from dukkan.support.models import ConversationEvent

    _visitor, token = visitor_token(shop.store, name="سارا")

    async def scenario() -> dict[str, Any]:
        visitor = visitor_chat(server, shop, token)
        welcome = await visitor.open()
        assert welcome["type"] == "welcome"
        assert welcome["role"] == "visitor"
        assert welcome["conversations"] == []
        ack = await visitor.say("سلام، سفارشم کجاست؟")
        assert ack["type"] == "ack"
        assert ack["seq"] == 1
        assert ack["duplicate"] is False
        conversation = ack["conversation"]
        await visitor.wait_for("synced", conversation=conversation)

        agent = agent_chat(server, shop)
        assert (await agent.open())["role"] == "agent"
        agent.held[conversation] = 0
        await agent.hello(inbox=True)
        assert agent.bodies(conversation) == ["سلام، سفارشم کجاست؟"]

        reply = await agent.say("<b>مرحبا</b> <script>alert(1)</script>", conversation)
        assert reply["type"] == "ack"
        assert reply["seq"] == 2
        event = await visitor.wait_for("event", conversation=conversation, seq=2)
        # Text travels as text: the server neither runs nor rewrites it; clients show it as text.
        assert event["event"]["body"] == "<b>مرحبا</b> <script>alert(1)</script>"
        assert event["event"]["author"] == {"kind": "agent", "name": "Yousef"}

        note = await agent.say("VIP customer, secret-note-7731", conversation, note=True)
        assert note["seq"] == 3
        again = await visitor.say("ممنون", conversation)
        assert again["seq"] == 4
        await agent.wait_for("event", conversation=conversation, seq=4)
        await visitor.wait_for("event", conversation=conversation, seq=4)
        await visitor.close()
        await agent.close()
        return {"conversation": conversation, "visitor": visitor, "agent": agent}

    result = asyncio.run(scenario())
    visitor, agent, conversation = result["visitor"], result["agent"], result["conversation"]
    assert agent.seqs(conversation) == [1, 2, 3, 4]
    # The note never reached the visitor, by any frame.
    assert visitor.seqs(conversation) == [1, 2, 4]
    assert "secret-note-7731" not in repr(visitor.frames + visitor.events[conversation])
    stored = list(
        ConversationEvent.objects.filter(conversation_id=conversation).values_list("seq", "kind")
    )
    assert stored == [(1, "message"), (2, "message"), (3, "note"), (4, "message")]
