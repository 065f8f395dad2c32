"""Signed, expiring offers: an upsell discount or an upgrade credit locked for one buyer.

The token carries what the offer is worth and is signed with the store's secret, so a
prefilled checkout link cannot be edited into a bigger discount, and it stops working when
the offer ends.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core import signing
from django.utils.translation import gettext as _

from dukkan.core.models import Store

SALT = "dukkan.promotions.offer"


class OfferError(Exception):
    pass


@dataclass(frozen=True)
class Offer:
    kind: str  # "upsell" or "upgrade"
    product_id: int  # the product offered
    email: str  # the buyer it is for ("" = anyone)
    order_id: int  # the order it came from (the upsell's purchase or the owned product's)
    discount_bp: int = 0  # upsell: basis points off
    credit_minor: int = 0  # upgrade: what the buyer already paid
    expires_at: int = 0  # unix time


def make_offer(store: Store, offer: Offer) -> str:
    payload = {
        "k": offer.kind,
        "p": offer.product_id,
        "e": offer.email,
        "o": offer.order_id,
        "d": offer.discount_bp,
        "c": offer.credit_minor,
        "x": offer.expires_at,
    }
    return signing.Signer(key=store.secret, salt=SALT).sign_object(payload, compress=True)


def read_offer(store: Store, token: str) -> Offer:
    try:
        data = signing.Signer(key=store.secret, salt=SALT).unsign_object(token or "")
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise OfferError(_("This offer link is not valid.")) from error
    try:
        offer = Offer(
            kind=str(data["k"]),
            product_id=int(data["p"]),
            email=str(data["e"]),
            order_id=int(data["o"]),
            discount_bp=int(data["d"]),
            credit_minor=int(data["c"]),
            expires_at=int(data["x"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise OfferError(_("This offer link is not valid.")) from error
    if offer.kind not in ("upsell", "upgrade") or not 0 <= offer.discount_bp <= 10_000:
        raise OfferError(_("This offer link is not valid."))
    if offer.expires_at and time.time() >= offer.expires_at:
        raise OfferError(_("This offer has ended."))
    return offer
