from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language, get_language_bidi


def dukkan(request: HttpRequest) -> dict[str, Any]:
    return {
        "page_dir": "rtl" if get_language_bidi() else "ltr",
        "page_language": get_language(),
        "dukkan_languages": settings.LANGUAGES,
    }
