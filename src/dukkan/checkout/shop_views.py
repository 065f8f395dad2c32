"""The buyer's side: the checkout page, the order page, provider returns, the test pay page."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from dukkan.catalog.models import Product, ProductKind
from dukkan.catalog.selectors import price_of, product_for_sale, remaining_quantity
from dukkan.checkout import services, webhooks
from dukkan.checkout.forms import CheckoutForm
from dukkan.checkout.models import Order, OrderStatus, Payment, SellingSettings
from dukkan.checkout.payments import registry
from dukkan.checkout.payments.base import Outcome, ProviderError, Urls
from dukkan.checkout.payments.test import SIGNATURE_HEADER, event_body, sign
from dukkan.checkout.selectors import order_by_token, payments_of, selling_settings
from dukkan.core.models import Store
from dukkan.promotions.selectors import after_purchase_offers
from dukkan.promotions.services import CouponError

logger = logging.getLogger(__name__)
TEST_DELAY_SECONDS = 20


def _store(store_slug: str) -> Store:
    return get_object_or_404(Store, slug=store_slug, is_active=True)


def _absolute(path: str) -> str:
    return f"{settings.DUKKAN_BASE_URL}{path}"


def provider_choices(
    store: Store, currency: str, settings_: SellingSettings | None = None
) -> list[tuple[str, str]]:
    choices = []
    settings_ = settings_ or selling_settings(store)
    for code in services.enabled_providers(store, settings_):
        adapter = registry.adapter(store, code, settings_)
        if adapter is not None and adapter.supports(currency) and adapter.is_configured():
            choices.append((code, str(adapter.label)))
    return choices


def urls_for(order: Order, provider: str) -> Urls:
    slug = order.store.slug
    with translation.override(order.language):
        order_path = reverse("shop:order", kwargs={"store_slug": slug, "order_token": order.token})
        return_path = reverse(
            "shop:return",
            kwargs={"store_slug": slug, "payment_provider": provider, "order_token": order.token},
        )
        pay_path = reverse("shop:test_pay", kwargs={"store_slug": slug, "order_token": order.token})
    webhook_path = reverse(
        "webhooks:receive", kwargs={"payment_provider": provider, "store_slug": slug}
    )
    return Urls(
        return_url=_absolute(return_path),
        order_url=_absolute(order_path),
        webhook_url=_absolute(webhook_path),
        order_path=order_path,
        pay_path=pay_path,
    )


REFERRAL_COOKIE = "dukkan_ref"  # set and parsed by the affiliates app; copied onto the order


def _value(form: CheckoutForm, name: str) -> object:
    """A field's value: cleaned when the form is bound (even if another field is wrong),
    else its initial value."""
    if form.is_bound:
        form.is_valid()
        return form.cleaned_data.get(name)
    return form.initial.get(name)


def _extra_ids(form: CheckoutForm) -> list[int]:
    values = _value(form, "extras")
    if not isinstance(values, list | tuple):
        return []
    return [int(value) for value in values if str(value).isdigit()]


def _summary(
    store: Store, product: Product, form: CheckoutForm, quantity: int, *, show_coupon: bool
) -> tuple[services.Quote, str]:
    """The summary beside the form: the order as it would be priced now, and why a code
    typed (or brought by `?coupon=`) does not apply, if it does not."""
    code = str(_value(form, "coupon") or "")
    offer = str(_value(form, "offer") or "")
    email = str(_value(form, "email") or "").strip().lower()
    extras = _extra_ids(form)

    def priced(coupon_code: str, offer_token: str, extra_ids: list[int]) -> services.Quote:
        return services.quote(
            store,
            product,
            email=email,
            quantity=quantity,
            coupon_code=coupon_code,
            offer_token=offer_token,
            extra_product_ids=extra_ids,
            check_buyer=bool(email),
        )

    try:
        return priced(code if show_coupon else "", offer, extras), ""
    except ValidationError as error:
        message = error.messages[0]
    try:
        return priced("", offer, extras), message
    except ValidationError:
        return priced("", "", []), message


@never_cache
@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest, store_slug: str, product_slug: str) -> HttpResponse:
    from dukkan.promotions.selectors import cross_sells_for

    store = _store(store_slug)
    product = product_for_sale(store, product_slug)
    if product is None:
        raise Http404
    price = price_of(product)
    settings_ = selling_settings(store)
    choices = provider_choices(store, price.currency, settings_)
    quantity_allowed = services.MAX_QUANTITY.get(ProductKind(product.kind), 1) > 1
    remaining = remaining_quantity(product)
    offers = cross_sells_for(store, product)
    applying = request.method == "POST" and "apply" in request.POST
    offer_token = request.GET.get("offer", "")[:1000]
    initial = {
        "email": _offer_email(store, offer_token) or getattr(request.user, "email", ""),
        "quantity": 1,
        "coupon": request.GET.get("coupon", "")[:64],
        "offer": offer_token,
    }
    if applying:
        # “Apply” only re-prices the summary: the form comes back as typed, without errors
        # for what the buyer has not filled in yet, and nothing is written.
        initial = {
            **{
                key: request.POST.get(key, "")
                for key in ("email", "name", "amount", "coupon", "offer", "provider")
            },
            "quantity": request.POST.get("quantity") or 1,
            "extras": request.POST.getlist("extras"),
            "marketing_consent": bool(request.POST.get("marketing_consent")),
        }
    form = CheckoutForm(
        None if applying else (request.POST or None),
        providers=choices,
        currency=price.currency,
        store_name=store.name,
        extras=[(str(offer.product.pk), offer.product.title) for offer in offers],
        initial=initial,
    )
    sold_out_message = ""
    if remaining == 0:
        sold_out_message = _("Sorry, “%(title)s” is sold out.") % {"title": product.title}
    status = 200
    if applying:
        pass
    elif request.method == "POST" and not sold_out_message:
        if form.is_valid():
            data = form.cleaned_data
            try:
                order = services.start_checkout(
                    store,
                    product,
                    email=data["email"],
                    name=data["name"],
                    language=translation.get_language() or store.default_language,
                    amount_minor=data["amount"] if price.pay_what_you_want else None,
                    quantity=(data["quantity"] or 1) if quantity_allowed else 1,
                    provider=data["provider"],
                    buyer=request.user if request.user.is_authenticated else None,
                    coupon_code=data["coupon"] or "",
                    referral_code=request.COOKIES.get(REFERRAL_COOKIE, "")[:200],
                    marketing_consent=bool(data["marketing_consent"]),
                    extra_product_ids=_extra_ids(form),
                    offer_token=data["offer"] or "",
                    settings=settings_,
                )
            except services.SoldOut as error:
                sold_out_message = error.messages[0]
                status = 409
            except CouponError as error:
                form.add_error("coupon", error)
                status = 400
            except ValidationError as error:
                form.add_error(None, error)
                status = 400
            else:
                return _send_to_provider(order, settings_)
        else:
            status = 400
    elif request.method == "POST":
        status = 409
    quantity = 1
    if quantity_allowed and form.is_bound and form.is_valid():
        quantity = form.cleaned_data.get("quantity") or 1
    elif quantity_allowed and applying and str(initial["quantity"]).isdigit():
        quantity = services.allowed_quantity(product, int(str(initial["quantity"])))
    coupon_errors = form.errors.get("coupon") if form.is_bound else None
    summary, coupon_message = _summary(
        store, product, form, quantity, show_coupon=not coupon_errors
    )
    if coupon_errors:
        coupon_message = ""
    response = render(
        request,
        "checkout/checkout.html",
        {
            "store": store,
            "product": product,
            "price": price,
            "form": form,
            "totals": summary.totals,
            "summary": summary,
            "coupon_message": coupon_message,
            "cross_sells": offers,
            "selling": settings_,
            "quantity_allowed": quantity_allowed,
            "remaining": remaining,
            "sold_out_message": sold_out_message,
            "no_providers": not choices,
            "product_url": _product_url(store, product),
        },
        status=status,
    )
    return response


def _offer_email(store: Store, token: str) -> str:
    """The buyer a signed offer link is for, to prefill the checkout (nothing if invalid)."""
    if not token:
        return ""
    from dukkan.promotions.offers import OfferError, read_offer

    try:
        return read_offer(store, token).email
    except OfferError:
        return ""


def _product_url(store: Store, product: Product) -> str:
    try:
        return reverse(
            "storefront:product", kwargs={"store_slug": store.slug, "product_slug": product.slug}
        )
    except NoReverseMatch:
        return reverse("store_home", kwargs={"store_slug": store.slug})


def _send_to_provider(order: Order, settings_: SellingSettings | None = None) -> HttpResponse:
    if order.total_minor == 0:
        # A free product (or a pay-what-you-want price of nothing): no payment to take.
        services.mark_paid(
            order,
            provider=order.provider,
            reference=f"free-{order.number}",
            amount_minor=0,
            currency=order.currency,
        )
        return HttpResponseRedirect(urls_for(order, order.provider).order_path)
    adapter = registry.adapter(order.store, order.provider, settings_)
    if adapter is None:
        services.mark_failed(order, reason="provider disappeared")
        return redirect(urls_for(order, order.provider).order_path)
    urls = urls_for(order, order.provider)
    try:
        started = adapter.start(order, urls)
    except ProviderError as error:
        logger.warning(
            "payment provider refused to start",
            extra={"order_id": order.pk, "provider": order.provider, "error": str(error)},
        )
        services.mark_failed(order, provider=order.provider, reason=f"could not start: {error}")
        return HttpResponseRedirect(urls.order_path)
    services.record_payment_attempt(
        order, provider=order.provider, reference=started.reference, raw=started.raw
    )
    return HttpResponseRedirect(started.redirect_url)


def _order_or_404(store_slug: str, order_token: str) -> Order:
    store = _store(store_slug)
    order = order_by_token(store, order_token)
    if order is None:
        raise Http404
    return order


def _purchases_url(order: Order) -> str:
    """A sign-in link to My purchases: whoever holds the order's token is its buyer."""
    if not order.is_paid:
        return ""
    from dukkan.delivery.services import purchases_link

    return purchases_link(
        order.store, order.email, translation.get_language() or order.language, base_url=""
    )


