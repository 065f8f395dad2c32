"""The plain-HTTP fallback: the same frames and semantics as the WebSocket, over long-polls."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import httpx
import pytest

from tests.realtime.chat import Chat
from tests.realtime.conftest import Server, Shop, visitor_token

pytestmark = pytest.mark.slow


def test_visitor_over_http_and_agent_over_websocket_chat_live(server: Server, shop: Shop) -> None:
    _visitor, token = visitor_token(shop.store, name="John")
    headers = {"X-Dukkan-Visitor": token}
    base = f"{server.http}/chat/{shop.store.slug}"

    async def scenario() -> None:
        async with httpx.AsyncClient(headers=headers, timeout=30) as http:
            welcome = (await http.get(f"{base}/session")).json()
            assert welcome["type"] == "welcome"
            assert welcome["role"] == "visitor"
            ack = (await http.post(f"{base}/send", json={"client_id": "h1", "body": "hi"})).json()
            assert ack["type"] == "ack"
            assert ack["seq"] == 1
            conversation = ack["conversation"]
            retry = (
                await http.post(
                    f"{base}/send",
                    json={"client_id": "h1", "body": "hi", "conversation": conversation},
                )
            ).json()
            assert retry == {**ack, "duplicate": True}

            first = (
                await http.get(f"{base}/poll", params={"conversation": conversation, "after": 0})
            ).json()
            assert [f["seq"] for f in first["frames"]] == [1]
            assert first["seq"] == 1

            agent = Chat(
                f"{server.ws}/ws/chat/agent/?store={shop.store.slug}",
                server.http,
                shop.agent_cookie,
            )
            await agent.open()

            async def agent_writes() -> None:
                await asyncio.sleep(1.0)
                await agent.say("private note xyz", conversation, note=True)
                await agent.say("how can I help?", conversation)

            writer = asyncio.create_task(agent_writes())
            # A waiting poll returns once something is there (the note moves the seq only).
            frames: list[dict[str, Any]] = []
            after = 1
            while len(frames) < 1:
                batch = (
                    await http.get(
                        f"{base}/poll",
                        params={"conversation": conversation, "after": after, "wait": 20},
                    )
                ).json()
                frames += [f for f in batch["frames"] if f["type"] == "event"]
                after = batch["seq"]
            await writer
            assert [f["event"]["body"] for f in frames] == ["how can I help?"]
            assert after == 3
            assert "private note xyz" not in repr(frames)

            # Idle poll: comes back empty after the wait.
            idle = (
                await http.get(
                    f"{base}/poll", params={"conversation": conversation, "after": 3, "wait": 1}
                )
            ).json()
            assert idle == {"type": "batch", "conversation": conversation, "frames": [], "seq": 3}

            assert (
                await http.post(f"{base}/read", json={"conversation": conversation, "seq": 3})
            ).json() == {"type": "ok"}
            receipt = await agent.wait_for("event", conversation=conversation, seq=4)
            assert receipt["event"]["data"] == {"side": "visitor", "read_seq": 3}
            await agent.close()

    asyncio.run(scenario())


def test_http_errors_are_error_frames_with_status_codes(server: Server, shop: Shop) -> None:
    from dukkan.support import services

    owner, _owner_token = visitor_token(shop.store)
    private = services.start_conversation(owner)
    _visitor, token = visitor_token(shop.store)
    base = f"{server.http}/chat/{shop.store.slug}"
    http = httpx.Client(headers={"X-Dukkan-Visitor": token}, timeout=30)

    too_long = http.post(f"{base}/send", json={"client_id": "a", "body": "x" * 10_001})
    assert too_long.status_code == 413
    assert too_long.json()["code"] == "too_long"
    assert too_long.json()["limit"] == 10_000
    malformed = http.post(f"{base}/send", content=b"{oops")
    assert malformed.status_code == 400
    assert malformed.json()["code"] == "bad_json"
    missing = http.post(f"{base}/send", json={"body": "no id"})
    assert missing.status_code == 400
    assert missing.json()["code"] == "bad_frame"
    for path, method in (("poll", "get"), ("send", "post"), ("read", "post"), ("typing", "post")):
        if method == "get":
            answer = http.get(
                f"{base}/{path}", params={"conversation": private.pk, "after": 0, "wait": 0}
            )
        else:
            answer = http.post(
                f"{base}/{path}",
                json={
                    "conversation": private.pk,
                    "client_id": "z",
                    "body": "x",
                    "seq": 1,
                    "on": True,
                },
            )
        assert answer.status_code == 404, path
        assert answer.json()["code"] == "not_found"
    anonymous = httpx.get(f"{base}/session")
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "unauthorized"
    forged = httpx.get(f"{base}/session", headers={"X-Dukkan-Visitor": token + "x"})
    assert forged.status_code == 401

    statuses = [
        http.post(f"{base}/send", json={"client_id": f"r{n}", "body": f"m{n}"}).status_code
        for n in range(25)
    ]
    assert 429 in statuses
    limited = http.post(f"{base}/send", json={"client_id": "last", "body": "m"})
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) >= 1


def test_agent_http_needs_the_session_and_csrf(server: Server, shop: Shop) -> None:
    from dukkan.support import services

    visitor, _token = visitor_token(shop.store)
    conversation = services.start_conversation(visitor)
    base = f"{server.http}/chat/{shop.store.slug}"
    name, value = shop.agent_cookie.split("=", 1)
    csrf = secrets.token_hex(16)  # 32 alphanumerics, as Django makes them
    cookies = {name: value, "csrftoken": csrf}
    frame = {"conversation": conversation.pk, "client_id": "agent-1", "body": "hello from http"}

    without = httpx.post(f"{base}/send", json=frame, cookies=cookies)
    assert without.status_code == 403
    with_token = httpx.post(
        f"{base}/send", json=frame, cookies=cookies, headers={"X-CSRFToken": csrf}
    )
    assert with_token.status_code == 200
    assert with_token.json()["seq"] == 1
    welcome = httpx.get(f"{base}/session", cookies=cookies).json()
    assert welcome["role"] == "agent"
    assert welcome["user"]["id"] == shop.agent.pk
