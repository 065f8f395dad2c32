"""Subscribers of the accounts app's own events."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from dukkan.accounts.events import InvitationSent, MembershipCreated
from dukkan.accounts.models import Invitation, Role, User
from dukkan.accounts.selectors import invitation_token
from dukkan.core.events import subscribe
from dukkan.core.models import Store

logger = logging.getLogger(__name__)


def _absolute(path: str) -> str:
    return f"{settings.DUKKAN_BASE_URL}{path}"


@subscribe(MembershipCreated)
def log_membership(event: MembershipCreated) -> None:
    logger.info(
        "membership created",
        extra={"store_id": event.store_id, "user_id": event.user_id, "role": event.role},
    )


@subscribe(MembershipCreated, as_task=True)
def send_welcome_to_team(event: MembershipCreated) -> None:
    """Tell a new team member which store they joined, in their language."""
    if event.role == "owner" and event.invited_by_id is None:
        return  # The person who created the store needs no welcome.
    user = User.objects.get(pk=event.user_id)
    store = Store.objects.get(pk=event.store_id)
    language = user.language or store.default_language
    with translation.override(language):
        link = _absolute(reverse("dashboard:store", kwargs={"store_slug": store.slug}))
        context = {"user": user, "store": store, "role": Role(event.role).label, "link": link}
        subject = render_to_string("accounts/email/welcome_subject.txt", context).strip()
        body = render_to_string("accounts/email/welcome_body.txt", context)
    send_mail(subject, body, None, [user.email])


@subscribe(InvitationSent, as_task=True)
def send_invitation(event: InvitationSent) -> None:
    invitation = (
        Invitation.objects.select_related("store", "invited_by")
        .filter(pk=event.invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_open:
        return
    store = invitation.store
    with translation.override(store.default_language):
        link = _absolute(
            reverse("accept_invitation", kwargs={"token": invitation_token(invitation)})
        )
        context = {"invitation": invitation, "store": store, "link": link}
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation_body.txt", context)
    send_mail(subject, body, None, [invitation.email])
