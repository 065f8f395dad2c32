"""JSON API of the accounts app (`/api/v1/...`)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from dukkan.accounts import selectors
from dukkan.accounts.models import Role
from dukkan.core.models import Store
from dukkan.core.selectors import public_store

router = Router(tags=["stores"])


class StoreOut(Schema):
    slug: str
    name: str
    tagline: str
    default_language: str
    currency: str
    time_zone: str
    weekend_days: list[int]


class MemberOut(Schema):
    id: int
    email: str
    display_name: str
    role: str


class MyStoreOut(Schema):
    store: StoreOut
    role: str


@router.get("/stores/{store_slug}", response=StoreOut, auth=None)
def get_store(request: HttpRequest, store_slug: str) -> Store:
    store = public_store(store_slug)
    if store is None:
        raise Http404
    return store


@router.get("/me/stores", response=list[MyStoreOut], auth=django_auth)
def my_stores(request: HttpRequest) -> list[dict[str, object]]:
    return [{"store": m.store, "role": m.role} for m in selectors.memberships_of(request.user)]  # type: ignore[arg-type]


@router.get("/stores/{store_slug}/members", response=list[MemberOut], auth=django_auth)
def members(request: HttpRequest, store_slug: str) -> list[dict[str, object]]:
    store = Store.objects.filter(slug=store_slug).first()
    membership = selectors.membership_for(request.user, store) if store else None  # type: ignore[arg-type]
    if store is None or membership is None or not membership.has_role(Role.AGENT):
        raise Http404
    return [
        {"id": m.pk, "email": m.user.email, "display_name": m.user.display_name, "role": m.role}
        for m in selectors.team(store)
    ]
