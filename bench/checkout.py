"""Selling: completed orders per second, product-page load, and download throughput.

    python bench/checkout.py --db sqlite|postgresql [--quick]

- orders: a checkout POST through the `test` provider's signed webhook to paid and fulfilled
  (delivery's subscriber grants the downloads, marks the order fulfilled and queues the
  receipt), measured per order from the POST to the webhook's answer; 16 buyers at once.
- product_page: wrk (a separate process, 16 connections) against a product page.
- download: a 200 MB file (20 MB with --quick) through a signed, expiring download link.

The servers are real `dukkan serve` processes started here. One JSON object per line:
{"bench":"checkout","db":..,"quick":..,"what":"orders|product_page|download",
 "per_s":..,"p50_ms":..,"p99_ms":..,"mb_s":..}
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import re
import secrets
import sys
import time
from pathlib import Path
from typing import Any

# bench/http.py would shadow the standard library's `http` package: take this folder off the
# path and import the harness as part of the `bench` package instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

os.environ.setdefault("DUKKAN_BENCH_PORT_MIN", "18600")
os.environ.setdefault("DUKKAN_BENCH_PORT_MAX", "18700")

from bench.harness import (  # noqa: E402
    Environment,
    Server,
    emit,
    environment,
    fetch,
    load_demo,
    log,
    parse_args,
    require_wrk,
    wrk,
)

STORE = "cedar-apps"
BUYERS = 16

SETUP = """
import json
from django.core.files.base import ContentFile
from django.core.files import File
from dukkan.catalog.models import Product
from dukkan.catalog import services as catalog
from dukkan.checkout import services as checkout
from dukkan.core.models import Store
from dukkan.delivery.services import create_entitlements, download_url_for, delivery_settings

store = Store.objects.get(slug=%(store)r)
product = (Product.objects.filter(store=store, visibility="published", kind__in=["file", "software"],
           quantity_limit__isnull=True, pay_what_you_want=False).order_by("pk").first())
total = checkout.start_checkout(store, product, email="probe@bench.example", provider="test")
amount, currency = total.total_minor, total.currency
checkout.cancel(total)
big = catalog.create_product(store, title="Bench archive", price_minor=100, visibility="unlisted")
path = %(path)r
with open(path, "rb") as handle:
    catalog.add_file(big, File(handle, name="archive.bin"), title="Archive")
order = checkout.start_checkout(store, big, email="bench@bench.example", provider="test")
order = checkout.mark_paid(order, provider="test", reference="bench", amount_minor=order.total_minor, currency=order.currency)
entitlements = create_entitlements(order) or list(order.entitlements.all())
settings = delivery_settings(store)
settings.download_limit = 1000
settings.save()
print(json.dumps({
    "secret": store.secret, "product": product.slug, "amount": amount, "currency": currency,
    "download": download_url_for(entitlements[0]),
}))
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 2)


def sign(secret: str, body: bytes) -> str:
    t = int(time.time())
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


async def buyer(
    base: str, info: dict[str, Any], deadline: float, latencies: list[float], errors: list[str]
) -> None:
    import httpx

    checkout_url = f"{base}/en/s/{STORE}/checkout/{info['product']}/"
    async with httpx.AsyncClient(timeout=30) as client:
        page = await client.get(checkout_url)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if page.status_code != 200 or match is None:
            errors.append(f"checkout page {page.status_code}")
            return
        token = match.group(1)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            posted = await client.post(
                checkout_url,
                data={
                    "csrfmiddlewaretoken": token,
                    "email": f"buyer-{secrets.token_hex(6)}@bench.example",
                    "provider": "test",
                },
                headers={"Referer": checkout_url},
            )
            found = re.search(
                r"/checkout/order/([^/]+)/test-pay/", posted.headers.get("location", "")
            )
            if posted.status_code != 302 or found is None:
                errors.append(f"checkout POST {posted.status_code}")
                continue
            body = json.dumps(
                {
                    "id": f"evt_{secrets.token_hex(12)}",
                    "type": "payment.succeeded",
                    "data": {
                        "order": found.group(1),
                        "reference": "",
                        "amount_minor": info["amount"],
                        "currency": info["currency"],
                    },
                },
                separators=(",", ":"),
            ).encode()
            hooked = await client.post(
                f"{base}/webhooks/test/{STORE}/",
                content=body,
                headers={
                    "Dukkan-Signature": sign(info["secret"], body),
                    "Content-Type": "application/json",
                },
            )
            if hooked.status_code != 200 or hooked.json().get("result") != "paid":
                errors.append(f"webhook {hooked.status_code} {hooked.text[:80]}")
                continue
            latencies.append((time.perf_counter() - started) * 1000)


