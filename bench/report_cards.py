"""Report cards for many sellers: one run of the monthly job over synthetic data.

Loads N sellers (one service each, two packages) and M paid service orders with reviews and
support conversations by multi-row INSERT … SELECT over a generated number series (never the
ORM row by row), then times `reportcards.services.run_report_cards` in a fresh process and
reports that process's peak memory (ru_maxrss). The machine is shared: figures are noisy.

    python bench/report_cards.py --db postgresql [--quick]
"""

from __future__ import annotations

import json
import os

from bench.harness import emit, environment, log, parse_args

LOAD = r"""
import json, sys
from datetime import date, datetime, timedelta, UTC
from django.db import connection, transaction
from django.db.models import NOT_PROVIDED
from dukkan.core.models import Store
from dukkan.catalog.models import Product
from dukkan.checkout.models import Order
from dukkan.gigs.models import GigOrder, ServicePackage
from dukkan.reviews.models import Review
from dukkan.support.models import Conversation, Visitor
from dukkan.reportcards.models import ReportCard

SELLERS, ORDERS = int(sys.argv[-2]), int(sys.argv[-1])
END = datetime(2026, 3, 1, tzinfo=UTC)
pg = connection.vendor == "postgresql"

def insert_select(model, overrides, source, params):
    # Every concrete column: an SQL expression from `overrides`, else the field's default.
    columns, exprs, args = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        if field.column in overrides:
            exprs.append(overrides[field.column].replace(" % ", " %% "))
            continue
        default = field.default
        if default is NOT_PROVIDED:
            value = None if field.null else ("" if field.get_internal_type() in ("CharField", "TextField", "SlugField", "EmailField") else None)
        else:
            value = default() if callable(default) else default
        if field.get_internal_type() == "JSONField":
            value = json.dumps(value)
        exprs.append("%s")
        args.append(value)
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(exprs)} FROM {source.replace(' % ', ' %% ')}"
    with connection.cursor() as cursor:
        cursor.execute(sql, args + params)

with transaction.atomic():
    if Store.objects.filter(slug="rc-bench-1").exists():
        print("kept"); raise SystemExit(0)
    with connection.cursor() as c:
        c.execute("CREATE TEMP TABLE nums AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s) SELECT i FROM n", [ORDERS])
    now = f"'{END.isoformat()}'"  # a literal: override expressions carry no parameters
    insert_select(Store, {"name": "'Seller ' || i", "slug": "'rc-bench-' || i", "default_language": "CASE WHEN i % 3 = 0 THEN 'ar' WHEN i % 3 = 1 THEN 'fa' ELSE 'en' END",
        "currency": "'USD'", "time_zone": "'UTC'", "secret": "'s' || i", "created_at": now}, "nums WHERE i <= %s", [SELLERS])
    insert_select(Product, {"store_id": "s.id", "kind": "'service'", "title": "'Service ' || s.id", "slug": "'svc-' || s.id", "visibility": "'published'",
        "price_minor": "1000 + (s.id % 50) * 100", "created_at": now, "updated_at": now, "published_at": now},
        f"{Store._meta.db_table} s WHERE s.slug LIKE 'rc-bench-%%'", [])
    for tier, factor in (("basic", 1), ("standard", 2)):
        insert_select(ServicePackage, {"store_id": "p.store_id", "product_id": "p.id", "tier": f"'{tier}'", "title": f"'{tier}'",
            "price_minor": f"p.price_minor * {factor}", "currency": "'USD'", "delivery_days": "3", "created_at": now, "updated_at": now},
            f"{Product._meta.db_table} p WHERE p.slug LIKE 'svc-%%'", [])
    first = Store.objects.filter(slug="rc-bench-1").values_list("id", flat=True).get()
    days = "(i % 55)"
    paid = f"({now}::timestamptz - ({days} || ' days')::interval)" if pg else f"datetime({now}, '-' || {days} || ' days')"
    insert_select(Order, {"store_id": f"{first} + (i % {SELLERS})", "number": "'B' || i", "token": "'bench-' || i",
        "email": "'buyer' || (i % 40) || '@bench.example'", "currency": "'USD'", "status": "'paid'", "provider": "'test'",
        "subtotal_minor": "2000", "total_minor": "2000", "refunded_minor": "CASE WHEN i % 50 = 0 THEN 2000 ELSE 0 END",
        "created_at": paid, "paid_at": paid, "updated_at": paid}, "nums", [])
    o, p = Order._meta.db_table, Product._meta.db_table
    status = "CASE WHEN o.id % 20 = 0 THEN 'cancelled' WHEN o.id % 33 = 0 THEN 'disputed' WHEN o.id % 9 = 0 THEN 'in_progress' ELSE 'completed' END"
    insert_select(GigOrder, {"store_id": "o.store_id", "product_id": "p.id", "tier": "'standard'", "title": "p.title", "checkout_order_id": "o.id",
        "token": "'g' || o.id", "buyer_email": "o.email", "price_minor": "2000", "commission_minor": "400", "currency": "'USD'",
        "delivery_days": "3", "revisions_allowed": "2", "revisions_used": "CASE WHEN o.id % 4 = 0 THEN 1 ELSE 0 END",
        "refunded_minor": "o.refunded_minor", "status": status, "created_at": "o.paid_at", "updated_at": "o.paid_at",
        "delivered_at": "CASE WHEN o.id % 20 = 0 THEN NULL ELSE o.paid_at END", "is_late": "(o.id % 7 = 0)" if pg else "CASE WHEN o.id % 7 = 0 THEN 1 ELSE 0 END",
        "dispute_reason": "''"}, f"{o} o JOIN {p} p ON p.store_id = o.store_id WHERE o.number LIKE 'B%%'", [])
    g = GigOrder._meta.db_table
    insert_select(Review, {"store_id": "g.store_id", "product_id": "g.product_id", "gig_order_id": "g.id", "checkout_order_id": "g.checkout_order_id",
        "rating": "3 + (g.id % 3)", "created_at": "g.created_at", "hidden": "false" if pg else "0"}, f"{g} g WHERE g.status = 'completed' AND g.id % 3 = 0", [])
    insert_select(Visitor, {"store_id": "s.id", "key": "md5(s.slug)::uuid" if pg else "lower(hex(randomblob(16)))", "created_at": now},
        f"{Store._meta.db_table} s WHERE s.slug LIKE 'rc-bench-%%'", [])
    v = Visitor._meta.db_table
    minutes = f"(o.paid_at + ((o.id % 300) || ' minutes')::interval)" if pg else "datetime(o.paid_at, '+' || (o.id % 300) || ' minutes')"
    insert_select(Conversation, {"store_id": "o.store_id", "visitor_id": "v.id", "created_at": "o.paid_at", "updated_at": "o.paid_at",
        "first_response_at": f"CASE WHEN o.id % 10 = 5 THEN NULL ELSE {minutes} END"},
        f"{o} o JOIN {v} v ON v.store_id = o.store_id WHERE o.number LIKE 'B%%' AND o.id % 5 = 0", [])
print("loaded")
"""