@never_cache
def order_page(request: HttpRequest, store_slug: str, order_token: str) -> HttpResponse:
    order = _order_or_404(store_slug, order_token)
    settings_ = selling_settings(order.store)
    language = translation.get_language() or "en"
    instructions = ""
    if order.provider == "manual":
        bank = settings_.bank_instructions or {}
        instructions = (
            bank.get(language)
            or bank.get(order.store.default_language)
            or next((text for text in bank.values() if text), "")
        )
    return render(
        request,
        "checkout/order.html",
        {
            "store": order.store,
            "order": order,
            "lines": list(order.lines.all()),
            "instructions": instructions,
            "purchases_url": _purchases_url(order),
            "retry_url": _retry_url(order),
            "refresh": order.status == OrderStatus.PENDING and order.provider != "manual",
            "S": OrderStatus,
            "after_offers": after_purchase_offers(order) if order.is_paid else [],
            "one_click": _one_click(order),
        },
    )


def _one_click(order: Order) -> bool:
    """Whether an after-purchase offer can be charged to the method that paid `order`."""
    adapter = registry.adapter(order.store, order.provider) if order.is_paid else None
    return adapter is not None and adapter.can_charge_again


def _retry_url(order: Order) -> str:
    line = order.lines.select_related("product").first()
    if line is None:
        return ""
    return reverse(
        "shop:checkout", kwargs={"store_slug": order.store.slug, "product_slug": line.product.slug}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def provider_return(
    request: HttpRequest, store_slug: str, payment_provider: str, order_token: str
) -> HttpResponse:
    """The buyer comes back from the provider; confirm with it where that is its flow."""
    order = _order_or_404(store_slug, order_token)
    adapter = registry.adapter(order.store, payment_provider)
    if adapter is None or order.provider != payment_provider:
        raise Http404
    params: dict[str, str] = {key: str(value) for key, value in request.GET.items()}
    if request.method == "POST":
        params.update({key: str(value) for key, value in request.POST.items()})
    if order.status == OrderStatus.PENDING:
        try:
            update = adapter.handle_return(order, params)
        except ProviderError as error:
            logger.warning(
                "confirming a return with the provider failed",
                extra={"order_id": order.pk, "provider": payment_provider, "error": str(error)},
            )
            update = None
        if update is not None:
            webhooks.record_and_apply(order.store, payment_provider, update, order)
    return redirect(urls_for(order, payment_provider).order_path)


@never_cache
@require_http_methods(["GET", "POST"])
def test_pay(request: HttpRequest, store_slug: str, order_token: str) -> HttpResponse:
    """The test provider's page: the buyer picks what the "bank" answers."""
    order = _order_or_404(store_slug, order_token)
    if order.provider != "test" or "test" not in services.enabled_providers(order.store):
        raise Http404
    if request.method == "POST" and order.status == OrderStatus.PENDING:
        choice = request.POST.get("choice", "")
        if choice in ("success", "failure"):
            outcome = Outcome.PAID if choice == "success" else Outcome.FAILED
            body = event_body(order, outcome)
            webhooks.receive(
                order.store, "test", body, {SIGNATURE_HEADER: sign(order.store.secret, body)}
            )
        elif choice == "delay":
            _delay(order)
        return redirect(urls_for(order, "test").order_path)
    return render(
        request,
        "checkout/test_pay.html",
        {"store": order.store, "order": order, "delay": TEST_DELAY_SECONDS},
    )


def _delay(order: Order) -> None:
    from dukkan.checkout.tasks import deliver_test_webhook

    payment = payments_of(order).filter(provider="test").order_by("-pk").first()
    if payment is not None:
        Payment.objects.filter(pk=payment.pk).update(
            raw={**payment.raw, "choice": "delay", "complete_at": time.time() + TEST_DELAY_SECONDS}
        )
    deliver_test_webhook.using(
        run_after=timezone.now() + timedelta(seconds=TEST_DELAY_SECONDS)
    ).enqueue(order.pk)


@require_POST
def cancel_pending(request: HttpRequest, store_slug: str, order_token: str) -> HttpResponse:
    """The buyer gives up an unpaid order (its copies go back on sale)."""
    order = _order_or_404(store_slug, order_token)
    if order.status in (OrderStatus.PENDING, OrderStatus.FAILED):
        services.cancel(order, note="cancelled by the buyer")
    return redirect(urls_for(order, order.provider).order_path)
