"""The store's promotions in the dashboard: coupons, batches of codes, sales, offers.

Admins and owners only (a discount is money). Every read goes through `scoped`, so an id of
another store's coupon answers 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dukkan.accounts.models import Role
from dukkan.accounts.permissions import current_membership, current_store, store_view
from dukkan.core.tenancy import get_scoped_or_404, scoped
from dukkan.promotions import selectors, services
from dukkan.promotions.forms import (
    BatchForm,
    CouponForm,
    CrossSellForm,
    SaleForm,
    UpgradeForm,
    UpsellForm,
)
from dukkan.promotions.models import (
    Coupon,
    CouponBatch,
    CrossSell,
    StoreSale,
    UpgradePath,
    Upsell,
)


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    store = current_store(request)
    return render(
        request,
        template,
        {
            "store": store,
            "membership": current_membership(request),
            "active": "promotions",
            **context,
        },
        status=status,
    )


def _service_errors(
    form: Form, error: ValidationError, names: dict[str, str] | None = None
) -> None:
    """Put a service's per-field messages on the form's fields (or on the form)."""
    names = names or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages_ in error.message_dict.items():
        target = names.get(field, field)
        for message in messages_:
            form.add_error(target if target in form.fields else None, message)


COUPON_FIELDS = {
    "value": "percent",
    "product_ids": "products",
    "excluded_product_ids": "excluded_products",
    "min_order_minor": "min_order",
}


@store_view(Role.ADMIN)
def coupon_list(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    query = request.GET.get("q", "")[:64]
    page = Paginator(selectors.store_coupons(store, query=query), 50).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    coupons = list(page.object_list)
    totals = selectors.coupon_discount_totals(store, [c.pk for c in coupons])
    rows = [
        {
            "coupon": coupon,
            "status": selectors.coupon_status(coupon, now),
            "discount_minor": totals.get(coupon.pk, 0),
        }
        for coupon in coupons
    ]
    return _page(
        request,
        "promotions/coupons.html",
        {
            "rows": rows,
            "page": page,
            "q": query,
            "batches": list(selectors.store_batches(store)[:20]),
        },
    )


@require_http_methods(["GET", "POST"])
@store_view(Role.ADMIN)
def coupon_new(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    form = CouponForm(request.POST or None, store=store, initial={"audience": "everyone"})
    if request.method == "POST" and form.is_valid():
        terms = form.terms()
        try:
            coupon = services.create_coupon(store, code=form.cleaned_data["code"], **terms)
        except ValidationError as error:
            names = dict(COUPON_FIELDS)
            if terms["kind"] == "fixed":
                names["value"] = "amount"
            _service_errors(form, error, names)
        else:
            messages.success(request, _("Coupon %(code)s created.") % {"code": coupon.code})
            return redirect("promotions:coupons", store_slug=store.slug)
    status = 400 if request.method == "POST" else 200
    return _page(request, "promotions/coupon_form.html", {"form": form, "coupon": None}, status)


@require_http_methods(["GET", "POST"])
@store_view(Role.ADMIN)
def coupon_edit(request: HttpRequest, coupon_id: int) -> HttpResponse:
    store = current_store(request)
    coupon = get_scoped_or_404(Coupon, store, pk=coupon_id)
    form = CouponForm(
        request.POST or None,
        store=store,
        editing=coupon,
        initial=CouponForm.initial_for(coupon, store),
    )
    if request.method == "POST" and form.is_valid():
        terms = form.terms()
        try:
            services.update_coupon(coupon, **terms)
        except ValidationError as error:
            names = dict(COUPON_FIELDS)
            if terms["kind"] == "fixed":
                names["value"] = "amount"
            _service_errors(form, error, names)
        else:
            messages.success(request, _("Coupon %(code)s saved.") % {"code": coupon.code})
            if coupon.batch_id:
                return redirect(
                    "promotions:batch", store_slug=store.slug, coupon_batch_id=coupon.batch_id
                )
            return redirect("promotions:coupons", store_slug=store.slug)
    status = 400 if request.method == "POST" else 200
    redemptions = list(coupon.redemptions.select_related("order").order_by("-created_at")[:50])
    return _page(
        request,
        "promotions/coupon_form.html",
        {
            "form": form,
            "coupon": coupon,
            "status": selectors.coupon_status(coupon),
            "redemptions": redemptions,
        },
        status,
    )


@require_http_methods(["GET", "POST"])
@store_view(Role.ADMIN)
def batch_new(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    form = BatchForm(
        request.POST or None, store=store, initial={"audience": "everyone", "count": 100}
    )
    if request.method == "POST" and form.is_valid():
        terms = form.batch_terms()
        try:
            batch = services.generate_batch(store, **terms)
        except ValidationError as error:
            names = dict(COUPON_FIELDS)
            if terms["kind"] == "fixed":
                names["value"] = "amount"
            names["prefix"] = "code_prefix"
            _service_errors(form, error, names)
        else:
            messages.success(
                request,
                _("%(count)s codes generated.") % {"count": batch.count},
            )
            return redirect("promotions:batch", store_slug=store.slug, coupon_batch_id=batch.pk)
    status = 400 if request.method == "POST" else 200
    return _page(request, "promotions/batch_form.html", {"form": form}, status)


@store_view(Role.ADMIN)
def batch_detail(request: HttpRequest, coupon_batch_id: int) -> HttpResponse:
    store = current_store(request)
    batch = get_scoped_or_404(CouponBatch, store, pk=coupon_batch_id)
    codes = scoped(Coupon, store).filter(batch=batch).order_by("code")
    page = Paginator(codes, 100).get_page(request.GET.get("page"))
    used = codes.filter(uses__gt=0).count()
    sample = codes.first()
    return _page(
        request,
        "promotions/batch.html",
        {"batch": batch, "page": page, "used": used, "sample": sample},
    )


@store_view(Role.ADMIN)
def batch_export(request: HttpRequest, coupon_batch_id: int) -> HttpResponse:
    store = current_store(request)
    batch = get_scoped_or_404(CouponBatch, store, pk=coupon_batch_id)
    response = HttpResponse(services.batch_csv(batch), content_type="text/csv; charset=utf-8")
    name = slugify(batch.label) or "codes"
    response["Content-Disposition"] = f'attachment; filename="{store.slug}-{name}-{batch.pk}.csv"'
    return response


@require_POST
@store_view(Role.ADMIN)
def coupon_toggle(request: HttpRequest, coupon_id: int) -> HttpResponse:
    store = current_store(request)
    coupon = get_scoped_or_404(Coupon, store, pk=coupon_id)
    services.set_coupon_active(coupon, not coupon.is_active)
    if coupon.is_active:
        messages.success(request, _("Coupon %(code)s is on.") % {"code": coupon.code})
    else:
        messages.success(request, _("Coupon %(code)s is off.") % {"code": coupon.code})
    return redirect("promotions:coupons", store_slug=store.slug)


# ----------------------------------------------------------------------------- sales


@require_http_methods(["GET", "POST"])
@store_view(Role.ADMIN)
def sale_list(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    form = SaleForm(request.POST or None, store=store)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_sale(store, **form.terms())
        except ValidationError as error:
            _service_errors(
                form, error, {"percent_bp": "percent", "excluded_product_ids": "excluded_products"}
            )
        else:
            messages.success(request, _("Sale saved."))
            return redirect("promotions:sales", store_slug=store.slug)
    status = 400 if request.method == "POST" else 200
    now = timezone.now()
    sales = list(scoped(StoreSale, store).order_by("-starts_at"))
    return _page(
        request,
        "promotions/sales.html",
        {"form": form, "sales": sales, "now": now},
        status,
    )


@require_http_methods(["GET", "POST"])
@store_view(Role.ADMIN)
def sale_edit(request: HttpRequest, store_sale_id: int) -> HttpResponse:
    store = current_store(request)
    sale = get_scoped_or_404(StoreSale, store, pk=store_sale_id)
    form = SaleForm(request.POST or None, store=store, initial=SaleForm.initial_for(sale, store))
    if request.method == "POST" and "delete" in request.POST:
        services.delete_sale(sale)
        messages.success(request, _("Sale deleted."))
        return redirect("promotions:sales", store_slug=store.slug)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_sale(store, sale=sale, **form.terms())
        except ValidationError as error:
            _service_errors(
                form, error, {"percent_bp": "percent", "excluded_product_ids": "excluded_products"}
            )
        else:
            messages.success(request, _("Sale saved."))
            return redirect("promotions:sales", store_slug=store.slug)
    status = 400 if request.method == "POST" else 200
    return _page(request, "promotions/sale_form.html", {"form": form, "sale": sale}, status)


# ---------------------------------------------------------------------------- offers


def _offers_page(request: HttpRequest, forms: dict[str, Form], status: int = 200) -> HttpResponse:
    store = current_store(request)
    return _page(
        request,
        "promotions/offers.html",
        {
            "cross_sells": list(
                scoped(CrossSell, store)
                .select_related("product", "offer")
                .order_by("product__title", "position")
            ),
            "upsells": list(scoped(Upsell, store).select_related("product", "offer")),
            "upgrades": list(
                scoped(UpgradePath, store).select_related("from_product", "to_product")
            ),
            "product_count": scoped(CrossSell, store).aggregate(n=Count("pk"))["n"],
            **forms,
        },
        status,
    )


@require_http_methods(["GET", "POST"])
@store_view(Role.ADMIN)
def offers(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    forms: dict[str, Form] = {
        "cross_form": CrossSellForm(
            request.POST if which == "cross" else None, store=store, prefix="cross"
        ),
        "upsell_form": UpsellForm(
            request.POST if which == "upsell" else None,
            store=store,
            prefix="upsell",
            initial={"valid_hours": 24},
        ),
        "upgrade_form": UpgradeForm(
            request.POST if which == "upgrade" else None, store=store, prefix="upgrade"
        ),
    }
    if request.method != "POST":
        return _offers_page(request, forms)
    form = forms.get(
        {"cross": "cross_form", "upsell": "upsell_form", "upgrade": "upgrade_form"}.get(which, "")
    )
    if form is None:
        messages.error(request, _("Choose what to add."))
        return redirect("promotions:offers", store_slug=store.slug)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if which == "cross":
                services.add_cross_sell(
                    store,
                    product_id=int(data["product"]),
                    offer_id=int(data["offer"]),
                    discount_bp=data["discount"] or 0,
                )
            elif which == "upsell":
                services.add_upsell(
                    store,
                    product_id=int(data["product"]) if data["product"] else None,
                    offer_id=int(data["offer"]),
                    discount_bp=data["discount"] or 0,
                    valid_hours=data["valid_hours"],
                    headline=data["headline"],
                )
            else:
                services.add_upgrade(
                    store,
                    from_product_id=int(data["from_product"]),
                    to_product_id=int(data["to_product"]),
                )
        except ValidationError as error:
            _service_errors(form, error, {"discount_bp": "discount"})
        else:
            messages.success(request, _("Offer added."))
            return redirect("promotions:offers", store_slug=store.slug)
    return _offers_page(request, forms, status=400)


@require_POST
@store_view(Role.ADMIN)
def cross_sell_delete(request: HttpRequest, cross_sell_id: int) -> HttpResponse:
    store = current_store(request)
    get_scoped_or_404(CrossSell, store, pk=cross_sell_id).delete()
    messages.success(request, _("Offer removed."))
    return redirect("promotions:offers", store_slug=store.slug)


@require_POST
@store_view(Role.ADMIN)
def upsell_delete(request: HttpRequest, upsell_id: int) -> HttpResponse:
    store = current_store(request)
    get_scoped_or_404(Upsell, store, pk=upsell_id).delete()
    messages.success(request, _("Offer removed."))
    return redirect("promotions:offers", store_slug=store.slug)


@require_POST
@store_view(Role.ADMIN)
def upgrade_delete(request: HttpRequest, upgrade_id: int) -> HttpResponse:
    store = current_store(request)
    get_scoped_or_404(UpgradePath, store, pk=upgrade_id).delete()
    messages.success(request, _("Offer removed."))
    return redirect("promotions:offers", store_slug=store.slug)
