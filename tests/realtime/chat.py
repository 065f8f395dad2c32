"""A small protocol client for the tests: real WebSockets and HTTP to a real server."""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

TIMEOUT = 15


@dataclass
class Chat:
    """One WebSocket connection, keeping every event it received per conversation."""

    url: str
    origin: str
    cookie: str = ""
    ws: ClientConnection | None = None
    welcome: dict[str, Any] = field(default_factory=dict)
    events: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    held: dict[int, int] = field(default_factory=dict)  # highest seq held per conversation
    frames: list[dict[str, Any]] = field(default_factory=list)  # everything but events

    async def open(self) -> dict[str, Any]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        self.ws = await connect(
            self.url,
            origin=Origin(self.origin),
            additional_headers=headers,
            open_timeout=TIMEOUT,
        )
        self.welcome = await self.next_frame()
        return self.welcome

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    async def drop(self) -> None:
        """Cut the TCP connection without a closing handshake (a dropped network)."""
        if self.ws is not None:
            self.ws.transport.abort()
            self.ws = None

    async def send(self, frame: dict[str, Any]) -> None:
        assert self.ws is not None
        await self.ws.send(json.dumps(frame))

    async def send_raw(self, data: str | bytes) -> None:
        assert self.ws is not None
        await self.ws.send(data)

    async def next_frame(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        assert self.ws is not None
        raw = await asyncio.wait_for(self.ws.recv(), timeout)
        frame: dict[str, Any] = json.loads(raw)
        if frame.get("type") == "event":
            conversation = frame["conversation"]
            self.events.setdefault(conversation, []).append(frame)
            self.held[conversation] = max(self.held.get(conversation, 0), frame["seq"])
        elif frame.get("type") == "synced":
            conversation = frame["conversation"]
            self.held[conversation] = max(self.held.get(conversation, 0), frame["seq"])
        else:
            self.frames.append(frame)
        return frame

    async def wait_for(self, kind: str, timeout: float = TIMEOUT, **match: Any) -> dict[str, Any]:
        """The next frame of type `kind` whose fields equal `match`; others are kept."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            frame = await self.next_frame(max(0.01, deadline - loop.time()))
            if frame.get("type") == kind and all(frame.get(k) == v for k, v in match.items()):
                return frame

    async def say(
        self, body: str, conversation: int | None = None, client_id: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        """Send a message and wait for its ack (or an error about it)."""
        client_id = client_id or uuid.uuid4().hex
        frame: dict[str, Any] = {"type": "send", "client_id": client_id, "body": body, **extra}
        if conversation is not None:
            frame["conversation"] = conversation
        await self.send(frame)
        while True:
            reply = await self.next_frame()
            if (
                reply.get("type") in ("ack", "error")
                and reply.get("client_id", reply.get("ref")) == client_id
            ):
                return reply

    async def hello(self, **extra: Any) -> None:
        after = {str(k): v for k, v in self.held.items()}
        await self.send({"type": "hello", "after": after, **extra})
        for conversation in self.held:
            await self.wait_for("synced", conversation=conversation)

    def bodies(self, conversation: int) -> list[str]:
        return [
            e["event"]["body"]
            for e in self.events.get(conversation, [])
            if e["event"]["kind"] in ("message", "note")
        ]

    def seqs(self, conversation: int) -> list[int]:
        return [e["seq"] for e in self.events.get(conversation, [])]
