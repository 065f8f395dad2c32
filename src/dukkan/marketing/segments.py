"""Segments: JSON rules, all of which a subscriber must match (AND), evaluated in SQL.

    [{"type": "bought", "product": 12},
     {"type": "not_bought", "product": 15},
     {"type": "bought_within", "days": 30},
     {"type": "spent_over", "amount_minor": 10000},
     {"type": "language", "language": "fa"},
     {"type": "licence_expiring", "days": 14}]

Purchases are matched by the buyer's email on the store's paid orders (what checkout's
selectors return), as correlated EXISTS/SUM subqueries: one query for the whole list, not one
per subscriber. Only confirmed subscribers are ever in a segment.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.marketing.models import Subscriber, SubscriberStatus

RULE_TYPES = (
    "bought",
    "not_bought",
    "bought_within",
    "spent_over",
    "language",
    "licence_expiring",
)
MAX_DAYS = 3650


def _paid_orders(store: Store) -> QuerySet[Any]:
    from dukkan.checkout.models import OrderStatus
    from dukkan.checkout.selectors import orders

    paid = [OrderStatus.PAID, OrderStatus.FULFILLED, OrderStatus.PARTIALLY_REFUNDED]
    return orders(store).filter(status__in=paid).order_by()


def _int(rule: dict[str, Any], key: str, low: int, high: int, message: str) -> int:
    value = rule.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(message)
    return value


def clean_rules(store: Store, rules: Any) -> list[dict[str, Any]]:
    """The rules as stored, or ValidationError saying which rule is wrong and why."""
    from dukkan.catalog.selectors import all_products

    if not isinstance(rules, list):
        raise ValidationError(_("The rules must be a list."))
    cleaned: list[dict[str, Any]] = []
    for rule in rules:
        kind = rule.get("type") if isinstance(rule, dict) else None
        if kind not in RULE_TYPES:
            raise ValidationError(_("Unknown segment rule: %(rule)s.") % {"rule": str(rule)[:80]})
        assert isinstance(rule, dict)
        if kind in {"bought", "not_bought"}:
            product = rule.get("product")
            if (
                isinstance(product, bool)
                or not isinstance(product, int)
                or not all_products(store).filter(pk=product).exists()
            ):
                raise ValidationError(_("Choose a product of this store."))
            cleaned.append({"type": kind, "product": product})
        elif kind in {"bought_within", "licence_expiring"}:
            days = _int(
                rule,
                "days",
                1,
                MAX_DAYS,
                _("Days must be a whole number from 1 to %(max)s.") % {"max": MAX_DAYS},
            )
            cleaned.append({"type": kind, "days": days})
        elif kind == "spent_over":
            amount = _int(rule, "amount_minor", 0, 10**15, _("The amount must be zero or more."))
            cleaned.append({"type": kind, "amount_minor": amount})
        else:
            language = rule.get("language")
            if language not in dict(settings.LANGUAGES):
                raise ValidationError(_("Choose a language."))
            cleaned.append({"type": kind, "language": language})
    return cleaned


def confirmed(store: Store) -> QuerySet[Subscriber]:
    return scoped(Subscriber, store).filter(status=SubscriberStatus.SUBSCRIBED)


def apply_rules(
    store: Store, rules: list[dict[str, Any]], base: QuerySet[Subscriber] | None = None
) -> QuerySet[Subscriber]:
    """Confirmed subscribers of `store` matching every rule."""
    found = confirmed(store) if base is None else base
    now = timezone.now()
    for rule in rules:
        kind = rule["type"]
        paid = _paid_orders(store).filter(email=OuterRef("email"))
        if kind == "bought":
            found = found.filter(Exists(paid.filter(lines__product_id=rule["product"])))
        elif kind == "not_bought":
            found = found.filter(~Exists(paid.filter(lines__product_id=rule["product"])))
        elif kind == "bought_within":
            since = now - timedelta(days=rule["days"])
            found = found.filter(Exists(paid.filter(paid_at__gte=since)))
        elif kind == "spent_over":
            spent = (
                paid.filter(currency=store.currency)
                .values("email")
                .annotate(total=Sum(F("total_minor") - F("refunded_minor")))
                .values("total")
            )
            found = found.annotate(_spent=Coalesce(Subquery(spent[:1]), 0)).filter(
                _spent__gt=rule["amount_minor"]
            )
        elif kind == "language":
            found = found.filter(language=rule["language"])
        elif kind == "licence_expiring":
            found = found.filter(Q(contact_id__in=_expiring_contacts(store, rule["days"])))
    return found


def _expiring_contacts(store: Store, days: int) -> set[int]:
    try:
        from dukkan.licensing.selectors import (  # type: ignore[import-not-found,unused-ignore]
            contacts_with_licences_expiring,
        )
    except ImportError:
        return set()  # licensing not installed yet: nobody has a licence
    return set(contacts_with_licences_expiring(store.pk, days))


def describe(rule: dict[str, Any], store: Store) -> str:
    """A rule in the reader's words."""
    from django.utils.translation import get_language

    from dukkan.catalog.selectors import all_products
    from dukkan.core.money import format_money

    kind = rule.get("type")
    if kind in {"bought", "not_bought"}:
        product = all_products(store).filter(pk=int(rule.get("product") or 0)).first()
        title = product.title if product else "?"
        if kind == "bought":
            return _("Bought %(product)s") % {"product": title}
        return _("Did not buy %(product)s") % {"product": title}
    if kind == "bought_within":
        return _("Bought in the last %(days)s days") % {"days": rule["days"]}
    if kind == "spent_over":
        amount = format_money(rule["amount_minor"], store.currency, get_language() or "en")
        return _("Spent more than %(amount)s") % {"amount": amount}
    if kind == "language":
        return _("Language: %(language)s") % {
            "language": dict(settings.LANGUAGES).get(rule["language"], rule["language"])
        }
    if kind == "licence_expiring":
        return _("Has a licence that ends within %(days)s days") % {"days": rule["days"]}
    return str(rule)
