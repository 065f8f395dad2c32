"""The `dukkan` command, run as a real process: check, serve, demo and their bad input."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.processes import (
    Process,
    answers,
    clean_environ,
    database_url,
    dukkan,
    free_port,
    wait_until,
)

DEMO_SIGN_INS = (
    "operator@dukkan.example",
    "salma@alwarraq.example",
    "yousef@alwarraq.example",
    "maryam@afzoonesara.example",
    "daniel@cedarapps.example",
    "dukkan-demo-2026",
)


def no_traceback(output: str) -> None:
    assert "Traceback" not in output, output
    assert 'File "' not in output, output


# `dukkan check`


def test_check_names_every_bad_variable_without_a_traceback(tmp_path: Path) -> None:
    env = clean_environ(
        tmp_path,
        DEBUG="maybe",
        DATABASE_URL="mysql://shop@db/dukkan",
        REDIS_URL="http://127.0.0.1:6379",
        EMAIL_URL="pigeon://coop",
    )
    result = dukkan("check", env=env)
    assert result.returncode == 1
    for text in (
        "DEBUG: expected true or false, got 'maybe'.",
        "DATABASE_URL: mysql:// is not a database Dukkan runs on",
        "REDIS_URL: must start with redis://",
        "EMAIL_URL: pigeon: is not a way Dukkan sends mail",
        "not checked: fix DATABASE_URL first",
        "problem(s) found.",
    ):
        assert text in result.stdout
    no_traceback(result.stdout + result.stderr)


def test_check_says_when_postgres_and_redis_do_not_answer(tmp_path: Path) -> None:
    env = clean_environ(
        tmp_path,
        DATABASE_URL="postgres://postgres:hunter2secret@127.0.0.1:1/dukkan",
        REDIS_URL="redis://:sup3rsecret@127.0.0.1:1/0",
        EMAIL_URL="console:",
    )
    result = dukkan("check", env=env)
    assert result.returncode == 1
    assert "✘ DATABASE_URL: cannot connect to the postgresql database (" in result.stdout
    assert "✘ REDIS_URL: Redis does not answer at redis://:***@127.0.0.1:1/0 (" in result.stdout
    assert "Connection refused" in result.stdout
    assert "2 problem(s) found." in result.stdout
    assert "hunter2secret" not in result.stdout
    assert "sup3rsecret" not in result.stdout
    no_traceback(result.stdout + result.stderr)


def test_check_says_when_the_smtp_server_does_not_answer(tmp_path: Path) -> None:
    env = clean_environ(tmp_path, EMAIL_URL="smtp://127.0.0.1:1")
    result = dukkan("check", env=env)
    assert result.returncode == 1
    assert "✘ EMAIL_URL: cannot talk to the mail server 127.0.0.1:1 (" in result.stdout
    no_traceback(result.stdout + result.stderr)


def test_check_asks_for_migrations_on_a_fresh_database(tmp_path: Path) -> None:
    result = dukkan("check", env=clean_environ(tmp_path, EMAIL_URL="console:"))
    assert result.returncode == 1
    assert "migration(s) not applied yet: run `dukkan manage migrate`" in result.stdout


@pytest.mark.django_db(transaction=True)
def test_check_passes_on_a_good_configuration(tmp_path: Path) -> None:
    extra = {"DATABASE_URL": database_url(), "EMAIL_URL": "console:"}
    if os.environ.get("REDIS_URL"):
        extra["REDIS_URL"] = os.environ["REDIS_URL"]
    result = dukkan("check", env=clean_environ(tmp_path, **extra))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "✘" not in result.stdout
    assert "database schema is up to date" in result.stdout
    assert result.stdout.rstrip().endswith("All good.")


# Start-up with bad input


@pytest.mark.parametrize("command", [["serve"], ["demo"], ["worker"], ["manage", "migrate"]])
def test_start_with_bad_config_exits_2_in_plain_words(tmp_path: Path, command: list[str]) -> None:
    env = clean_environ(tmp_path, DUKKAN_ENV="production", DEBUG="true")
    result = dukkan(*command, env=env)
    assert result.returncode == 2
    assert result.stderr.startswith("Dukkan cannot start because of its configuration:")
    assert "✘ SECRET_KEY: is required when DUKKAN_ENV=production" in result.stderr
    assert "✘ DEBUG: must be false when DUKKAN_ENV=production" in result.stderr
    assert "✘ DUKKAN_ALLOWED_HOSTS: is required" in result.stderr
    no_traceback(result.stderr)
    assert not (tmp_path / "dukkan.sqlite3").exists(), "nothing was started"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["serve", "--port", "abc"], "argument --port: 'abc' is not a port number"),
        (["serve", "--port", "70000"], "argument --port: 70000 is outside 1–65535"),
        (["demo", "--port", "0"], "argument --port: 0 is outside 1–65535"),
        (["serve", "--workers", "none"], "argument --workers: 'none' is not a number of workers"),
        (["serve", "--workers", "0"], "the number of workers must be between 1 and 64"),
        (["sell"], "argument COMMAND: invalid choice: 'sell'"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_bad_arguments_get_a_clear_usage_message(
    tmp_path: Path, args: list[str], says: str
) -> None:
    result = dukkan(*args, env=clean_environ(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith("usage: dukkan")
    assert says in result.stderr
    no_traceback(result.stderr)


# Real servers


@pytest.mark.slow
def test_serve_answers_http_and_websocket(tmp_path: Path) -> None:
    port = free_port()
    env = clean_environ(tmp_path / "data", DUKKAN_LOG_LEVEL="WARNING")
    server = Process(["serve", "--port", str(port)], env, tmp_path / "serve.log")
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: answers(f"{base}/healthz"), "the server to answer", [server])
        response = httpx.get(f"{base}/healthz")
        assert response.json() == {"status": "ok"}
        assert response.headers["X-Request-ID"]
        # It migrated its own database in its own data folder.
        assert (tmp_path / "data" / "dukkan.sqlite3").exists()
        ready = httpx.get(f"{base}/readyz").json()
        assert ready["status"] == "ready"

        with connect(f"ws://127.0.0.1:{port}/ws/ping/", origin=base, open_timeout=10) as ws:  # type: ignore[arg-type]
            ws.send(json.dumps({"type": "ping", "id": 1}))
            assert json.loads(ws.recv(timeout=10)) == {"type": "pong", "id": 1}
            ws.send("not json at all")
            assert json.loads(ws.recv(timeout=10))["type"] == "error"
            ws.send(json.dumps({"type": "dance"}))
            assert json.loads(ws.recv(timeout=10))["type"] == "error"
            ws.send(json.dumps({"type": "ping", "id": 2}))
            assert json.loads(ws.recv(timeout=10)) == {"type": "pong", "id": 2}
        # A page on another site cannot open a socket with the visitor's cookies.
        with (
            pytest.raises(InvalidStatus, match="403"),
            connect(f"ws://127.0.0.1:{port}/ws/ping/", origin="http://evil.example"),  # type: ignore[arg-type]
        ):
            pass
    finally:
        code = server.stop()
    assert code == 0, server.output
    no_traceback(server.output)


def count_rows(database: Path, table: str) -> int:
    with sqlite3.connect(database) as db:
        (count,) = db.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(count)


@pytest.mark.slow
def test_demo_serves_the_demo_and_loads_it_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = clean_environ(data, DUKKAN_LOG_LEVEL="WARNING")
    database = data / "dukkan.sqlite3"
    users_after_first_run = 0
    for run in (1, 2):
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        demo = Process(["demo", "--port", str(port)], env, tmp_path / f"demo{run}.log")
        try:
            wait_until(lambda: answers(f"{base}/healthz"), "the demo to answer", [demo])  # noqa: B023
            for sign_in in DEMO_SIGN_INS:
                assert sign_in in demo.output
            assert f"http://localhost:{port}/ar/s/alwarraq/" in demo.output
            page = httpx.get(f"{base}/ar/s/alwarraq/")
            assert page.status_code == 200
            assert "مكتبة الورّاق" in page.text
            assert 'dir="rtl"' in page.text
            if run == 1:
                # The worker inside the demo process sent the agents their welcome mail.
                def welcomed(outbox: Path = data / "outbox") -> bool:
                    mails = "".join(p.read_text() for p in outbox.glob("*"))
                    return "yousef@alwarraq.example" in mails and "priya@cedarapps.example" in mails

                wait_until(welcomed, "the welcome mail", [demo])
                # Links in the demo's mail lead to this server, whatever its port.
                mails = "".join(p.read_text() for p in (data / "outbox").glob("*"))
                assert f"http://localhost:{port}/" in mails
                assert "localhost:8000" not in mails
        finally:
            code = demo.stop()
        assert code == 0, demo.output
        no_traceback(demo.output)
        assert count_rows(database, "core_store") == 3
        if run == 1:
            users_after_first_run = count_rows(database, "accounts_user")
    assert count_rows(database, "accounts_user") == users_after_first_run
