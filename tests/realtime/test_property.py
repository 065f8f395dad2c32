"""Property: whatever the interleaving of sends, retries with the same client id, dropped
connections and reconnects, every acknowledged message reaches every participant exactly once
and in order (checked on the raw frames, before any client-side dedupe)."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.realtime.chat import Chat
from tests.realtime.conftest import Server, Shop, visitor_token

pytestmark = pytest.mark.slow

WHO = st.sampled_from(["visitor", "agent"])
OPERATION = st.one_of(
    st.tuples(st.just("send"), WHO),
    st.tuples(st.just("retry"), WHO),
    st.tuples(st.just("drop"), WHO),
    st.tuples(st.just("reconnect"), WHO),
    st.tuples(st.just("read"), WHO),
)


@dataclass
class Participant:
    url: str
    origin: str
    cookie: str
    conversation: int
    chat: Chat | None = None
    received: list[dict[str, Any]] = field(default_factory=list)  # raw, across connections
    held: int = 0
    outbox: list[tuple[str, str]] = field(default_factory=list)  # (client_id, body), unacked
    acked: dict[str, int] = field(default_factory=dict)  # client_id -> seq
    sends: int = 0

    async def connect(self) -> None:
        self.chat = Chat(self.url, self.origin, self.cookie)
        await self.chat.open()
        await self.chat.send({"type": "hello", "after": {str(self.conversation): self.held}})
        await self.pump(until=lambda f: f["type"] == "synced")
        for client_id, body in list(self.outbox):
            await self.send_frame(client_id, body)

    async def send_frame(self, client_id: str, body: str) -> None:
        assert self.chat is not None
        await self.chat.send(
            {
                "type": "send",
                "conversation": self.conversation,
                "client_id": client_id,
                "body": body,
            }
        )

    def take(self, frame: dict[str, Any]) -> None:
        if frame["type"] == "event":
            self.received.append(frame)
            self.held = max(self.held, frame["seq"])
        elif frame["type"] == "synced":
            self.held = max(self.held, frame["seq"])
        elif frame["type"] == "ack":
            self.acked[frame["client_id"]] = frame["seq"]
            self.outbox = [(c, b) for c, b in self.outbox if c != frame["client_id"]]
        elif frame["type"] == "error":
            raise AssertionError(f"unexpected error frame {frame}")

    async def pump(self, until: Any = None, timeout: float = 0.05) -> None:
        """Read what has arrived (or until a frame satisfies `until`)."""
        assert self.chat is not None
        assert self.chat.ws is not None
        while True:
            try:
                frame = await self.chat.next_frame(timeout=15 if until else timeout)
            except TimeoutError:
                return
            self.take(frame)
            if until is not None and until(frame):
                return


async def run(operations: list[tuple[str, str]], people: dict[str, Participant]) -> None:
    for person in people.values():
        await person.connect()
    for action, who in operations:
        person = people[who]
        connected = person.chat is not None
        if action == "send":
            person.sends += 1
            client_id = uuid.uuid4().hex
            body = f"{who}-{person.sends}"
            person.outbox.append((client_id, body))
            if connected:
                await person.send_frame(client_id, body)
        elif action == "retry" and connected and person.acked:
            client_id = next(reversed(person.acked))
            await person.send_frame(client_id, "retried")
        elif action == "drop" and connected:
            assert person.chat is not None
            await person.chat.drop()
            person.chat = None
        elif action == "reconnect" and not connected:
            await person.connect()
        elif action == "read" and connected and person.held:
            assert person.chat is not None
            await person.chat.send(
                {"type": "read", "conversation": person.conversation, "seq": person.held}
            )
        for other in people.values():
            if other.chat is not None:
                await other.pump()
    # Everyone comes back and empties their outbox; then both catch up to the end.
    for person in people.values():
        if person.chat is None:
            await person.connect()
    for person in people.values():
        while person.outbox:
            await person.pump(until=lambda f: f["type"] == "ack")
    head = (
        max(seq for person in people.values() for seq in person.acked.values())
        if any(p.acked for p in people.values())
        else 0
    )
    for person in people.values():
        while person.held < head:
            await person.pump(until=lambda f: True)
        await person.pump()
        assert person.chat is not None
        await person.chat.close()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(OPERATION, min_size=1, max_size=18))
def test_every_acknowledged_message_is_delivered_once_in_order_to_everyone(
    server: Server, shop: Shop, operations: list[tuple[str, str]]
) -> None:
    from dukkan.support import services
    from dukkan.support.models import ConversationEvent

    visitor, token = visitor_token(shop.store)
    conversation = services.start_conversation(visitor).pk
    ws = server.ws
    people = {
        "visitor": Participant(
            f"{ws}/ws/chat/visitor/?store={shop.store.slug}&token={token}",
            server.http,
            "",
            conversation,
        ),
        "agent": Participant(
            f"{ws}/ws/chat/agent/?store={shop.store.slug}",
            server.http,
            shop.agent_cookie,
            conversation,
        ),
    }
    asyncio.run(run(operations, people))

    stored = dict(
        ConversationEvent.objects.filter(conversation_id=conversation, kind="message").values_list(
            "client_id", "seq"
        )
    )
    acked = {**people["visitor"].acked, **people["agent"].acked}
    assert acked == stored, "every send was acknowledged once, with the seq it is stored at"
    for person in people.values():
        seqs = [frame["seq"] for frame in person.received]
        assert seqs == sorted(set(seqs)), "nothing twice, nothing out of order"
        messages = {
            frame["event"]["client_id"]: frame["seq"]
            for frame in person.received
            if frame["event"]["kind"] == "message"
        }
        assert messages == stored, "every acknowledged message reached this participant"
