"""The seller's mailing list pages: `/<lang>/dashboard/<store>/marketing/…` (admins and owners)."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dukkan.accounts.models import Role
from dukkan.accounts.permissions import (
    current_membership,
    current_store,
    signed_in_user,
    store_view,
)
from dukkan.core.tenancy import get_scoped_or_404
from dukkan.marketing import automation as automation_module
from dukkan.marketing import mail, selectors, services
from dukkan.marketing.forms import (
    AutomationForm,
    CampaignForm,
    MailingSettingsForm,
    ScheduleForm,
    SegmentForm,
    TestSendForm,
)
from dukkan.marketing.models import AutomatedEmail, Campaign, CampaignStatus, Segment
from dukkan.marketing.segments import apply_rules, describe


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context = {
        "store": current_store(request),
        "membership": current_membership(request),
        "active": "marketing",
        **context,
    }
    return render(request, template, context, status=status)


@store_view(Role.ADMIN)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    query = request.GET.get("q", "")[:200]
    status = request.GET.get("status", "")
    subscribers = selectors.search_subscribers(store, query=query, status=status)
    page = Paginator(subscribers, 50).get_page(request.GET.get("page"))
    segments = [(s, [describe(r, store) for r in s.rules]) for s in selectors.segments(store)]
    return _page(
        request,
        "marketing/home.html",
        {
            "page": page,
            "q": query,
            "status": status,
            "counts": selectors.list_counts(store),
            "segments": segments,
            "campaigns": selectors.campaigns(store)[:50],
        },
    )


@store_view(Role.ADMIN)
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    store = current_store(request)

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())

    def rows() -> Any:
        yield "\ufeff"  # spreadsheet programs then read Arabic and Persian as UTF-8
        yield writer.writerow(
            [
                "email",
                "name",
                "language",
                "status",
                "source",
                "consent_at",
                "confirmed_at",
                "unsubscribed_at",
            ]
        )
        for s in selectors.export_rows(store):
            yield writer.writerow(
                [
                    _csv_safe(s.email),
                    _csv_safe(s.name),
                    s.language,
                    s.status,
                    s.source,
                    s.consent_at.isoformat() if s.consent_at else "",
                    s.confirmed_at.isoformat() if s.confirmed_at else "",
                    s.unsubscribed_at.isoformat() if s.unsubscribed_at else "",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="subscribers-{store.pk}.csv"'
    # Streamed: a big list never sits in memory.
    return response  # type: ignore[return-value]


def _csv_safe(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + value if value[:1] in {"=", "+", "-", "@"} else value


def _segment_page(request: HttpRequest, segment: Segment | None) -> HttpResponse:
    store = current_store(request)
    initial = SegmentForm.initial_from(segment) if segment else {}
    form = SegmentForm(request.POST or None, store=store, initial=initial)
    count = None
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                saved = services.save_segment(
                    store, name=form.cleaned_data["name"], rules=form.rules(), segment=segment
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Segment saved."))
            return redirect("marketing:segment_edit", store.slug, saved.pk)
    if segment is not None:
        count = apply_rules(store, segment.rules).count()
    return _page(
        request,
        "marketing/segment.html",
        {"form": form, "segment": segment, "count": count},
        status=400 if form.errors else 200,
    )


@store_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def segment_new(request: HttpRequest) -> HttpResponse:
    return _segment_page(request, None)


@store_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def segment_edit(request: HttpRequest, segment_id: int) -> HttpResponse:
    return _segment_page(request, get_scoped_or_404(Segment, current_store(request), pk=segment_id))


@store_view(Role.ADMIN)
@require_POST
def segment_count(request: HttpRequest) -> HttpResponse:
    """The live count while the owner edits a segment (htmx)."""
    store = current_store(request)
    form = SegmentForm(request.POST, store=store)
    form.fields["name"].required = False
    if not form.is_valid():
        return render(request, "marketing/_count.html", {"error": True}, status=400)
    try:
        count = apply_rules(store, form.rules()).count()
    except ValidationError:
        return render(request, "marketing/_count.html", {"error": True}, status=400)
    return render(request, "marketing/_count.html", {"count": count})


def _campaign_page(
    request: HttpRequest,
    campaign: Campaign | None,
    form: CampaignForm | None = None,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    store = current_store(request)
    if form is None:
        form = CampaignForm(
            instance=campaign, store=store, initial={"language": store.default_language}
        )
    context: dict[str, Any] = {
        "form": form,
        "campaign": campaign,
        "test_form": extra.pop("test_form", None)
        or TestSendForm(
            initial={"language": campaign.language if campaign else store.default_language}
        ),
        "schedule_form": extra.pop("schedule_form", None) or ScheduleForm(store=store),
        "editable": campaign is None
        or campaign.status in {CampaignStatus.DRAFT, CampaignStatus.SCHEDULED},
        **extra,
    }
    if campaign is not None:
        context["audience"] = services.audience(campaign).count() if context["editable"] else None
        context["results"] = services.results(campaign)
        context["recipients"] = selectors.recipients(campaign)[:200]
    return _page(request, "marketing/campaign.html", context, status=status)


@store_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    if request.method == "GET":
        return _campaign_page(request, None)
    form = CampaignForm(request.POST, store=store)
    if not form.is_valid():
        return _campaign_page(request, None, form, status=400)
    campaign = form.save(commit=False)
    campaign.store = store
    campaign.created_by = signed_in_user(request)
    campaign.save()
    messages.success(request, _("Campaign saved as a draft."))
    return redirect("marketing:campaign", store.slug, campaign.pk)


def _campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    return get_scoped_or_404(
        Campaign.objects.select_related("store", "segment"), current_store(request), pk=campaign_id
    )


@store_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    store = current_store(request)
    campaign = _campaign(request, campaign_id)
    if request.method == "GET":
        return _campaign_page(request, campaign)
    if campaign.status not in {CampaignStatus.DRAFT, CampaignStatus.SCHEDULED}:
        messages.error(request, _("This campaign was already sent."))
        return redirect("marketing:campaign", store.slug, campaign.pk)
    form = CampaignForm(request.POST, instance=campaign, store=store)
    if not form.is_valid():
        return _campaign_page(request, campaign, form, status=400)
    form.save()
    messages.success(request, _("Campaign saved."))
    return redirect("marketing:campaign", store.slug, campaign.pk)


@store_view(Role.ADMIN)
@require_GET
def campaign_preview(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The email as subscribers will see it, in a sandboxed frame (no script can run)."""
    store = current_store(request)
    campaign = _campaign(request, campaign_id)
    language = request.GET.get("language", campaign.language)
    if language not in {"ar", "fa", "en"}:
        language = campaign.language
    rendered = mail.render(store, campaign.subject, campaign.body, language)
    body = rendered.html.replace(mail.UNSUBSCRIBE_MARK, "#")
    response = HttpResponse(body, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
    )
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


