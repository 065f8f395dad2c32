"""Dashboard forms of promotions. They parse what the owner typed (percentages, amounts in
the store's currency, local times of the store); the services check the terms."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from dukkan.catalog.forms import MoneyField, from_minor, unit_label
from dukkan.core.models import Store
from dukkan.promotions.models import Audience, Coupon, CouponKind, StoreSale

_DIGITS = str.maketrans(
    {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}
)
DATE_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


class PercentField(forms.CharField):
    """A percentage as typed (20, 12.5, ٢٠) → basis points (2000, 1250)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr", "size": 6})
        )
        kwargs.setdefault("max_length", 12)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> int | None:
        text = str(super().clean(value) or "").translate(_DIGITS).replace("٫", ".").strip()
        text = text.rstrip("%").strip()
        if not text:
            if self.required:
                raise forms.ValidationError(_("Enter a percentage."), code="required")
            return None
        try:
            number = Decimal(text)
        except InvalidOperation as error:
            raise forms.ValidationError(
                _("Enter a percentage like 20 or 12.5."), code="invalid"
            ) from error
        if not number.is_finite():
            raise forms.ValidationError(_("Enter a percentage like 20 or 12.5."), code="invalid")
        if number < 0:
            raise forms.ValidationError(_("A discount cannot be negative."), code="negative")
        if number > 100:
            raise forms.ValidationError(_("A percentage discount is at most 100%."), code="max")
        scaled = number * 100
        if scaled != scaled.to_integral_value():
            raise forms.ValidationError(
                _("Use at most two digits after the decimal point."), code="precision"
            )
        return int(scaled)


def percent_text(basis_points: int | None) -> str:
    if basis_points is None:
        return ""
    return f"{(Decimal(basis_points) / 100).normalize():f}"


class StoreTimeMixin:
    """Dates typed in the store's local time."""

    store: Store

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.store.time_zone)

    def as_store_time(self, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=None).replace(tzinfo=self.zone)

    def local(self, value: datetime | None) -> datetime | None:
        return value.astimezone(self.zone).replace(tzinfo=None) if value else None


def product_choices(store: Store) -> list[tuple[str, str]]:
    from dukkan.catalog.selectors import all_products

    return [(str(pk), title) for pk, title in all_products(store).values_list("pk", "title")]


