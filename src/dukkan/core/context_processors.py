from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_bidi, get_language_info


def language_links(request: HttpRequest) -> list[dict[str, str]]:
    """The same page in each other language; plain links, so public pages need no CSRF token."""
    current = get_language()
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": translate_url(request.path, code),
        }
        for code, _name in settings.LANGUAGES
        if code != current
    ]


def dukkan(request: HttpRequest) -> dict[str, Any]:
    return {
        "page_dir": "rtl" if get_language_bidi() else "ltr",
        "page_language": get_language(),
        "dukkan_languages": settings.LANGUAGES,
        "language_links": SimpleLazyObject(lambda: language_links(request)),
    }
