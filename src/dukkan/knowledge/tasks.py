"""Background work of the knowledge base: running an uploaded import."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import(job_id: int) -> None:
    from dukkan.knowledge.imports import run_job

    run_job(job_id)
