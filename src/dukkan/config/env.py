"""Reading Dukkan's configuration from environment variables.

Every variable is declared once here with its meaning, default and parser, so that
`dukkan check`, start-up and the README's configuration table all say the same thing.
A wrong value never raises a traceback: it becomes a `Problem` naming the variable.
"""

from __future__ import annotations

import os
import secrets
import stat
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url

ENVIRONMENTS = ("development", "production")
LANGUAGE_CODES = ("ar", "fa", "en")


@dataclass(frozen=True)
class Problem:
    variable: str
    message: str

    def __str__(self) -> str:
        return f"{self.variable}: {self.message}"


@dataclass(frozen=True)
class Variable:
    name: str
    help: str
    default: str = ""


VARIABLES: tuple[Variable, ...] = (
    Variable(
        "DUKKAN_ENV",
        "`development` or `production` (production demands SECRET_KEY and allowed hosts).",
        "development",
    ),
    Variable(
        "DUKKAN_DATA_DIR",
        "Folder for the SQLite database, uploaded files, generated secret key and outgoing mail.",
        "./data",
    ),
    Variable(
        "DATABASE_URL",
        "Database URL; `postgres://user:pass@host:5432/name` when scaled out.",
        "SQLite file in the data folder",
    ),
    Variable(
        "REDIS_URL", "Redis URL; switches the realtime channel layer and the cache to Redis.", ""
    ),
    Variable(
        "SECRET_KEY",
        "Secret used to sign sessions and tokens (at least 50 characters). Generated and kept in the data folder when not in production.",
        "",
    ),
    Variable("DEBUG", "`true` shows Django's debug pages. Never in production.", "false"),
    Variable(
        "DUKKAN_ALLOWED_HOSTS",
        "Comma-separated host names this server answers to.",
        "localhost,127.0.0.1,[::1]",
    ),
    Variable(
        "DUKKAN_BASE_URL",
        "Public address of this server, used in links sent by email.",
        "http://localhost:8000",
    ),
    Variable(
        "DUKKAN_DEFAULT_LANGUAGE", "Language when the visitor's is unknown: ar, fa or en.", "en"
    ),
    Variable(
        "DUKKAN_WORKER_IN_PROCESS",
        "Run the background task worker inside `serve`. Defaults to true on SQLite.",
        "true on SQLite, false otherwise",
    ),
    Variable("DUKKAN_LOG_FORMAT", "`json` (one object per line) or `console`.", "json"),
    Variable("DUKKAN_LOG_LEVEL", "DEBUG, INFO, WARNING or ERROR.", "INFO"),
    Variable(
        "EMAIL_URL",
        "Outgoing mail: `smtp://user:pass@host:587?tls=true`, `smtps://…`, `console:` or `file:` (writes to DATA_DIR/outbox).",
        "file:",
    ),
    Variable(
        "DEFAULT_FROM_EMAIL",
        "Sender address of the mail Dukkan sends.",
        "Dukkan <no-reply@localhost>",
    ),
    Variable(
        "DUKKAN_SENDFILE",
        "Paid downloads handed to the front web server after the checks: `nginx:/internal-prefix/` (X-Accel-Redirect; the prefix is an `internal` location aliased to DATA_DIR/private/) or `sendfile` (X-Sendfile for Apache/lighttpd). Empty: Dukkan streams the files itself.",
        "",
    ),
)

DATABASE_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


@dataclass
class EmailConfig:
    backend: str
    host: str = ""
    port: int = 0
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    file_path: str = ""


@dataclass
class Config:
    environment: str
    data_dir: Path
    database: dict[str, Any]
    database_vendor: str
    redis_url: str
    secret_key: str
    debug: bool
    allowed_hosts: list[str]
    base_url: str
    default_language: str
    worker_in_process: bool
    log_format: str
    log_level: str
    email: EmailConfig
    default_from_email: str
    sendfile: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


class _Reader:
    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ
        self.problems: list[Problem] = []

    def raw(self, name: str, default: str = "") -> str:
        return self.environ.get(name, default).strip()

    def problem(self, name: str, message: str) -> None:
        self.problems.append(Problem(name, message))

    def boolean(self, name: str, default: bool) -> bool:
        value = self.raw(name).lower()
        if name not in self.environ:
            return default
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS:
            return False
        self.problem(name, f"expected true or false, got {value!r}.")
        return default

    def choice(
        self,
        name: str,
        choices: tuple[str, ...],
        default: str,
        *,
        fold: Callable[[str], str] = str.lower,
    ) -> str:
        value = fold(self.raw(name, default))
        if value not in choices:
            self.problem(name, f"must be one of {', '.join(choices)}; got {value!r}.")
            return default
        return value


def _data_dir(reader: _Reader) -> Path:
    path = Path(reader.raw("DUKKAN_DATA_DIR", "./data")).expanduser().resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
        # A probe file of its own: processes starting together must not delete each other's.
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-"):
            pass
    except OSError as error:
        reader.problem(
            "DUKKAN_DATA_DIR",
            f"the folder {path} cannot be created or written to ({error.strerror}).",
        )
    return path


