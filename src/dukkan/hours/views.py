"""The store's business hours, weekend and holidays (teams' own hours are on the bot page)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dukkan.accounts.forms import BusinessHoursForm
from dukkan.accounts.models import Role
from dukkan.accounts.permissions import current_membership, current_store, store_view
from dukkan.core.hours import WEEKEND_PRESETS
from dukkan.hours import selectors, services
from dukkan.hours.forms import HolidayForm, WeekendForm


def _page(
    request: HttpRequest,
    weekend: WeekendForm,
    hours: BusinessHoursForm,
    holiday: HolidayForm,
    status: int = 200,
) -> HttpResponse:
    store = current_store(request)
    now = timezone.now()
    calendar = selectors.calendar_for(store, at=now)
    is_open = calendar.is_open(now)
    back = None if is_open else calendar.next_open(now)
    language = (request.LANGUAGE_CODE or "en")[:2]
    upcoming = sorted(d for d in calendar.holidays if d >= now.date())[:8]
    context = {
        "store": store,
        "membership": current_membership(request),
        "weekend_form": weekend,
        "hours_form": hours,
        "holiday_form": holiday,
        "holidays": selectors.holidays(store),
        "open_now": is_open,
        "back_text": selectors.say_moment(back, store, language) if back else "",
        "upcoming": upcoming,
    }
    return render(request, "hours/page.html", context, status=status)


def _weekend_key(days: list[int]) -> str:
    for key, (preset, _label) in WEEKEND_PRESETS.items():
        if sorted(preset) == sorted(days):
            return key
    return "fri_sat"


@store_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def hours_page(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    weekend = WeekendForm(
        request.POST or None, initial={"weekend": _weekend_key(store.weekend_days)}
    )
    hours = BusinessHoursForm(request.POST or None, store=store, prefix="hours")
    if request.method == "POST":
        if weekend.is_valid() and hours.is_valid():
            try:
                services.set_store_hours(
                    store,
                    weekend=weekend.cleaned_data["weekend"],
                    hours=hours.cleaned_data["hours"],
                )
            except ValidationError as invalid:
                weekend.add_error(None, invalid)
            else:
                messages.success(request, _("Business hours saved."))
                return redirect("hours:edit", store_slug=store.slug)
        return _page(request, weekend, hours, HolidayForm(), status=400)
    return _page(request, weekend, hours, HolidayForm())


@store_view(Role.ADMIN)
@require_POST
def add_holiday(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    form = HolidayForm(request.POST)
    if form.is_valid():
        try:
            services.add_holiday(store, **form.cleaned_data)
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            messages.success(request, _("Holiday added."))
            return redirect("hours:edit", store_slug=store.slug)
    weekend = WeekendForm(initial={"weekend": _weekend_key(store.weekend_days)})
    return _page(request, weekend, BusinessHoursForm(store=store, prefix="hours"), form, status=400)


@store_view(Role.ADMIN)
@require_POST
def delete_holiday(request: HttpRequest, holiday_id: int) -> HttpResponse:
    store = current_store(request)
    services.remove_holiday(store, holiday_id)
    messages.success(request, _("Holiday removed."))
    return redirect("hours:edit", store_slug=store.slug)
