"""Read-side functions of the core app."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from dukkan.core.models import Store


def public_stores() -> QuerySet[Store]:
    return Store.objects.filter(is_active=True).order_by("name")


def public_store(slug: str) -> Store | None:
    return Store.objects.filter(slug=slug, is_active=True).first()


def task_backlog() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().count()


def database_ready() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return False, type(error).__name__
    return True, connection.vendor
