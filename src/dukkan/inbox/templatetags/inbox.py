"""Template helpers of the inbox: durations in words, the nav's waiting badge."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from dukkan.core.models import Store
from dukkan.core.templatetags.dukkan import duration, ldigits

register = template.Library()

# A conversation's status, in words that fit a conversation ("Open" alone is ambiguous: an
# open shop is another word in Arabic). Lower case msgids of their own; CSS capitalises.
STATUS_LABELS = {
    "open": gettext_lazy("open"),
    "pending": gettext_lazy("pending"),
    "snoozed": gettext_lazy("snoozed"),
    "resolved": gettext_lazy("resolved"),
}


@register.filter
def status_label(value: str) -> str:
    return str(STATUS_LABELS.get(value, value))


register.filter("duration", duration)


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
    return format_html('<span class="badge hot" data-role="nav-waiting">{}</span>', ldigits(count))
