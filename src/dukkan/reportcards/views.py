"""Report cards: the seller's own card and the operator's overview (thin views)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dukkan.accounts.models import Role
from dukkan.accounts.permissions import store_view
from dukkan.accounts.views import operator_required
from dukkan.catalog.forms import MoneyField
from dukkan.reportcards import selectors, services
from dukkan.reportcards.models import LEVEL_ORDER, Level


@store_view(Role.AGENT)
def my_card(request: HttpRequest) -> HttpResponse:
    store = request.store  # type: ignore[attr-defined]
    card = selectors.latest_card(store.pk)
    context = {
        "store": store,
        "view": selectors.card_view(card) if card else None,
        "benefits": selectors.level_benefits(store.pk),
        "awards": selectors.bonus_awards(store.pk),
    }
    return render(request, "reportcards/card.html", context)


FIELDS = (*services.REQUIREMENTS, "max_active_services", "clearing_days")


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise ValidationError(_("Thresholds are whole numbers, zero or more.")) from None


@login_required
@require_http_methods(["GET", "POST"])
def overview(request: HttpRequest) -> HttpResponse:
    operator_required(request)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "thresholds":
                services.save_thresholds(
                    {
                        level: {f: _int(request.POST.get(f"{level}-{f}")) for f in FIELDS}
                        for level in LEVEL_ORDER
                    }
                )
                messages.success(request, _("Level thresholds saved."))
            elif request.POST.get("action") == "bonus":
                period = date.fromisoformat(request.POST.get("period", ""))
                currency = request.POST.get("currency", "").upper()
                if currency not in dict(selectors.bonus_pools()):
                    raise ValidationError(_("Choose a currency the marketplace's sellers use."))
                # Typed like any price (toman for rials, riyals with halalas), kept in minor units.
                pool = MoneyField(currency=currency, required=True).clean(request.POST.get("pool"))
                services.create_bonus_round(
                    name=request.POST.get("name", ""),
                    period=period,
                    currency=currency,
                    pool_minor=pool or 0,
                    winners=_int(request.POST.get("winners")),
                    by=request.user,  # type: ignore[arg-type]
                )
                messages.success(request, _("Bonus round recorded."))
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        except ValueError:
            messages.error(request, _("Give the period as a date, e.g. 2026-03-01."))
        return redirect(request.path)
    period = selectors.latest_period()
    context = {
        "period": period,
        "overview": selectors.operator_overview(period) if period else None,
        "thresholds": [
            (dict(Level.choices)[lv], lv, services.thresholds()[lv]) for lv in LEVEL_ORDER
        ],
        "headers": [
            *(selectors.metric_labels()[f] for f in services.REQUIREMENTS),
            _("Active services at most"),
            _("Payout clearing (days)"),
        ],
        "pools": selectors.bonus_pools(),
        "rounds": services.BonusRound.objects.prefetch_related("awards__store")[:5],
    }
    return render(request, "reportcards/operator.html", context)
