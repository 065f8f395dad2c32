"""HTTP throughput and latency of `dukkan serve`: /healthz and a store's public home page.

    python bench/http.py --db sqlite|postgresql [--quick]

Prints one JSON object per line per (workers, path). The load generator is wrk with one
thread and 16 connections, a separate process over loopback, sharing the machine's cores
with the server it measures.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file's name would shadow the standard library's `http` package: take its folder off the
# path and import the harness as part of the `bench` package instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from bench.harness import (  # noqa: E402
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

PATHS = ["/healthz", "/en/s/cedar-apps/"]
WORKERS = [1, 2]
CONNECTIONS = 16


def main() -> None:
    args = parse_args(__doc__ or "")
    require_wrk()
    seconds, warmup = (5, 2) if args.quick else (20, 5)
    with environment(args.db) as prepared:
        load_demo(prepared)
        for workers in WORKERS:
            with Server(prepared, workers=workers) as server:
                for path in PATHS:
                    url = server.base_url + path
                    status, _, body = fetch(url)
                    if status != 200:
                        raise SystemExit(f"{url} answered {status}: {body[:300]!r}")
                    wrk(url, seconds=warmup, connections=CONNECTIONS)
                    result = wrk(url, seconds=seconds, connections=CONNECTIONS)
                    if result.errors:
                        log(f"{url}: {result.errors} failed requests of {result.requests}")
                    emit(
                        {
                            "bench": "http",
                            "db": args.db,
                            "quick": args.quick,
                            "workers": workers,
                            "path": path,
                            "rps": result.rps,
                            "p50_ms": result.p50_ms,
                            "p99_ms": result.p99_ms,
                        }
                    )


if __name__ == "__main__":
    main()
