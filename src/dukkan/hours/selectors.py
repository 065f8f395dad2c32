"""Reads of business hours: a store's (or a team's) `Calendar`, and how to say a moment."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import jdatetime
from babel.dates import format_datetime
from django.db.models import QuerySet
from django.utils import timezone

from dukkan.core.models import Store
from dukkan.core.money import BABEL_LOCALES, PERSIAN_DIGITS
from dukkan.core.tenancy import scoped
from dukkan.hours.calendar import HORIZON_DAYS, Calendar
from dukkan.hours.models import CalendarKind, Holiday


def holidays(store: Store) -> QuerySet[Holiday]:
    return scoped(Holiday, store).order_by("calendar", "year", "month", "day", "pk")


def holiday_start(holiday: Holiday, year: int) -> date | None:
    """The first (Gregorian) day of `holiday` in its calendar's `year`; None if that day does
    not exist that year (e.g. 30 Esfand in a common year, 29 February)."""
    try:
        if holiday.calendar == CalendarKind.JALALI:
            return jdatetime.date(year, holiday.month, holiday.day).togregorian()
        return date(year, holiday.month, holiday.day)
    except ValueError:
        return None


def holiday_dates(store: Store, start: date, end: date) -> frozenset[date]:
    """Every Gregorian date between `start` and `end` (inclusive) that is a holiday."""
    found: set[date] = set()
    for holiday in holidays(store):
        if holiday.calendar == CalendarKind.JALALI:
            first = jdatetime.date.fromgregorian(date=start).year
            last = jdatetime.date.fromgregorian(date=end).year
        else:
            first, last = start.year, end.year
        years = [holiday.year] if holiday.year else range(first - 1, last + 1)
        for year in years:
            begins = holiday_start(holiday, year)
            if begins is None:
                continue
            for offset in range(holiday.length):
                day = begins + timedelta(days=offset)
                if start <= day <= end:
                    found.add(day)
    return frozenset(found)


def calendar_for(
    store: Store, hours: dict[str, list[list[str]]] | None = None, at: datetime | None = None
) -> Calendar:
    """The store's calendar (or a team's, given its own weekly `hours`), with the store's
    weekend and holidays over the horizon from `at`."""
    at = at or timezone.now()
    today = at.astimezone(ZoneInfo(store.time_zone)).date()
    return Calendar(
        time_zone=store.time_zone,
        hours=hours if hours else store.business_hours,
        weekend=frozenset(store.weekend_days),
        holidays=holiday_dates(
            store, today - timedelta(days=2), today + timedelta(days=HORIZON_DAYS + 2)
        ),
    )


def say_moment(moment: datetime, store: Store, language: str) -> str:
    """A moment as the customer reads it, on the store's clock: "Sunday 23 November, 09:00";
    in Persian with the Jalali date and Persian digits."""
    local = moment.astimezone(ZoneInfo(store.time_zone))
    if language == "fa":
        jalali = jdatetime.datetime.fromgregorian(
            datetime=local.replace(tzinfo=None), locale="fa_IR"
        )
        return jalali.strftime("%A %-d %B، %H:%M").translate(PERSIAN_DIGITS)
    pattern = "EEEE d MMMM، HH:mm" if language == "ar" else "EEEE d MMMM, HH:mm"
    return format_datetime(
        local, pattern, tzinfo=local.tzinfo, locale=BABEL_LOCALES.get(language, "en")
    )
