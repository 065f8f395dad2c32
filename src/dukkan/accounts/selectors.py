"""Read-side functions about people, memberships and invitations."""

from __future__ import annotations

from django.core import signing
from django.db.models import Count, QuerySet

from dukkan.accounts.models import Invitation, Membership, User
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped

INVITATION_SALT = "dukkan.accounts.invitation"
INVITATION_MAX_AGE = 7 * 24 * 3600


def membership_for(user: User, store: Store) -> Membership | None:
    if not user.is_authenticated:
        return None
    return scoped(Membership, store).filter(user=user).first()


def stores_of(user: User) -> QuerySet[Store]:
    return Store.objects.filter(pk__in=Membership.objects.filter(user=user).values("store_id")).order_by("name")


def memberships_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("store").order_by("store__name")


def team(store: Store) -> QuerySet[Membership]:
    return scoped(Membership, store).select_related("user").order_by("created_at")


def open_invitations(store: Store) -> QuerySet[Invitation]:
    return scoped(Invitation, store).filter(accepted_at__isnull=True, revoked_at__isnull=True)


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "e": invitation.email.lower()}, salt=INVITATION_SALT, compress=True)


def invitation_from_token(token: str) -> Invitation | None:
    """The open invitation a token points at, or None for a forged, expired or used one."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature:
        return None
    invitation = Invitation.objects.select_related("store").filter(pk=data.get("i")).first()
    if invitation is None or invitation.email.lower() != data.get("e") or not invitation.is_open:
        return None
    return invitation


def all_stores_with_team_size() -> QuerySet[Store]:
    """Every store, for the marketplace operator (deliberately across tenants)."""
    return Store.objects.annotate(team_size=Count("accounts_memberships")).order_by("name")
