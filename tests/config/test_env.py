"""`load_config`: every wrong value becomes a Problem that names its variable, in plain words."""

from __future__ import annotations

import multiprocessing
import stat
from pathlib import Path
from typing import Any

import pytest

from dukkan.config.env import VARIABLES, Config, load_config, redact

GOOD_KEY = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMN"


def load(tmp_path: Path, **environ: str) -> Config:
    return load_config({"DUKKAN_DATA_DIR": str(tmp_path / "data"), **environ})


def problems(config: Config) -> dict[str, str]:
    found = {p.variable: p.message for p in config.problems}
    assert len(found) == len(config.problems), "one problem per variable"
    for problem in config.problems:
        assert str(problem).startswith(f"{problem.variable}: ")
        assert "Traceback" not in problem.message
    return found


def test_defaults_work_out_of_the_box(tmp_path: Path) -> None:
    config = load(tmp_path)
    assert config.problems == []
    assert config.environment == "development"
    assert config.database_vendor == "sqlite"
    assert config.database["NAME"] == str(tmp_path / "data" / "dukkan.sqlite3")
    assert "journal_mode=WAL" in config.database["OPTIONS"]["init_command"]
    assert config.debug is False
    assert config.redis_url == ""
    assert config.worker_in_process is True
    assert config.email.backend.endswith("filebased.EmailBackend")


def test_generated_secret_key_is_kept_private_and_reused(tmp_path: Path) -> None:
    first = load(tmp_path).secret_key
    key_file = tmp_path / "data" / "secret_key"
    assert len(first) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load(tmp_path).secret_key == first


def test_postgres_url(tmp_path: Path) -> None:
    config = load(tmp_path, DATABASE_URL="postgres://shop:p%40ss@db.internal:5433/dukkan")
    assert config.problems == []
    assert config.database_vendor == "postgresql"
    assert config.database["NAME"] == "dukkan"
    assert config.database["PASSWORD"] == "p@ss"
    assert config.database["PORT"] == 5433
    assert config.database["OPTIONS"]["connect_timeout"] == 10
    # The worker runs in its own processes when scaled out.
    assert config.worker_in_process is False


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("not a url", "is not a URL"),
        ("localhost:5432/dukkan", "is not a URL"),
        ("mysql://shop@db/dukkan", "mysql:// is not a database Dukkan runs on"),
        ("redis://127.0.0.1:6379/0", "redis:// is not a database Dukkan runs on"),
        ("postgres://db.internal", "names no database"),
        ("postgres://shop@db.internal:five/dukkan", "check the port"),
        ("sqlite://", "names no SQLite file"),
        ("sqlite:///:memory:", "names no SQLite file"),
    ],
)
def test_bad_database_url(tmp_path: Path, url: str, says: str) -> None:
    found = problems(load(tmp_path, DATABASE_URL=url))
    assert list(found) == ["DATABASE_URL"]
    assert says in found["DATABASE_URL"]
    assert "postgres://user:password@host:5432/name" in found["DATABASE_URL"]


def test_database_password_never_appears_in_a_message(tmp_path: Path) -> None:
    found = problems(load(tmp_path, DATABASE_URL="postgres://shop:hunter2secret@db:port/x"))
    assert "hunter2secret" not in found["DATABASE_URL"]


@pytest.mark.parametrize("value", ["maybe", "2", "enabled"])
def test_debug_must_be_a_boolean(tmp_path: Path, value: str) -> None:
    config = load(tmp_path, DEBUG=value)
    assert problems(config) == {"DEBUG": f"expected true or false, got {value!r}."}
    assert config.debug is False


@pytest.mark.parametrize(("value", "expected"), [("TRUE", True), ("yes", True), ("0", False)])
def test_debug_words(tmp_path: Path, value: str, expected: bool) -> None:
    config = load(tmp_path, DEBUG=value)
    assert config.problems == []
    assert config.debug is expected


def test_production_demands_a_secret_key_and_hosts(tmp_path: Path) -> None:
    config = load(tmp_path, DUKKAN_ENV="production")
    found = problems(config)
    assert set(found) == {"SECRET_KEY", "DUKKAN_ALLOWED_HOSTS"}
    assert "required when DUKKAN_ENV=production" in found["SECRET_KEY"]
    assert "required when DUKKAN_ENV=production" in found["DUKKAN_ALLOWED_HOSTS"]
    # No key was generated and kept for production.
    assert not (tmp_path / "data" / "secret_key").exists()


def test_production_refuses_debug_and_wildcard_hosts(tmp_path: Path) -> None:
    found = problems(
        load(
            tmp_path,
            DUKKAN_ENV="production",
            SECRET_KEY=GOOD_KEY,
            DUKKAN_ALLOWED_HOSTS="*",
            DEBUG="true",
        )
    )
    assert set(found) == {"DEBUG", "DUKKAN_ALLOWED_HOSTS"}
    assert "must be false when DUKKAN_ENV=production" in found["DEBUG"]


def test_good_production_config(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        DUKKAN_ENV="Production",
        SECRET_KEY=GOOD_KEY,
        DUKKAN_ALLOWED_HOSTS="shop.example.com, www.shop.example.com",
        DUKKAN_BASE_URL="https://shop.example.com/",
    )
    assert config.problems == []
    assert config.is_production
    assert config.allowed_hosts == ["shop.example.com", "www.shop.example.com"]
    assert config.base_url == "https://shop.example.com"


