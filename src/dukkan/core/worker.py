"""The background worker: runs queued tasks and ticks the periodic scheduler.

`dukkan worker` runs it in the foreground; `dukkan serve` runs it on a thread in the
embedded mode. Several workers may run at once: tasks are claimed with row locks and
periodic jobs are claimed through `PeriodicRun`.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from django.db import close_old_connections, connection
from django.db.utils import OperationalError
from django_tasks_db.management.commands.db_worker import Worker

from dukkan.core.periodic import Scheduler

logger = logging.getLogger(__name__)


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{threading.get_ident() % 10000}"


class DukkanWorker:
    def __init__(
        self, *, interval: float = 0.5, tick_every: float = 1.0, worker_id: str | None = None
    ) -> None:
        self.worker_id = worker_id or new_worker_id()
        self.task_worker = Worker(
            queue_names=["*"],
            interval=interval,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        )
        self.scheduler = Scheduler(self.worker_id)
        self.tick_every = tick_every
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def _scheduler_loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.scheduler.tick()
            except OperationalError:
                logger.warning("periodic scheduler could not reach the database; retrying")
            except Exception:
                logger.exception("periodic scheduler tick failed")
            finally:
                close_old_connections()
            self._stop.wait(self.tick_every)

    def _task_loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.task_worker.run()
                return
            except OperationalError:
                logger.warning("task worker lost the database; retrying in a second")
                close_old_connections()
                time.sleep(1)
            except Exception:
                # Keep the embedded worker alive: a dead thread would stop all background work.
                logger.exception("task worker failed; restarting it in five seconds")
                close_old_connections()
                self._stop.wait(5)

    def start_in_background(self) -> None:
        for target, name in (
            (self._scheduler_loop, "dukkan-scheduler"),
            (self._task_loop, "dukkan-tasks"),
        ):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        logger.info("background worker started", extra={"worker_id": self.worker_id})

    def run_forever(self) -> None:
        """Foreground mode for `dukkan worker`: the scheduler on a thread, tasks here."""
        thread = threading.Thread(target=self._scheduler_loop, name="dukkan-scheduler", daemon=True)
        thread.start()
        self.task_worker.configure_signals()
        logger.info("worker started", extra={"worker_id": self.worker_id})
        try:
            self._task_loop()
        finally:
            self._stop.set()

    def stop(self) -> None:
        self._stop.set()
        self.task_worker.running = False
        for thread in self._threads:
            thread.join(timeout=5)


def batch_worker(worker_id: str | None = None) -> Worker:
    """A task worker that drains the queue once and returns, instead of polling forever."""
    return Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id or new_worker_id(),
        excluded_queue_names=[],
    )


def run_pending_tasks() -> int:
    """Run every queued task now, in this thread (tests and one-off commands).

    The worker closes connections that are inside a transaction, so it cannot run in one
    (in tests: use `django_db(transaction=True)`).
    """
    if connection.in_atomic_block:
        raise RuntimeError(
            "run_pending_tasks() cannot run inside a transaction: the task worker commits "
            "as it goes (in tests, mark the test django_db(transaction=True))."
        )
    worker = batch_worker()
    worker.run()
    return worker._run_tasks
