"""Writes of the inbox's own data: canned replies, agent capacity, notification settings.

Writes to conversations themselves (replies, notes, assignment, status) go through
`dukkan.support.services`; this module never touches support's tables.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dukkan.accounts.models import Membership, Role, User
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.inbox.models import (
    DEFAULT_CAPACITY,
    AgentCapacity,
    CannedReply,
    NotificationSettings,
)

CANNED_FIELDS = ("shortcut", "title", "body", "language")
NOTIFICATION_FIELDS = (
    "agent_emails",
    "agent_after_minutes",
    "owner_after_minutes",
    "customer_emails",
    "customer_after_minutes",
)


def _save_canned(reply: CannedReply) -> CannedReply:
    reply.shortcut = reply.shortcut.strip().lstrip("/")
    reply.full_clean(validate_unique=False, validate_constraints=False)
    duplicate = scoped(CannedReply, reply.store).filter(shortcut=reply.shortcut)
    if reply.pk:
        duplicate = duplicate.exclude(pk=reply.pk)
    if duplicate.exists():
        raise ValidationError(
            {"shortcut": _("/%(shortcut)s is taken already.") % {"shortcut": reply.shortcut}}
        )
    try:
        with transaction.atomic():
            reply.save()
    except IntegrityError as error:
        raise ValidationError(
            {"shortcut": _("/%(shortcut)s is taken already.") % {"shortcut": reply.shortcut}}
        ) from error
    return reply


def create_canned_reply(*, actor: Membership, **fields: Any) -> CannedReply:
    values = {k: v for k, v in fields.items() if k in CANNED_FIELDS}
    reply = CannedReply(store=actor.store, created_by=actor.user, **values)
    return _save_canned(reply)


def update_canned_reply(*, actor: Membership, reply: CannedReply, **fields: Any) -> CannedReply:
    if reply.store_id != actor.store_id:
        raise PermissionDenied
    for key, value in fields.items():
        if key in CANNED_FIELDS:
            setattr(reply, key, value)
    return _save_canned(reply)


def delete_canned_reply(*, actor: Membership, reply: CannedReply) -> None:
    if reply.store_id != actor.store_id or not actor.has_role(Role.ADMIN):
        raise PermissionDenied(_("Only admins and owners can delete canned replies."))
    reply.delete()


def capacity_of(store: Store, user: User) -> AgentCapacity:
    """The agent's capacity row, created with the default on first use."""
    found = scoped(AgentCapacity, store).filter(user=user).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return AgentCapacity.objects.create(store=store, user=user, max_open=DEFAULT_CAPACITY)
    except IntegrityError:
        return scoped(AgentCapacity, store).get(user=user)


def set_capacity(
    *, actor: Membership, member: Membership, max_open: int, auto_assign: bool
) -> AgentCapacity:
    if not actor.has_role(Role.ADMIN) or member.store_id != actor.store_id:
        raise PermissionDenied(_("Only admins and owners can change capacities."))
    capacity = capacity_of(actor.store, member.user)
    capacity.max_open = max_open
    capacity.auto_assign = auto_assign
    capacity.full_clean(validate_unique=False, validate_constraints=False)
    capacity.save(update_fields=["max_open", "auto_assign"])
    return capacity


def notification_settings(store: Store) -> NotificationSettings:
    found = scoped(NotificationSettings, store).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return NotificationSettings.objects.create(store=store)
    except IntegrityError:
        return scoped(NotificationSettings, store).get()


def update_notification_settings(*, actor: Membership, **fields: Any) -> NotificationSettings:
    if not actor.has_role(Role.ADMIN):
        raise PermissionDenied(_("Only admins and owners can change notification settings."))
    current = notification_settings(actor.store)
    for key, value in fields.items():
        if key in NOTIFICATION_FIELDS:
            setattr(current, key, value)
    current.full_clean(validate_unique=False, validate_constraints=False)
    if current.owner_after_minutes <= current.agent_after_minutes:
        raise ValidationError(
            {
                "owner_after_minutes": _(
                    "The owners are told after the team: choose more minutes than for the team."
                )
            }
        )
    current.save()
    return current
