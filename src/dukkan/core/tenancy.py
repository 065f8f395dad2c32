"""Tenant scoping: every query on a store-owned model goes through `scoped`.

A store-owned model inherits `StoreOwned`; views get the current store from the
membership check in `accounts.permissions` and then read only through `scoped(...)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import Http404

if TYPE_CHECKING:
    from dukkan.core.models import Store

M = TypeVar("M", bound=models.Model)


class StoreOwned(models.Model):
    store = models.ForeignKey(
        "core.Store", on_delete=models.CASCADE, related_name="%(app_label)s_%(class)ss"
    )

    class Meta:
        abstract = True


class UnscopedModelError(TypeError):
    pass


def scoped(source: type[M] | QuerySet[M], store: Store) -> QuerySet[M]:
    """Rows of `source` that belong to `store`; refuses models that carry no store."""
    queryset = source if isinstance(source, QuerySet) else source._default_manager.all()
    model = queryset.model
    try:
        model._meta.get_field("store")
    except Exception as error:
        raise UnscopedModelError(f"{model.__name__} is not store-owned") from error
    return queryset.filter(store=store)


def get_scoped_or_404(source: type[M] | QuerySet[M], store: Store, **lookup: Any) -> M:
    """One row of `store`; 404 alike for a missing row, another store's row or a malformed id."""
    queryset = scoped(source, store)
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError, ValidationError) as error:
        raise Http404 from error
