"""The `dukkan` command: demo, serve, worker, check, manage, i18n."""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from types import FrameType
from typing import Any

SETTINGS = "dukkan.config.settings"


def _print_problems(problems: list[Any]) -> None:
    print("Dukkan cannot start because of its configuration:", file=sys.stderr)
    for problem in problems:
        print(f"  ✘ {problem}", file=sys.stderr)
    print(
        "Fix the variables above (see the configuration table in README.md) and try again.",
        file=sys.stderr,
    )


def _load_or_exit() -> Any:
    from dukkan.config.env import load_config

    config = load_config()
    if config.problems:
        _print_problems(config.problems)
        raise SystemExit(2)
    return config


def _setup() -> None:
    from dukkan.i18n import compile_catalogs

    try:
        compile_catalogs(only_stale=True)
    except OSError as error:
        # A read-only install ships its compiled catalogs; serve with those.
        print(f"Note: translations were not recompiled ({error.strerror}).", file=sys.stderr)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    import django

    django.setup()


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is outside 1–65535")
    return port


def _workers(value: str) -> int:
    try:
        count = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of workers") from None
    if not 1 <= count <= 64:
        raise argparse.ArgumentTypeError("the number of workers must be between 1 and 64")
    return count


def _prepare(config: Any, *, migrate: bool) -> None:
    from django.core.management import call_command

    if migrate:
        call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def _serve(config: Any, *, host: str, port: int, workers: int, banner: str = "") -> None:
    import uvicorn

    from dukkan.core.worker import DukkanWorker

    background = None
    if config.worker_in_process:
        background = DukkanWorker()
        background.start_in_background()
    if banner:
        print(banner, flush=True)
    # uvicorn shuts down gracefully on SIGTERM, then raises the signal again to die by it;
    # this handler turns that into a normal exit, so the `finally` below stops the worker
    # between tasks and the command exits 0.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        uvicorn.run(
            "dukkan.config.asgi:application",
            host=host,
            port=port,
            workers=workers,
            lifespan="off",
            access_log=False,
            log_config=None,
            proxy_headers=True,
            server_header=False,
        )
    finally:
        if background:
            background.stop()


def _use_multiprocess_metrics(config: Any, workers: int) -> None:
    if workers > 1 and "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        folder = Path(tempfile.mkdtemp(prefix="metrics-", dir=config.data_dir))
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
        import atexit

        atexit.register(shutil.rmtree, folder, True)


def cmd_serve(args: argparse.Namespace) -> None:
    config = _load_or_exit()
    _use_multiprocess_metrics(config, args.workers)
    _setup()
    _prepare(config, migrate=not args.no_migrate)
    _serve(config, host=args.host, port=args.port, workers=args.workers)


def cmd_demo(args: argparse.Namespace) -> None:
    host = args.host
    shown = "localhost" if host in {"127.0.0.1", "0.0.0.0"} else host
    # Links in the demo's mail (receipts, sign-in links) must point at this server's port.
    os.environ.setdefault("DUKKAN_BASE_URL", f"http://{shown}:{args.port}")
    config = _load_or_exit()
    _use_multiprocess_metrics(config, 1)
    _setup()
    _prepare(config, migrate=True)
    from dukkan.demo import load_demo, render_banner

    accounts = load_demo()
    banner = render_banner(f"http://{shown}:{args.port}", accounts, config)
    _serve(config, host=host, port=args.port, workers=1, banner=banner)


def cmd_worker(args: argparse.Namespace) -> None:
    _load_or_exit()
    _setup()
    from dukkan.core.worker import DukkanWorker

    DukkanWorker(interval=args.interval).run_forever()


def cmd_check(args: argparse.Namespace) -> None:
    from dukkan.config.checks import run_checks

    raise SystemExit(run_checks())


def cmd_manage(args: argparse.Namespace) -> None:
    _load_or_exit()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["dukkan manage", *args.rest])


def cmd_i18n(args: argparse.Namespace) -> None:
    from dukkan.i18n import compile_catalogs, extract_catalogs

    if args.action == "extract":
        _load_or_exit()
        _setup()
        extract_catalogs()
    for path in compile_catalogs(only_stale=False):
        print(f"compiled {path}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dukkan", description="Sell and support digital products in one place."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser(
        "demo", help="migrate, load the demo marketplace and serve it with a worker"
    )
    demo.add_argument("--port", type=_port, default=8000)
    demo.add_argument("--host", default="127.0.0.1")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="serve HTTP and WebSockets (uvicorn)")
    serve.add_argument("--port", type=_port, default=8000)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--workers", type=_workers, default=1, help="server processes (default 1)")
    serve.add_argument(
        "--no-migrate", action="store_true", help="do not apply database migrations at start"
    )
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run background tasks and periodic jobs")
    worker.add_argument(
        "--interval", type=float, default=0.5, help="seconds between polls of an empty queue"
    )
    worker.set_defaults(func=cmd_worker)

    check = sub.add_parser("check", help="say in plain words what is misconfigured")
    check.set_defaults(func=cmd_check)

    manage = sub.add_parser("manage", help="run a Django management command", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)

    i18n = sub.add_parser("i18n", help="compile (or extract and compile) translations")
    i18n.add_argument("action", choices=["compile", "extract"], default="compile", nargs="?")
    i18n.set_defaults(func=cmd_i18n)

    from dukkan.email_channel.cli import add_smtpd_parser

    add_smtpd_parser(sub, _port)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        args.func(args)


if __name__ == "__main__":
    main()
