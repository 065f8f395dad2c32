"""The help center's "Request a callback" page: `/<lang>/s/<store>/help/callback/`.

A plain server-rendered form over `services.request_callback` (which validates and normalises
the number and the window). Unlike the other help-center pages it is never cached: each
visitor gets their own CSRF token.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from dukkan.callbacks import services
from dukkan.callbacks.models import Source
from dukkan.callbacks.phone import display_phone
from dukkan.core.models import Store
from dukkan.core.selectors import public_store
from dukkan.core.templatetags.dukkan import lnumber
from dukkan.hours.selectors import say_moment
from dukkan.widget import services as widget_services

PER_ADDRESS = 5  # callback requests per hour from one address through the help center
WINDOW_SECONDS = 3600


class HelpCenterCallbackForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("Phone number"), max_length=40)
    topic = forms.CharField(
        label=gettext_lazy("What is the call about?"),
        max_length=services.TOPIC_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=200, required=False)
    email = forms.EmailField(
        label=gettext_lazy("Email (for a confirmation)"), max_length=254, required=False
    )
    day = forms.DateField(
        label=gettext_lazy("Preferred day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    start = forms.TimeField(
        label=gettext_lazy("From"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    end = forms.TimeField(
        label=gettext_lazy("Until"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )

    def window(self, store: Store) -> tuple[datetime | None, datetime | None]:
        """The preferred window on the store's clock, or (None, None) when none was given."""
        day, start, end = (self.cleaned_data.get(k) for k in ("day", "start", "end"))
        if not (day or start or end):
            return None, None
        if not (day and start and end):
            raise ValidationError(
                {"day": _("Give the day and both times of the window, or leave all three empty.")}
            )
        zone = ZoneInfo(store.time_zone)
        return (
            datetime.combine(day, start, tzinfo=zone),
            datetime.combine(day, end, tzinfo=zone),
        )


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _page(request: HttpRequest, store: Store, context: dict[str, Any]) -> HttpResponse:
    status = context.pop("status", 200)
    return render(
        request,
        "callbacks/helpcenter/request.html",
        {
            "store": store,
            "canonical": request.build_absolute_uri(
                reverse("knowledge_helpcenter:callback", kwargs={"store_slug": store.slug})
            ),
            "language_links": [],
            **context,
        },
        status=status,
    )


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def request_page(request: HttpRequest, store_slug: str) -> HttpResponse:
    store = public_store(store_slug)
    if store is None:
        raise Http404
    language = (translation.get_language() or store.default_language)[:2]
    if request.method != "POST":
        return _page(request, store, {"form": HelpCenterCallbackForm()})
    form = HelpCenterCallbackForm(request.POST)
    if not form.is_valid():
        return _page(request, store, {"form": form, "status": 400})
    try:
        window_start, window_end = form.window(store)
    except ValidationError as invalid:
        for field, messages in invalid.message_dict.items():
            form.add_error(field, messages)
        return _page(request, store, {"form": form, "status": 400})
    try:
        widget_services.hit(
            f"callback:help:{store.pk}:{_client_ip(request)}",
            limit=PER_ADDRESS,
            window=WINDOW_SECONDS,
        )
    except widget_services.RateLimited as limited:
        form.add_error(
            None,
            _(
                "You have asked for several callbacks already. Try again in %(minutes)s minutes; your details are kept in the form."
            )
            % {"minutes": lnumber(max(1, limited.retry_after // 60))},
        )
        return _page(request, store, {"form": form, "status": 429})
    data = form.cleaned_data
    try:
        booking = services.request_callback(
            store,
            phone=data["phone"],
            topic=data["topic"],
            name=data["name"],
            email=data["email"],
            window_start=window_start,
            window_end=window_end,
            language=language,
            source=Source.HELP_CENTER,
        )
    except ValidationError as invalid:
        fields = set(form.fields)
        for field, messages in invalid.message_dict.items():
            # The service's "window" error belongs beside the day/time inputs.
            target = field if field in fields else ("day" if field == "window" else None)
            form.add_error(target, messages)
        return _page(request, store, {"form": form, "status": 400})
    row = booking.request
    return _page(
        request,
        store,
        {
            "booked": row,
            "deadline": say_moment(row.deadline, store, language),
            "phone": display_phone(row.phone),
            "status": 201,
        },
    )
