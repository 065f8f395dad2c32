"""Forms of the gigs app: money typed in major units becomes integer minor units here."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


def MoneyField(**kwargs: object) -> forms.CharField:
    """An amount typed in major units (toman for IRR); views convert it with `to_minor`."""
    return forms.CharField(max_length=30, **kwargs)  # type: ignore[arg-type]


class PackageForm(forms.Form):
    enabled = forms.BooleanField(label=_("Offer this package"), required=False)
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    price = MoneyField(label=_("Price"), required=False)
    delivery_days = forms.IntegerField(
        label=_("Delivery (days)"), min_value=1, max_value=365, required=False
    )
    revisions = forms.IntegerField(
        label=_("Number of revisions"), min_value=0, max_value=50, required=False
    )
    features = forms.CharField(
        label=_("Included (one per line)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ExtraForm(forms.Form):
    title = forms.CharField(label=_("Extra"), max_length=120)
    price = MoneyField(label=_("Price"))
    extra_days = forms.IntegerField(label=_("Extra days"), min_value=0, max_value=60, initial=0)


class QuestionForm(forms.Form):
    question = forms.CharField(label=_("Question"), max_length=300)
    kind = forms.ChoiceField(
        label=_("Answer type"), choices=[("text", _("Text answer")), ("file", _("File"))]
    )
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)


class DisputeDecisionForm(forms.Form):
    refund = MoneyField(label=_("Refund to the buyer"), initial=0)
    note = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}))


class PayoutForm(forms.Form):
    amount = MoneyField(label=_("Amount paid"))
    reference = forms.CharField(label=_("Transfer reference"), max_length=200, required=False)


class MarketplaceSettingsForm(forms.Form):
    commission_percent = forms.DecimalField(
        label=_("Platform commission (percent)"), min_value=0, max_value=50, decimal_places=2
    )
    clearing_days = forms.IntegerField(
        label=_("Clearing period (days)"), min_value=0, max_value=365
    )
    auto_complete_days = forms.IntegerField(
        label=_("Auto-complete after delivery (days)"), min_value=0, max_value=365
    )
    review_after_days = forms.IntegerField(
        label=_("Product reviews open after (days)"), min_value=0, max_value=365
    )
    max_requirement_file_mb = forms.IntegerField(
        label=_("Largest requirement or delivery file (MB)"), min_value=1, max_value=500
    )