RUN = r"""
import json, resource, sys, time
from datetime import date
from django.db import connection
from dukkan.reportcards.models import ReportCard
from dukkan.reportcards.services import run_report_cards
if connection.vendor == "postgresql":
    with connection.cursor() as c:
        c.execute("ANALYZE")
ReportCard.objects.filter(period=date(2026, 3, 1)).delete()
started = time.perf_counter()
result = run_report_cards(date(2026, 3, 1), email=False)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": round(seconds, 2), "claimed": result.claimed,
                  "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
"""


def main() -> None:
    args = parse_args(__doc__ or "")
    sellers, orders = (1_000, 100_000) if args.quick else (10_000, 1_000_000)
    if args.db == "postgresql":
        # A database of its own per size, kept between runs (the load is skipped when present).
        os.environ["DATABASE_URL"] = os.environ.get(
            "RC_BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/dukkan_rc_bench_{sellers}"
        )
    with environment(args.db, DUKKAN_LOG_LEVEL="WARNING") as prepared:
        log(f"loading {sellers} sellers and {orders} orders")
        prelude = f"import sys; sys.argv += ['{sellers}', '{orders}']\n"
        log(prepared.python(prelude + LOAD).strip())
        log("computing report cards")
        result = json.loads(prepared.python(RUN).strip().splitlines()[-1])
        emit(
            {
                "bench": "report_cards",
                "db": args.db,
                "quick": args.quick,
                "sellers": sellers,
                "orders": orders,
                "cards": result["claimed"],
                "seconds": result["seconds"],
                "peak_mb": result["peak_mb"],
            }
        )


if __name__ == "__main__":
    main()
