from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest


@dataclass
class Desk:
    store: Any
    owner: Any
    agent: Any
    visitor: Any
    conversation: Any


@pytest.fixture
def desk(make_store: Callable[..., Any], make_user: Callable[..., Any]) -> Desk:
    from dukkan.accounts import services as accounts
    from dukkan.accounts.models import Role
    from dukkan.support import services

    owner = make_user(display_name="Maryam")
    store = make_store(owner=owner, default_language="fa")
    agent = make_user(display_name="Ali")
    accounts.add_member(store=store, user=agent, role=Role.AGENT)
    visitor = services.create_visitor(store, name="سارا", email="sara@customers.example")
    conversation = services.start_conversation(visitor)
    return Desk(store, owner, agent, visitor, conversation)
