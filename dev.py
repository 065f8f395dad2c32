#!/usr/bin/env python3
"""Set-up and the two everyday commands, needing nothing but Python 3.11+.

python3 dev.py demo [--port 8000]   set up, then run the demo marketplace
python3 dev.py test [pytest args]   set up, then run the whole test suite
python3 dev.py setup                only set up (.venv with the locked dependencies)
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".dukkan-lock"
UV_VERSION = "0.13.*"
BROWSER_PACKAGES = ["chromium", "fonts-noto-core"]


def say(text: str) -> None:
    print(f"[dukkan] {text}", flush=True)


def run(*command: str | Path, **kwargs: object) -> None:
    subprocess.run([str(part) for part in command], check=True, **kwargs)  # type: ignore[call-overload]


def setup() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036  (dev.py runs under any python3)
        sys.exit(f"Dukkan needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    lock = (ROOT / "uv.lock").read_bytes() + (ROOT / "pyproject.toml").read_bytes()
    digest = hashlib.sha256(lock).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest and (BIN / "dukkan").exists():
        return
    if not (BIN / "python").exists():
        say("creating .venv")
        run(sys.executable, "-m", "venv", VENV)
    uv = shutil.which("uv") or str(BIN / "uv")
    if not Path(uv).exists():
        say("installing uv (the dependency installer) into .venv")
        run(
            BIN / "python",
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            f"uv=={UV_VERSION}",
        )
    say("installing the locked dependencies")
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(VENV)}
    run(uv, "sync", "--frozen", "--quiet", "--python", BIN / "python", cwd=ROOT, env=env)
    run(BIN / "dukkan", "i18n", "compile", cwd=ROOT, stdout=subprocess.DEVNULL)
    STAMP.write_text(digest)


def ensure_browser() -> None:
    """Browser tests drive Debian's chromium; install it when we may, never download a browser build."""
    if shutil.which("chromium") or Path("/usr/bin/chromium").exists():
        return
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        say("installing Debian's chromium for the browser tests")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run("apt-get", "update", "-qq", env=env)
        run(
            "apt-get", "install", "-y", "-qq", "--no-install-recommends", *BROWSER_PACKAGES, env=env
        )
    else:
        say(
            "chromium is not installed: browser tests will be skipped (sudo apt-get install chromium)"
        )


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test", "setup", "serve"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    setup()
    os.chdir(ROOT)
    if command == "setup":
        return 0
    if command == "test":
        ensure_browser()
        return subprocess.call([str(BIN / "pytest"), *rest])
    return subprocess.call([str(BIN / "dukkan"), command, *rest])


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except subprocess.CalledProcessError as error:
        sys.exit(f"[dukkan] set-up step failed: {' '.join(map(str, error.cmd))}")
    except KeyboardInterrupt:
        sys.exit(130)
