"""Growth tools: checkout with a coupon and an affiliate cookie; campaign send rate.

    python bench/growth.py --db sqlite|postgresql [--quick] [--what coupon_checkout|campaign|both]

- coupon_checkout: buyers (16 at once, each its own HTTP client in a separate load process)
  first open the store through an affiliate's `?ref=CODE` link (the affiliates app sets the
  `dukkan_ref` cookie), then loop: the checkout POST with a coupon code (a limited coupon, so
  its use is counted with the conditional UPDATE) through the `test` provider's signed
  webhook to paid, fulfilled and attributed to the affiliate. Measured per order from the
  POST to the webhook's answer. Real `dukkan serve` processes started here.
- campaign: the marketing app's `bench/growth_campaign.py` (`run(db, quick) -> dict`), run
  when that module is present.

One JSON object per line:
{"bench":"growth","db":..,"quick":..,"what":"coupon_checkout|campaign","per_s":..,
 "p99_ms":..,"sent":N,"failed":N}
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import importlib
import json
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

# bench/http.py would shadow the standard library's `http` package: take this folder off the
# path and import the harness as part of the `bench` package instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

os.environ.setdefault("DUKKAN_BENCH_PORT_MIN", "18700")
os.environ.setdefault("DUKKAN_BENCH_PORT_MAX", "18800")

from bench.harness import Environment, Server, emit, environment, log  # noqa: E402

STORE = "growth-bench"
COUPON = "BENCH15"
BUYERS = 16

SETUP = """
import json
from django.core.files.base import ContentFile
from dukkan.accounts import services as accounts
from dukkan.accounts.models import User
from dukkan.catalog import services as catalog
from dukkan.checkout import services as checkout
from dukkan.checkout.models import SellingSettings
from dukkan.promotions.services import create_coupon

owner = User.objects.create_user(email="owner@growth-bench.example", password="bench-password-1")
store = accounts.create_store(owner=owner, name="Growth bench", slug=%(store)r, currency="USD",
                              default_language="en")
SellingSettings.objects.update_or_create(store=store, defaults={"vat_rate_bp": 1500,
    "prices_include_tax": False, "providers": ["test"]})
product = catalog.create_product(store, title="Bench course", price_minor=4900, visibility="published")
catalog.add_file(product, ContentFile(b"bench course file", name="course.zip"), title="Course")
create_coupon(store, code=%(coupon)r, kind="percent", value=1500, max_uses=10_000_000)
affiliate_code = ""
try:
    from dukkan.affiliates import services as affiliates
    affiliates.save_programme(store, affiliates.ProgrammeInput(
        is_open=True, approval="automatic", commission_kind="percent", commission_bp=3000,
        commission_fixed_minor=None, customer_discount_bp=1000, cookie_days=30,
        attribution="last", hold_days=max(30, affiliates.refund_window_days(store)),
        min_payout_minor=0))
    partner = User.objects.create_user(email="partner@growth-bench.example", password="bench-password-1")
    affiliate_code = affiliates.join(store, partner, name="Bench Partner", code="BENCHAFF").code
except Exception as error:  # the affiliates app's API may change under this benchmark
    import sys
    print(f"affiliate setup failed ({error!r}); the cookie will not be set", file=sys.stderr)
probe = checkout.start_checkout(store, product, email="probe@bench.example", provider="test",
                                coupon_code=%(coupon)r)
amount, currency = probe.total_minor, probe.currency
checkout.cancel(probe)
print(json.dumps({"secret": store.secret, "product": product.slug, "amount": amount,
                  "currency": currency, "affiliate": affiliate_code}))
