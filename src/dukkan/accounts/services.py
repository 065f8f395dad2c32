"""Write-side functions: the one place where stores, memberships and invitations change."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dukkan.accounts.events import (
    InvitationSent,
    MembershipCreated,
    MembershipRemoved,
    StoreCreated,
)
from dukkan.accounts.models import Invitation, Membership, Role, User
from dukkan.accounts.selectors import InvitationProblem, invitation_problem
from dukkan.core.events import publish
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped


@transaction.atomic
def create_store(*, owner: User, name: str, slug: str, **fields: object) -> Store:
    store = Store(name=name, slug=slug, **fields)
    store.full_clean()
    store.save()
    add_member(store=store, user=owner, role=Role.OWNER)
    publish(StoreCreated(store_id=store.pk, owner_id=owner.pk))
    return store


@transaction.atomic
def update_store(store: Store, **fields: object) -> Store:
    for name, value in fields.items():
        setattr(store, name, value)
    store.full_clean()
    store.save()
    return store


@transaction.atomic
def add_member(
    *, store: Store, user: User, role: str, invited_by: User | None = None
) -> Membership:
    if role not in Role.values:
        raise ValidationError(_("Unknown role %(role)s.") % {"role": role})
    try:
        with transaction.atomic():
            membership = Membership.objects.create(store=store, user=user, role=role)
    except IntegrityError as error:
        raise ValidationError(
            _("%(user)s is already on this store's team.") % {"user": user.email}
        ) from error
    publish(
        MembershipCreated(
            store_id=store.pk,
            user_id=user.pk,
            role=role,
            invited_by_id=invited_by.pk if invited_by else None,
        )
    )
    return membership


def _require(actor_membership: Membership, role: str) -> None:
    if not actor_membership.has_role(role):
        raise PermissionDenied(_("Your role does not allow this."))


@transaction.atomic
def change_role(*, actor: Membership, membership: Membership, role: str) -> Membership:
    _require(actor, Role.ADMIN)
    if membership.store_id != actor.store_id:
        raise PermissionDenied
    if role not in Role.values:
        raise ValidationError(_("Unknown role %(role)s.") % {"role": role})
    if (role == Role.OWNER or membership.role == Role.OWNER) and not actor.has_role(Role.OWNER):
        raise PermissionDenied(_("Only an owner can make or unmake an owner."))
    if membership.role == Role.OWNER and role != Role.OWNER and _owner_count(membership.store) == 1:
        raise ValidationError(_("A store needs at least one owner."))
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(*, actor: Membership, membership: Membership) -> None:
    if membership.pk != actor.pk:
        _require(actor, Role.ADMIN)
    if membership.store_id != actor.store_id:
        raise PermissionDenied
    if membership.role == Role.OWNER:
        if not actor.has_role(Role.OWNER):
            raise PermissionDenied(_("Only an owner can remove an owner."))
        if _owner_count(membership.store) == 1:
            raise ValidationError(_("A store needs at least one owner."))
    store_id, user_id = membership.store_id, membership.user_id
    membership.delete()
    publish(MembershipRemoved(store_id=store_id, user_id=user_id))


def _owner_count(store: Store) -> int:
    # Locks the owners' rows so two owners demoting each other at once cannot leave none.
    return len(scoped(Membership, store).select_for_update().filter(role=Role.OWNER))


def invitation_problem_message(problem: InvitationProblem) -> str:
    messages = {
        InvitationProblem.FORGED: _(
            "This invitation link is not valid. Check that you copied the whole link from the email."
        ),
        InvitationProblem.EXPIRED: _("This invitation has expired. Ask the store for a new one."),
        InvitationProblem.WITHDRAWN: _("This invitation was withdrawn by the store."),
        InvitationProblem.ACCEPTED: _("This invitation was already accepted."),
    }
    return str(messages[problem])


@transaction.atomic
def invite(*, actor: Membership, email: str, role: str) -> Invitation:
    _require(actor, Role.ADMIN)
    if role == Role.OWNER and not actor.has_role(Role.OWNER):
        raise PermissionDenied(_("Only an owner can invite another owner."))
    if role not in Role.values:
        raise ValidationError(_("Unknown role %(role)s.") % {"role": role})
    email = User.objects.normalize_email(email).lower()
    store = actor.store
    if scoped(Membership, store).filter(user__email__iexact=email).exists():
        raise ValidationError(_("%(email)s is already on this store's team.") % {"email": email})
    # An earlier open invitation to the same address is replaced: the newest link wins.
    scoped(Invitation, store).filter(
        email=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    invitation = Invitation.objects.create(
        store=store, email=email, role=role, invited_by=actor.user
    )
    publish(InvitationSent(store_id=store.pk, invitation_id=invitation.pk))
    return invitation


@transaction.atomic
def revoke_invitation(*, actor: Membership, invitation: Invitation) -> None:
    _require(actor, Role.ADMIN)
    if invitation.store_id != actor.store_id:
        raise PermissionDenied
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: User) -> Membership:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    problem = invitation_problem(invitation)
    if problem is not None:
        raise ValidationError(invitation_problem_message(problem))
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            _("This invitation was sent to %(email)s; sign in with that address to accept it.")
            % {"email": invitation.email}
        )
    membership = add_member(
        store=invitation.store, user=user, role=invitation.role, invited_by=invitation.invited_by
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


def set_language(user: User, language: str) -> None:
    if language in {"ar", "fa", "en"} and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