@store_view(Role.ADMIN)
@require_POST
def campaign_test(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    form = TestSendForm(request.POST)
    if not form.is_valid():
        return _campaign_page(request, campaign, test_form=form, status=400)
    services.send_test(campaign, form.cleaned_data["email"], form.cleaned_data["language"])
    messages.success(request, _("Test sent to %(email)s.") % {"email": form.cleaned_data["email"]})
    return redirect("marketing:campaign", current_store(request).slug, campaign.pk)


@store_view(Role.ADMIN)
@require_POST
def campaign_schedule(request: HttpRequest, campaign_id: int) -> HttpResponse:
    store = current_store(request)
    campaign = _campaign(request, campaign_id)
    form = ScheduleForm(request.POST, store=store)
    if form.is_valid():
        try:
            services.schedule(campaign, form.cleaned_data["send_at"])
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        return _campaign_page(request, campaign, schedule_form=form, status=400)
    messages.success(request, _("Campaign scheduled."))
    return redirect("marketing:campaign", store.slug, campaign.pk)


@store_view(Role.ADMIN)
@require_POST
def campaign_unschedule(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = services.unschedule(_campaign(request, campaign_id))
    messages.success(request, _("Back to draft; nothing will be sent."))
    return redirect("marketing:campaign", current_store(request).slug, campaign.pk)


@store_view(Role.ADMIN)
@require_POST
def campaign_send(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    try:
        count = services.start_sending(campaign)
    except ValidationError as error:
        return _campaign_page(request, campaign, send_error=" ".join(error.messages), status=400)
    messages.success(request, _("Sending to %(count)s subscribers.") % {"count": count})
    return redirect("marketing:campaign", current_store(request).slug, campaign.pk)


@store_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def automations(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    rows = services.automations(store)
    forms = [AutomationForm(instance=a, prefix=f"a{a.pk}") for a in rows]
    status = 200
    if request.method == "POST":
        target = get_scoped_or_404(AutomatedEmail, store, pk=request.POST.get("automation", ""))
        form = AutomationForm(request.POST, instance=target, prefix=f"a{target.pk}")
        if form.is_valid():
            form.save()
            messages.success(request, _("Automated email saved."))
            return redirect("marketing:automations", store.slug)
        forms = [form if f.instance.pk == target.pk else f for f in forms]
        status = 400
    return _page(
        request,
        "marketing/automations.html",
        {"forms": forms, "history": automation_module.history(store)},
        status=status,
    )


@store_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def mailing_settings(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    row = services.mailing_settings(store)
    form = MailingSettingsForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Mailing list settings saved."))
        return redirect("marketing:settings", store.slug)
    return _page(
        request,
        "marketing/settings.html",
        {"form": form, "settings_row": row, "deliveries": selectors.webhook_deliveries(store)[:20]},
        status=400 if form.errors else 200,
    )
