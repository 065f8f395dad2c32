"""Test-only tasks: each run appends `<what> <pid>` to a file, in one write."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django_tasks import task

# Registered as a periodic job by `jobs`, which only worker processes import.
JOB_NAME = "tests.every_two_seconds"


def record(file_name: str, what: str) -> None:
    folder = Path(os.environ["DUKKAN_TEST_RECORD_DIR"])
    # O_APPEND makes each short write land whole, even with several processes writing.
    fd = os.open(folder / file_name, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, f"{what} {os.getpid()}\n".encode())
    finally:
        os.close(fd)


def read_records(folder: Path, file_name: str) -> list[tuple[str, int]]:
    path = folder / file_name
    if not path.exists():
        return []
    rows = []
    for line in path.read_text().splitlines():
        what, pid = line.rsplit(" ", 1)
        rows.append((what, int(pid)))
    return rows


@task()
def record_number(n: int) -> None:
    time.sleep(0.05)  # Long enough that the second worker finds work while the first is busy.
    record("numbers.log", str(n))


@task()
def record_period(due_at: str) -> None:
    record("periods.log", due_at)
