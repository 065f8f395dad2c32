"""Template helpers of the inbox: durations in words, the nav's waiting badge."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy, ngettext

from dukkan.core.models import Store
from dukkan.core.money import localize_digits

register = template.Library()

# A conversation's status, in words that fit a conversation ("Open" alone is ambiguous: an
# open shop is another word in Arabic). Lower case msgids of their own; CSS capitalises.
STATUS_LABELS = {
    "open": gettext_lazy("open"),
    "pending": gettext_lazy("pending"),
    "snoozed": gettext_lazy("snoozed"),
    "resolved": gettext_lazy("resolved"),
}


def _digits(value: int) -> str:
    return localize_digits(str(value), (get_language() or "en").split("-")[0])


@register.filter
def status_label(value: str) -> str:
    return str(STATUS_LABELS.get(value, value))


@register.filter
def duration(value: timedelta | None) -> str:
    """A duration as people say it: "45 seconds", "12 minutes", "3 hours 5 minutes", "2 days"."""
    if value is None:
        return "—"
    seconds = int(value.total_seconds())
    if seconds < 60:
        return ngettext("%(n)s second", "%(n)s seconds", seconds) % {"n": _digits(seconds)}
    minutes = seconds // 60
    if minutes < 60:
        return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": _digits(minutes)}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        text = ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": _digits(hours)}
        if minutes:
            text += " " + ngettext("%(n)s minute", "%(n)s minutes", minutes) % {
                "n": _digits(minutes)
            }
        return text
    days = hours // 24
    return ngettext("%(n)s day", "%(n)s days", days) % {"n": _digits(days)}


@register.simple_tag
def inbox_waiting(store: Store) -> SafeString:
    """A badge with the number of conversations waiting for an agent; nothing when none."""
    from dukkan.inbox.selectors import waiting_count

    try:
        count = waiting_count(store)
    except Exception:  # the nav must render even before the inbox's tables exist
        return SafeString("")
    if not count:
        return SafeString("")
    return format_html('<span class="badge hot" data-role="nav-waiting">{}</span>', _digits(count))
