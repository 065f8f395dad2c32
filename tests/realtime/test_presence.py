"""Presence counted from connections across processes; silent ones expire."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from dukkan.core.events import subscribe
from dukkan.realtime import presence
from dukkan.realtime.events import AgentPresenceChanged
from dukkan.realtime.models import AgentConnection

changes: list[AgentPresenceChanged] = []


@subscribe(AgentPresenceChanged)
def _remember(event: AgentPresenceChanged) -> None:
    changes.append(event)


@pytest.mark.django_db
def test_online_while_any_connection_lives_away_by_choice_offline_when_expired(
    make_store: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    changes.clear()
    agent = make_user()
    store = make_store(owner=agent)
    outsider = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        assert presence.connect(store, agent, channel_name="c1", server="A") == "online"
        presence.connect(store, agent, channel_name="c2", server="B")
        # Someone who is not on the team never counts, whatever rows say.
        AgentConnection.objects.create(
            store=store, user=outsider, channel_name="x", server="A", seen_at=timezone.now()
        )
        assert presence.online_agents(store) == [agent]
        assert presence.disconnect(store, agent, channel_name="c1") == "online"  # c2 remains
        assert presence.set_status(store, agent, "away") == "away"
        assert presence.online_agents(store) == []
        presence.set_status(store, agent, "online")
        # Process B is killed: its rows are not refreshed and expire.
        AgentConnection.objects.filter(server="B").update(
            seen_at=timezone.now() - presence.EXPIRY - timedelta(seconds=1)
        )
        assert presence.agent_status(store, agent) == "offline"
        assert presence.expire() >= 1
    assert [(c.user_id, c.status) for c in changes if c.user_id == agent.pk] == [
        (agent.pk, "online"),
        (agent.pk, "away"),
        (agent.pk, "online"),
        (agent.pk, "offline"),
    ]
    assert presence.statuses(store) == {agent.pk: "offline"}
