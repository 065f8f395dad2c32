"""Forms of the checkout page and the dashboard."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import get_currency_precision
from django import forms
from django.utils.translation import gettext_lazy as _

from dukkan.checkout.models import OrderStatus

_DIGITS = str.maketrans(
    {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}
)


def normalise_digits(text: str) -> str:
    return text.translate(_DIGITS)


def to_minor(text: str, currency: str) -> int:
    """A buyer's amount in major units (toman for IRR) as integer minor units."""
    cleaned = normalise_digits(str(text)).replace("٫", ".").replace(",", "").replace("٬", "")
    try:
        value = Decimal(cleaned.strip())
    except InvalidOperation as error:
        raise forms.ValidationError(_("Enter an amount, for example 25.")) from error
    if not value.is_finite() or value < 0:
        raise forms.ValidationError(_("Enter an amount, for example 25."))
    if currency == "IRR":
        return int(value.to_integral_value() * 10)  # entered in toman
    precision = get_currency_precision(currency)
    scaled = value.scaleb(precision)
    if scaled != scaled.to_integral_value():
        raise forms.ValidationError(_("That amount has too many decimal places."))
    return int(scaled)


class CheckoutForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
    name = forms.CharField(label=_("Name (optional)"), max_length=200, required=False)
    amount = forms.CharField(label=_("Your price"), max_length=30, required=False)
    quantity = forms.IntegerField(label=_("Quantity"), required=False, min_value=1, max_value=50)
    provider = forms.ChoiceField(label=_("Pay with"), widget=forms.RadioSelect)
    coupon = forms.CharField(label=_("Coupon code"), max_length=64, required=False)
    extras = forms.MultipleChoiceField(
        label=_("Customers also buy"), required=False, widget=forms.CheckboxSelectMultiple
    )
    marketing_consent = forms.BooleanField(required=False)
    offer = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        providers: list[tuple[str, str]],
        currency: str,
        store_name: str = "",
        extras: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.fields["extras"].choices = extras or []  # type: ignore[attr-defined]
        self.fields["marketing_consent"].label = _("Email me news and offers from %(store)s") % {
            "store": store_name
        }
        self.fields["coupon"].widget.attrs.update(
            {"autocomplete": "off", "dir": "ltr", "autocapitalize": "characters"}
        )
        self.fields["provider"].choices = providers  # type: ignore[attr-defined]
        if providers:
            self.fields["provider"].initial = providers[0][0]
        self.fields["email"].widget.attrs.update(
            {"autocomplete": "email", "dir": "ltr", "inputmode": "email"}
        )
        self.fields["name"].widget.attrs.update({"autocomplete": "name"})
        self.fields["amount"].widget.attrs.update({"inputmode": "decimal", "dir": "ltr"})

    def clean_amount(self) -> int | None:
        text = (self.cleaned_data.get("amount") or "").strip()
        if not text:
            return None
        return to_minor(text, self.currency)


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *list(OrderStatus.choices)],
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=200)


class RefundForm(forms.Form):
    amount = forms.CharField(
        label=_("Amount to refund"),
        max_length=30,
        required=False,
        help_text=_("Leave empty to refund what is left of the order."),
    )
    lines = forms.MultipleChoiceField(
        label=_("Or refund these items"), required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, currency: str, lines: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.fields["lines"].choices = lines  # type: ignore[attr-defined]
        self.fields["amount"].widget.attrs.update({"inputmode": "decimal", "dir": "ltr"})

    def clean_amount(self) -> int | None:
        text = (self.cleaned_data.get("amount") or "").strip()
        if not text:
            return None
        return to_minor(text, self.currency)


class SellingSettingsForm(forms.Form):
    vat_percent = forms.DecimalField(
        label=_("VAT rate (%)"), min_value=0, max_value=100, decimal_places=2, initial=0
    )
    prices_include_tax = forms.BooleanField(label=_("Prices include VAT"), required=False)
    pending_expiry_minutes = forms.IntegerField(
        label=_("Cancel unpaid orders after (minutes)"), min_value=10, max_value=60 * 24 * 14
    )
    providers = forms.MultipleChoiceField(
        label=_("Payment methods the buyer can choose"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        provider_choices: list[tuple[str, str]],
        config_fields: list[tuple[str, str, str, bool]],
        stored: dict[str, dict[str, str]],
        languages: list[tuple[str, str]],
        provider_labels: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.provider_labels = provider_labels or {}
        self.fields["providers"].choices = provider_choices  # type: ignore[attr-defined]
        self.config_keys: list[tuple[str, str, str, bool]] = []
        for provider, name, label, secret in config_fields:
            key = f"cfg__{provider}__{name}"
            present = bool(stored.get(provider, {}).get(name))
            if secret:
                # Secrets are write-only: never rendered back, kept when left empty.
                self.fields[key] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=500,
                    widget=forms.PasswordInput(
                        render_value=False, attrs={"dir": "ltr", "autocomplete": "off"}
                    ),
                    help_text=_("Saved — leave empty to keep it.") if present else "",
                )
            else:
                self.fields[key] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=500,
                    initial=stored.get(provider, {}).get(name, ""),
                    widget=forms.TextInput(attrs={"dir": "ltr"}),
                )
            self.config_keys.append((key, provider, name, secret))
        for code, language_name in languages:
            self.fields[f"bank__{code}"] = forms.CharField(
                label=_("Bank-transfer instructions (%(language)s)") % {"language": language_name},
                required=False,
                max_length=3000,
                widget=forms.Textarea(attrs={"rows": 3, "lang": code}),
            )

    def provider_field_groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        groups: dict[str, list[forms.BoundField]] = {}
        for key, provider, _name, _secret in self.config_keys:
            groups.setdefault(self.provider_labels.get(provider, provider), []).append(self[key])
        return list(groups.items())

    def bank_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("bank__")]