@pytest.mark.parametrize(
    ("environ", "variable", "says"),
    [
        ({"DUKKAN_ENV": "prod"}, "DUKKAN_ENV", "must be one of development, production"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY", "at least 50"),
        ({"SECRET_KEY": "a" * 60}, "SECRET_KEY", "too short or too simple"),
        (
            {"DUKKAN_ALLOWED_HOSTS": "https://shop.example.com/"},
            "DUKKAN_ALLOWED_HOSTS",
            "not a host name",
        ),
        ({"DUKKAN_BASE_URL": "shop.example.com"}, "DUKKAN_BASE_URL", "absolute http(s) address"),
        ({"DUKKAN_DEFAULT_LANGUAGE": "de"}, "DUKKAN_DEFAULT_LANGUAGE", "must be one of ar, fa, en"),
        ({"DUKKAN_WORKER_IN_PROCESS": "sometimes"}, "DUKKAN_WORKER_IN_PROCESS", "true or false"),
        ({"DUKKAN_LOG_FORMAT": "xml"}, "DUKKAN_LOG_FORMAT", "json, console"),
        ({"DUKKAN_LOG_LEVEL": "loud"}, "DUKKAN_LOG_LEVEL", "DEBUG, INFO, WARNING, ERROR"),
        ({"REDIS_URL": "http://127.0.0.1:6379"}, "REDIS_URL", "must start with redis://"),
        ({"REDIS_URL": "127.0.0.1:6379"}, "REDIS_URL", "must start with redis://"),
        ({"REDIS_URL": "redis://127.0.0.1:sixty/0"}, "REDIS_URL", "port that is not a number"),
        ({"EMAIL_URL": "pigeon://coop"}, "EMAIL_URL", "pigeon: is not a way Dukkan sends mail"),
        ({"EMAIL_URL": "mail.example.com"}, "EMAIL_URL", "is not a URL"),
        ({"EMAIL_URL": "smtp://"}, "EMAIL_URL", "names no mail server host"),
        ({"EMAIL_URL": "smtp://mail.example.com:abc"}, "EMAIL_URL", "port that is not a number"),
        ({"EMAIL_URL": "smtp://mail.example.com?tls=perhaps"}, "EMAIL_URL", "tls= must be true"),
    ],
)
def test_bad_value_names_its_variable(
    tmp_path: Path, environ: dict[str, str], variable: str, says: str
) -> None:
    found = problems(load(tmp_path, **environ))
    assert list(found) == [variable]
    assert says in found[variable]


def test_redis_url_with_password_is_not_echoed(tmp_path: Path) -> None:
    found = problems(load(tmp_path, REDIS_URL="http://:sup3rsecret@cache:6379"))
    assert "sup3rsecret" not in found["REDIS_URL"]
    assert redact("redis://:sup3rsecret@cache:6379/1") == "redis://:***@cache:6379/1"
    assert redact("redis://cache:6379/1") == "redis://cache:6379/1"


def test_smtp_url(tmp_path: Path) -> None:
    config = load(
        tmp_path, EMAIL_URL="smtp://me%40example.com:pa%3Ass@mail.example.com:587?tls=true"
    )
    assert config.problems == []
    email = config.email
    assert (email.host, email.port, email.user, email.password) == (
        "mail.example.com",
        587,
        "me@example.com",
        "pa:ss",
    )
    assert email.use_tls
    assert not email.use_ssl
    assert load(tmp_path, EMAIL_URL="smtps://mail.example.com").email.port == 465


def test_data_dir_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    config = load_config({"DUKKAN_DATA_DIR": str(blocker / "data")})
    found = problems(config)
    assert "DUKKAN_DATA_DIR" in found
    assert (
        f"the folder {blocker / 'data'} cannot be created or written to" in found["DUKKAN_DATA_DIR"]
    )
    assert "Not a directory" in found["DUKKAN_DATA_DIR"]


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    found = problems(
        load(tmp_path, DEBUG="maybe", REDIS_URL="http://x", EMAIL_URL="pigeon://", DUKKAN_ENV="x")
    )
    assert set(found) == {"DEBUG", "REDIS_URL", "EMAIL_URL", "DUKKAN_ENV"}


def test_every_variable_is_documented() -> None:
    names = [v.name for v in VARIABLES]
    assert len(names) == len(set(names))
    for variable in VARIABLES:
        assert variable.help.strip().endswith(".")


def test_processes_starting_together_share_a_data_dir(tmp_path: Path) -> None:
    # Workers started at once used to delete each other's write probe, and to keep
    # different generated secret keys.
    context = multiprocessing.get_context("fork")
    rounds, processes = 20, 6
    barrier = context.Barrier(processes)
    queue = context.Queue()
    jobs = [
        context.Process(target=_start_rounds, args=(str(tmp_path), rounds, barrier, queue))
        for _ in range(processes)
    ]
    for job in jobs:
        job.start()
    results = [queue.get(timeout=60) for _ in range(rounds * processes)]
    for job in jobs:
        job.join(timeout=60)
    assert [problems for _, problems, _ in results] == [[]] * (rounds * processes)
    for n in range(rounds):
        folder = tmp_path / str(n)
        # All processes of a round sign with the one key that was kept.
        assert {key for r, _, key in results if r == n} == {(folder / "secret_key").read_text()}
        assert [p.name for p in folder.iterdir()] == ["secret_key"]


def _start_rounds(root: str, rounds: int, barrier: Any, queue: Any) -> None:
    for n in range(rounds):
        barrier.wait()
        config = load_config({"DUKKAN_DATA_DIR": f"{root}/{n}"})
        queue.put((n, [str(p) for p in config.problems], config.secret_key))
