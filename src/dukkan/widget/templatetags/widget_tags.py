"""`{% chat_widget store %}`: the chat widget on Dukkan's own pages, with the same tag as any site.

    {% load widget_tags %}
    {% chat_widget store %}

The script address carries the script's content hash, so browsers keep it for a year and a
new release is fetched at once. The page's own `<html lang>` picks the widget's language.
Whether the widget is switched on is asked by the script itself (config endpoint), so pages
that embed the tag stay cacheable.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from dukkan.core.models import Store
from dukkan.widget import script

register = template.Library()


@register.simple_tag
def chat_widget(store: Store) -> SafeString:
    src = f"{reverse('widget:script')}?v={script.current().version}"
    return format_html('<script src="{}" data-store="{}" async></script>', src, store.slug)
