"""A real `dukkan serve` on the test database, and the people and tokens to talk to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests import processes
from tests.processes import Process, answers, clean_environ, database_url, wait_until

PORTS = range(18200, 18300)  # the chat suites' server ports


@dataclass
class Server:
    process: Process
    port: int
    env: dict[str, str]
    log: Path

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.stop()


def server_env(folder: Path, **extra: str) -> dict[str, str]:
    env = clean_environ(
        folder,
        DATABASE_URL=database_url(),
        SECRET_KEY=settings.SECRET_KEY,
        DUKKAN_LOG_LEVEL="WARNING",
        DUKKAN_WORKER_IN_PROCESS="false",
        **extra,
    )
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
    return env


def start_server(
    folder: Path, *, port: int | None = None, env: dict[str, str] | None = None
) -> Server:
    folder.mkdir(parents=True, exist_ok=True)
    port = port or processes.free_port(PORTS)
    env = env or server_env(folder)
    log = folder / f"serve-{port}.log"
    process = Process(["serve", "--no-migrate", "--port", str(port)], env, log)
    server = Server(process, port, env, log)
    wait_until(lambda: answers(f"{server.http}/healthz"), "dukkan serve to answer", [process])
    return server


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: None, django_db_blocker: Any
) -> Iterator[Server]:
    started = start_server(tmp_path_factory.mktemp("chat-serve"))
    try:
        yield started
    finally:
        started.stop()


@dataclass
class Shop:
    store: Any
    owner: Any
    agent: Any
    agent_cookie: str


@pytest.fixture
def shop(
    transactional_db: None, make_store: Callable[..., Any], make_user: Callable[..., Any]
) -> Shop:
    from dukkan.accounts import services as accounts
    from dukkan.accounts.models import Role

    owner = make_user(display_name="Salma")
    store = make_store(owner=owner, default_language="ar")
    agent = make_user(display_name="Yousef")
    accounts.add_member(store=store, user=agent, role=Role.AGENT)
    return Shop(store, owner, agent, session_cookie(agent))


def session_cookie(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def visitor_token(store: Any, **fields: Any) -> tuple[Any, str]:
    from dukkan.support import services

    visitor = services.create_visitor(store, **fields)
    return visitor, services.issue_visitor_token(visitor)
