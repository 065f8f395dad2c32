"""Licensing: `validate` over HTTP, and offline activation-code verification in one process.

    python bench/licensing.py --db sqlite|postgresql [--quick]

- validate: wrk (a separate process, 1 thread, 32 connections, a Lua script that POSTs JSON)
  against `POST /api/v1/licenses/validate` with a key and a machine fingerprint, on real
  `dukkan serve` processes: 1 on SQLite, 2 on PostgreSQL (+ Redis for the rate-limit counters).
- verify_offline: `dukkan_verify.verify_activation_code` (decode, Ed25519 check, machine and
  dates) in a loop in this process, on one core; per-call latency percentiles.

One JSON object per line:
{"bench":"licensing","db":..,"quick":..,"what":"validate|verify_offline","per_s":..,"p50_ms":..,"p99_ms":..}
plus, because the machine may be shared, validate's server CPU milliseconds per request and
verify_offline's verifications per CPU second (load-independent costs).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

os.environ.setdefault("DUKKAN_BENCH_PORT_MIN", "20350")
os.environ.setdefault("DUKKAN_BENCH_PORT_MAX", "20399")

from bench.harness import (  # noqa: E402
    Server,
    _to_ms,
    emit,
    environment,
    fetch,
    log,
    parse_args,
    require_wrk,
)

CONNECTIONS = 32

SETUP = """
import json, secrets
run = secrets.token_hex(4)  # each run makes its own store: a kept PostgreSQL database works
from dukkan.accounts.models import User
from dukkan.accounts.services import create_store
from dukkan.catalog.services import create_product
from dukkan.licensing import services
from dukkan.licensing import dukkan_verify as fmt

owner = User.objects.create_user(email=f"bench-owner-{run}@bench.example", password="bench-password-123")
store = create_store(owner=owner, name="Bench Apps", slug=f"bench-apps-{run}")
product = create_product(store, title="Bench App", kind="software", price_minor=100, visibility="published")
policy = services.save_policy(store, product, max_activations=3, entitlements=["pro"])
licence, key = services.issue_licence(policy, email="buyer@bench.example")
services.activate(store_id=store.pk, product_id=product.pk, key=key,
                  fingerprint_tag=fmt.fingerprint_tag("bench-machine"), name="bench")
print(json.dumps({"product_key": policy.product_key, "key": key}))
"""

LUA = """
wrk.method = "POST"
wrk.body = %(body)s
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Product-Key"] = %(product_key)s
"""


def group_cpu_seconds(pgid: int) -> float:
    """CPU time (user + system) of every process in a process group: the server's cost,
    whatever else shares the machine."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields[2] is the process group (5th field of stat)
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def load(url: str, script: str, seconds: int) -> tuple[float, float, float, int, int]:
    command = [require_wrk(), "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s", script]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 30
    ).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    total = re.search(r"^\s+(\d+) requests in", output, re.MULTILINE)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if not (rps and total and "50" in percentiles and "99" in percentiles):
        raise RuntimeError(f"cannot read wrk output:\n{output}")
    return (
        float(rps.group(1)),
        _to_ms(percentiles["50"]),
        _to_ms(percentiles["99"]),
        int(total.group(1)),
        int(non_2xx.group(1)) if non_2xx else 0,
    )


def bench_validate(db: str, quick: bool) -> None:
    seconds, warmup = (5, 2) if quick else (20, 5)
    limits = {
        "DUKKAN_LICENSE_RATE_PER_IP": "1000000000",
        "DUKKAN_LICENSE_RATE_PER_KEY": "1000000000",
        "DUKKAN_LOG_LEVEL": "WARNING",
    }
    with environment(db, **limits) as prepared:
        facts = json.loads(prepared.python(SETUP).strip().splitlines()[-1])
        workers = 2 if db == "postgresql" else 1
        with Server(prepared, workers=workers) as server:
            url = server.base_url + "/api/v1/licenses/validate"
            body = json.dumps({"key": facts["key"], "fingerprint": "bench-machine"})
            probe = fetch(server.base_url + "/healthz")
            if probe[0] != 200:
                raise SystemExit("server does not answer")
            with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
                handle.write(
                    LUA
                    % {"body": json.dumps(body), "product_key": json.dumps(facts["product_key"])}
                )
                script = handle.name
            assert server.process is not None
            pgid = os.getpgid(server.process.pid)
            try:
                load(url, script, warmup)
                cpu_before = group_cpu_seconds(pgid)
                rps, p50, p99, total, errors = load(url, script, seconds)
                cpu_ms = (group_cpu_seconds(pgid) - cpu_before) * 1000 / max(total, 1)
            finally:
                os.unlink(script)
            if errors:
                log(f"validate: {errors} non-2xx answers of {total}")
            emit(
                {
                    "bench": "licensing",
                    "db": db,
                    "quick": quick,
                    "what": "validate",
                    "workers": workers,
                    "per_s": round(rps, 1),
                    "p50_ms": round(p50, 2),
                    "p99_ms": round(p99, 2),
                    # Server CPU per request (all its processes): the load-independent cost;
                    # 1000 / this is what one free core could serve.
                    "server_cpu_ms_per_req": round(cpu_ms, 3),
                }
            )


def bench_offline(db: str, quick: bool) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from dukkan.licensing import dukkan_verify as fmt

    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    key_id = fmt.key_id_for(raw)
    now = int(time.time())
    licence = fmt.Licence(
        key_id=key_id,
        licence_id=1,
        product_id=1,
        activation_id=1,
        fingerprint=fmt.fingerprint_tag("bench-machine"),
        issued_at=now,
        expires_at=0,
        updates_until=0,
        refresh_s=86400,
        grace_s=86400,
        entitlements=("pro", "updates"),
    )
    body = fmt.encode_licence_body(licence)
    code = fmt.format_activation_code(body, private.sign(fmt.SIGNATURE_CONTEXT + body))
    keys = {key_id: private.public_key()}  # a program parses its embedded keys once
    tag = fmt.fingerprint_tag("bench-machine")  # and computes its own tag once
    count = 5000 if quick else 50000
    for _ in range(500):
        fmt.verify_activation_code(code, keys, fingerprint_tag_value=tag)
    timings = []
    cpu_started = time.process_time()
    started = time.perf_counter()
    for _ in range(count):
        t0 = time.perf_counter()
        fmt.verify_activation_code(code, keys, fingerprint_tag_value=tag)
        timings.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    timings.sort()
    emit(
        {
            "bench": "licensing",
            "db": db,
            "quick": quick,
            "what": "verify_offline",
            "per_s": round(count / elapsed, 1),
            "p50_ms": round(statistics.median(timings) * 1000, 4),
            "p99_ms": round(timings[int(len(timings) * 0.99)] * 1000, 4),
            # Verifications per second of CPU time actually given to this process.
            "per_cpu_s": round(count / cpu, 1),
        }
    )


def main() -> None:
    args = parse_args(__doc__ or "")
    bench_validate(args.db, args.quick)
    bench_offline(args.db, args.quick)


if __name__ == "__main__":
    main()
