"""The answer bot, teams, agents' languages, ratings and measures are B's team's only."""

from __future__ import annotations

from typing import Any

from dukkan.answerbot import services
from dukkan.answerbot.models import AgentLanguages, BotSettings, Team
from tests.isolation.walker import World


def build(world: World) -> None:
    services.update_settings(world.b, enabled=True, threshold=0.7)
    world.extra["b_team"] = services.save_team(
        world.b, name="Bravo team 6h2p", languages=["fa"], members=[world.b_agent.pk]
    )
    services.set_agent_languages(world.b, world.b_agent.pk, ["fa"])


def private_markers(world: World) -> list[str]:
    return ["Bravo team 6h2p"]


def snapshot(world: World) -> Any:
    return (
        list(BotSettings.objects.filter(store=world.b).values_list()),
        list(Team.objects.filter(store=world.b).values_list()),
        list(AgentLanguages.objects.filter(store=world.b).values_list()),
    )


def __getattr__(name: str) -> Any:
    if name != "PARAMETERS":
        raise AttributeError(name)
    from tests.isolation.walker import Param

    return {
        "team_id": Param(lambda w: str(w.extra["b_team"].pk), True, "B's team"),
        "user_id": Param(lambda w: str(w.b_agent.pk), True, "B's agent (their languages)"),
    }
