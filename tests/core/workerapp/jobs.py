from __future__ import annotations

from datetime import timedelta

from dukkan.core.periodic import periodic
from tests.core.workerapp.tasks import JOB_NAME, record_period

# Six fields: the last one is seconds.
periodic("* * * * * */2", name=JOB_NAME, catch_up=timedelta(seconds=30), pass_due_at=True)(
    record_period
)
