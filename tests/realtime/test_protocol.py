"""The delivery protocol over real WebSockets to a real `dukkan serve` (docs/protocol.md)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from django.db import connection
from websockets.exceptions import ConnectionClosed

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


def test_retried_send_returns_the_original_ack_and_is_delivered_once(
    server: Server, shop: Shop
) -> None:
    from dukkan.support.models import ConversationEvent

    _visitor, token = visitor_token(shop.store)

    async def scenario() -> tuple[Chat, int]:
        visitor = visitor_chat(server, shop, token)
        await visitor.open()
        first = await visitor.say("hello", client_id="retry-1")
        conversation = first["conversation"]
        agent = agent_chat(server, shop)
        await agent.open()
        agent.held[conversation] = 0
        await agent.hello()
        # The ack was "lost": the visitor retries on a new connection, with the same id.
        await visitor.drop()
        visitor = visitor_chat(server, shop, token)
        await visitor.open()
        second = await visitor.say("hello (edited)", conversation, client_id="retry-1")
        assert second["seq"] == first["seq"]
        assert second["duplicate"] is True
        marker = await agent.say("marker", conversation)
        await agent.wait_for("event", conversation=conversation, seq=marker["seq"])
        await visitor.close()
        await agent.close()
        return agent, conversation

    agent, conversation = asyncio.run(scenario())
    assert agent.bodies(conversation) == ["hello", "marker"]
    assert (
        ConversationEvent.objects.filter(conversation_id=conversation, kind="message").count() == 2
    )


def test_reconnect_with_after_replays_exactly_the_missed_events_in_order(
    server: Server, shop: Shop
) -> None:
    _visitor, token = visitor_token(shop.store)

    async def scenario() -> None:
        visitor = visitor_chat(server, shop, token)
        await visitor.open()
        conversation = (await visitor.say("one"))["conversation"]
        await visitor.wait_for("event", conversation=conversation, seq=1)
        await visitor.drop()
        agent = agent_chat(server, shop)
        await agent.open()
        for text in ("two", "three", "four"):
            assert (await agent.say(text, conversation))["type"] == "ack"
        await agent.close()
        visitor.ws = None
        visitor = Chat(visitor.url, visitor.origin, events=visitor.events, held=visitor.held)
        welcome = await visitor.open()
        assert welcome["conversations"] == [{"id": conversation, "status": "open", "last_seq": 4}]
        await visitor.hello()
        assert visitor.bodies(conversation) == ["one", "two", "three", "four"]
        assert visitor.seqs(conversation) == [1, 2, 3, 4]
        # Nothing more comes: no duplicates after the replay.
        await visitor.send({"type": "ping", "id": 7})
        assert (await visitor.next_frame())["type"] == "pong"
        assert visitor.seqs(conversation) == [1, 2, 3, 4]
        await visitor.close()

    asyncio.run(scenario())


def test_bad_frames_get_error_frames_and_the_connection_stays_open(
    server: Server, shop: Shop
) -> None:
    from dukkan.support.models import ConversationEvent

    _visitor, token = visitor_token(shop.store)

    async def scenario() -> None:
        visitor = visitor_chat(server, shop, token, lang="fa")
        await visitor.open()
        conversation = (await visitor.say("hi"))["conversation"]

        too_long = await visitor.say("x" * 10_001, conversation, client_id="long-1")
        assert too_long["type"] == "error"
        assert too_long["code"] == "too_long"
        assert too_long["limit"] == 10_000
        assert "10000" in too_long["message"] or "۱۰۰۰۰" in too_long["message"]
        exactly = await visitor.say("y" * 10_000, conversation)
        assert exactly["type"] == "ack"

        await visitor.send_raw("{not json")
        assert (await visitor.wait_for("error"))["code"] == "bad_json"
        await visitor.send_raw("[1, 2]")
        assert (await visitor.wait_for("error"))["code"] == "bad_json"
        await visitor.send_raw(b"\x00\x01binary")
        assert (await visitor.wait_for("error"))["code"] == "bad_json"
        await visitor.send({"type": "launch-rockets"})
        unknown = await visitor.wait_for("error")
        assert unknown["code"] == "unknown_type"
        assert unknown["ref"] == "launch-rockets"
        await visitor.send({"type": "send", "body": "no client id"})
        assert (await visitor.wait_for("error"))["code"] == "bad_frame"
        await visitor.send({"type": "send", "client_id": "c1", "body": 42})
        assert (await visitor.wait_for("error"))["code"] == "bad_frame"
        await visitor.send({"type": "subscribe", "conversation": "abc"})
        assert (await visitor.wait_for("error"))["code"] == "bad_frame"
        empty = await visitor.say("   ", conversation)
        assert empty["code"] == "empty"
        note = await visitor.say("sneaky note", conversation, note=True)
        assert note["code"] == "forbidden"
        await visitor.send_raw("z" * (64 * 1024 + 1))
        assert (await visitor.wait_for("error"))["code"] == "frame_too_large"

        # Still open and working.
        await visitor.send({"type": "ping", "id": "still-here"})
        assert (await visitor.wait_for("pong"))["id"] == "still-here"
        assert (await visitor.say("after all that", conversation))["type"] == "ack"
        await visitor.close()

    asyncio.run(scenario())
    bodies = list(ConversationEvent.objects.values_list("body", flat=True))
    assert len(bodies) == 3
    assert "sneaky note" not in bodies


def test_another_visitors_or_stores_conversation_is_refused_without_a_leak(
    server: Server, shop: Shop, make_store: Any
) -> None:
    from dukkan.support import services

    owner, owner_token = visitor_token(shop.store)
    conversation = services.start_conversation(owner)
    services.post_message(conversation, author_kind="visitor", body="private-4471", client_id="p")
    _intruder, intruder_token = visitor_token(shop.store)
    other_store = make_store()
    _stranger, stranger_token = visitor_token(other_store)

    async def scenario() -> None:
        intruder = visitor_chat(server, shop, intruder_token)
        await intruder.open()
        for frame in (
            {"type": "subscribe", "conversation": conversation.pk, "after": 0},
            {"type": "send", "conversation": conversation.pk, "client_id": "x", "body": "hi"},
            {"type": "typing", "conversation": conversation.pk, "on": True},
            {"type": "read", "conversation": conversation.pk, "seq": 1},
        ):
            await intruder.send(frame)
            refused = await intruder.wait_for("error")
            assert refused["code"] == "not_found"
        await intruder.send({"type": "hello", "after": {str(conversation.pk): 0}})
        assert (await intruder.wait_for("error"))["code"] == "not_found"
        await intruder.send({"type": "ping"})
        await intruder.wait_for("pong")
        assert "private-4471" not in repr(intruder.frames)
        assert intruder.events == {}
        await intruder.close()

        # A token of another store is worthless here; so is a forged one.
        forged = owner_token[:-2] + ("yy" if owner_token.endswith("xx") else "xx")
        for token in (stranger_token, forged, ""):
            chat = visitor_chat(server, shop, token)
            refused = await chat.open()
            assert refused["code"] == "unauthorized"
            with pytest.raises(ConnectionClosed):
                await chat.next_frame(timeout=5)
            assert chat.ws is not None
            assert chat.ws.close_code == 4401

    asyncio.run(scenario())


def test_agent_of_another_store_is_refused(
    server: Server, shop: Shop, make_store: Any, make_user: Any
) -> None:
    from tests.realtime.conftest import session_cookie

    outsider = make_user()
    make_store(owner=outsider)
    outsider_cookie = session_cookie(outsider)

    async def scenario() -> None:
        chat = agent_chat(server, shop, outsider_cookie)
        assert (await chat.open())["code"] == "unauthorized"
        anonymous = agent_chat(server, shop, "sessionid=not-a-session")
        assert (await anonymous.open())["code"] == "unauthorized"

    asyncio.run(scenario())


def test_flooding_is_rate_limited_with_retry_after_and_nothing_is_lost(
    server: Server, shop: Shop
) -> None:
    from dukkan.support.models import ConversationEvent

    _visitor, token = visitor_token(shop.store)

    async def scenario() -> tuple[int, int]:
        visitor = visitor_chat(server, shop, token)
        await visitor.open()
        conversation = (await visitor.say("start"))["conversation"]
        for n in range(30):
            await visitor.send(
                {
                    "type": "send",
                    "conversation": conversation,
                    "client_id": f"f{n}",
                    "body": f"m{n}",
                }
            )
        acks, limited = 0, list[dict[str, Any]]()
        while acks + len(limited) < 30:
            frame = await visitor.next_frame()
            if frame["type"] == "ack":
                acks += 1
            elif frame["type"] == "error":
                assert frame["code"] == "rate_limited"
                assert frame["retry_after"] > 0
                limited.append(frame)
        await visitor.close()
        return acks, len(limited)

    acks, limited = asyncio.run(scenario())
    assert limited > 0
    # Every acknowledged message is stored; every refused one is not.
    assert ConversationEvent.objects.filter(kind="message").count() == 1 + acks


def test_typing_receipts_viewing_and_presence_reach_the_other_side(
    server: Server, shop: Shop
) -> None:
    from dukkan.accounts import services as accounts
    from dukkan.accounts.models import Role
    from dukkan.realtime import presence
    from dukkan.support.models import Conversation
    from tests.realtime.conftest import session_cookie

    second = accounts.add_member(
        store=shop.store,
        user=type(shop.agent).objects.create_user(email="second@example.com", display_name="Mona"),
        role=Role.AGENT,
    ).user
    second_cookie = session_cookie(second)
    _visitor, token = visitor_token(shop.store, name="Noura")
    statuses: dict[str, Any] = {}

    async def scenario() -> int:
        visitor = visitor_chat(server, shop, token)
        await visitor.open()
        conversation = (await visitor.say("hello"))["conversation"]
        agent = agent_chat(server, shop)
        await agent.open()
        await agent.send({"type": "hello", "after": {}, "inbox": True})
        counts = await agent.wait_for("inbox", change="counts")
        assert counts["counts"]["open"] == 1
        assert counts["counts"]["unassigned"] == 1

        other = agent_chat(server, shop, second_cookie)
        await other.open()
        online = await agent.wait_for("inbox", change="presence", user=second.pk)
        assert online["status"] == "online"
        await agent.send({"type": "subscribe", "conversation": conversation, "after": 0})
        await agent.wait_for("synced", conversation=conversation)
        await other.send({"type": "subscribe", "conversation": conversation, "after": 0})
        await other.wait_for("synced", conversation=conversation)
        seen = await agent.wait_for("viewing", conversation=conversation)
        assert seen["agent"] == {"id": second.pk, "name": "Mona"}
        assert seen["on"] is True
        back = await other.wait_for("viewing", conversation=conversation)
        assert back["agent"]["id"] == shop.agent.pk

        await visitor.send({"type": "typing", "conversation": conversation, "on": True})
        typing = await agent.wait_for("typing", conversation=conversation)
        assert typing["author"] == {"kind": "visitor", "name": "Noura"}
        await other.send({"type": "typing", "conversation": conversation, "on": True, "note": True})
        note_typing = await agent.wait_for("typing", conversation=conversation)
        assert note_typing["note"] is True
        assert note_typing["author"]["id"] == second.pk
        await other.send({"type": "typing", "conversation": conversation, "on": True})
        shown = await visitor.wait_for("typing", conversation=conversation)
        assert shown["author"] == {"kind": "agent", "name": "Mona"}  # not the note typing
        assert shown["note"] is False

        await agent.send({"type": "read", "conversation": conversation, "seq": 1})
        receipt = await visitor.wait_for("event", conversation=conversation)
        assert receipt["event"]["kind"] == "receipt"
        assert receipt["event"]["data"] == {"side": "agent", "read_seq": 1}
        await agent.send({"type": "delivered", "conversation": conversation, "seq": 1})

        await other.send({"type": "presence", "status": "away"})
        away = await agent.wait_for("inbox", change="presence", user=second.pk)
        assert away["status"] == "away"
        statuses["away"] = away
        await other.close()
        gone = await agent.wait_for("viewing", conversation=conversation, on=False)
        assert gone["agent"]["id"] == second.pk
        offline = await agent.wait_for("inbox", change="presence", user=second.pk)
        assert offline["status"] == "offline"
        await visitor.close()
        await agent.close()
        return conversation

    conversation = asyncio.run(scenario())
    row = Conversation.objects.get(pk=conversation)
    assert row.agent_read_seq == 1
    assert row.agent_delivered_seq >= 1
    assert presence.agent_status(shop.store, second) == "offline"
    # The server forgets the first agent's connection a moment after the socket closed.
    deadline = time.monotonic() + 20
    while presence.agent_status(shop.store, shop.agent) != "offline":
        assert time.monotonic() < deadline, "the closed connection still counts as online"
        time.sleep(0.1)


def test_a_lost_pubsub_message_is_delayed_never_lost(server: Server, shop: Shop) -> None:
    """Messages written by this test process reach the server's channel layer never (in-memory
    layers do not cross processes): exactly a lost pub/sub message. The next live event fills
    the gap at once; a lost last message arrives by the heartbeat's check of the database."""
    from dukkan.support import services

    visitor_row, token = visitor_token(shop.store)
    conversation = services.start_conversation(visitor_row)

    def write_behind_the_servers_back(body: str) -> None:
        try:
            services.post_message(conversation, author_kind="agent", author=shop.agent, body=body)
        finally:
            connection.close()  # this thread's own connection

    async def open_visitor() -> Chat:
        visitor = visitor_chat(server, shop, token)
        await visitor.open()
        visitor.held[conversation.pk] = 0
        await visitor.hello()
        return visitor

    async def gap_then_live(visitor: Chat) -> None:
        agent = agent_chat(server, shop)
        await agent.open()
        await agent.say("live after the lost one", conversation.pk)
        await visitor.wait_for("event", conversation=conversation.pk, seq=2)
        await agent.close()

    async def scenario() -> Chat:
        visitor = await open_visitor()
        await asyncio.to_thread(write_behind_the_servers_back, "lost on the fast path")
        await gap_then_live(visitor)
        assert visitor.bodies(conversation.pk) == [
            "lost on the fast path",
            "live after the lost one",
        ]
        await asyncio.to_thread(write_behind_the_servers_back, "the last one, also lost")
        # No later event comes to reveal the gap: the heartbeat check finds it.
        await visitor.wait_for("event", conversation=conversation.pk, seq=3, timeout=90)
        await visitor.close()
        return visitor

    visitor = asyncio.run(scenario())
    assert visitor.seqs(conversation.pk) == [1, 2, 3]