def _database(reader: _Reader, data_dir: Path) -> tuple[dict[str, Any], str]:
    url = reader.raw("DATABASE_URL")
    sqlite_default: dict[str, Any] = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(data_dir / "dukkan.sqlite3"),
    }
    config = (_parse_database_url(reader, url) if url else None) or sqlite_default
    engine = config.get("ENGINE", "")
    if engine.endswith("sqlite3"):
        config["OPTIONS"] = {
            # WAL lets readers run beside the writer; IMMEDIATE avoids upgrade deadlocks.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 10,
        }
        return config, "sqlite"
    if "postgresql" in engine:
        # Fail in seconds, not minutes, when the server is unreachable.
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", 10)
        # Persistent connections, checked before reuse.
        config["CONN_MAX_AGE"] = 60
        config["CONN_HEALTH_CHECKS"] = True
        if not config.get("NAME"):
            reader.problem(
                "DATABASE_URL",
                "the PostgreSQL URL names no database: add it at the end, as in "
                "postgres://user:password@host:5432/name.",
            )
        return config, "postgresql"
    reader.problem(
        "DATABASE_URL",
        f"unsupported database engine {engine!r}: Dukkan runs on SQLite or PostgreSQL.",
    )
    return sqlite_default, "sqlite"


def _parse_database_url(reader: _Reader, url: str) -> dict[str, Any] | None:
    usage = "Use postgres://user:password@host:5432/name or sqlite:////absolute/path.db."
    scheme = urlsplit(url).scheme.lower() if "://" in url else ""
    if not scheme:
        reader.problem("DATABASE_URL", f"is not a URL. {usage}")
        return None
    if scheme not in DATABASE_SCHEMES:
        reader.problem(
            "DATABASE_URL",
            f"{scheme}:// is not a database Dukkan runs on: it runs on SQLite or PostgreSQL. {usage}",
        )
        return None
    try:
        config = {**dj_database_url.parse(url, conn_max_age=0)}
        urlsplit(url).port  # noqa: B018  (raises for a port that is not a number)
    except ValueError:
        reader.problem(
            "DATABASE_URL",
            "cannot be read: check the port and %-escape special characters in the password. "
            + usage,
        )
        return None
    if scheme == "sqlite" and config.get("NAME") in {"", ":memory:"}:
        # Every connection would get its own empty database.
        reader.problem(
            "DATABASE_URL",
            f"names no SQLite file (an in-memory database cannot be shared). {usage}",
        )
        return None
    return config


