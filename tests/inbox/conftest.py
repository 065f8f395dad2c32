"""Fixtures of the inbox tests: a store with an owner and an agent, and customers who write."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from dukkan.accounts import services as accounts
from dukkan.accounts.models import Membership, Role, User
from dukkan.core.models import Store
from dukkan.support import services as support
from dukkan.support.models import Conversation
from tests.tasks import run_queued_tasks  # noqa: F401  (imported from here by tests)


@dataclass
class Shop:
    store: Store
    owner: User
    agent: User
    admin: User

    def membership(self, user: User) -> Membership:
        return Membership.objects.get(store=self.store, user=user)

    def client(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    def url(self, path: str = "", language: str = "en") -> str:
        return f"/{language}/dashboard/{self.store.slug}/inbox/{path}"


@pytest.fixture
def shop(make_store: Callable[..., Any], make_user: Callable[..., Any]) -> Shop:
    owner = make_user(display_name="Salma Owner", language="ar")
    store = make_store(owner=owner, name="Al Warraq", default_language="ar")
    agent = make_user(display_name="Yousef Agent", language="ar")
    admin = make_user(display_name="Hala Admin", language="en")
    accounts.add_member(store=store, user=agent, role=Role.AGENT)
    accounts.add_member(store=store, user=admin, role=Role.ADMIN)
    return Shop(store, owner, agent, admin)


@pytest.fixture
def customer_says(db: None) -> Callable[..., Conversation]:
    """A visitor of `store` starts a conversation with `text` (through support's services)."""

    def say(
        store: Store,
        text: str,
        *,
        name: str = "Noura",
        email: str = "",
        language: str = "ar",
        conversation: Conversation | None = None,
    ) -> Conversation:
        if conversation is None:
            visitor = support.create_visitor(store, name=name, email=email, language=language)
            conversation = support.start_conversation(visitor)
        support.post_message(conversation, author_kind="visitor", body=text)
        conversation.refresh_from_db()
        return conversation

    return say


def go_online(store: Store, user: User, name: str = "test") -> None:
    """The agent opens the inbox: one live agent connection, as the socket would record it."""
    from dukkan.realtime import presence

    presence.connect(store, user, channel_name=f"{name}-{user.pk}", server="pytest")
