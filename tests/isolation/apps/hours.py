"""Business hours: B's holidays and hours are B's admins' only."""

from __future__ import annotations

from typing import Any

from dukkan.hours import services
from dukkan.hours.models import Holiday
from tests.isolation.walker import World


def build(world: World) -> None:
    world.extra["b_holiday"] = services.add_holiday(
        world.b, name="Bravo private holiday 6h2p", calendar="jalali", month=1, day=13
    )


def private_markers(world: World) -> list[str]:
    return ["Bravo private holiday 6h2p"]


def snapshot(world: World) -> Any:
    world.b.refresh_from_db()
    return (
        list(Holiday.objects.filter(store=world.b).values_list()),
        world.b.business_hours,
        world.b.weekend_days,
    )


def __getattr__(name: str) -> Any:
    if name != "PARAMETERS":
        raise AttributeError(name)
    from tests.isolation.walker import Param

    return {"holiday_id": Param(lambda w: str(w.extra["b_holiday"].pk), True, "B's holiday")}
