from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dukkan.catalog.selectors import product_cards, published_products, sale_phase
from dukkan.core import metrics, pagecache, selectors
from dukkan.core.hours import WEEKDAY_NAMES, is_open
from dukkan.core.models import Store


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


def _redis_check() -> dict[str, object]:
    try:
        cache.set("readyz", "1", 5)
        answered = cache.get("readyz") == "1"
    except Exception as error:
        return {"ok": False, "detail": f"redis: {type(error).__name__}"}
    return {"ok": answered, "detail": "redis answered" if answered else "redis: no answer"}


@require_GET
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    checks: dict[str, dict[str, object]] = {}
    database_ok, detail = selectors.database_ready()
    checks["database"] = {"ok": database_ok, "detail": detail}
    if settings.REDIS_URL:
        checks["redis"] = _redis_check()
    if database_ok:
        backlog = selectors.task_backlog()
        limit = settings.DUKKAN_TASK_BACKLOG_LIMIT
        checks["task_queue"] = {"ok": backlog <= limit, "backlog": backlog, "limit": limit}
    failing = sorted(name for name, check in checks.items() if not check["ok"])
    body = {"status": "not ready" if failing else "ready", "failing": failing, "checks": checks}
    return JsonResponse(body, status=503 if failing else 200)


@require_GET
@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(metrics.render(), content_type=metrics.CONTENT_TYPE)


@require_GET
def marketplace_home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/marketplace_home.html", {"stores": selectors.public_stores()})


STORE_TEMPLATE = "core/store_home.html"


def _store_context(store: Store, open_now: bool, products: list[Any]) -> dict[str, Any]:
    hours = [
        (WEEKDAY_NAMES[int(day)], intervals)
        for day, intervals in sorted(store.business_hours.items(), key=lambda item: int(item[0]))
    ]
    return {
        "store": store,
        "hours": hours,
        "open_now": open_now,
        "products": product_cards(products),
    }


@require_GET
def store_home(request: HttpRequest, store_slug: str) -> HttpResponse:
    key = pagecache.entry_key(request.path, get_language())
    version, entry = pagecache.lookup(key)
    if entry is None:
        found = selectors.public_store(store_slug)
        if found is None:
            raise Http404  # not cached: unknown addresses must not fill the cache
        products = list(published_products(found))
        entry = pagecache.StoreEntry(version=version, store=found, extra={"products": products})
        pagecache.put_entry(key, entry)
    store = entry.store
    products = entry.extra.get("products", [])
    now = timezone.now()
    open_now = is_open(store.business_hours, store.time_zone, now)
    # A sale starting or ending changes the page: each sale phase is its own variant.
    variant = (open_now, *(sale_phase(product, now) for product in products))
    return pagecache.respond(
        request,
        key,
        entry,
        variant,
        STORE_TEMPLATE,
        lambda: _store_context(store, open_now, products),
    )
