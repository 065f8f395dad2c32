"""Report cards: B's card, figures and level stay B's (A's members never see them)."""

from __future__ import annotations

from datetime import date
from typing import Any

from dukkan.reportcards.models import ReportCard
from tests.isolation.walker import World


def build(world: World) -> None:
    ReportCard.objects.create(
        store=world.b,
        period=date(2026, 3, 1),
        status="done",
        category="service",
        metrics={"rating": 3.17, "completed": 7},
        negatives=[{"code": "refund_rate", "value": 0.4321, "median": 0.01}],
        suggestions=["descriptions"],
    )


def private_markers(world: World) -> list[str]:
    return ["3.17", "43%"]


def snapshot(world: World) -> Any:
    return list(ReportCard.objects.filter(store=world.b).values_list())
