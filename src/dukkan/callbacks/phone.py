"""Phone numbers for callbacks: validated and written in E.164 with `phonenumbers`, read in
the store's region (a local "0501234567" in a Saudi store is +966501234567)."""

from __future__ import annotations

import phonenumbers
from babel import Locale
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dukkan.core.models import Store

# The country of a store's time zone; a zone not listed falls back to the store's language.
REGION_BY_ZONE = {
    "Asia/Riyadh": "SA",
    "Asia/Dubai": "AE",
    "Asia/Kuwait": "KW",
    "Asia/Qatar": "QA",
    "Asia/Bahrain": "BH",
    "Asia/Muscat": "OM",
    "Asia/Aden": "YE",
    "Asia/Baghdad": "IQ",
    "Asia/Amman": "JO",
    "Asia/Beirut": "LB",
    "Asia/Damascus": "SY",
    "Asia/Gaza": "PS",
    "Asia/Hebron": "PS",
    "Africa/Cairo": "EG",
    "Africa/Tripoli": "LY",
    "Africa/Tunis": "TN",
    "Africa/Algiers": "DZ",
    "Africa/Casablanca": "MA",
    "Africa/Khartoum": "SD",
    "Asia/Tehran": "IR",
    "Asia/Kabul": "AF",
    "Asia/Dushanbe": "TJ",
    "Europe/Istanbul": "TR",
    "Asia/Karachi": "PK",
    "Europe/London": "GB",
    "Europe/Berlin": "DE",
    "Europe/Paris": "FR",
    "America/New_York": "US",
    "America/Chicago": "US",
    "America/Denver": "US",
    "America/Los_Angeles": "US",
    "America/Toronto": "CA",
    "Australia/Sydney": "AU",
}
REGION_BY_LANGUAGE = {"ar": "SA", "fa": "IR", "en": "US"}


def store_region(store: Store) -> str:
    return REGION_BY_ZONE.get(store.time_zone) or REGION_BY_LANGUAGE.get(
        store.default_language, "US"
    )


def country_name(region: str) -> str:
    language = (get_language() or "en")[:2]
    try:
        return str(Locale.parse(language).territories.get(region, region))
    except (ValueError, TypeError):
        return region


def normalise_phone(raw: str, region: str) -> str:
    """`raw` as E.164 ("+966501234567"); a clear error for anything else, and for a number
    of another country than the store's (it calls only numbers of its own country)."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Give a phone number we can call."), code="required")
    if len(text) > 40:
        raise ValidationError(_("This is not a valid phone number."), code="invalid")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(_("This is not a valid phone number."), code="invalid") from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("This is not a valid phone number. Check the digits and the country code."),
            code="invalid",
        )
    # Same calling code, same plan: +44 covers Guernsey and Jersey, +1 the US and Canada.
    if number.country_code != phonenumbers.country_code_for_region(region):
        raise ValidationError(
            _("We can only call numbers in %(country)s. Please give a number from there.")
            % {"country": country_name(region)},
            code="foreign",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
