"""Dashboard forms. Prices are typed in the currency's usual unit (toman for rials) and
turned into integer minor units here; the rules themselves live in `services`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import get_currency_precision
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dukkan.catalog.models import Product, ProductKind, Visibility
from dukkan.core.models import Store

# Persian and Arabic-Indic digits and separators, as a phone keyboard types them.
_DIGITS = str.maketrans(
    "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٫٬،",
    "01234567890123456789.,,",
)

# Form field -> product field, for money and for the rest.
MONEY_FIELDS = {
    "price": "price_minor",
    "compare_at": "compare_at_minor",
    "min_price": "min_price_minor",
    "sale_price": "sale_price_minor",
}
PLAIN_FIELDS = (
    "kind",
    "title",
    "slug",
    "summary",
    "description",
    "visibility",
    "pay_what_you_want",
    "quantity_limit",
    "show_sales_count",
    "pdf_stamping",
    "cover_alt",
)
DATE_FIELDS = ("sale_starts_at", "sale_ends_at")
FORM_FIELD_OF = {value: key for key, value in MONEY_FIELDS.items()}


def unit_factor(currency: str) -> tuple[int, int]:
    """(minor units per typed unit, decimal places typed): rials are typed as toman."""
    if currency == "IRR":
        return 10, 0
    places = get_currency_precision(currency)
    return 10**places, places


def unit_label(currency: str) -> str:
    return str(_("toman")) if currency == "IRR" else currency


def to_minor(value: Decimal, currency: str) -> int:
    factor, _places = unit_factor(currency)
    return int(value * factor)


def from_minor(amount: int | None, currency: str) -> str:
    if amount is None:
        return ""
    factor, places = unit_factor(currency)
    value = Decimal(amount) / factor
    return f"{value:.{places}f}"


class MoneyField(forms.CharField):
    """An amount in the store's currency; Persian/Arabic digits and thousands separators allowed."""

    def __init__(self, *, currency: str, **kwargs: Any) -> None:
        self.currency = currency
        kwargs.setdefault("required", False)
        kwargs.setdefault("error_messages", {"required": _("Enter an amount.")})
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr", "size": 12})
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> int | None:
        text = str(super().clean(value) or "").translate(_DIGITS).replace(",", "").strip()
        text = text.replace(" ", "").replace("\u00a0", "")
        if not text:
            if self.required:
                raise ValidationError(_("Enter an amount."), code="required")
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation as error:
            raise ValidationError(_("Enter an amount like 49 or 49.99."), code="invalid") from error
        if not amount.is_finite():
            raise ValidationError(_("Enter an amount like 49 or 49.99."), code="invalid")
        if amount < 0:
            raise ValidationError(_("An amount cannot be negative."), code="negative")
        factor, places = unit_factor(self.currency)
        exponent = amount.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            if places == 0:
                raise ValidationError(_("Enter a whole amount."), code="precision")
            raise ValidationError(
                _("Use at most %(places)s digits after the decimal point.") % {"places": places},
                code="precision",
            )
        minor = int(amount * factor)
        if minor > 10**15:
            raise ValidationError(_("This amount is too large."), code="too_large")
        return minor


class ProductForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=ProductKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.CharField(
        label=_("Address"),
        max_length=120,
        required=False,
        help_text=_("Letters, digits and hyphens; made from the title when left empty."),
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=300,
        required=False,
        help_text=_("One or two sentences shown in the product list."),
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=50_000,
        help_text=_("Markdown: **bold**, *italic*, lists, links, tables, ## headings."),
        widget=forms.Textarea(attrs={"rows": 12, "dir": "auto"}),
    )
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)
    pay_what_you_want = forms.BooleanField(
        label=_("Let buyers pay what they want (the price is the suggestion)"), required=False
    )
    quantity_limit = forms.IntegerField(
        label=_("Limited quantity"),
        required=False,
        min_value=1,
        max_value=10_000_000,
        help_text=_("For example 100 copies of a launch edition; empty for unlimited."),
    )
    show_sales_count = forms.BooleanField(label=_("Show how many people bought it"), required=False)
    pdf_stamping = forms.BooleanField(
        label=_("Stamp PDF files with the buyer's name and email"), required=False
    )
    cover_alt = forms.CharField(
        label=_("Cover description (for screen readers)"), max_length=200, required=False
    )
    sale_starts_at = forms.DateTimeField(
        label=_("Sale starts"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )
    sale_ends_at = forms.DateTimeField(
        label=_("Sale ends"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args: Any, store: Store, product: Product | None = None, **kwargs: Any):
        self.store = store
        currency = store.currency
        unit = unit_label(currency)
        if product is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(product)
        super().__init__(*args, **kwargs)
        self.fields["price"] = MoneyField(
            currency=currency,
            required=True,
            label=_("Price (%(unit)s)") % {"unit": unit},
            help_text=_("0 for a free product."),
        )
        self.fields["compare_at"] = MoneyField(
            currency=currency,
            label=_("Compare-at price (%(unit)s)") % {"unit": unit},
            help_text=_("Shown struck through; must be higher than the price."),
        )
        self.fields["min_price"] = MoneyField(
            currency=currency,
            label=_("Minimum price (%(unit)s)") % {"unit": unit},
            help_text=_("Pay what you want: the least a buyer may pay (0 or empty: free)."),
        )
        self.fields["sale_price"] = MoneyField(
            currency=currency,
            label=_("Sale price (%(unit)s)") % {"unit": unit},
            help_text=_("Applies between the sale's start and end (%(tz)s time).")
            % {"tz": store.time_zone},
        )
        order = [
            "kind", "title", "slug", "summary", "description", "visibility",
            "price", "compare_at", "pay_what_you_want", "min_price",
            "sale_price", "sale_starts_at", "sale_ends_at",
            "quantity_limit", "show_sales_count", "pdf_stamping", "cover_alt",
        ]  # fmt: skip
        self.order_fields(order)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.store.time_zone)

    def initial_for(self, product: Product) -> dict[str, Any]:
        currency = self.store.currency
        data: dict[str, Any] = {name: getattr(product, name) for name in PLAIN_FIELDS}
        for form_name, field in MONEY_FIELDS.items():
            data[form_name] = from_minor(getattr(product, field), currency)
        zone = ZoneInfo(self.store.time_zone)
        for name in DATE_FIELDS:
            value: datetime | None = getattr(product, name)
            data[name] = value.astimezone(zone).replace(tzinfo=None) if value else None
        return data

    def _as_store_time(self, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        # The seller types the store's local time; Django parsed it in UTC (TIME_ZONE).
        return value.replace(tzinfo=self.zone)

    def product_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields: dict[str, Any] = {name: data[name] for name in PLAIN_FIELDS}
        fields["title"] = fields["title"].strip()
        fields["slug"] = fields["slug"].strip()
        if fields["slug"] == "":
            fields["slug"] = ""
        for form_name, field in MONEY_FIELDS.items():
            fields[field] = data.get(form_name)
        if fields["price_minor"] is None:
            fields["price_minor"] = 0
        for name in DATE_FIELDS:
            fields[name] = self._as_store_time(data.get(name))
        return fields

    def add_service_errors(self, error: ValidationError) -> None:
        """Put the service's errors (keyed by product field) beside the matching form fields."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.message_dict.items():
            name = FORM_FIELD_OF.get(field, field)
            self.add_error(name if name in self.fields else None, errors)


class FileUploadForm(forms.Form):
    upload = forms.FileField(label=_("File"))
    product_file = forms.TypedChoiceField(
        label=_("Upload as"), required=False, coerce=int, empty_value=None
    )
    title = forms.CharField(
        label=_("Name for buyers"),
        max_length=200,
        required=False,
        help_text=_("For a new file, for example “The book (PDF)”."),
    )
    label = forms.CharField(
        label=_("Version"), max_length=40, required=False, help_text=_("For example 2.1")
    )

    def __init__(self, *args: Any, files_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["product_file"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("A new file")), *files_choices]


class CoverForm(forms.Form):
    cover = forms.FileField(label=_("Cover image"), required=False)
    remove = forms.BooleanField(required=False)


class GalleryForm(forms.Form):
    image = forms.FileField(label=_("Picture"))
    alt_text = forms.CharField(label=_("Description"), max_length=200, required=False)


class SampleForm(forms.Form):
    sample = forms.FileField(label=_("Free sample"), required=False)
    remove = forms.BooleanField(required=False)


class BundleForm(forms.Form):
    items = forms.TypedMultipleChoiceField(
        label=_("Products in this bundle"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["items"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = choices