class CouponForm(StoreTimeMixin, forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        help_text=_("Latin letters, digits, “-” and “_”; buyers may type it in any case."),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocapitalize": "characters"}),
    )
    label = forms.CharField(label=_("Note (for you)"), max_length=120, required=False)
    kind = forms.ChoiceField(label=_("Discount"), choices=CouponKind.choices)
    percent = PercentField(label=_("Percentage off"), required=False)
    usage_help = _("Empty for no limit.")
    max_uses = forms.IntegerField(
        label=_("Total uses"), required=False, min_value=1, help_text=usage_help
    )
    max_uses_per_customer = forms.IntegerField(
        label=_("Uses per customer"), required=False, min_value=1, help_text=usage_help
    )
    audience = forms.ChoiceField(label=_("Who may use it"), choices=Audience.choices)
    products = forms.MultipleChoiceField(
        label=_("Only for these products"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the whole store."),
    )
    excluded_products = forms.MultipleChoiceField(
        label=_("Not for these products"), required=False, widget=forms.CheckboxSelectMultiple
    )
    starts_at = forms.DateTimeField(
        label=_("Starts"), required=False, widget=DATE_WIDGET, input_formats=DATE_FORMATS
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), required=False, widget=DATE_WIDGET, input_formats=DATE_FORMATS
    )
    stackable = forms.BooleanField(
        label=_("Also applies on top of sale prices and bundle discounts"), required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, store: Store, editing: Coupon | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.store = store
        self.editing = editing
        unit = unit_label(store.currency)
        self.fields["amount"] = MoneyField(
            currency=store.currency, label=_("Amount off (%(unit)s)") % {"unit": unit}
        )
        self.fields["min_order"] = MoneyField(
            currency=store.currency,
            label=_("Minimum order (%(unit)s)") % {"unit": unit},
            help_text=_("Empty for none."),
        )
        choices = product_choices(store)
        self.fields["products"].choices = choices  # type: ignore[attr-defined]
        self.fields["excluded_products"].choices = choices  # type: ignore[attr-defined]
        zone_help = _("In the store's time zone (%(tz)s); empty for no limit.") % {
            "tz": store.time_zone
        }
        self.fields["starts_at"].help_text = zone_help
        self.fields["ends_at"].help_text = zone_help
        if editing is not None:
            del self.fields["code"]
            if editing.single_use:
                del self.fields["max_uses"]
        else:
            del self.fields["is_active"]
        self.order_fields(
            [
                "code", "label", "kind", "percent", "amount", "min_order", "audience",
                "max_uses", "max_uses_per_customer", "starts_at", "ends_at",
                "products", "excluded_products", "stackable", "is_active",
            ]
        )  # fmt: skip

    @staticmethod
    def initial_for(coupon: Coupon, store: Store) -> dict[str, Any]:
        zone = ZoneInfo(store.time_zone)
        return {
            "label": coupon.label,
            "kind": coupon.kind,
            "percent": percent_text(coupon.value) if coupon.kind == CouponKind.PERCENT else "",
            "amount": from_minor(coupon.value, coupon.currency or store.currency)
            if coupon.kind == CouponKind.FIXED
            else "",
            "min_order": from_minor(coupon.min_order_minor, store.currency)
            if coupon.min_order_minor
            else "",
            "max_uses": coupon.max_uses,
            "max_uses_per_customer": coupon.max_uses_per_customer,
            "audience": coupon.audience,
            "products": [str(pk) for pk in coupon.products.values_list("pk", flat=True)],
            "excluded_products": [
                str(pk) for pk in coupon.excluded_products.values_list("pk", flat=True)
            ],
            "starts_at": coupon.starts_at.astimezone(zone).replace(tzinfo=None)
            if coupon.starts_at
            else None,
            "ends_at": coupon.ends_at.astimezone(zone).replace(tzinfo=None)
            if coupon.ends_at
            else None,
            "stackable": coupon.stackable,
            "is_active": coupon.is_active,
        }

    def clean_code(self) -> str:
        from django.core.exceptions import ValidationError

        from dukkan.promotions.services import validate_code

        try:
            return validate_code(self.cleaned_data.get("code") or "")
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if (
            kind == CouponKind.PERCENT
            and data.get("percent") is None
            and "percent" not in self.errors
        ):
            self.add_error("percent", _("Enter a percentage."))
        if kind == CouponKind.FIXED and data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Enter an amount."))
        return data

    def terms(self) -> dict[str, Any]:
        """The service's keyword arguments from the cleaned data."""
        data = self.cleaned_data
        kind = data["kind"]
        value = data["percent"] if kind == CouponKind.PERCENT else data["amount"]
        terms: dict[str, Any] = {
            "label": data.get("label") or "",
            "kind": kind,
            "value": value if value is not None else 0,
            "currency": self.store.currency if kind == CouponKind.FIXED else "",
            "product_ids": [int(pk) for pk in data.get("products") or []],
            "excluded_product_ids": [int(pk) for pk in data.get("excluded_products") or []],
            "starts_at": self.as_store_time(data.get("starts_at")),
            "ends_at": self.as_store_time(data.get("ends_at")),
            "max_uses_per_customer": data.get("max_uses_per_customer"),
            "min_order_minor": data.get("min_order") or 0,
            "audience": data["audience"],
            "stackable": bool(data.get("stackable")),
        }
        if "max_uses" in self.fields:
            terms["max_uses"] = data.get("max_uses")
        elif self.editing is not None:
            terms["max_uses"] = self.editing.max_uses
        if self.editing is not None:
            terms["is_active"] = bool(data.get("is_active"))
        return terms


class BatchForm(CouponForm):
    """Single-use codes in bulk: the coupon's terms, a count and a prefix instead of a code."""

    count = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=10_000)
    code_prefix = forms.CharField(
        label=_("Prefix"),
        max_length=20,
        required=False,
        help_text=_("For example LAUNCH gives codes like LAUNCH-7KQ2M9XA."),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocapitalize": "characters"}),
    )

    def __init__(self, *args: Any, store: Store, **kwargs: Any) -> None:
        super().__init__(*args, store=store, **kwargs)
        for name in ("code", "max_uses", "max_uses_per_customer"):
            self.fields.pop(name, None)
        self.fields["label"].required = True
        self.fields["label"].label = _("Batch name")
        self.order_fields(["label", "count", "code_prefix", *self.fields])

    def batch_terms(self) -> dict[str, Any]:
        terms = self.terms()
        for name in ("max_uses", "max_uses_per_customer", "is_active"):
            terms.pop(name, None)
        terms["count"] = self.cleaned_data["count"]
        terms["prefix"] = self.cleaned_data.get("code_prefix") or ""
        return terms