async def orders_load(base: str, info: dict[str, Any], seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[str] = []
    started = time.monotonic()
    await asyncio.gather(
        *(buyer(base, info, started + seconds, latencies, errors) for _ in range(BUYERS))
    )
    elapsed = time.monotonic() - started
    return {"count": len(latencies), "elapsed": elapsed, "latencies": latencies, "errors": errors}


def measure_orders(
    prepared: Environment, server: Server, info: dict[str, Any], seconds: int
) -> dict[str, Any]:
    # The load runs in a separate process so it does not share the server's interpreter.
    code = (
        "import asyncio, json, sys\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})\n"
        "from bench.checkout import orders_load\n"
        f"print(json.dumps(asyncio.run(orders_load({server.base_url!r}, {info!r}, {seconds}))))\n"
    )
    import subprocess

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout))


def count_fulfilled(prepared: Environment) -> int:
    out = prepared.python(
        "from dukkan.checkout.models import Order\n"
        f"print(Order.objects.filter(store__slug={STORE!r}, status='fulfilled', "
        "email__startswith='buyer-', email__endswith='@bench.example').count())\n"
    )
    return int(out.strip().splitlines()[-1])


def measure_download(url: str) -> float:
    import urllib.request

    started = time.perf_counter()
    size = 0
    with urllib.request.urlopen(url, timeout=120) as response:
        while chunk := response.read(1 << 20):
            size += len(chunk)
    elapsed = time.perf_counter() - started
    return size / elapsed / 1_000_000


def main() -> None:
    args = parse_args(__doc__ or "")
    require_wrk()
    seconds, warmup = (6, 2) if args.quick else (30, 5)
    size_mb = 20 if args.quick else 200
    workers = 2 if args.db == "postgresql" else 1
    with environment(args.db) as prepared:
        log("loading the demo…")
        load_demo(prepared)
        archive = prepared.data_dir / "archive.bin"
        with archive.open("wb") as handle:
            block = os.urandom(1 << 20)
            for _ in range(size_mb):
                handle.write(block)
        info = json.loads(
            prepared.python(SETUP % {"store": STORE, "path": str(archive)}).strip().splitlines()[-1]
        )
        archive.unlink()
        with Server(prepared, workers=workers) as server:
            base = server.base_url
            log("orders…")
            measure_orders(prepared, server, info, warmup)
            before = count_fulfilled(prepared)
            result = measure_orders(prepared, server, info, seconds)
            fulfilled = count_fulfilled(prepared) - before
            if result["errors"]:
                log(f"orders: {len(result['errors'])} failed, first: {result['errors'][0]}")
            if fulfilled != result["count"]:
                log(f"orders: {result['count']} answered paid but {fulfilled} fulfilled")
            emit(
                {
                    "bench": "checkout",
                    "db": args.db,
                    "quick": args.quick,
                    "what": "orders",
                    "per_s": round(result["count"] / result["elapsed"], 1),
                    "p50_ms": percentile(result["latencies"], 0.50),
                    "p99_ms": percentile(result["latencies"], 0.99),
                    "mb_s": None,
                }
            )
            log("product page…")
            page_url = f"{base}/en/s/{STORE}/p/{info['product']}/"
            status, _, body = fetch(page_url)
            if status != 200:
                raise SystemExit(f"{page_url} answered {status}: {body[:300]!r}")
            wrk(page_url, seconds=warmup, connections=16)
            page = wrk(page_url, seconds=seconds, connections=16)
            if page.errors:
                log(f"product page: {page.errors} failed of {page.requests}")
            emit(
                {
                    "bench": "checkout",
                    "db": args.db,
                    "quick": args.quick,
                    "what": "product_page",
                    "per_s": page.rps,
                    "p50_ms": page.p50_ms,
                    "p99_ms": page.p99_ms,
                    "mb_s": None,
                }
            )
            log("download…")
            url = base + info["download"]
            measure_download(url)  # warm the page cache
            rates = [measure_download(url) for _ in range(3)]
            emit(
                {
                    "bench": "checkout",
                    "db": args.db,
                    "quick": args.quick,
                    "what": "download",
                    "per_s": None,
                    "p50_ms": None,
                    "p99_ms": None,
                    "mb_s": round(sorted(rates)[1], 1),
                    "size_mb": size_mb,
                }
            )


if __name__ == "__main__":
    main()
