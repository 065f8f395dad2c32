"""Pages around the inbox: canned replies, and the admins' assignment and notification settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dukkan.accounts.models import Membership, Role
from dukkan.accounts.permissions import current_membership, current_store, store_view
from dukkan.core.models import Store
from dukkan.core.tenancy import get_scoped_or_404
from dukkan.inbox import selectors, services
from dukkan.inbox.forms import CannedReplyForm, CapacityForm, NotificationSettingsForm
from dukkan.inbox.models import CannedReply


def inbox_url(name: str, store: Store, **kwargs: object) -> str:
    return reverse(f"inbox:{name}", kwargs={"store_slug": store.slug, **kwargs})


def _error_text(error: ValidationError | PermissionDenied) -> str:
    return " ".join(getattr(error, "messages", [str(error)])) or _("Your role does not allow this.")


def _canned_page(
    request: HttpRequest, form: CannedReplyForm, editing: CannedReply | None, status: int = 200
) -> HttpResponse:
    store = current_store(request)
    membership = current_membership(request)
    context = {
        "store": store,
        "membership": membership,
        "replies": selectors.canned_replies(store),
        "form": form,
        "editing": editing,
        "can_delete": membership.has_role(Role.ADMIN),
        "active": "canned",
    }
    return render(request, "inbox/canned.html", context, status=status)


@store_view()
@require_http_methods(["GET", "POST"])
def canned_list(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    form = CannedReplyForm(request.POST or None, initial={"language": store.default_language})
    if request.method == "POST":
        if form.is_valid():
            try:
                reply = services.create_canned_reply(
                    actor=current_membership(request), **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Canned reply /%(shortcut)s saved.") % {"shortcut": reply.shortcut}
                )
                return redirect(inbox_url("canned", store))
        return _canned_page(request, form, None, status=400)
    return _canned_page(request, form, None)


@store_view()
@require_http_methods(["GET", "POST"])
def canned_edit(request: HttpRequest, canned_reply_id: int) -> HttpResponse:
    store = current_store(request)
    reply = get_scoped_or_404(CannedReply, store, pk=canned_reply_id)
    form = CannedReplyForm(request.POST or None, instance=reply)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_canned_reply(
                    actor=current_membership(request), reply=reply, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Canned reply /%(shortcut)s saved.") % {"shortcut": reply.shortcut}
                )
                return redirect(inbox_url("canned", store))
        reply.refresh_from_db()
        return _canned_page(request, form, reply, status=400)
    return _canned_page(request, form, reply)


@store_view(Role.ADMIN)
@require_POST
def canned_delete(request: HttpRequest, canned_reply_id: int) -> HttpResponse:
    store = current_store(request)
    reply = get_scoped_or_404(CannedReply, store, pk=canned_reply_id)
    shortcut = reply.shortcut
    services.delete_canned_reply(actor=current_membership(request), reply=reply)
    messages.success(request, _("Canned reply /%(shortcut)s deleted.") % {"shortcut": shortcut})
    return redirect(inbox_url("canned", store))


def _settings_page(
    request: HttpRequest, form: NotificationSettingsForm, status: int = 200
) -> HttpResponse:
    store = current_store(request)
    context = {
        "store": store,
        "membership": current_membership(request),
        "form": form,
        "agents": selectors.agents_with_capacity(store),
        "active": "settings",
    }
    return render(request, "inbox/settings.html", context, status=status)


@store_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def inbox_settings(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    current = services.notification_settings(store)
    form = NotificationSettingsForm(request.POST or None, instance=current)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_notification_settings(
                    actor=current_membership(request), **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Settings saved."))
                return redirect(inbox_url("settings", store))
        return _settings_page(request, form, status=400)
    return _settings_page(request, form)


@store_view(Role.ADMIN)
@require_POST
def set_capacity(request: HttpRequest, membership_id: int) -> HttpResponse:
    store = current_store(request)
    member = get_scoped_or_404(Membership, store, pk=membership_id)
    form = CapacityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a number of conversations from 0 to 200."))
    else:
        try:
            services.set_capacity(
                actor=current_membership(request),
                member=member,
                max_open=form.cleaned_data["max_open"],
                auto_assign=form.cleaned_data["auto_assign"],
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Capacity of %(user)s saved.") % {"user": member.user})
    return redirect(inbox_url("settings", store))
