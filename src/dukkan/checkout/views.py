"""The store's dashboard: orders, an order's detail and actions, selling settings.

Agents see orders (they answer buyers); admins and owners refund, confirm bank transfers,
cancel, and change the selling settings.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings as django_settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dukkan.accounts.models import Role
from dukkan.accounts.permissions import (
    current_membership,
    current_store,
    signed_in_user,
    store_view,
)
from dukkan.checkout import selectors, services
from dukkan.checkout.forms import OrderFilterForm, RefundForm, SellingSettingsForm
from dukkan.checkout.models import Order, OrderStatus
from dukkan.checkout.payments import registry
from dukkan.checkout.selectors import selling_settings


def _order(request: HttpRequest, order_number: str) -> Order:
    order = selectors.order_by_number(current_store(request), order_number)
    if order is None:
        raise Http404
    return order


@store_view(Role.AGENT)
def order_list(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    form = OrderFilterForm(request.GET or None)
    status = query = ""
    if form.is_valid():
        status = form.cleaned_data["status"] or ""
        query = form.cleaned_data["q"] or ""
    found = selectors.search_orders(store, status=status, query=query).prefetch_related("lines")
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "checkout/dashboard/orders.html",
        {
            "store": store,
            "membership": current_membership(request),
            "form": form,
            "page": page,
            "active": "orders",
        },
    )


@store_view(Role.AGENT)
def order_detail(request: HttpRequest, order_number: str) -> HttpResponse:
    store = current_store(request)
    order = _order(request, order_number)
    membership = current_membership(request)
    lines = list(order.lines.select_related("product"))
    refund_form = RefundForm(
        currency=order.currency,
        lines=[(str(line.pk), line.title) for line in lines if not line.refunded],
    )
    downloads: list[object] = []
    try:
        from dukkan.delivery.selectors import downloads_summary

        downloads = list(downloads_summary(order))
    except ImportError:  # pragma: no cover - delivery is part of the project
        downloads = []
    return render(
        request,
        "checkout/dashboard/order_detail.html",
        {
            "store": store,
            "membership": membership,
            "order": order,
            "lines": lines,
            "payments": list(selectors.payments_of(order)),
            "refunds": list(selectors.refunds_of(order)),
            "trail": list(selectors.audit_trail(order)),
            "refund_form": refund_form,
            "can_manage": membership.has_role(Role.ADMIN),
            "can_refund": order.is_paid,
            "can_confirm": order.provider == "manual"
            and order.status in (OrderStatus.PENDING, OrderStatus.CANCELLED, OrderStatus.FAILED),
            "can_cancel": order.status in (OrderStatus.PENDING, OrderStatus.FAILED),
            "downloads": downloads,
            "active": "orders",
        },
    )


@require_POST
@store_view(Role.ADMIN)
def refund_order(request: HttpRequest, order_number: str) -> HttpResponse:
    order = _order(request, order_number)
    lines = list(order.lines.all())
    form = RefundForm(
        request.POST,
        currency=order.currency,
        lines=[(str(line.pk), line.title) for line in lines if not line.refunded],
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("checkout:detail", store_slug=order.store.slug, order_number=order.number)
    chosen = [line for line in lines if str(line.pk) in set(form.cleaned_data["lines"])]
    try:
        made = services.refund(
            order,
            amount_minor=form.cleaned_data["amount"],
            lines=chosen or None,
            reason=form.cleaned_data["reason"],
            by=signed_in_user(request),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        from dukkan.core.money import format_money

        messages.success(
            request,
            _("Refunded %(amount)s. The buyer's downloads were updated.")
            % {"amount": format_money(made.amount_minor, order.currency, request.LANGUAGE_CODE)},
        )
    return redirect("checkout:detail", store_slug=order.store.slug, order_number=order.number)


@require_POST
@store_view(Role.ADMIN)
def confirm_transfer(request: HttpRequest, order_number: str) -> HttpResponse:
    order = _order(request, order_number)
    try:
        services.confirm_bank_transfer(order, signed_in_user(request))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Payment confirmed. The buyer gets the files now."))
    return redirect("checkout:detail", store_slug=order.store.slug, order_number=order.number)


@require_POST
@store_view(Role.ADMIN)
def cancel_order(request: HttpRequest, order_number: str) -> HttpResponse:
    order = _order(request, order_number)
    try:
        services.cancel(order, by=signed_in_user(request), note=_("cancelled by the store"))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Order cancelled."))
    return redirect("checkout:detail", store_slug=order.store.slug, order_number=order.number)


def _config_fields() -> list[tuple[str, str, str, bool]]:
    fields = []
    for code, cls in registry.PROVIDERS.items():
        for field in cls.config_fields:
            fields.append((code, field.name, str(field.label), field.secret))
    return fields


@require_http_methods(["GET", "POST"])
@store_view(Role.ADMIN)
def selling_settings_view(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    current = selling_settings(store)
    stored = current.provider_config or {}
    languages = [(code, str(name)) for code, name in django_settings.LANGUAGES]
    initial = {
        "vat_percent": Decimal(current.vat_rate_bp) / 100,
        "prices_include_tax": current.prices_include_tax,
        "pending_expiry_minutes": current.pending_expiry_minutes,
        "providers": current.providers,
        **{
            f"bank__{code}": (current.bank_instructions or {}).get(code, "")
            for code, _n in languages
        },
    }
    form = SellingSettingsForm(
        request.POST or None,
        initial=initial,
        provider_choices=[(code, str(cls.label)) for code, cls in registry.PROVIDERS.items()],
        config_fields=_config_fields(),
        provider_labels={code: str(cls.label) for code, cls in registry.PROVIDERS.items()},
        stored=stored,
        languages=languages,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        config = {provider: dict(values) for provider, values in stored.items()}
        for key, provider, name, secret in form.config_keys:
            value = (data.get(key) or "").strip()
            if secret and not value:
                continue  # write-only: an empty field keeps the saved secret
            config.setdefault(provider, {})[name] = value
        services.save_selling_settings(
            store,
            vat_rate_bp=int(data["vat_percent"] * 100),
            prices_include_tax=data["prices_include_tax"],
            pending_expiry_minutes=data["pending_expiry_minutes"],
            providers=list(data["providers"]),
            provider_config=config,
            bank_instructions={
                code: data.get(f"bank__{code}", "")
                for code, _n in languages
                if data.get(f"bank__{code}")
            },
        )
        messages.success(request, _("Selling settings saved."))
        return redirect("checkout:settings", store_slug=store.slug)
    missing = []
    for code in current.providers or []:
        adapter = registry.adapter(store, code)
        if adapter is not None and not adapter.is_configured():
            missing.append(str(adapter.label))
    webhook_urls = [
        (str(cls.label), f"{django_settings.DUKKAN_BASE_URL}/webhooks/{code}/{store.slug}/")
        for code, cls in registry.PROVIDERS.items()
        if cls.has_webhook and code != "test"
    ]
    return render(
        request,
        "checkout/dashboard/settings.html",
        {
            "store": store,
            "membership": current_membership(request),
            "form": form,
            "missing": missing,
            "webhook_urls": webhook_urls,
            "active": "selling",
        },
    )
