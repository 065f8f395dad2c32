"""SIGKILL the server in the middle of a stream, start it again: nothing acknowledged is lost,
nothing is shown twice."""

from __future__ import annotations

import asyncio
import signal
import uuid
from pathlib import Path

import pytest

from tests.realtime.chat import Chat
from tests.realtime.conftest import Shop, start_server, visitor_token

pytestmark = pytest.mark.slow


def test_acknowledged_messages_survive_a_sigkill_mid_stream(
    shop: Shop, tmp_path: Path, django_db_blocker: object
) -> None:
    from dukkan.support import services
    from dukkan.support.models import ConversationEvent

    visitor_row, token = visitor_token(shop.store)
    conversation = services.start_conversation(visitor_row).pk
    server = start_server(tmp_path / "first")
    port = server.port
    acked: list[str] = []
    sent: list[str] = []

    def urls(port: int) -> tuple[str, str, str]:
        ws = f"ws://127.0.0.1:{port}"
        return (
            f"{ws}/ws/chat/visitor/?store={shop.store.slug}&token={token}",
            f"{ws}/ws/chat/agent/?store={shop.store.slug}",
            f"http://127.0.0.1:{port}",
        )

    async def stream(agent: Chat, stop_after: int) -> None:
        """Agent messages, pipelined, until the server dies under it."""

        async def read_acks() -> None:
            while True:
                frame = await agent.next_frame()
                if frame["type"] == "ack" and not frame["duplicate"]:
                    acked.append(frame["client_id"])
                    if len(acked) == stop_after:
                        server.process.popen.send_signal(signal.SIGKILL)

        reader = asyncio.create_task(read_acks())
        try:
            for n in range(400):
                client_id = f"k{n}-{uuid.uuid4().hex[:6]}"
                sent.append(client_id)
                await agent.send(
                    {
                        "type": "send",
                        "conversation": conversation,
                        "client_id": client_id,
                        "body": f"n{n}",
                    }
                )
                await asyncio.sleep(0.06)
        except Exception:
            pass  # the server is gone
        await asyncio.wait_for(asyncio.gather(reader, return_exceptions=True), 15)

    async def before_kill() -> tuple[Chat, Chat]:
        visitor_url, agent_url, origin = urls(port)
        visitor = Chat(visitor_url, origin)
        await visitor.open()
        visitor.held[conversation] = 0
        await visitor.hello()
        agent = Chat(agent_url, origin, shop.agent_cookie)
        await agent.open()
        agent.held[conversation] = 0
        await agent.hello()

        async def listen() -> None:
            try:
                while True:
                    await visitor.next_frame()
            except Exception:
                return

        listener = asyncio.create_task(listen())
        await stream(agent, stop_after=15)
        await asyncio.wait_for(listener, 15)
        return visitor, agent

    visitor, agent = asyncio.run(before_kill())
    assert server.process.popen.wait(timeout=10) == -signal.SIGKILL
    assert len(acked) >= 15
    restarted = start_server(tmp_path / "second", port=port)

    async def after_restart() -> None:
        visitor_url, agent_url, origin = urls(port)
        # Both reconnect and resume from what they hold; the agent resends its outbox.
        again = Chat(visitor_url, origin, events=visitor.events, held=visitor.held)
        await again.open()
        await again.hello()
        sender = Chat(agent_url, origin, shop.agent_cookie, events=agent.events, held=agent.held)
        await sender.open()
        await sender.hello()
        outbox = [client_id for client_id in sent if client_id not in acked]
        last = sender.held[conversation]
        for client_id in outbox:
            reply = await sender.say(f"n{sent.index(client_id)}", conversation, client_id=client_id)
            assert reply["type"] == "ack"
            last = max(last, reply["seq"])
        while again.held[conversation] < last:
            await again.next_frame()
        while sender.held[conversation] < last:
            await sender.next_frame()
        await again.close()
        await sender.close()

    try:
        asyncio.run(after_restart())
    finally:
        restarted.stop()

    stored = list(
        ConversationEvent.objects.filter(conversation_id=conversation)
        .order_by("seq")
        .values_list("seq", "client_id")
    )
    assert [seq for seq, _ in stored] == list(range(1, len(stored) + 1))
    stored_ids = [client_id for _, client_id in stored]
    assert sorted(stored_ids) == sorted(sent), "every message is stored exactly once"
    assert set(acked) <= set(stored_ids), "no acknowledged message was lost"
    for chat in (visitor, agent):
        seqs = [frame["seq"] for frame in chat.events[conversation]]
        assert seqs == sorted(set(seqs)), "no event shown twice, none out of order"
        assert seqs == list(range(1, len(stored) + 1))
