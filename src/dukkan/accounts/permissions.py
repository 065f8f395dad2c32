"""The gate of every store-scoped view: resolve the store from the URL, check the membership.

A visitor who is not a member gets 404, the same as for a store that does not exist,
so store names and existence never leak.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from dukkan.accounts.models import Membership, Role, User
from dukkan.accounts.selectors import membership_for
from dukkan.core.models import Store

View = Callable[..., HttpResponse]


def store_view(role: str = Role.AGENT) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(
            request: HttpRequest, store_slug: str, *args: Any, **kwargs: Any
        ) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            store = Store.objects.filter(slug=store_slug).first()
            membership = membership_for(request.user, store) if store else None
            if store is None or membership is None:
                raise Http404
            if not membership.has_role(role):
                raise PermissionDenied
            request.store = store  # type: ignore[attr-defined]
            request.membership = membership  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def current_store(request: HttpRequest) -> Store:
    """The store `store_view` resolved for this request."""
    store: Store = request.store  # type: ignore[attr-defined]
    return store


def current_membership(request: HttpRequest) -> Membership:
    """The signed-in person's membership of `current_store`, set by `store_view`."""
    membership: Membership = request.membership  # type: ignore[attr-defined]
    return membership


def signed_in_user(request: HttpRequest) -> User:
    """The person behind a request that `login_required` (or `store_view`) let through."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
