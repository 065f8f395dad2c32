from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dukkan.core import metrics, selectors
from dukkan.core.hours import WEEKDAY_NAMES, is_open


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    checks: dict[str, dict[str, object]] = {}
    ok, detail = selectors.database_ready()
    checks["database"] = {"ok": ok, "detail": detail}
    if settings.REDIS_URL:
        try:
            cache.set("dukkan:readyz", "1", 5)
            redis_ok = cache.get("dukkan:readyz") == "1"
            checks["redis"] = {"ok": redis_ok, "detail": "ping" if redis_ok else "no answer"}
        except Exception as error:
            checks["redis"] = {"ok": False, "detail": type(error).__name__}
    if ok:
        backlog = selectors.task_backlog()
        checks["task_queue"] = {"ok": backlog < settings.DUKKAN_TASK_BACKLOG_LIMIT, "backlog": backlog}
    ready = all(bool(check["ok"]) for check in checks.values())
    return JsonResponse({"status": "ready" if ready else "not ready", "checks": checks}, status=200 if ready else 503)


@require_GET
@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(metrics.render(), content_type="text/plain; version=0.0.4; charset=utf-8")


@require_GET
def marketplace_home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/marketplace_home.html", {"stores": selectors.public_stores()})


@require_GET
def store_home(request: HttpRequest, store_slug: str) -> HttpResponse:
    store = selectors.public_store(store_slug)
    if store is None:
        raise Http404
    hours = [
        (WEEKDAY_NAMES[int(day)], intervals)
        for day, intervals in sorted(store.business_hours.items(), key=lambda item: int(item[0]))
    ]
    return render(
        request,
        "core/store_home.html",
        {"store": store, "hours": hours, "open_now": is_open(store.business_hours, store.time_zone, timezone.now())},
    )
