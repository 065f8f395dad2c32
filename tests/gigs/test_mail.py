"""Status emails of service orders: who is told what, in which language, with absolute links;
queued with the change (a refused change mails nothing) and sent by the worker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from dukkan.accounts.models import Membership
from dukkan.gigs import services
from dukkan.gigs.models import GigOrder
from tests.gigs.conftest import run_queued_tasks

pytestmark = pytest.mark.django_db
BUYER = "buyer@example.com"


def _sent() -> list[tuple[str, str, str]]:
    """(recipient, subject, body) of the mails sent since the last call."""
    run_queued_tasks()
    found = [(m.to[0], str(m.subject), str(m.body)) for m in mail.outbox]
    mail.outbox.clear()
    return found


def _subject(language: str, msgid: str, title: str) -> str:
    with translation.override(language):
        return translation.gettext(msgid) % {"title": title}


def test_each_side_is_told_in_its_language_with_absolute_links(
    paid_gig: Callable[..., GigOrder], shop: Any, make_user: Callable[..., Any]
) -> None:
    owner = Membership.objects.get(store=shop, role="owner").user
    owner.language = "ar"  # the seller reads Arabic; the buyer ordered in Persian
    owner.save(update_fields=["language"])
    seller = owner.email
    gig = paid_gig()
    title = gig.title
    base = settings.DUKKAN_BASE_URL.rstrip("/")

    asked = _subject("fa", "Your order “%(title)s”: tell the seller what you need", title)
    # Paid: besides checkout's receipt, the buyer is asked for the requirements.
    ((to, subject, body),) = [m for m in _sent() if m[1] == asked]
    assert to == BUYER
    assert f"{base}/fa/s/{shop.slug}/services/o/{gig.token}/" in body

    # Bad input first: refused changes queue nothing.
    with pytest.raises(ValidationError):
        services.deliver(gig, message="", files=[])
    with pytest.raises(ValidationError):
        services.accept(gig)
    assert _sent() == []

    question = gig.product.requirement_questions.get()
    services.submit_requirements(gig, {question.pk: "https://example.ir"}, {})
    ((to, subject, body),) = _sent()
    assert to == seller
    assert subject == _subject("ar", "New order “%(title)s”: the work can start", title)
    assert f"{base}/ar/dashboard/{shop.slug}/services/orders/{gig.pk}/" in body

    assert gig.due_at is not None
    services.mark_late(gig.due_at + timedelta(minutes=1))
    ((to, subject, _body),) = _sent()
    assert (to, subject) == (BUYER, _subject("fa", "Your order “%(title)s” is late", title))

    services.deliver(gig, message="نسخه اول")
    assert [(t, s) for t, s, _ in _sent()] == [
        (BUYER, _subject("fa", "Your order “%(title)s” was delivered", title))
    ]
    services.request_revision(gig, note="رنگ")
    assert [t for t, _, _ in _sent()] == [seller]
    services.deliver(gig, message="نسخه دوم")
    _sent()
    services.accept(gig)
    sent = {t: (s, b) for t, s, b in _sent()}
    assert sent[seller][0] == _subject("ar", "The buyer accepted “%(title)s”", title)
    subject, body = sent[BUYER]
    assert subject == _subject("fa", "Your order “%(title)s” is complete", title)
    review_link = f"{base}/fa/s/{shop.slug}/reviews/order/{gig.checkout_order.token}/"
    assert review_link in body


def test_cancellation_and_dispute_notices_go_to_the_other_side(
    paid_gig: Callable[..., GigOrder], shop: Any, make_user: Callable[..., Any]
) -> None:
    seller = Membership.objects.get(store=shop, role="owner").user.email
    gig = paid_gig()
    question = gig.product.requirement_questions.get()
    services.submit_requirements(gig, {question.pk: "https://example.ir"}, {})
    _sent()
    services.propose_cancel(gig, role="buyer", reason="لازم نیست")
    assert [t for t, _, _ in _sent()] == [seller]
    services.answer_cancel(gig, role="seller", agree=False)
    assert _sent() == []
    services.open_dispute(gig, role="buyer", reason="پاسخ نمی‌دهد")
    ((to, subject, _body),) = _sent()
    assert to == seller
    services.resolve_dispute(
        gig, refund_minor=gig.price_minor, note="بازپرداخت کامل", by=make_user(is_operator=True)
    )
    sent = {t: (s, b) for t, s, b in _sent()}
    assert set(sent) == {BUYER, seller}
    subject, body = sent[BUYER]
    assert subject == _subject("fa", "The marketplace decided on your order “%(title)s”", gig.title)
    assert "۲۵۰٬۰۰۰ تومان" in body  # the refund, as money (not 2500000 rials)
