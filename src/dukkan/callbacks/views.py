"""The Callbacks view: due, overdue and done, `tel:` links, attempts; booking for a customer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dukkan.accounts.models import Role
from dukkan.accounts.permissions import (
    current_membership,
    current_store,
    signed_in_user,
    store_view,
)
from dukkan.callbacks import selectors, services
from dukkan.callbacks.forms import AgentCallbackForm, AttemptForm, SettingsForm
from dukkan.callbacks.models import CallbackRequest, Source
from dukkan.core.tenancy import get_scoped_or_404
from dukkan.support.selectors import conversation_for_store


def _page(request: HttpRequest, new_form: AgentCallbackForm, status: int = 200) -> HttpResponse:
    store = current_store(request)
    view = request.GET.get("view", "due")
    view = view if view in selectors.VIEWS else "due"
    now = timezone.now()
    context = {
        "store": store,
        "membership": current_membership(request),
        "view": view,
        "rows": selectors.callbacks(store, view, now),
        "counts": selectors.counts(store, now),
        "attempt_form": AttemptForm(),
        "new_form": new_form,
        "now": now,
    }
    return render(request, "callbacks/list.html", context, status=status)


@store_view(Role.AGENT)
@require_http_methods(["GET"])
def callback_list(request: HttpRequest) -> HttpResponse:
    return _page(
        request, AgentCallbackForm(initial={"language": current_store(request).default_language})
    )


@store_view(Role.AGENT)
@require_POST
def new_callback(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    form = AgentCallbackForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        conversation = (
            conversation_for_store(store, data["conversation"]) if data["conversation"] else None
        )
        if data["conversation"] and conversation is None:
            form.add_error("conversation", _("There is no such conversation."))
        else:
            try:
                services.request_callback(
                    store,
                    phone=data["phone"],
                    topic=data["topic"],
                    name=data["name"],
                    email=data["email"],
                    language=data["language"],
                    source=Source.AGENT,
                    conversation=conversation,
                    visitor=conversation.visitor if conversation else None,
                )
            except ValidationError as invalid:
                for field, errors in invalid.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Callback booked."))
                return redirect("callbacks:list", store_slug=store.slug)
    return _page(request, form, status=400)


@store_view(Role.AGENT)
@require_POST
def attempt(request: HttpRequest, callback_id: int) -> HttpResponse:
    store = current_store(request)
    row = get_scoped_or_404(CallbackRequest.objects.select_related("store"), store, pk=callback_id)
    form = AttemptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what happened on the call."))
    else:
        try:
            services.record_attempt(
                row,
                outcome=form.cleaned_data["outcome"],
                agent=signed_in_user(request),
                note=form.cleaned_data["note"],
            )
        except ValidationError as invalid:
            messages.error(request, " ".join(invalid.messages))
        else:
            messages.success(request, _("Call recorded."))
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("callbacks:list", store_slug=store.slug)


@store_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    form = SettingsForm(request.POST or None, instance=services.callback_settings(store))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Callback settings saved."))
        return redirect("callbacks:settings", store_slug=store.slug)
    context = {"store": store, "membership": current_membership(request), "form": form}
    return render(request, "callbacks/settings.html", context, status=400 if form.errors else 200)
