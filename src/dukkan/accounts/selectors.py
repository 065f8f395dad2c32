"""Read-side functions about people, memberships and invitations."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.core import signing
from django.db.models import Count, QuerySet
from django.utils import timezone

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
    return Store.objects.filter(
        pk__in=Membership.objects.filter(user=user).values("store_id")
    ).order_by("name")


def memberships_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("store").order_by("store__name")


def team(store: Store) -> QuerySet[Membership]:
    return scoped(Membership, store).select_related("user").order_by("created_at")


def open_invitations(store: Store) -> QuerySet[Invitation]:
    return scoped(Invitation, store).filter(accepted_at__isnull=True, revoked_at__isnull=True)


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(
        {"i": invitation.pk, "e": invitation.email.lower()}, salt=INVITATION_SALT, compress=True
    )


class InvitationProblem(enum.Enum):
    """Why an invitation link cannot be used; each gets its own message on the page."""

    FORGED = "forged"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    ACCEPTED = "accepted"


@dataclass(frozen=True)
class InvitationLookup:
    invitation: Invitation | None
    problem: InvitationProblem | None


def invitation_problem(invitation: Invitation) -> InvitationProblem | None:
    if invitation.accepted_at is not None:
        return InvitationProblem.ACCEPTED
    if invitation.revoked_at is not None:
        return InvitationProblem.WITHDRAWN
    if invitation.expires_at <= timezone.now():
        return InvitationProblem.EXPIRED
    return None


def lookup_invitation(token: str) -> InvitationLookup:
    """The invitation a link's token points at, and why it cannot be used, if it cannot."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        return InvitationLookup(None, InvitationProblem.EXPIRED)
    except signing.BadSignature:
        return InvitationLookup(None, InvitationProblem.FORGED)
    if not isinstance(data, dict):
        return InvitationLookup(None, InvitationProblem.FORGED)
    invitation_id = data.get("i")
    if not isinstance(invitation_id, int):
        return InvitationLookup(None, InvitationProblem.FORGED)
    invitation = Invitation.objects.select_related("store").filter(pk=invitation_id).first()
    if invitation is None or invitation.email.lower() != data.get("e"):
        # A validly signed token for a deleted or re-addressed invitation: treat as unknown.
        return InvitationLookup(None, InvitationProblem.FORGED)
    return InvitationLookup(invitation, invitation_problem(invitation))


def invitation_from_token(token: str) -> Invitation | None:
    """The open invitation a token points at, or None for a forged, expired or used one."""
    found = lookup_invitation(token)
    return found.invitation if found.problem is None else None


def all_stores_with_team_size() -> QuerySet[Store]:
    """Every store, for the marketplace operator (deliberately across tenants)."""
    return Store.objects.annotate(team_size=Count("accounts_memberships")).order_by("name")


def has_two_factor(user: User) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def should_recommend_two_factor(user: User) -> bool:
    """Team members without a second factor are nudged (not forced: the demo must stay easy)."""
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user).exists()
        and not has_two_factor(user)
    )
