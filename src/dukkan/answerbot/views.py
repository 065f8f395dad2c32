"""The owner's pages: the bot's settings, teams and agents' languages, and the measures."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dukkan.accounts.models import Membership, Role
from dukkan.accounts.permissions import current_membership, current_store, store_view
from dukkan.answerbot import selectors, services
from dukkan.answerbot.forms import BotSettingsForm, LanguagesForm, TeamForm, team_hours_form
from dukkan.answerbot.models import Rating, Team
from dukkan.core.tenancy import get_scoped_or_404, scoped


def _people(store: Any) -> list[tuple[int, str]]:
    return [
        (m.user_id, str(m.user))
        for m in scoped(Membership, store).select_related("user").order_by("created_at")
    ]


@store_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    current = selectors.bot_settings(store)
    form = BotSettingsForm(
        request.POST or None, initial={"enabled": current.enabled, "threshold": current.threshold}
    )
    if request.method == "POST" and form.is_valid():
        services.update_settings(store, **form.cleaned_data)
        messages.success(request, _("Bot settings saved."))
        return redirect("answerbot:settings", store_slug=store.slug)
    languages = selectors.agent_languages(store)
    people = [
        {
            "id": uid,
            "name": name,
            "form": LanguagesForm(initial={"languages": languages.get(uid, [])}, prefix=f"p{uid}"),
        }
        for uid, name in _people(store)
    ]
    context = {
        "store": store,
        "membership": current_membership(request),
        "form": form,
        "teams": scoped(Team, store).prefetch_related("members").select_related("lead"),
        "people": people,
    }
    return render(request, "answerbot/settings.html", context, status=400 if form.errors else 200)


@store_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, team_id: int | None = None) -> HttpResponse:
    store = current_store(request)
    team = get_scoped_or_404(Team, store, pk=team_id) if team_id else None
    initial = (
        {
            "name": team.name,
            "languages": team.languages,
            "members": list(team.members.values_list("pk", flat=True)),
            "lead": team.lead_id,
            "own_hours": bool(team.business_hours),
        }
        if team
        else {}
    )
    form = TeamForm(request.POST or None, initial=initial, people=_people(store))
    hours = team_hours_form(store, request.POST or None, team.business_hours if team else {})
    if request.method == "POST" and form.is_valid() and hours.is_valid():
        data = form.cleaned_data
        try:
            services.save_team(
                store,
                name=data["name"],
                languages=data["languages"],
                members=data["members"],
                lead=data["lead"],
                business_hours=hours.cleaned_data["hours"] if data["own_hours"] else {},
                team=team,
            )
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            messages.success(request, _("Team saved."))
            return redirect("answerbot:settings", store_slug=store.slug)
    context = {
        "store": store,
        "membership": current_membership(request),
        "form": form,
        "hours_form": hours,
        "team": team,
    }
    return render(
        request, "answerbot/team.html", context, status=400 if request.method == "POST" else 200
    )


@store_view(Role.ADMIN)
@require_POST
def team_delete(request: HttpRequest, team_id: int) -> HttpResponse:
    store = current_store(request)
    services.delete_team(store, team_id)
    messages.success(request, _("Team removed."))
    return redirect("answerbot:settings", store_slug=store.slug)


@store_view(Role.ADMIN)
@require_POST
def agent_languages(request: HttpRequest, user_id: int) -> HttpResponse:
    store = current_store(request)
    get_scoped_or_404(Membership, store, user_id=user_id)  # another store's person: not here
    form = LanguagesForm(request.POST, prefix=f"p{user_id}")
    if form.is_valid():
        try:
            services.set_agent_languages(store, user_id, form.cleaned_data["languages"])
        except ValidationError as invalid:
            messages.error(request, " ".join(invalid.messages))
        else:
            messages.success(request, _("Languages saved."))
    else:
        messages.error(request, _("Choose languages from the list."))
    return redirect("answerbot:settings", store_slug=store.slug)


@store_view(Role.AGENT)
@require_http_methods(["GET"])
def measures(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    try:
        days = min(max(int(request.GET.get("days", 30)), 1), 365)
    except ValueError:
        days = 30
    context = {
        "store": store,
        "membership": current_membership(request),
        "m": selectors.measures(store, days=days),
        "days": days,
        "ratings": scoped(Rating, store)
        .select_related("agent", "conversation")
        .order_by("-created_at")[:20],
    }
    return render(request, "answerbot/measures.html", context)
