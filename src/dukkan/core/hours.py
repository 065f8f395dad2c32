"""Business hours and weekends of a store.

Hours are kept as ``{"1": [["09:00", "17:00"]], ...}`` keyed by ISO weekday
(1 = Monday … 7 = Sunday); a weekday missing or empty is closed.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ISO_WEEKDAYS = range(1, 8)
WEEKDAY_NAMES = {
    1: gettext_lazy("Monday"),
    2: gettext_lazy("Tuesday"),
    3: gettext_lazy("Wednesday"),
    4: gettext_lazy("Thursday"),
    5: gettext_lazy("Friday"),
    6: gettext_lazy("Saturday"),
    7: gettext_lazy("Sunday"),
}
WEEKEND_PRESETS: dict[str, tuple[list[int], Any]] = {
    "fri": ([5], gettext_lazy("Friday")),
    "thu_fri": ([4, 5], gettext_lazy("Thursday and Friday")),
    "fri_sat": ([5, 6], gettext_lazy("Friday and Saturday")),
    "sat_sun": ([6, 7], gettext_lazy("Saturday and Sunday")),
}
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def default_hours(weekend: list[int]) -> dict[str, list[list[str]]]:
    return {str(day): ([] if day in weekend else [["09:00", "17:00"]]) for day in ISO_WEEKDAYS}


def validate_weekend(days: Any) -> None:
    if not isinstance(days, list) or any(
        not isinstance(d, int) or d not in ISO_WEEKDAYS for d in days
    ):
        raise ValidationError(
            _("Weekend days must be weekday numbers from 1 (Monday) to 7 (Sunday).")
        )
    if len(set(days)) != len(days) or len(days) > 3:
        raise ValidationError(_("Choose at most three different weekend days."))


def validate_hours(hours: Any) -> None:
    if not isinstance(hours, dict):
        raise ValidationError(_("Business hours must map weekdays to opening intervals."))
    for key, intervals in hours.items():
        if key not in {str(d) for d in ISO_WEEKDAYS}:
            raise ValidationError(_("Unknown weekday %(day)s in business hours.") % {"day": key})
        if not isinstance(intervals, list):
            raise ValidationError(
                _("Opening intervals of %(day)s must be a list.") % {"day": WEEKDAY_NAMES[int(key)]}
            )
        previous_end = ""
        for interval in intervals:
            if (
                not isinstance(interval, list | tuple)
                or len(interval) != 2
                or not all(isinstance(t, str) and _TIME.match(t) for t in interval)
            ):
                raise ValidationError(_("Times must be written as HH:MM, for example 09:00."))
            start, end = interval
            if start >= end:
                raise ValidationError(
                    _("On %(day)s an interval ends (%(end)s) before it starts (%(start)s).")
                    % {"day": WEEKDAY_NAMES[int(key)], "start": start, "end": end}
                )
            if previous_end and start < previous_end:
                raise ValidationError(
                    _("Intervals on %(day)s overlap.") % {"day": WEEKDAY_NAMES[int(key)]}
                )
            previous_end = end


def is_open(hours: dict[str, list[list[str]]], tz_name: str, at: datetime) -> bool:
    local = at.astimezone(ZoneInfo(tz_name))
    now = local.time().replace(second=0, microsecond=0)
    for start, end in hours.get(str(local.isoweekday()), []):
        if time.fromisoformat(start) <= now < time.fromisoformat(end):
            return True
    return False
