"""Money is integer minor units plus an ISO 4217 currency, formatted per locale with Babel."""

from __future__ import annotations

from decimal import Decimal

from babel.core import Locale
from babel.numbers import format_currency, get_currency_precision, list_currencies
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

KNOWN_CURRENCIES = frozenset(list_currencies())
BABEL_LOCALES = {"ar": "ar", "fa": "fa_IR", "en": "en"}
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def localize_digits(text: str, language: str) -> str:
    """Persian readers expect Persian digits; Arabic sellers in the Gulf mostly write Latin ones."""
    return text.translate(PERSIAN_DIGITS) if language == "fa" else text


def validate_currency(code: str) -> None:
    if code not in KNOWN_CURRENCIES:
        raise ValidationError(_("%(code)s is not an ISO 4217 currency code.") % {"code": code})


def minor_to_decimal(amount_minor: int, currency: str) -> Decimal:
    return Decimal(amount_minor).scaleb(-get_currency_precision(currency))


def format_money(amount_minor: int, currency: str, language: str) -> str:
    locale = Locale.parse(BABEL_LOCALES.get(language, language))
    if currency == "IRR":
        # Iranians price in toman (10 rials); sellers keep rials as the stored unit.
        tomans = Decimal(amount_minor) / 10
        number = format_decimal_locale(tomans, language)
        return _("%(amount)s toman") % {"amount": number}
    text = format_currency(
        minor_to_decimal(amount_minor, currency),
        currency,
        locale=locale,
        numbering_system="default",
    )
    return localize_digits(text, language)


def format_decimal_locale(value: Decimal | int | float, language: str) -> str:
    from babel.numbers import format_decimal

    locale = Locale.parse(BABEL_LOCALES.get(language, language))
    text = localize_digits(
        format_decimal(value, locale=locale, numbering_system="default"), language
    )
    if language == "fa" and text.startswith("-"):
        # A bare hyphen takes the Persian text's direction and lands after the digits; a
        # left-to-right mark and a real minus sign keep it in front, as Persian writes it.
        text = "\u200e\u2212" + text[1:]
    return text
