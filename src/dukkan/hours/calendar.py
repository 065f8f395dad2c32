"""Business-time arithmetic: when is a store (or a team) open, when is it back, and what is
"within 4 business hours" from a given moment.

Pure functions over a `Calendar` (weekly hours in the store's time zone, weekend days and
holiday dates), so they are easy to test with property-based tests. Every instant in and out
is an aware datetime; local wall-clock intervals are turned into instants day by day, so a
daylight-saving change shortens or lengthens that day's opening the way a clock on the wall
does (an interval that starts inside a skipped hour starts when the clock jumps).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# How far ahead we look for the next opening: a store closed for longer is "not coming back".
HORIZON_DAYS = 400


@dataclass(frozen=True)
class Calendar:
    time_zone: str
    # {"1": [["09:00", "17:00"]], ...}: ISO weekday (1 = Monday) → local opening intervals.
    hours: dict[str, list[list[str]]]
    weekend: frozenset[int] = frozenset()
    holidays: frozenset[date] = field(default_factory=frozenset)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def is_working_day(self, day: date) -> bool:
        return day.isoweekday() not in self.weekend and day not in self.holidays

    def day_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The instants (UTC) the calendar is open on local date `day`."""
        if not self.is_working_day(day):
            return []
        zone = self.zone
        found = []
        for start, end in self.hours.get(str(day.isoweekday()), []):
            opens = _instant(day, time.fromisoformat(start), zone)
            closes = _instant(day, time.fromisoformat(end), zone)
            if opens < closes:
                found.append((opens, closes))
        return found

    def intervals(
        self, since: datetime, days: int = HORIZON_DAYS
    ) -> Iterator[tuple[datetime, datetime]]:
        """Open intervals that end after `since`, in order, clipped to start no earlier than it."""
        since = since.astimezone(UTC)
        day = since.astimezone(self.zone).date() - timedelta(days=1)
        for offset in range(days + 2):
            for opens, closes in self.day_intervals(day + timedelta(days=offset)):
                if closes <= since:
                    continue
                yield max(opens, since), closes

    def is_open(self, at: datetime) -> bool:
        for opens, closes in self.intervals(at, days=1):
            return opens <= at.astimezone(UTC) < closes
        return False

    def next_open(self, at: datetime) -> datetime | None:
        """`at` itself when open, else the moment the calendar opens next (None: not within
        the horizon, e.g. no opening hours at all)."""
        for opens, _closes in self.intervals(at):
            return opens
        return None

    def add(self, start: datetime, duration: timedelta) -> datetime | None:
        """The instant when `duration` of open time has passed since `start`."""
        left = duration
        if left <= timedelta(0):
            return self.next_open(start)
        for opens, closes in self.intervals(start):
            span = closes - opens
            if left <= span:
                return opens + left
            left -= span
        return None

    def open_between(self, start: datetime, end: datetime) -> timedelta:
        """How much open time lies between two instants."""
        total = timedelta(0)
        end = end.astimezone(UTC)
        if end <= start:
            return total
        for opens, closes in self.intervals(start):
            if opens >= end:
                break
            total += min(closes, end) - opens
        return total


def _instant(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The instant a wall clock in `zone` shows `clock` on `day`.

    In a skipped hour (spring forward) that is the moment of the jump; in a repeated hour
    (fall back) the first of the two.
    """
    local = datetime.combine(day, clock, tzinfo=zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        # The wall time does not exist: the clock jumped over it. Take the jump itself.
        before = datetime.combine(day, clock, tzinfo=zone).replace(fold=1).astimezone(UTC)
        instant = min(instant, before)
        probe = instant
        while probe.astimezone(zone).replace(tzinfo=None) < local.replace(tzinfo=None):
            probe += timedelta(minutes=15)
        instant = probe
    return instant
