"""`dukkan check`: every configuration problem in plain words, never a traceback."""

from __future__ import annotations

import os
import smtplib
import socket
import sys


def _line(ok: bool, text: str) -> None:
    print(f"  {'✔' if ok else '✘'} {text}")


def run_checks() -> int:
    from dukkan.config.env import load_config

    config = load_config()
    failures = 0
    print("Configuration")
    if config.problems:
        for problem in config.problems:
            _line(False, str(problem))
        failures += len(config.problems)
    else:
        _line(True, f"environment: {config.environment}; data folder: {config.data_dir}")

    broken = {problem.variable for problem in config.problems}
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dukkan.config.settings")
    try:
        import django

        django.setup()
    except Exception as error:
        _line(False, f"Dukkan could not load its settings ({_reason(error)}).")
        print(f"{failures + 1} problem(s) found.")
        return 1
    if "DATABASE_URL" in broken:
        print("Database")
        _line(False, "not checked: fix DATABASE_URL first")
    else:
        failures += _check_database(config.database_vendor)
    if config.redis_url:
        failures += _check_redis(config.redis_url)
    elif "REDIS_URL" in broken:
        print("Redis")
        _line(False, "not checked: fix REDIS_URL first")
    else:
        _line(
            True,
            "Redis: not configured (in-memory realtime layer; fine for one server process)",
        )
    failures += _check_email(config)
    print("All good." if not failures else f"{failures} problem(s) found.")
    return 0 if not failures else 1


def _check_database(vendor: str) -> int:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    print("Database")
    try:
        connection.ensure_connection()
    except Exception as error:
        _line(False, f"DATABASE_URL: cannot connect to the {vendor} database ({_reason(error)}).")
        return 1
    _line(True, f"connected to {vendor}")
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        _line(
            False,
            f"{len(pending)} database migration(s) not applied yet: run `dukkan manage migrate` (serve and demo do it for you).",
        )
        return 1
    _line(True, "database schema is up to date")
    return 0


def _check_redis(url: str) -> int:
    import redis

    from dukkan.config.env import redact

    print("Redis")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except Exception as error:
        _line(False, f"REDIS_URL: Redis does not answer at {redact(url)} ({_reason(error)}).")
        return 1
    _line(True, "Redis answers")
    return 0


def _check_email(config: object) -> int:
    email = config.email  # type: ignore[attr-defined]
    print("Email")
    if not email.backend.endswith("smtp.EmailBackend"):
        where = f" ({email.file_path})" if email.file_path else ""
        _line(True, f"mail is not sent out: it goes to {email.backend.rsplit('.', 2)[-2]}{where}")
        return 0
    try:
        client_class = smtplib.SMTP_SSL if email.use_ssl else smtplib.SMTP
        with client_class(email.host, email.port, timeout=5) as client:
            if email.use_tls:
                client.starttls()
            if email.user:
                client.login(email.user, email.password)
    except (OSError, smtplib.SMTPException) as error:
        _line(
            False,
            f"EMAIL_URL: cannot talk to the mail server {email.host}:{email.port} ({_reason(error)}).",
        )
        return 1
    _line(True, f"mail server {email.host}:{email.port} accepts us")
    return 0


def _reason(error: BaseException) -> str:
    if isinstance(error, socket.timeout):
        return "no answer within 5 seconds"
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:200]


if __name__ == "__main__":
    sys.exit(run_checks())
