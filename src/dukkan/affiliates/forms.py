"""Forms of the programme settings, product overrides, sign-up, payouts and the link builder.

Ranges are checked once, in `services` (the same messages for the dashboard, API and CLI);
the forms turn what people type (Arabic-Indic or Persian digits, "12.5" percent, "25" SAR)
into basis points and minor units.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dukkan.affiliates.models import Approval, Attribution, CommissionKind, PayoutMethod
from dukkan.checkout.forms import normalise_digits, to_minor


def percent_to_bp(text: str) -> int:
    cleaned = normalise_digits(str(text)).replace("٫", ".").replace("%", "").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation as error:
        raise forms.ValidationError(_("Enter a percentage, for example 20.")) from error
    if not value.is_finite():
        raise forms.ValidationError(_("Enter a percentage, for example 20."))
    scaled = value * 100
    if scaled != scaled.to_integral_value():
        raise forms.ValidationError(_("Use at most two decimal places."))
    return int(scaled)


def bp_to_percent(bp: int) -> str:
    value = Decimal(bp) / 100
    return f"{value.normalize():f}"


class MoneyField(forms.CharField):
    """An amount typed in major units; cleaned to minor units of the form's currency."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        super().__init__(*args, **kwargs)
        self.currency = "USD"
        self.widget.attrs.update({"inputmode": "decimal", "dir": "ltr"})

    def clean(self, value: Any) -> int | None:
        text = super().clean(value)
        if not text:
            return None
        if normalise_digits(str(text)).strip().startswith("-"):
            raise forms.ValidationError(_("The amount cannot be negative."))
        return to_minor(text, self.currency)


class PercentField(forms.CharField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 10)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "dir": "ltr"})

    def clean(self, value: Any) -> int | None:
        text = super().clean(value)
        return percent_to_bp(text) if text else None


class _WithCurrency(forms.Form):
    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            if isinstance(form_field, MoneyField):
                form_field.currency = currency


class ProgrammeForm(_WithCurrency):
    is_open = forms.BooleanField(
        label=_("Open: visitors can sign up as affiliates"), required=False
    )
    approval = forms.ChoiceField(label=_("New affiliates"), choices=Approval.choices)
    commission_kind = forms.ChoiceField(label=_("Commission"), choices=CommissionKind.choices)
    commission_percent = PercentField(label=_("Commission (%)"), required=False)
    commission_fixed = MoneyField(label=_("Fixed commission per sale"), required=False)
    customer_discount_percent = PercentField(
        label=_("Discount with an affiliate's coupon (%)"), required=True
    )
    cookie_days = forms.IntegerField(label=_("Cookie window (days)"))
    attribution = forms.ChoiceField(label=_("Which click earns"), choices=Attribution.choices)
    hold_days = forms.IntegerField(label=_("Hold before payable (days)"))
    min_payout = MoneyField(label=_("Minimum payout"), required=False)
    terms = forms.CharField(
        label=_("Terms for affiliates"), required=False, max_length=4000, widget=forms.Textarea
    )


class OverrideForm(_WithCurrency):
    product = forms.ChoiceField(label=_("Product"))
    kind = forms.ChoiceField(label=_("Commission"), choices=CommissionKind.choices)
    percent = PercentField(label=_("Commission (%)"), required=False)
    fixed = MoneyField(label=_("Fixed commission per sale"), required=False)

    def __init__(self, *args: Any, products: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = products  # type: ignore[attr-defined]


class JoinForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=120)
    code = forms.CharField(
        label=_("Your code (optional)"),
        max_length=20,
        required=False,
        help_text=_("4 to 20 Latin letters or digits; also your customers' coupon code."),
    )
    website = forms.CharField(label=_("Where you will promote"), max_length=300, required=False)
    payout_method = forms.ChoiceField(label=_("Payout method"), choices=PayoutMethod.choices)
    payout_details = forms.CharField(
        label=_("Payout details"),
        max_length=300,
        required=False,
        help_text=_("Your PayPal or Payoneer email, or your IBAN and account name."),
    )
    agree = forms.BooleanField(label=_("I accept the programme's terms"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update({"dir": "ltr", "autocapitalize": "characters"})
        self.fields["payout_details"].widget.attrs.update({"dir": "ltr"})


class PayoutForm(forms.Form):
    affiliates = forms.MultipleChoiceField(
        label=_("Pay"), widget=forms.CheckboxSelectMultiple, required=False
    )
    method = forms.ChoiceField(label=_("Paid with"), choices=PayoutMethod.choices)
    reference = forms.CharField(label=_("Reference"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["affiliates"].choices = choices  # type: ignore[attr-defined]
        self.fields["reference"].widget.attrs.update({"dir": "ltr"})
