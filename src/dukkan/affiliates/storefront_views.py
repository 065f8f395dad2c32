"""The affiliate's side: sign up to a store's programme, and their own dashboard."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from dukkan.accounts.permissions import signed_in_user
from dukkan.affiliates import selectors, services
from dukkan.affiliates.forms import JoinForm, bp_to_percent
from dukkan.affiliates.models import AffiliateStatus
from dukkan.core.models import Store


def _store(store_slug: str) -> Store:
    return get_object_or_404(Store, slug=store_slug, is_active=True)


@never_cache
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, store_slug: str) -> HttpResponse:
    store = _store(store_slug)
    programme = selectors.open_programme(store)
    if programme is None:
        raise Http404
    if request.user.is_authenticated and selectors.affiliate_of(request.user, store):
        return redirect("affiliates_storefront:dashboard", store_slug=store.slug)
    form = JoinForm(
        request.POST or None,
        initial={"name": getattr(request.user, "display_name", "")},
    )
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.join(
                    store,
                    signed_in_user(request),
                    name=data["name"],
                    code=data["code"],
                    website=data["website"],
                    payout_method=data["payout_method"],
                    payout_details=data["payout_details"],
                    language=translation.get_language() or store.default_language,
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for key, errors in error.message_dict.items():
                        form.add_error(key if key in form.fields else None, errors)
                else:
                    form.add_error(None, error.messages)
            else:
                return redirect("affiliates_storefront:dashboard", store_slug=store.slug)
        status = 400
    here = request.get_full_path()
    return render(
        request,
        "affiliates/join.html",
        {
            "store": store,
            "programme": programme,
            "form": form,
            "commission": _commission_text(programme, store),
            "discount": bp_to_percent(programme.customer_discount_bp),
            "login_url": f"{reverse('account_login')}?next={here}",
            "signup_url": f"{reverse('account_signup')}?next={here}",
        },
        status=status,
    )


def _commission_text(programme: object, store: Store) -> str:
    from dukkan.affiliates.models import CommissionKind, Programme
    from dukkan.core.money import format_money

    assert isinstance(programme, Programme)
    if programme.commission_kind == CommissionKind.PERCENT:
        return _("%(percent)s%% of each sale") % {"percent": bp_to_percent(programme.commission_bp)}
    fixed = (programme.commission_fixed or {}).get(store.currency, 0)
    return _("%(amount)s per sale") % {
        "amount": format_money(int(fixed), store.currency, translation.get_language() or "en")
    }


@never_cache
def dashboard(request: HttpRequest, store_slug: str) -> HttpResponse:
    store = _store(store_slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    affiliate = selectors.affiliate_of(request.user, store)
    if affiliate is None:
        if selectors.open_programme(store) is None:
            raise Http404
        return redirect("affiliates_storefront:join", store_slug=store.slug)
    home = settings.DUKKAN_BASE_URL + reverse("store_home", kwargs={"store_slug": store.slug})
    built, link_error = "", ""
    wanted = request.GET.get("url", "").strip()
    if wanted:
        built, link_error = _build_link(wanted, store, affiliate.code, request.get_host())
    programme = selectors.programme(store)
    return render(
        request,
        "affiliates/affiliate_dashboard.html",
        {
            "store": store,
            "affiliate": affiliate,
            "approved": affiliate.status == AffiliateStatus.APPROVED,
            "stats": selectors.stats_for(affiliate),
            "commissions": selectors.commissions_of(affiliate)[:100],
            "payouts": selectors.payouts_of(affiliate)[:50],
            "home_link": selectors.affiliate_link(home, affiliate.code),
            "built": built,
            "link_error": link_error,
            "wanted": wanted,
            "programme": programme,
            "commission": _commission_text(programme, store),
        },
    )


def _build_link(wanted: str, store: Store, code: str, host: str) -> tuple[str, str]:
    """An affiliate link to any page of this store, from a full address or a path."""
    parts = urlsplit(wanted)
    base = urlsplit(settings.DUKKAN_BASE_URL)
    if parts.netloc and parts.netloc not in (base.netloc, host):
        return "", _("Paste an address of this store's pages.")
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if "s" not in segments[:2] or segments[segments.index("s") + 1 :][:1] != [store.slug]:
        return "", _("Paste an address of this store's pages.")
    absolute = f"{settings.DUKKAN_BASE_URL}{parts.path}" + (
        f"?{parts.query}" if parts.query else ""
    )
    return selectors.affiliate_link(absolute, code), ""
