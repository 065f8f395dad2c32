"""Reads of orders, for the storefront, the dashboard, delivery and the inbox side panel."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from dukkan.checkout.models import Order, OrderEvent, Payment, Refund, SellingSettings
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.crm.models import Contact


def selling_settings(store: Store) -> SellingSettings:
    """The store's selling settings, created with the defaults on first use."""
    found = SellingSettings.objects.filter(store=store).first()
    if found is not None:
        return found
    settings, _ = SellingSettings.objects.get_or_create(store=store)
    return settings


def orders(store: Store) -> QuerySet[Order]:
    return scoped(Order, store).select_related("store").order_by("-created_at", "-pk")


def orders_for_contact(store: Store, contact: Contact) -> QuerySet[Order]:
    return orders(store).filter(contact=contact).prefetch_related("lines")


def orders_for_email(store: Store, email: str) -> QuerySet[Order]:
    return orders(store).filter(email=email.strip().lower()).prefetch_related("lines")


def order_by_token(store: Store, token: str) -> Order | None:
    if not token:
        return None
    return orders(store).filter(token=token).first()


def order_by_number(store: Store, number: str) -> Order | None:
    return orders(store).filter(number=str(number).strip().lstrip("#")).first()


def search_orders(store: Store, *, status: str = "", query: str = "") -> QuerySet[Order]:
    """The dashboard's list: filtered by status, searched by email, name or number."""
    found = orders(store)
    if status:
        found = found.filter(status=status)
    query = query.strip()
    if query:
        number = query.lstrip("#")
        found = found.filter(
            Q(email__icontains=query.lower()) | Q(name__icontains=query) | Q(number=number)
        )
    return found


def audit_trail(order: Order) -> QuerySet[OrderEvent]:
    return (
        scoped(OrderEvent, order.store).filter(order=order).select_related("actor").order_by("pk")
    )


def payments_of(order: Order) -> QuerySet[Payment]:
    return scoped(Payment, order.store).filter(order=order).order_by("pk")


def refunds_of(order: Order) -> QuerySet[Refund]:
    return scoped(Refund, order.store).filter(order=order).select_related("by").order_by("pk")