def redact(url: str) -> str:
    """The URL without its password, safe to print."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def _redis_url(reader: _Reader) -> str:
    url = reader.raw("REDIS_URL")
    if not url:
        return ""
    parts = urlsplit(url)
    if "://" not in url or parts.scheme.lower() not in {"redis", "rediss", "unix"}:
        reader.problem(
            "REDIS_URL",
            "must start with redis://, rediss:// or unix:// (for example redis://127.0.0.1:6379/0).",
        )
        return ""
    try:
        parts.port  # noqa: B018  (raises for a port that is not a number)
    except ValueError:
        reader.problem("REDIS_URL", "has a port that is not a number.")
        return ""
    return url


def _secret_key(reader: _Reader, data_dir: Path, environment: str) -> str:
    key = reader.raw("SECRET_KEY")
    if key:
        if len(key) < 50 or len(set(key)) < 5:
            reader.problem(
                "SECRET_KEY",
                'is too short or too simple: use at least 50 random characters (for example: python -c "import secrets; print(secrets.token_urlsafe(50))").',
            )
        return key
    if environment == "production":
        reader.problem(
            "SECRET_KEY",
            "is required when DUKKAN_ENV=production; set it to at least 50 random characters.",
        )
        return "unset-" + secrets.token_urlsafe(50)
    path = data_dir / "secret_key"
    try:
        if path.exists():
            key = path.read_text().strip()
        if not key:
            key = _keep_new_key(path)
    except OSError as error:
        reader.problem(
            "SECRET_KEY",
            f"not set, and the generated key could not be kept in {path} ({error.strerror}).",
        )
        key = secrets.token_urlsafe(50)
    return key


def _keep_new_key(path: Path) -> str:
    """Write a new key to `path` unless another process just did; return the key kept there."""
    with tempfile.NamedTemporaryFile("w", dir=path.parent, prefix=".secret-", delete=False) as f:
        f.write(secrets.token_urlsafe(50))
    temporary = Path(f.name)
    try:
        temporary.chmod(stat.S_IRUSR | stat.S_IWUSR)
        # link() never overwrites: of processes starting together, one key wins for all.
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return path.read_text().strip()


def _allowed_hosts(reader: _Reader, environment: str) -> list[str]:
    raw = reader.raw("DUKKAN_ALLOWED_HOSTS")
    if not raw:
        if environment == "production":
            reader.problem(
                "DUKKAN_ALLOWED_HOSTS",
                "is required when DUKKAN_ENV=production: list the host names this server answers to, comma-separated.",
            )
        return ["localhost", "127.0.0.1", "[::1]", "testserver"]
    hosts = [host.strip() for host in raw.split(",") if host.strip()]
    for host in hosts:
        if "/" in host or " " in host:
            reader.problem(
                "DUKKAN_ALLOWED_HOSTS",
                f"{host!r} is not a host name (no scheme or path: write example.com, not https://example.com/).",
            )
    if environment == "production" and "*" in hosts:
        reader.problem("DUKKAN_ALLOWED_HOSTS", "must not be * in production.")
    return hosts


def _base_url(reader: _Reader) -> str:
    url = reader.raw("DUKKAN_BASE_URL", "http://localhost:8000").rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        reader.problem(
            "DUKKAN_BASE_URL",
            f"must be an absolute http(s) address such as https://shop.example.com; got {url!r}.",
        )
        return "http://localhost:8000"
    return url


def _email(reader: _Reader, data_dir: Path) -> EmailConfig:
    url = reader.raw("EMAIL_URL", "file:")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "file":
        return EmailConfig(
            "django.core.mail.backends.filebased.EmailBackend", file_path=str(data_dir / "outbox")
        )
    if scheme == "console":
        return EmailConfig("django.core.mail.backends.console.EmailBackend")
    if scheme in {"smtp", "smtps"}:
        if not parts.hostname:
            reader.problem(
                "EMAIL_URL", "names no mail server host (smtp://user:password@host:587)."
            )
        query = dict(pair.split("=", 1) for pair in parts.query.split("&") if "=" in pair)
        tls = query.get("tls", "").lower()
        if tls not in TRUE_WORDS | FALSE_WORDS:
            reader.problem("EMAIL_URL", f"tls= must be true or false; got {tls!r}.")
        try:
            port = parts.port or (465 if scheme == "smtps" else 25)
        except ValueError:
            reader.problem("EMAIL_URL", "has a port that is not a number.")
            port = 25
        return EmailConfig(
            "django.core.mail.backends.smtp.EmailBackend",
            host=parts.hostname or "",
            port=port,
            user=_unquote(parts.username),
            password=_unquote(parts.password),
            use_ssl=scheme == "smtps",
            use_tls=tls in TRUE_WORDS,
        )
    if scheme == "locmem":
        return EmailConfig("django.core.mail.backends.locmem.EmailBackend")
    what = f"{scheme}: is not a way Dukkan sends mail" if scheme else "is not a URL"
    reader.problem(
        "EMAIL_URL",
        f"{what}; use smtp://user:password@host:587?tls=true, smtps://…, console: or file:.",
    )
    return EmailConfig(
        "django.core.mail.backends.filebased.EmailBackend", file_path=str(data_dir / "outbox")
    )


def _sendfile(reader: _Reader) -> str:
    value = reader.raw("DUKKAN_SENDFILE")
    if value in {"", "sendfile"}:
        return value
    prefix = value.removeprefix("nginx:")
    if value.startswith("nginx:") and prefix.startswith("/") and prefix.endswith("/"):
        return value
    reader.problem(
        "DUKKAN_SENDFILE",
        f"must be empty, sendfile, or nginx:/internal-prefix/ (with both slashes); got {value!r}.",
    )
    return ""


def _unquote(value: str | None) -> str:
    from urllib.parse import unquote

    return unquote(value or "")


def load_config(environ: Mapping[str, str] | None = None) -> Config:
    """Read the environment once; wrong values become `problems`, never exceptions."""
    reader = _Reader(os.environ if environ is None else environ)
    environment = reader.choice("DUKKAN_ENV", ENVIRONMENTS, "development")
    data_dir = _data_dir(reader)
    database, vendor = _database(reader, data_dir)
    debug = reader.boolean("DEBUG", False)
    if debug and environment == "production":
        reader.problem(
            "DEBUG", "must be false when DUKKAN_ENV=production: debug pages reveal secrets."
        )
    return Config(
        environment=environment,
        data_dir=data_dir,
        database=database,
        database_vendor=vendor,
        redis_url=_redis_url(reader),
        secret_key=_secret_key(reader, data_dir, environment),
        debug=debug,
        allowed_hosts=_allowed_hosts(reader, environment),
        base_url=_base_url(reader),
        default_language=reader.choice("DUKKAN_DEFAULT_LANGUAGE", LANGUAGE_CODES, "en"),
        worker_in_process=reader.boolean("DUKKAN_WORKER_IN_PROCESS", vendor == "sqlite"),
        log_format=reader.choice("DUKKAN_LOG_FORMAT", ("json", "console"), "json"),
        log_level=reader.choice(
            "DUKKAN_LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "INFO", fold=str.upper
        ),
        email=_email(reader, data_dir),
        default_from_email=reader.raw("DEFAULT_FROM_EMAIL", "Dukkan <no-reply@localhost>"),
        sendfile=_sendfile(reader),
        problems=reader.problems,
    )
