"""Writes of business hours: the store's week and weekend, its holidays."""

from __future__ import annotations

import jdatetime
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dukkan.accounts.services import update_store
from dukkan.core.hours import WEEKEND_PRESETS
from dukkan.core.models import Store
from dukkan.core.tenancy import get_scoped_or_404
from dukkan.hours.models import CalendarKind, Holiday


def set_store_hours(store: Store, *, weekend: str, hours: dict[str, list[list[str]]]) -> Store:
    """The store's weekend (a preset: "fri", "thu_fri", "fri_sat", "sat_sun") and weekly hours;
    a weekend day is closed whatever hours it has."""
    if weekend not in WEEKEND_PRESETS:
        raise ValidationError(_("Choose one of the weekends offered."), code="invalid")
    days = list(WEEKEND_PRESETS[weekend][0])
    hours = {day: ([] if int(day) in days else intervals) for day, intervals in hours.items()}
    return update_store(store, weekend_days=days, business_hours=hours)


def _check_date(calendar: str, year: int | None, month: int, day: int) -> None:
    probe_year = year or (1403 if calendar == CalendarKind.JALALI else 2024)  # leap years
    try:
        if calendar == CalendarKind.JALALI:
            jdatetime.date(probe_year, month, day)
        elif calendar == CalendarKind.GREGORIAN:
            import datetime

            datetime.date(probe_year, month, day)
        else:
            raise ValidationError(_("Choose the Gregorian or the Jalali calendar."), code="invalid")
    except (ValueError, TypeError) as error:
        raise ValidationError(
            _("That day does not exist in this calendar."), code="invalid"
        ) from error


@transaction.atomic
def add_holiday(
    store: Store,
    *,
    name: str,
    calendar: str,
    month: int,
    day: int,
    year: int | None = None,
    length: int = 1,
) -> Holiday:
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the holiday a name."), code="required")
    _check_date(calendar, year, month, day)
    holiday = Holiday(
        store=store, name=name, calendar=calendar, year=year, month=month, day=day, length=length
    )
    holiday.full_clean()
    holiday.save()
    return holiday


def remove_holiday(store: Store, holiday_id: int) -> None:
    get_scoped_or_404(Holiday, store, pk=holiday_id).delete()
