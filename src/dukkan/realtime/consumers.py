"""The WebSocket side of the delivery protocol (docs/protocol.md), for visitors and agents.

Each connection remembers, per subscribed conversation, the highest seq it has passed on
(`self.sent`). Live events come from the channel layer; one with exactly the next seq goes
out, one already sent is dropped, one that jumps ahead makes the connection read the gap from
the database. A watchdog compares with the database every heartbeat, so a lost pub/sub
message is delivered late, never lost.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from http.cookies import SimpleCookie
from typing import Any, TypeVar
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from dukkan.accounts.models import Membership, User
from dukkan.core.models import Store
from dukkan.realtime import presence, protocol
from dukkan.realtime.dbpool import SERVER_ID, run_db
from dukkan.support import fanout, selectors, services
from dukkan.support.models import AuthorKind, Conversation, Visitor

logger = logging.getLogger(__name__)

T = TypeVar("T")

REPLAY_BATCH = 500
FRAME_LIMIT = 64 * 1024
CLOSE_UNAUTHORIZED = 4401
CLOSE_IDLE = 4408


class ChatConsumer(AsyncWebsocketConsumer):
    role = ""

    # Set in connect().
    store: Store
    language: str
    sent: dict[int, int]
    conversations: dict[int, Conversation]
    bucket: protocol.TokenBucket
    last_received: float
    last_limited: float
    watchdog: asyncio.Task[None] | None = None
    lock: asyncio.Lock
    authenticated = False

    # Connection ---------------------------------------------------------------------------

    async def connect(self) -> None:
        fanout.bind_loop(asyncio.get_running_loop())
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        self.query = {key: values[-1] for key, values in query.items()}
        self.language = protocol.language(self.query.get("lang", ""))
        self.sent = {}
        self.conversations = {}
        self.bucket = protocol.TokenBucket(protocol.FRAME_RATE, protocol.FRAME_BURST)
        self.last_received = time.monotonic()
        self.last_limited = 0.0
        self.lock = asyncio.Lock()
        await self.accept()
        try:
            welcome = await self.authenticate()
        except DatabaseError:
            logger.exception("chat connection could not be authenticated")
            welcome = None
        if welcome is None:
            with translation.override(self.language):
                message = _("You are not allowed to join this chat.")
            await self.send_frame({"type": "error", "code": "unauthorized", "message": message})
            await self.close(code=CLOSE_UNAUTHORIZED)
            return
        self.authenticated = True
        self.watchdog = asyncio.get_running_loop().create_task(self.watch())
        await self.send_frame(welcome)

    async def authenticate(self) -> dict[str, Any] | None:
        raise NotImplementedError

    async def disconnect(self, code: int) -> None:
        if self.watchdog is not None:
            self.watchdog.cancel()
        for conversation_id in list(self.sent):
            _unfollow(self, conversation_id)
        for conversation_id in list(self.sent):
            await self.channel_layer.group_discard(
                fanout.conversation_group(conversation_id), self.channel_name
            )

    async def watch(self) -> None:
        """Close silent connections; every heartbeat, catch up with the database."""
        try:
            while True:
                await asyncio.sleep(presence.HEARTBEAT)
                if time.monotonic() - self.last_received > 3 * presence.HEARTBEAT:
                    await self.close(code=CLOSE_IDLE)
                    return
                await self.heartbeat()
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("chat watchdog failed")

    async def heartbeat(self) -> None:
        pass

    async def catch_up(self, conversation_id: int) -> None:
        """The database is ahead of this connection (a pub/sub message was lost): replay."""
        try:
            async with self.lock:
                if conversation_id in self.sent:
                    await self.replay(conversation_id)
        except Exception:
            logger.warning("catching up failed; the next heartbeat tries again", exc_info=True)

    async def db(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await run_db(function, *args, language=self.language, **kwargs)

    async def send_frame(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(frame, ensure_ascii=False, separators=(",", ":")))

    async def error(self, code: str, message: str, **extra: Any) -> None:
        frame = {"type": "error", "code": code, "message": message}
        frame.update({k: v for k, v in extra.items() if v is not None})
        await self.send_frame(frame)

    # Frames in ---------------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not self.authenticated:
            return
        self.last_received = time.monotonic()
        with translation.override(self.language):
            if not self.bucket.take():
                now = time.monotonic()
                if now - self.last_limited >= 1:
                    self.last_limited = now
                    await self.error(
                        "rate_limited",
                        _("Too many frames; wait a moment."),
                        retry_after=self.bucket.retry_after(),
                        limit=protocol.FRAME_RATE,
                    )
                return
            if text_data is None:
                await self.error("bad_json", _("Only JSON text frames are understood."))
                return
            if len(text_data) > FRAME_LIMIT:
                await self.error(
                    "frame_too_large",
                    _("A frame may be at most %(limit)s bytes.") % {"limit": FRAME_LIMIT},
                    limit=FRAME_LIMIT,
                )
                return
            try:
                frame = json.loads(text_data)
            except ValueError:
                frame = None
            if not isinstance(frame, dict):
                await self.error("bad_json", _("A frame must be a JSON object."))
                return
            kind = frame.get("type")
            handler = self.handlers().get(kind) if isinstance(kind, str) else None
            if handler is None:
                await self.error(
                    "unknown_type",
                    _("Unknown frame type."),
                    ref=kind if isinstance(kind, str) else None,
                )
                return
            try:
                await handler(frame)
            except protocol.BadFrame as bad:
                await self.error("bad_frame", str(bad), ref=bad.ref or kind)
            except ValidationError as invalid:
                await self.validation_error(invalid, ref=frame.get("client_id") or kind)
            except Exception:
                # The database, or a bug: say so and keep the connection; nothing half-written
                # (every write is one transaction), so the same frame may simply be sent again.
                logger.exception("chat frame failed", extra={"frame_type": kind})
                await self.error(
                    "unavailable",
                    _("The message could not be stored just now; send it again."),
                    retry_after=1,
                    ref=frame.get("client_id") or kind,
                )

    async def validation_error(self, invalid: ValidationError, *, ref: Any) -> None:
        code = invalid.code or "bad_frame"
        params = invalid.params or {}
        status_code = {"too_long", "empty", "not_found", "forbidden", "client_id_conflict"}
        await self.error(
            code if code in status_code else "bad_frame",
            " ".join(invalid.messages),
            ref=ref if isinstance(ref, str) else None,
            limit=params.get("limit"),
        )

    def handlers(self) -> dict[str, Callable[[dict[str, Any]], Any]]:
        return {
            "ping": self.on_ping,
            "hello": self.on_hello,
            "subscribe": self.on_subscribe,
            "unsubscribe": self.on_unsubscribe,
            "send": self.on_send,
            "typing": self.on_typing,
            "read": self.on_read,
            "delivered": self.on_delivered,
        }

    async def on_ping(self, frame: dict[str, Any]) -> None:
        await self.send_frame({"type": "pong", "id": frame.get("id")})

    async def on_hello(self, frame: dict[str, Any]) -> None:
        after = frame.get("after", {})
        if not isinstance(after, dict):
            raise protocol.BadFrame(_("after must be an object of conversation: seq."))
        for key, seq in list(after.items())[:50]:
            await self.subscribe(protocol.integer(key, "conversation"), protocol.seq(seq, "after"))

    async def on_subscribe(self, frame: dict[str, Any]) -> None:
        await self.subscribe(
            protocol.integer(frame.get("conversation"), "conversation"),
            protocol.seq(frame.get("after", 0), "after"),
        )

    async def on_unsubscribe(self, frame: dict[str, Any]) -> None:
        conversation_id = protocol.integer(frame.get("conversation"), "conversation")
        _unfollow(self, conversation_id)
        if self.sent.pop(conversation_id, None) is not None:
            await self.channel_layer.group_discard(
                fanout.conversation_group(conversation_id), self.channel_name
            )

    async def subscribe(self, conversation_id: int, after: int) -> None:
        conversation = await self.db(self.find_conversation, conversation_id)
        if conversation is None:
            await self.error(
                "not_found", _("There is no such conversation."), ref=str(conversation_id)
            )
            return
        self.conversations[conversation.pk] = conversation
        await self.channel_layer.group_add(
            fanout.conversation_group(conversation.pk), self.channel_name
        )
        async with self.lock:
            self.sent[conversation.pk] = after
            _follow(self, conversation.pk)
            await self.replay(conversation.pk)
            await self.send_frame(
                {
                    "type": "synced",
                    "conversation": conversation.pk,
                    "seq": self.sent[conversation.pk],
                }
            )
        await self.subscribed(conversation)

    async def subscribed(self, conversation: Conversation) -> None:
        pass

    def find_conversation(self, conversation_id: int) -> Conversation | None:
        raise NotImplementedError

    async def replay(self, conversation_id: int) -> None:
        """Send every event after `self.sent[...]` from the database (caller holds the lock)."""
        while True:
            after = self.sent[conversation_id]
            batch = await self.db(self._frames_after, conversation_id, after)
            for seq, frame in batch:
                if frame is not None:
                    await self.send_frame(frame)
                self.sent[conversation_id] = seq
            if len(batch) < REPLAY_BATCH:
                return

    def _frames_after(
        self, conversation_id: int, after: int
    ) -> list[tuple[int, dict[str, Any] | None]]:
        conversation = self.conversations[conversation_id]
        visitor = self.role == "visitor"
        return [
            (
                event.seq,
                fanout.event_frame(event, for_visitor=visitor)
                if (event.visible_to_visitor or not visitor)
                else None,
            )
            for event in selectors.events_after(conversation, after, limit=REPLAY_BATCH)
        ]

    async def on_send(self, frame: dict[str, Any]) -> None:
        raise NotImplementedError

    async def deliver_own(self, conversation: Conversation, posted: services.Posted) -> None:
        """After an ack: pass the sender its own event in order (or fill a gap first)."""
        if conversation.pk not in self.sent:
            await self.channel_layer.group_add(
                fanout.conversation_group(conversation.pk), self.channel_name
            )
            async with self.lock:
                self.sent[conversation.pk] = 0
                _follow(self, conversation.pk)
                await self.replay(conversation.pk)
                await self.send_frame(
                    {
                        "type": "synced",
                        "conversation": conversation.pk,
                        "seq": self.sent[conversation.pk],
                    }
                )
            return
        async with self.lock:
            last = self.sent[conversation.pk]
            seq = posted.event.seq
            if seq == last + 1:
                self.sent[conversation.pk] = seq
                await self.send_frame(
                    fanout.event_frame(posted.event, for_visitor=self.role == "visitor")
                )
            elif seq > last:
                await self.replay(conversation.pk)

    def ack(self, posted: services.Posted) -> dict[str, Any]:
        return {
            "type": "ack",
            "client_id": posted.event.client_id,
            "conversation": posted.event.conversation_id,
            "seq": posted.event.seq,
            "created_at": posted.event.created_at.isoformat(),
            "duplicate": not posted.created,
        }

    def subscribed_conversation(self, frame: dict[str, Any]) -> Conversation:
        conversation_id = protocol.integer(frame.get("conversation"), "conversation")
        conversation = self.conversations.get(conversation_id)
        if conversation is None:
            raise ValidationError(_("There is no such conversation."), code="not_found")
        return conversation

    async def maybe_conversation(self, frame: dict[str, Any]) -> Conversation:
        conversation_id = protocol.integer(frame.get("conversation"), "conversation")
        conversation = self.conversations.get(conversation_id)
        if conversation is None:
            conversation = await self.db(self.find_conversation, conversation_id)
            if conversation is None:
                raise ValidationError(_("There is no such conversation."), code="not_found")
            self.conversations[conversation.pk] = conversation
        return conversation

    async def on_typing(self, frame: dict[str, Any]) -> None:
        conversation = await self.maybe_conversation(frame)
        on = protocol.boolean(frame.get("on", True), "on")
        note = self.role == "agent" and protocol.boolean(frame.get("note", False), "note")
        await self.channel_layer.group_send(
            fanout.conversation_group(conversation.pk),
            {
                "type": "chat.typing",
                "sender": self.channel_name,
                "note": note,
                "frame": {
                    "type": "typing",
                    "conversation": conversation.pk,
                    "author": self.typing_author(),
                    "on": on,
                    "note": note,
                },
            },
        )

    def typing_author(self) -> dict[str, Any]:
        raise NotImplementedError

    async def on_read(self, frame: dict[str, Any]) -> None:
        conversation = await self.maybe_conversation(frame)
        seq = protocol.seq(frame.get("seq"), "seq")
        await self.db(
            services.mark_read, conversation, side=self.role, seq=seq, user=self.user_or_none()
        )

    async def on_delivered(self, frame: dict[str, Any]) -> None:
        conversation = await self.maybe_conversation(frame)
        seq = protocol.seq(frame.get("seq"), "seq")
        await self.db(services.mark_delivered, conversation, side=self.role, seq=seq)

    def user_or_none(self) -> User | None:
        return None

    # Group messages in ---------------------------------------------------------------------

    async def chat_event(self, message: dict[str, Any]) -> None:
        conversation_id = message["conversation"]
        seq = message["seq"]
        async with self.lock:
            last = self.sent.get(conversation_id)
            if last is None or seq <= last:
                return
            if seq == last + 1:
                self.sent[conversation_id] = seq
                frame = message["visitor_frame"] if self.role == "visitor" else message["frame"]
                if frame is not None:
                    await self.send_frame(frame)
                return
            await self.replay(conversation_id)

    async def chat_typing(self, message: dict[str, Any]) -> None:
        if message.get("sender") == self.channel_name:
            return
        frame = message["frame"]
        if frame["conversation"] not in self.sent:
            return
        if self.role == "visitor":
            if message.get("note"):
                return
            frame = {**frame, "author": {k: v for k, v in frame["author"].items() if k != "id"}}
        await self.send_frame(frame)

    async def chat_receipt(self, message: dict[str, Any]) -> None:
        frame = message["frame"]
        if frame["conversation"] in self.sent and frame["side"] != self.role:
            await self.send_frame(frame)

    async def chat_viewing(self, message: dict[str, Any]) -> None:
        pass

    async def chat_inbox(self, message: dict[str, Any]) -> None:
        pass


class VisitorConsumer(ChatConsumer):
    role = AuthorKind.VISITOR
    visitor: Visitor

    async def authenticate(self) -> dict[str, Any] | None:
        found = await self.db(
            self._visitor, self.query.get("store", ""), self.query.get("token", "")
        )
        if found is None:
            return None
        self.visitor, conversations = found
        self.store = self.visitor.store
        if not self.query.get("lang"):
            self.language = protocol.language(self.visitor.language or self.store.default_language)
        return {
            "type": "welcome",
            "server": SERVER_ID,
            "heartbeat": presence.HEARTBEAT,
            "role": "visitor",
            "conversations": conversations,
        }

    def _visitor(self, slug: str, token: str) -> tuple[Visitor, list[dict[str, Any]]] | None:
        store = Store.objects.filter(slug=slug, is_active=True).first()
        if store is None or not token:
            return None
        if not origin_allowed(store, self.scope):
            return None
        visitor = selectors.visitor_from_token(store, token)
        if visitor is None:
            return None
        services.touch_visitor(visitor)
        conversations = [
            {"id": c.pk, "status": c.status, "last_seq": c.last_seq}
            for c in selectors.visitor_conversations(visitor)[:10]
        ]
        return visitor, conversations

    def find_conversation(self, conversation_id: int) -> Conversation | None:
        return selectors.conversation_for_visitor(self.visitor, conversation_id)

    def typing_author(self) -> dict[str, Any]:
        return {"kind": "visitor", "name": self.visitor.display_name}

    async def on_send(self, frame: dict[str, Any]) -> None:
        client_id = protocol.client_id(frame.get("client_id"))
        body = protocol.text(frame.get("body", ""), "body")
        if frame.get("note"):
            raise ValidationError(_("Visitors cannot write notes."), code="forbidden")
        attachment_id = frame.get("attachment")
        if attachment_id is not None:
            attachment_id = protocol.integer(attachment_id, "attachment")
        conversation_id = frame.get("conversation")
        if conversation_id is not None:
            conversation_id = protocol.integer(conversation_id, "conversation")
        conversation = self.conversations.get(conversation_id) if conversation_id else None
        result = await self.db(
            self._post, conversation_id, conversation, client_id, body, attachment_id
        )
        if isinstance(result, int):
            with translation.override(self.language):
                await self.error(
                    "rate_limited",
                    _("You are sending messages too fast; wait a moment."),
                    retry_after=result,
                    limit=protocol.VISITOR_MESSAGES,
                    ref=client_id,
                )
            return
        conversation, posted = result
        self.conversations[conversation.pk] = conversation
        await self.send_frame(self.ack(posted))
        await self.deliver_own(conversation, posted)

    def _post(
        self,
        conversation_id: int | None,
        conversation: Conversation | None,
        client_id: str,
        body: str,
        attachment_id: int | None,
    ) -> tuple[Conversation, services.Posted] | int:
        if conversation is None:
            if conversation_id is not None:
                conversation = selectors.conversation_for_visitor(self.visitor, conversation_id)
                if conversation is None:
                    raise ValidationError(_("There is no such conversation."), code="not_found")
            else:
                conversation = services.start_or_resume_conversation(self.visitor)
        retry_after = protocol.visitor_limit(self.visitor.pk)
        if retry_after:
            return retry_after
        attachment = None
        if attachment_id is not None:
            attachment = services.attachment_for(self.store, attachment_id)
            if attachment is None or attachment.visitor_id not in (None, self.visitor.pk):
                raise ValidationError(_("Unknown attachment."), code="not_found")
        posted = services.post_message(
            conversation,
            author_kind=AuthorKind.VISITOR,
            body=body,
            client_id=client_id,
            attachment=attachment,
        )
        return conversation, posted


class AgentConsumer(ChatConsumer):
    role = AuthorKind.AGENT
    user: User
    inbox = False
    counts_task: asyncio.Task[None] | None = None
    viewers: dict[int, set[int]]

    async def authenticate(self) -> dict[str, Any] | None:
        found = await self.db(self._member, self.query.get("store", ""))
        if found is None:
            return None
        self.store, self.user, status = found
        self.viewers = {}
        ensure_presence_refresher()
        if not self.query.get("lang"):
            self.language = protocol.language(self.user.language or self.store.default_language)
        return {
            "type": "welcome",
            "server": SERVER_ID,
            "heartbeat": presence.HEARTBEAT,
            "role": "agent",
            "user": {"id": self.user.pk, "name": str(self.user)},
            "store": self.store.slug,
            "presence": status,
        }

    def _member(self, slug: str) -> tuple[Store, User, str] | None:
        user = session_user(self.scope)
        store = Store.objects.filter(slug=slug).first()
        if user is None or store is None:
            return None
        if not Membership.objects.filter(store=store, user=user).exists():
            return None
        status = presence.connect(store, user, channel_name=self.channel_name, server=SERVER_ID)
        return store, user, status

    async def disconnect(self, code: int) -> None:
        await super().disconnect(code)
        if not self.authenticated:
            return
        if self.counts_task is not None:
            self.counts_task.cancel()
        if self.inbox:
            await self.channel_layer.group_discard(
                fanout.inbox_group(self.store.pk), self.channel_name
            )
        for conversation_id in list(self.sent):
            await self.announce_viewing(conversation_id, on=False)
        try:
            await self.db(
                presence.disconnect, self.store, self.user, channel_name=self.channel_name
            )
        except DatabaseError:
            logger.warning("agent connection could not be removed; it will expire", exc_info=True)

    def handlers(self) -> dict[str, Callable[[dict[str, Any]], Any]]:
        return {**super().handlers(), "presence": self.on_presence}

    def find_conversation(self, conversation_id: int) -> Conversation | None:
        return selectors.conversation_for_store(self.store, conversation_id)

    def typing_author(self) -> dict[str, Any]:
        return {"kind": "agent", "id": self.user.pk, "name": str(self.user)}

    def user_or_none(self) -> User | None:
        return self.user

    async def heartbeat(self) -> None:
        for conversation_id in list(self.sent):
            await self.announce_viewing(conversation_id, on=True)

    async def on_hello(self, frame: dict[str, Any]) -> None:
        inbox = protocol.boolean(frame.get("inbox", False), "inbox")
        await super().on_hello(frame)
        if inbox and not self.inbox:
            self.inbox = True
            await self.channel_layer.group_add(fanout.inbox_group(self.store.pk), self.channel_name)
            await self.send_counts()

    async def subscribed(self, conversation: Conversation) -> None:
        self.viewers[conversation.pk] = set()
        await self.announce_viewing(conversation.pk, on=True)

    async def on_unsubscribe(self, frame: dict[str, Any]) -> None:
        conversation_id = protocol.integer(frame.get("conversation"), "conversation")
        if conversation_id in self.sent:
            await self.announce_viewing(conversation_id, on=False)
        self.viewers.pop(conversation_id, None)
        await super().on_unsubscribe(frame)

    async def announce_viewing(self, conversation_id: int, *, on: bool) -> None:
        await self.channel_layer.group_send(
            fanout.conversation_group(conversation_id),
            {
                "type": "chat.viewing",
                "sender": self.channel_name,
                "frame": {
                    "type": "viewing",
                    "conversation": conversation_id,
                    "agent": {"id": self.user.pk, "name": str(self.user)},
                    "on": on,
                },
            },
        )

    async def chat_viewing(self, message: dict[str, Any]) -> None:
        frame = message["frame"]
        conversation_id = frame["conversation"]
        if message.get("sender") == self.channel_name or conversation_id not in self.sent:
            return
        agent_id = frame["agent"]["id"]
        if agent_id == self.user.pk:
            return
        await self.send_frame(frame)
        seen = self.viewers.setdefault(conversation_id, set())
        if frame["on"] and agent_id not in seen:
            seen.add(agent_id)
            # A newcomer: tell them we are here too (once).
            await self.announce_viewing(conversation_id, on=True)
        elif not frame["on"]:
            seen.discard(agent_id)

    async def on_presence(self, frame: dict[str, Any]) -> None:
        status = frame.get("status")
        if status not in ("online", "away"):
            raise protocol.BadFrame(_('status must be "online" or "away".'), ref="presence")
        await self.db(presence.set_status, self.store, self.user, status)

    async def on_send(self, frame: dict[str, Any]) -> None:
        client_id = protocol.client_id(frame.get("client_id"))
        body = protocol.text(frame.get("body", ""), "body")
        note = protocol.boolean(frame.get("note", False), "note")
        attachment_id = frame.get("attachment")
        if attachment_id is not None:
            attachment_id = protocol.integer(attachment_id, "attachment")
        conversation = await self.maybe_conversation(frame)
        posted = await self.db(self._post, conversation, client_id, body, note, attachment_id)
        await self.send_frame(self.ack(posted))
        await self.deliver_own(conversation, posted)

    def _post(
        self,
        conversation: Conversation,
        client_id: str,
        body: str,
        note: bool,
        attachment_id: int | None,
    ) -> services.Posted:
        if note:
            if attachment_id is not None:
                raise ValidationError(_("Notes cannot carry attachments."), code="forbidden")
            return services.post_note(
                conversation, author=self.user, body=body, client_id=client_id
            )
        attachment = None
        if attachment_id is not None:
            attachment = services.attachment_for(self.store, attachment_id)
            if attachment is None or attachment.visitor_id is not None:
                raise ValidationError(_("Unknown attachment."), code="not_found")
        return services.post_message(
            conversation,
            author_kind=AuthorKind.AGENT,
            author=self.user,
            body=body,
            client_id=client_id,
            attachment=attachment,
        )

    async def chat_inbox(self, message: dict[str, Any]) -> None:
        if not self.inbox:
            return
        frame = message["frame"]
        await self.send_frame(frame)
        if frame.get("counts_changed") and self.counts_task is None:
            self.counts_task = asyncio.get_running_loop().create_task(self.counts_later())

    async def counts_later(self) -> None:
        try:
            await asyncio.sleep(1)
            self.counts_task = None
            await self.send_counts()
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("inbox counts failed")

    async def send_counts(self) -> None:
        counts = await self.db(selectors.counts, self.store, self.user)
        await self.send_frame({"type": "inbox", "change": "counts", "counts": counts})


# Which connections of this process follow which conversation, for the heartbeat check.
_followers: dict[int, set[ChatConsumer]] = {}
_syncer: asyncio.Task[None] | None = None
_catching_up: set[asyncio.Task[None]] = set()
HEADS_BATCH = 1000


def _follow(consumer: ChatConsumer, conversation_id: int) -> None:
    global _syncer
    _followers.setdefault(conversation_id, set()).add(consumer)
    if _syncer is None or _syncer.done():
        _syncer = asyncio.get_running_loop().create_task(_sync_heads())


def _unfollow(consumer: ChatConsumer, conversation_id: int) -> None:
    followers = _followers.get(conversation_id)
    if followers is not None:
        followers.discard(consumer)
        if not followers:
            del _followers[conversation_id]


def _heads(ids: list[int]) -> dict[int, int]:
    return dict(Conversation.objects.filter(pk__in=ids).values_list("pk", "last_seq"))


async def _sync_heads() -> None:
    """Every heartbeat, one query per process compares every followed conversation's head
    with what its connections have sent; any that fell behind (a lost pub/sub message, even
    the last one of a conversation) replays from the database."""
    while True:
        await asyncio.sleep(presence.HEARTBEAT)
        try:
            ids = list(_followers)
            for start in range(0, len(ids), HEADS_BATCH):
                heads = await run_db(_heads, ids[start : start + HEADS_BATCH])
                for conversation_id, last_seq in heads.items():
                    for consumer in list(_followers.get(conversation_id, ())):
                        if consumer.sent.get(conversation_id, last_seq) < last_seq:
                            task = asyncio.get_running_loop().create_task(
                                consumer.catch_up(conversation_id)
                            )
                            _catching_up.add(task)
                            task.add_done_callback(_catching_up.discard)
        except Exception:
            logger.warning("the heartbeat check of conversation heads failed", exc_info=True)


_refresher: asyncio.Task[None] | None = None


def ensure_presence_refresher() -> None:
    """One task per process marks all its agent connections alive every heartbeat."""
    global _refresher
    if _refresher is None or _refresher.done():
        _refresher = asyncio.get_running_loop().create_task(_refresh_presence())


async def _refresh_presence() -> None:
    while True:
        await asyncio.sleep(presence.HEARTBEAT)
        try:
            await run_db(presence.refresh, SERVER_ID)
        except Exception:
            logger.warning("presence refresh failed", exc_info=True)


def origin_allowed(store: Store, scope: dict[str, Any]) -> bool:
    """The widget's per-store origin rule (`dukkan.widget.selectors.origin_allowed`), if any."""
    from importlib import import_module

    try:
        widget_selectors = import_module("dukkan.widget.selectors")
    except ImportError:
        return True
    check: Callable[[Store, str, str], bool] | None = getattr(
        widget_selectors, "origin_allowed", None
    )
    if check is None:
        return True
    origin = host = ""
    for name, value in scope.get("headers", []):
        if name == b"origin":
            origin = value.decode("latin-1")
        elif name == b"host":
            host = value.decode("latin-1")
    scheme = "https" if scope.get("scheme") == "wss" else "http"
    return check(store, origin, f"{scheme}://{host}" if host else "")


def session_user(scope: dict[str, Any]) -> User | None:
    """The signed-in user of the session cookie, checked as Django's `get_user` does."""
    from importlib import import_module

    cookies = SimpleCookie()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            cookies.load(value.decode("latin-1"))
    morsel = cookies.get(settings.SESSION_COOKIE_NAME)
    if morsel is None:
        return None
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore(morsel.value)
    try:
        user_id = session[SESSION_KEY]
        backend_path = session[BACKEND_SESSION_KEY]
    except KeyError:
        return None
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    user = load_backend(backend_path).get_user(user_id)
    if not isinstance(user, User) or not user.is_active:
        return None
    session_hash = session.get(HASH_SESSION_KEY)
    if not session_hash or not constant_time_compare(session_hash, user.get_session_auth_hash()):
        return None
    return user
