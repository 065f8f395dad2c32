"""Imports from the dashboard: an `ImportJob` row holds the upload and its progress; the
background task parses and loads it (all or nothing); the progress page polls the row."""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dukkan.core.models import Store
from dukkan.knowledge import formats, services
from dukkan.knowledge.models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)


def progress_key(job_id: int) -> str:
    return f"kb-import-progress:{job_id}"


def job_progress(job: ImportJob) -> tuple[int, int]:
    """(done, total) of a job: the row once finished, the live figures while it runs."""
    live = cache.get(progress_key(job.pk))
    if job.status == ImportStatus.RUNNING and isinstance(live, tuple):
        return int(live[0]), int(live[1])
    return job.done, job.total


def start_import(
    store: Store, *, format: str, filename: str, data: bytes, language: str, by: Any
) -> ImportJob:
    """Check what can be checked at once (size, format), keep the upload, queue the work."""
    if format not in ("zip", "csv", "json"):
        raise ValidationError(_("Upload a .zip of Markdown files, a .csv or a .json file."))
    if len(data) > formats.UPLOAD_LIMIT:
        raise ValidationError(_("The file is larger than 20 MB."))
    if not data:
        raise ValidationError(_("The file is empty."))
    job = ImportJob.objects.create(
        store=store,
        format=format,
        filename=filename[:255],
        language=language,
        payload=data,
        created_by=by if getattr(by, "pk", None) else None,
    )

    def enqueue() -> None:
        from dukkan.knowledge.tasks import run_import

        run_import.enqueue(job.pk)

    transaction.on_commit(enqueue)
    return job


def run_job(job_id: int) -> None:
    job = ImportJob.objects.select_related("store").filter(pk=job_id).first()
    if job is None or job.status not in (ImportStatus.PENDING, ImportStatus.RUNNING):
        return
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    try:
        rows = formats.parse(job.format, bytes(job.payload))
        ImportJob.objects.filter(pk=job.pk).update(total=len(rows))

        def progress(done: int, total: int) -> None:
            # The import is one transaction (all or nothing), so a row written inside it is
            # invisible to the progress page until the end: progress goes through the cache
            # (shared by the web and the worker: Redis, or one process's memory embedded).
            cache.set(progress_key(job.pk), (done, total), 3600)

        result = services.import_articles(
            job.store, rows, language=job.language, author=job.created_by, progress=progress
        )
    except (formats.FormatError, ValidationError) as error:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            error="\n".join(messages),
            payload=b"",
            finished_at=timezone.now(),
        )
        return
    except Exception:
        logger.exception("knowledge import failed", extra={"job": job.pk})
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            error=_("The import failed unexpectedly; nothing was imported."),
            payload=b"",
            finished_at=timezone.now(),
        )
        return
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE,
        done=result.created,
        total=result.created,
        created_count=result.created,
        payload=b"",
        finished_at=timezone.now(),
    )
