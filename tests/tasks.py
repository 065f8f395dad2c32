"""Running the database task queue inside a test, as `dukkan worker` would."""

from __future__ import annotations


def run_queued_tasks(worker_name: str = "pytest") -> int:
    """Run every task waiting in the database queue; fail on errors. Returns how many ran."""
    from django_tasks_db.models import DBTaskResult

    from dukkan.core.tasks import handle_event  # noqa: F401  (registers the event task)
    from dukkan.core.worker import batch_worker

    worker = batch_worker(worker_name)
    ran = 0
    while (result := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
    failed = DBTaskResult.objects.failed()
    assert not failed.exists(), [r.traceback for r in failed]
    return ran
