"""Delivery's background tasks: the receipt email and the "My purchases" sign-in link."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from dukkan.core.mail import from_store
from dukkan.core.models import Store


def _send(store: Store, to: str, subject: str, text: str, html: str) -> None:
    message = EmailMultiAlternatives(subject, text, from_store(store.name), [to])
    message.attach_alternative(html, "text/html")
    message.send()


@task()
def send_receipt(order_id: int) -> None:
    """The receipt of a paid order, in the order's language (HTML and text)."""
    from dukkan.checkout.models import Order
    from dukkan.delivery.selectors import receipt_context
    from dukkan.delivery.services import purchases_link

    order = Order.objects.select_related("store").filter(pk=order_id).first()
    if order is None:
        return
    language = order.language or order.store.default_language
    with translation.override(language):
        context = receipt_context(order)
        context["purchases_link"] = purchases_link(order.store, order.email, language)
        context["email"] = True
        subject = render_to_string("delivery/email/receipt_subject.txt", context).strip()
        text = render_to_string("delivery/email/receipt.txt", context)
        html = render_to_string("delivery/email/receipt.html", context)
    _send(order.store, order.email, subject, text, html)


@task()
def send_purchases_link(store_id: int, email: str, language: str) -> None:
    """Mail a sign-in link to My purchases, only to an address that bought in this store.

    The request page answers the same whatever the address; the lookup happens here, in the
    background, so neither the answer nor its timing tells whether the address bought.
    """
    from dukkan.delivery.selectors import orders_for_email
    from dukkan.delivery.services import delivery_settings, purchases_link

    store = Store.objects.filter(pk=store_id).first()
    if store is None or not orders_for_email(store, email):
        return
    with translation.override(language):
        context = {
            "store": store,
            "link": purchases_link(store, email, language),
            "hours": delivery_settings(store).magic_link_hours,
            "store_url": settings.DUKKAN_BASE_URL
            + reverse("store_home", kwargs={"store_slug": store.slug}),
            "page_dir": "rtl" if translation.get_language_bidi() else "ltr",
            "page_language": language,
        }
        subject = render_to_string("delivery/email/link_subject.txt", context).strip()
        text = render_to_string("delivery/email/link.txt", context)
        html = render_to_string("delivery/email/link.html", context)
    _send(store, email, subject, text, html)