class SaleForm(StoreTimeMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("Shown to buyers beside the countdown, e.g. “Black Friday”."),
    )
    percent = PercentField(label=_("Percentage off everything"))
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=DATE_WIDGET, input_formats=DATE_FORMATS
    )
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DATE_WIDGET, input_formats=DATE_FORMATS)
    excluded_products = forms.MultipleChoiceField(
        label=_("Not for these products"), required=False, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, store: Store, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.store = store
        self.fields["excluded_products"].choices = product_choices(store)  # type: ignore[attr-defined]
        zone_help = _("In the store's time zone (%(tz)s).") % {"tz": store.time_zone}
        self.fields["starts_at"].help_text = zone_help
        self.fields["ends_at"].help_text = zone_help

    @staticmethod
    def initial_for(sale: StoreSale, store: Store) -> dict[str, Any]:
        zone = ZoneInfo(store.time_zone)
        return {
            "name": sale.name,
            "percent": percent_text(sale.percent_bp),
            "starts_at": sale.starts_at.astimezone(zone).replace(tzinfo=None),
            "ends_at": sale.ends_at.astimezone(zone).replace(tzinfo=None),
            "excluded_products": [
                str(pk) for pk in sale.excluded_products.values_list("pk", flat=True)
            ],
            "is_active": sale.is_active,
        }

    def terms(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "percent_bp": data["percent"] or 0,
            "starts_at": self.as_store_time(data.get("starts_at")),
            "ends_at": self.as_store_time(data.get("ends_at")),
            "excluded_product_ids": [int(pk) for pk in data.get("excluded_products") or []],
            "is_active": bool(data.get("is_active")),
        }


class CrossSellForm(forms.Form):
    product = forms.ChoiceField(label=_("When buying"))
    offer = forms.ChoiceField(label=_("Also offer"))
    discount = PercentField(
        label=_("Bundle discount (%)"),
        required=False,
        help_text=_("Off the offered product when bought together; empty for none."),
    )

    def __init__(self, *args: Any, store: Store, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = product_choices(store)
        self.fields["product"].choices = choices  # type: ignore[attr-defined]
        self.fields["offer"].choices = choices  # type: ignore[attr-defined]


class UpsellForm(forms.Form):
    product = forms.ChoiceField(label=_("After buying"), required=False)
    offer = forms.ChoiceField(label=_("Offer"))
    discount = PercentField(label=_("Discount (%)"))
    valid_hours = forms.IntegerField(
        label=_("Offer lasts (hours)"), min_value=1, max_value=24 * 30, initial=24
    )
    headline = forms.CharField(
        label=_("Headline"),
        max_length=200,
        required=False,
        help_text=_("For example: Add the video course for 40% off, today only."),
    )

    def __init__(self, *args: Any, store: Store, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = product_choices(store)
        self.fields["product"].choices = [("", _("Any product")), *choices]  # type: ignore[attr-defined]
        self.fields["offer"].choices = choices  # type: ignore[attr-defined]


class UpgradeForm(forms.Form):
    from_product = forms.ChoiceField(label=_("Owners of"))
    to_product = forms.ChoiceField(label=_("May upgrade to"))

    def __init__(self, *args: Any, store: Store, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = product_choices(store)
        self.fields["from_product"].choices = choices  # type: ignore[attr-defined]
        self.fields["to_product"].choices = choices  # type: ignore[attr-defined]
