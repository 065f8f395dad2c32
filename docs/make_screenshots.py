"""Regenerate the screenshots in docs/: runs `dukkan demo` in a scratch data folder and
photographs the main pages in ar, fa and en, on a desktop and a phone.

    .venv/bin/python docs/make_screenshots.py [--out docs] [--port 18401] [--all]

Without --all it writes only the screenshots the README uses.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "dukkan-demo-2026"
OWNERS = {
    "ar": ("salma@alwarraq.example", "alwarraq"),
    "fa": ("maryam@afzoonesara.example", "afzoonesara"),
    "en": ("daniel@cedarapps.example", "cedar-apps"),
}
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}
README_SHOTS = {("home", "ar", "desktop"), ("dashboard", "fa", "desktop"), ("store", "en", "phone")}


def wait_until_up(url: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(120):
        if server.poll() is not None:
            sys.exit("dukkan demo stopped before it answered")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"{url} did not answer")


def shoot(page: Page, path: Path) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(path), full_page=True)
    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--port", type=int, default=18401)
    parser.add_argument("--all", action="store_true", help="every page, language and size")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    data_dir = tempfile.mkdtemp(prefix="dukkan-shots-")
    env = {**os.environ, "DUKKAN_DATA_DIR": data_dir, "DUKKAN_LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "dukkan"), "demo", "--port", str(args.port)],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_until_up(f"{base}/healthz", server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            for size_name, size in SIZES.items():
                for language, (email, slug) in OWNERS.items():
                    pages = {
                        "home": f"/{language}/",
                        "store": f"/{language}/s/{slug}/",
                        "login": f"/{language}/accounts/login/",
                        "dashboard": f"/{language}/dashboard/{slug}/",
                        "team": f"/{language}/dashboard/{slug}/team/",
                    }
                    context = browser.new_context(viewport=size)  # type: ignore[arg-type]
                    page = context.new_page()
                    for name, path in pages.items():
                        if not args.all and (name, language, size_name) not in README_SHOTS:
                            continue
                        if name == "dashboard":
                            page.goto(f"{base}/{language}/accounts/login/")
                            page.fill("input[name=login]", email)
                            page.fill("input[name=password]", PASSWORD)
                            page.click("main form button[type=submit]")
                            page.wait_for_load_state()
                        page.goto(base + path)
                        shoot(page, args.out / f"screenshot-{name}-{language}-{size_name}.png")
                    context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