"""


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
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
        if info["affiliate"]:
            landing = await client.get(f"{base}/en/s/{STORE}/?ref={info['affiliate']}")
            if landing.status_code != 200 or "dukkan_ref" not in client.cookies:
                errors.append(f"affiliate link {landing.status_code}, no cookie")
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
                    "coupon": COUPON.lower(),
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


def measure_orders(server: Server, info: dict[str, Any], seconds: int) -> dict[str, Any]:
    # The load runs in a separate process so it does not share the server's interpreter.
    code = (
        "import asyncio, json, sys\n"
        f"sys.path.insert(0, {str(_HERE.parent)!r})\n"
        "from bench.growth import orders_load\n"
        f"print(json.dumps(asyncio.run(orders_load({server.base_url!r}, {info!r}, {seconds}))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout))


def check_outcome(prepared: Environment) -> dict[str, int]:
    """What the database says: paid orders with the coupon, its uses, and attributions."""
    out = prepared.python(
        "import json\n"
        "from dukkan.checkout.models import Order\n"
        "from dukkan.promotions.models import Coupon\n"
        f"orders = Order.objects.filter(store__slug={STORE!r}, email__startswith='buyer-')\n"
        "paid = orders.filter(status__in=['paid', 'fulfilled'])\n"
        "attributed = -1\n"
        "try:\n"
        "    from dukkan.affiliates.models import Commission\n"
        "    attributed = Commission.objects.filter(order__in=paid).count()\n"
        "except Exception:\n"
        "    pass\n"
        "print(json.dumps({'paid': paid.count(),\n"
        f"    'with_coupon': paid.filter(coupon_code={COUPON!r}).count(),\n"
        "    'with_cookie': paid.exclude(referral_code='').count(),\n"
        f"    'uses': Coupon.objects.get(store__slug={STORE!r}, code={COUPON!r}).uses,\n"
        "    'attributed': attributed}))\n"
    )
    return dict(json.loads(out.strip().splitlines()[-1]))


def coupon_checkout(db: str, quick: bool) -> dict[str, Any]:
    seconds, warmup = (8, 2) if quick else (30, 5)
    workers = 2 if db == "postgresql" else 1
    with environment(db) as prepared:
        setup = prepared.python(SETUP % {"store": STORE, "coupon": COUPON})
        info = json.loads(setup.strip().splitlines()[-1])
        if not info["affiliate"]:
            log("no affiliate: measuring with the coupon only")
        with Server(prepared, workers=workers) as server:
            log("coupon checkout…")
            measure_orders(server, info, warmup)
            before = check_outcome(prepared)
            result = measure_orders(server, info, seconds)
            after = check_outcome(prepared)
        if result["errors"]:
            log(f"coupon checkout: {len(result['errors'])} failed, first: {result['errors'][0]}")
        delta = {key: after[key] - before[key] for key in after}
        log(f"database: {delta}")
        return {
            "bench": "growth",
            "db": db,
            "quick": quick,
            "what": "coupon_checkout",
            "per_s": round(result["count"] / result["elapsed"], 1),
            "p99_ms": percentile(result["latencies"], 0.99),
            "sent": result["count"] + len(result["errors"]),
            "failed": len(result["errors"]),
        }


def campaign(db: str, quick: bool) -> dict[str, Any] | None:
    try:
        module = importlib.import_module("bench.growth_campaign")
    except ModuleNotFoundError as error:
        if error.name != "bench.growth_campaign":
            raise
        log("campaign: bench/growth_campaign.py is not there yet; skipped")
        return None
    record = dict(module.run(db, quick))
    return {
        "bench": "growth",
        "db": db,
        "quick": quick,
        "what": "campaign",
        **{k: v for k, v in record.items() if k not in {"bench", "db", "quick", "what"}},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--quick", action="store_true", help="a short run with the same output")
    parser.add_argument("--what", choices=["coupon_checkout", "campaign", "both"], default="both")
    args = parser.parse_args()
    if args.what in ("coupon_checkout", "both"):
        emit(coupon_checkout(args.db, args.quick))
    if args.what in ("campaign", "both"):
        record = campaign(args.db, args.quick)
        if record is not None:
            emit(record)


if __name__ == "__main__":
    main()
