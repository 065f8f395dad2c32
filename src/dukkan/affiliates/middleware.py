"""`?ref=CODE` on any store page: record the click and remember the referral in a cookie.

Only GET requests to `/<language>/s/<store>/…` carrying `ref` do any work; every other request
passes straight through (sync or async alike).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from datetime import timedelta

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from dukkan.affiliates import referral

logger = logging.getLogger(__name__)
_STORE_PATH = re.compile(r"^/(?:[a-z]{2}(?:-[a-z]+)?/)?s/([^/]+)/")


class ReferralMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(
        self,
        get_response: Callable[[HttpRequest], HttpResponseBase]
        | Callable[[HttpRequest], Awaitable[HttpResponseBase]],
    ) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.is_async:
            return self._acall(request)
        response = self.get_response(request)
        assert isinstance(response, HttpResponseBase)
        referred = _referral_of(request)
        if referred is not None:
            _remember(request, response, *referred)
        return response

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        response = await self.get_response(request)  # type: ignore[misc]
        referred = _referral_of(request)
        if referred is not None:
            await sync_to_async(_remember)(request, response, *referred)
        return response


def _referral_of(request: HttpRequest) -> tuple[str, str] | None:
    if request.method not in ("GET", "HEAD"):
        return None
    code = request.GET.get("ref", "")
    if not code or len(code) > 40:
        return None
    match = _STORE_PATH.match(request.path_info)
    if match is None:
        return None
    return match.group(1), code


def _remember(request: HttpRequest, response: HttpResponseBase, slug: str, code: str) -> None:
    """Record the click and set the cookie; only for a page that exists (no 404s, no errors)."""
    from dukkan.affiliates.models import Affiliate, AffiliateStatus
    from dukkan.affiliates.services import normalise_code, record_click

    if response.status_code >= 400:
        return
    affiliate = (
        Affiliate.objects.filter(
            store__slug=slug,
            store__is_active=True,
            code=normalise_code(code),
            # Closing sign-ups does not stop the links of approved affiliates.
            status=AffiliateStatus.APPROVED,
        )
        .select_related("store")
        .only("pk", "store_id", "code")
        .first()
    )
    if affiliate is None:
        return
    from dukkan.affiliates.models import Programme

    window = (
        Programme.objects.filter(store_id=affiliate.store_id)
        .values_list("cookie_days", flat=True)
        .first()
        or 30
    )
    now = timezone.now()
    click_id = record_click(
        affiliate,
        ip=request.META.get("REMOTE_ADDR", "") or "",
        user_agent=request.META.get("HTTP_USER_AGENT", "") or "",
        path=request.path,
        now=now,
    )
    current = referral.parse(request.COOKIES.get(referral.COOKIE_NAME))
    updated = referral.record_click(
        current,
        store_id=affiliate.store_id,
        code=affiliate.code,
        click_id=click_id,
        at=now,
        window_days=int(window),
    )
    value = referral.encode(updated)
    if not value:
        return
    longest = max(r.expires_at for r in updated.values())
    response.set_cookie(
        referral.COOKIE_NAME,
        value,
        max_age=max(int((longest - now) / timedelta(seconds=1)), 60),
        secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
        httponly=True,
        samesite="Lax",
    )
