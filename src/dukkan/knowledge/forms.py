"""Forms of the knowledge editor; they check input, `services` do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.knowledge.models import (
    BODY_LIMIT,
    TITLE_LIMIT,
    ArticleKind,
    ArticleLanguage,
    ArticleStatus,
    Category,
)
from dukkan.knowledge.services import TAG_LIMIT


class ArticleForm(forms.Form):
    title = forms.CharField(
        label=_("Title (the question, for an FAQ entry)"),
        max_length=TITLE_LIMIT,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    body = forms.CharField(
        label=_("Text (Markdown)"),
        max_length=BODY_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "dir": "auto"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=ArticleLanguage.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=ArticleKind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=ArticleStatus.choices)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    tags = forms.CharField(label=_("Tags (separated by commas)"), max_length=1000, required=False)
    slug = forms.CharField(
        label=_("Address (empty: made from the title)"),
        max_length=TITLE_LIMIT,
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )

    def __init__(self, *args: Any, store: Store, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        assert isinstance(category, forms.ModelChoiceField)
        category.queryset = scoped(Category, store).order_by("language", "position", "name")

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        tags = [t.strip() for t in raw.replace("،", ",").split(",") if t.strip()]
        if len(tags) > TAG_LIMIT:
            raise forms.ValidationError(
                _("At most %(limit)s tags."), params={"limit": TAG_LIMIT}, code="tags"
            )
        return tags

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        category = data.get("category")
        if category is not None and data.get("language") and category.language != data["language"]:
            self.add_error("category", _("This category is in another language."))
        return data


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    language = forms.ChoiceField(label=_("Language"), choices=ArticleLanguage.choices)
    description = forms.CharField(
        label=_("Description"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=10_000, initial=0)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File: a .zip of Markdown files, a .csv (question, answer) or a .json")
    )
    language = forms.ChoiceField(
        label=_("Language of articles that do not say"), choices=ArticleLanguage.choices
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        suffix = name.rsplit(".", 1)[-1] if "." in name else ""
        if suffix not in ("zip", "csv", "json"):
            raise forms.ValidationError(
                _("Upload a .zip of Markdown files, a .csv or a .json file."), code="format"
            )
        from dukkan.knowledge.formats import UPLOAD_LIMIT

        if upload.size > UPLOAD_LIMIT:
            raise forms.ValidationError(_("The file is larger than 20 MB."), code="size")
        return upload
