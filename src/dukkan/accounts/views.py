"""Dashboard views: thin wrappers around `services` and `selectors`."""

from __future__ import annotations

from allauth.account import views as allauth_views
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, translate_url
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dukkan.accounts import selectors, services
from dukkan.accounts.forms import BusinessHoursForm, InvitationForm, RoleForm, StoreForm
from dukkan.accounts.models import Invitation, Membership, Role
from dukkan.accounts.permissions import (
    current_membership,
    current_store,
    signed_in_user,
    store_view,
)
from dukkan.core.hours import is_open
from dukkan.core.models import Store
from dukkan.core.tenancy import get_scoped_or_404


def _store_url(name: str, store: Store) -> str:
    return reverse(f"dashboard:{name}", kwargs={"store_slug": store.slug})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = list(selectors.memberships_of(signed_in_user(request)))
    context = {
        "memberships": memberships,
        "recommend_two_factor": selectors.should_recommend_two_factor(signed_in_user(request)),
    }
    return render(request, "dashboard/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def create_store(request: HttpRequest) -> HttpResponse:
    form = StoreForm(request.POST or None, initial={"default_language": translation.get_language()})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "weekend"}
        try:
            store = services.create_store(
                owner=signed_in_user(request), weekend_days=form.weekend_days(), **data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your store is ready."))
            return redirect(_store_url("store", store))
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "creating": True}
    return render(request, "dashboard/store_form.html", context, status=status)


@store_view()
def store_overview(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    context = {
        "store": store,
        "membership": current_membership(request),
        "team": selectors.team(store),
        "invitations": selectors.open_invitations(store),
        "open_now": is_open(store.business_hours, store.time_zone, timezone.now()),
    }
    return render(request, "dashboard/store.html", context)


@store_view()
def team(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    membership = current_membership(request)
    form = InvitationForm()
    return render(request, "dashboard/team.html", _team_context(store, membership, form))


def _team_context(store: Store, membership: Membership, form: InvitationForm) -> dict[str, object]:
    return {
        "store": store,
        "membership": membership,
        "team": selectors.team(store),
        "invitations": selectors.open_invitations(store),
        "form": form,
        "roles": Role.choices,
        "can_manage": membership.has_role(Role.ADMIN),
    }


@store_view(Role.ADMIN)
@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    membership = current_membership(request)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invite(
                actor=membership, email=form.cleaned_data["email"], role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            form.add_error("email", error)
        except PermissionDenied as error:
            form.add_error("role", str(error))
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect(_store_url("team", store))
    return render(
        request, "dashboard/team.html", _team_context(store, membership, form), status=400
    )


@store_view(Role.ADMIN)
@require_POST
def change_role(request: HttpRequest, membership_id: int) -> HttpResponse:
    store = current_store(request)
    target = get_scoped_or_404(Membership, store, pk=membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role from the list."))
    else:
        try:
            services.change_role(
                actor=current_membership(request), membership=target, role=form.cleaned_data["role"]
            )
            messages.success(request, _("Role changed."))
        except (ValidationError, PermissionDenied) as error:
            messages.error(
                request,
                " ".join(getattr(error, "messages", [str(error)]))
                or _("Your role does not allow this."),
            )
    return redirect(_store_url("team", store))


@store_view()
@require_POST
def remove_member(request: HttpRequest, membership_id: int) -> HttpResponse:
    store = current_store(request)
    target = get_scoped_or_404(Membership, store, pk=membership_id)
    leaving = target.pk == current_membership(request).pk  # read before delete() clears the pk
    try:
        services.remove_member(actor=current_membership(request), membership=target)
    except (ValidationError, PermissionDenied) as error:
        messages.error(
            request,
            " ".join(getattr(error, "messages", [str(error)]))
            or _("Your role does not allow this."),
        )
        return redirect(_store_url("team", store))
    if leaving:
        messages.success(request, _("You have left %(store)s.") % {"store": store.name})
        return redirect("dashboard:home")
    messages.success(request, _("%(user)s is no longer on the team.") % {"user": target.user})
    return redirect(_store_url("team", store))


@store_view(Role.ADMIN)
@require_POST
def revoke_invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    store = current_store(request)
    invitation = get_scoped_or_404(Invitation, store, pk=invitation_id)
    services.revoke_invitation(actor=current_membership(request), invitation=invitation)
    messages.success(request, _("Invitation withdrawn."))
    return redirect(_store_url("team", store))


@store_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def store_settings(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    form = StoreForm(request.POST or None, instance=store, prefix="store")
    hours_form = BusinessHoursForm(request.POST or None, store=store, prefix="hours")
    if request.method == "POST":
        if form.is_valid() and hours_form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "weekend"}
            try:
                services.update_store(
                    store,
                    weekend_days=form.weekend_days(),
                    business_hours=hours_form.cleaned_data["hours"],
                    **data,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Settings saved."))
                return redirect(_store_url("settings", store))
        store.refresh_from_db()
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "dashboard/store_form.html",
        {"form": form, "hours_form": hours_form, "store": store},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    found = selectors.lookup_invitation(token)
    if found.invitation is None or found.problem is not None:
        problem = found.problem or selectors.InvitationProblem.FORGED
        return render(
            request,
            "dashboard/invitation_invalid.html",
            {"message": services.invitation_problem_message(problem)},
            status=404 if problem is selectors.InvitationProblem.FORGED else 410,
        )
    invitation = found.invitation
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            services.accept_invitation(invitation=invitation, user=signed_in_user(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return render(
                request, "dashboard/invitation.html", {"invitation": invitation}, status=400
            )
        messages.success(request, _("Welcome to %(store)s.") % {"store": invitation.store.name})
        return redirect(_store_url("store", invitation.store))
    return render(request, "dashboard/invitation.html", {"invitation": invitation})


class LoginView(allauth_views.LoginView):
    """allauth's sign-in page, answering a refused sign-in with 400 and a throttled one with 429."""

    def form_invalid(self, form: Form) -> HttpResponse:
        response: HttpResponse = super().form_invalid(form)
        throttled = form.has_error(NON_FIELD_ERRORS, "too_many_login_attempts")
        response.status_code = 429 if throttled else 400
        return response


login = LoginView.as_view()


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Sets the language cookie (and the person's preference), then returns to the same page in it."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    if not check_for_language(language) or language not in {"ar", "fa", "en"}:
        raise Http404
    target = translate_url(next_url, language) if next_url != "/" else f"/{language}/"
    response = HttpResponseRedirect(_with_language_prefix(target, language))
    from django.conf import settings

    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
    )
    if request.user.is_authenticated:
        services.set_language(signed_in_user(request), language)
    return response


def _with_language_prefix(url: str, language: str) -> str:
    for code in ("ar", "fa", "en"):
        if url.startswith(f"/{code}/"):
            return f"/{language}/" + url[len(code) + 2 :]
    return url


def operator_required(request: HttpRequest) -> None:
    if not request.user.is_authenticated or not getattr(request.user, "is_operator", False):
        raise Http404


@login_required
def operator_stores(request: HttpRequest) -> HttpResponse:
    operator_required(request)
    return render(
        request, "dashboard/operator_stores.html", {"stores": selectors.all_stores_with_team_size()}
    )
