"""Locale-aware dates and numbers: Jalali calendar in Persian, CLDR formats everywhere."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import jdatetime
from babel.core import Locale
from babel.dates import format_date, format_datetime
from django import template
from django.utils import timezone
from django.utils.translation import get_language, ngettext

from dukkan.core.money import BABEL_LOCALES, format_decimal_locale, format_money, localize_digits

register = template.Library()

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _locale() -> Locale:
    language = (get_language() or "en").split("-")[0]
    return Locale.parse(BABEL_LOCALES.get(language, "en"))


def _is_persian() -> bool:
    return (get_language() or "").startswith("fa")


@register.filter
def ldate(value: date | datetime | None, style: str = "medium") -> str:
    """A date in the reader's calendar: Jalali for Persian, Gregorian otherwise."""
    if value is None:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if _is_persian():
        day = value.date() if isinstance(value, datetime) else value
        jalali = jdatetime.date.fromgregorian(date=day, locale="fa_IR")
        text = jalali.strftime("%-d %B %Y") if style != "short" else jalali.strftime("%Y/%m/%d")
        return text.translate(PERSIAN_DIGITS)
    day = value.date() if isinstance(value, datetime) else value
    return format_date(day, format=style, locale=_locale())


@register.filter
def ldatetime(value: datetime | None) -> str:
    if value is None:
        return ""
    value = timezone.localtime(value) if timezone.is_aware(value) else value
    if _is_persian():
        jalali = jdatetime.datetime.fromgregorian(datetime=value, locale="fa_IR")
        return jalali.strftime("%-d %B %Y، %H:%M").translate(PERSIAN_DIGITS)
    return format_datetime(value, format="medium", locale=_locale())


@register.filter
def lnumber(value: int | float | Decimal | None) -> str:
    if value is None:
        return ""
    return format_decimal_locale(value, (get_language() or "en").split("-")[0])


@register.simple_tag
def money(amount_minor: int, currency: str) -> str:
    return format_money(amount_minor, currency, (get_language() or "en").split("-")[0])


@register.filter
def ldigits(value: object) -> str:
    """Text such as a time (09:00) written with the reader's digits."""
    return localize_digits(str(value), (get_language() or "en").split("-")[0])


@register.filter
def duration(value: timedelta | None) -> str:
    """A duration as people say it: "45 seconds", "12 minutes", "3 hours 5 minutes", "2 days"."""
    if value is None:
        return "—"
    seconds = int(value.total_seconds())
    if seconds < 60:
        return ngettext("%(n)s second", "%(n)s seconds", seconds) % {"n": ldigits(seconds)}
    minutes = seconds // 60
    if minutes < 60:
        return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": ldigits(minutes)}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        text = ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": ldigits(hours)}
        if minutes:
            text += " " + ngettext("%(n)s minute", "%(n)s minutes", minutes) % {
                "n": ldigits(minutes)
            }
        return text
    days = hours // 24
    return ngettext("%(n)s day", "%(n)s days", days) % {"n": ldigits(days)}
