"""Status emails of service orders: the buyer in the order's language, the seller's members
each in their own, every link absolute.

`notify` queues the mail as a background task in the caller's transaction, so a change that
rolls back sends nothing and a committed one is mailed by the worker (like delivery's
receipt). The mail is written from the order as it is when the worker sends it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from dukkan.accounts.models import Membership
from dukkan.core.mail import from_store
from dukkan.core.money import format_money
from dukkan.gigs.models import GigOrder

BUYER, SELLER = "buyer", "seller"
# What each side is told; the other side acted, or the system did.
BUYER_NOTICES = frozenset(
    {"paid", "delivered", "completed", "cancelled", "late", "dispute_decided",
     "cancel_proposed", "dispute_opened"}
)  # fmt: skip
SELLER_NOTICES = frozenset(
    {"requirements", "revision", "accepted", "cancel_proposed", "dispute_opened", "cancelled",
     "dispute_decided"}
)  # fmt: skip


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    url: str  # the order's page for this side


def notify(order: GigOrder, kind: str, *, to: str) -> None:
    """Queue `kind` for `to` ("buyer" or "seller") in the current transaction."""
    from dukkan.gigs.tasks import send_gig_notice

    allowed = BUYER_NOTICES if to == BUYER else SELLER_NOTICES
    if kind not in allowed:
        raise ValueError(f"no {to} notice {kind!r}")
    send_gig_notice.enqueue(order.pk, kind, to)


def _absolute(path: str) -> str:
    return settings.DUKKAN_BASE_URL.rstrip("/") + path


def _buyer(order: GigOrder) -> list[Recipient]:
    language = order.checkout_order.language or order.store.default_language
    with translation.override(language):
        path = reverse("gigs_storefront:order", args=(order.store.slug, order.token))
    return [Recipient(order.buyer_email, language, _absolute(path))]


def _sellers(order: GigOrder) -> list[Recipient]:
    """Every member of the seller's store (agents work on service orders too)."""
    found = []
    members = Membership.objects.filter(store_id=order.store_id).select_related("user")
    for member in members.order_by("pk"):
        if not member.user.email or not member.user.is_active:
            continue
        language = member.user.language or order.store.default_language
        with translation.override(language):
            path = reverse("gigs:order", args=(order.store.slug, order.pk))
        found.append(Recipient(member.user.email, language, _absolute(path)))
    return found


def _texts(order: GigOrder, kind: str, language: str) -> tuple[str, str, str]:
    """(subject, what happened, the button's label) in the active language."""
    title = order.title
    refunded = format_money(order.refunded_minor, order.currency, language)
    subjects = {
        "paid": (_("Your order “%(title)s”: tell the seller what you need"),
                 _("Thank you for your order. Fill in the requirements so the seller can start; "
                   "the delivery time starts when you send them."),
                 _("Fill in the requirements")),
        "delivered": (_("Your order “%(title)s” was delivered"),
                      _("The seller delivered your order. Look at the delivery, then accept it or "
                        "ask for a revision; without an answer it completes by itself."),
                      _("See the delivery")),
        "completed": (_("Your order “%(title)s” is complete"),
                      _("Your order is complete. How did it go? Your review helps other buyers."),
                      _("Review this service")),
        "cancelled": (_("Your order “%(title)s” was cancelled"),
                      _("The order was cancelled. Refunded: %(refunded)s."),
                      _("Open the order")),
        "late": (_("Your order “%(title)s” is late"),
                 _("The seller has not delivered by the deadline. You may wait, or cancel the "
                   "order and get your money back."),
                 _("Open the order")),
        "dispute_decided": (_("The marketplace decided on your order “%(title)s”"),
                            _("The marketplace decided the dispute. Refunded: %(refunded)s."),
                            _("Read the decision")),
        "requirements": (_("New order “%(title)s”: the work can start"),
                         _("The order has started: the delivery time runs from now, and the "
                           "order is due %(due)s."),
                         _("Open the order")),
        "revision": (_("A revision is requested on “%(title)s”"),
                     _("The buyer asked for changes to the delivery."),
                     _("Open the order")),
        "accepted": (_("The buyer accepted “%(title)s”"),
                     _("The buyer accepted the delivery; the order is complete and its earning "
                       "starts clearing."),
                     _("Open the order")),
        "cancel_proposed": (_("Cancelling “%(title)s” is proposed"),
                            _("The other side proposed cancelling the order with a full refund. "
                              "Agree or keep the order on its page."),
                            _("Answer the proposal")),
        "dispute_opened": (_("A dispute is open on “%(title)s”"),
                           _("The other side asked the marketplace to decide on this order. The "
                             "marketplace reads the order's conversation and decides."),
                           _("Open the order")),
    }  # fmt: skip
    subject, lead, button = subjects[kind]
    due = ""
    if order.due_at is not None:
        from dukkan.core.templatetags.dukkan import ldatetime

        due = str(ldatetime(order.due_at))
    return subject % {"title": title}, lead % {"refunded": refunded, "due": due}, button


def send(gig_order_id: int, kind: str, to: str) -> int:
    """Send the notice now; returns how many mails went out."""
    order = (
        GigOrder.objects.select_related("store", "checkout_order").filter(pk=gig_order_id).first()
    )
    if order is None:
        return 0
    recipients = _buyer(order) if to == BUYER else _sellers(order)
    sent = 0
    for person in recipients:
        with translation.override(person.language):
            subject, lead, button = _texts(order, kind, person.language)
            url = person.url
            if kind == "completed" and to == BUYER:
                url = _absolute(
                    reverse(
                        "reviews_storefront:write",
                        args=(order.store.slug, order.checkout_order.token),
                    )
                )
            context = {
                "order": order,
                "store": order.store,
                "lead": lead,
                "button": button,
                "url": url,
                "page_dir": "rtl" if translation.get_language_bidi() else "ltr",
                "page_language": person.language,
            }
            text = render_to_string("gigs/email/notice.txt", context)
            html = render_to_string("gigs/email/notice.html", context)
        message = EmailMultiAlternatives(
            subject, text, from_store(order.store.name), [person.email]
        )
        message.attach_alternative(html, "text/html")
        message.send()
        sent += 1
    return sent
