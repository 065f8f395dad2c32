"""Writes of reviews: a real buyer rates an order once; the seller replies once; the
operator hides abusive ones with a reason."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dukkan.accounts.models import Membership, User
from dukkan.catalog.models import Product, ProductKind
from dukkan.checkout.models import Order
from dukkan.gigs.services import bump_pages
from dukkan.reviews.models import Review

MAX_COMMENT = 3000


def _downloaded(order: Order) -> bool:
    from dukkan.delivery.selectors import downloads_summary

    return any(row.downloads_used > 0 for row in downloads_summary(order))


def review_block(order: Order, product: Product, *, now: datetime | None = None) -> str:
    """Why this order cannot be reviewed now ("" when it can)."""
    from dukkan.gigs.models import GigOrder, GigStatus
    from dukkan.gigs.selectors import marketplace_settings

    if Review.objects.filter(checkout_order=order).exists():
        return _("This order has already been reviewed.")
    if not order.is_paid or order.store_id != product.store_id:
        return _("Only buyers of a paid order can review it.")
    if not order.lines.filter(product=product).exists():
        return _("Only buyers of a paid order can review it.")
    if product.kind == ProductKind.SERVICE:
        gig = GigOrder.objects.filter(checkout_order=order).only("status").first()
        if gig is None or gig.status != GigStatus.COMPLETED:
            return _("You can review a service once the order is completed.")
        return ""
    now = now or timezone.now()
    days = marketplace_settings().review_after_days
    old_enough = order.paid_at is not None and order.paid_at <= now - timedelta(days=days)
    if not (old_enough or _downloaded(order)):
        return _(
            "You can review this product after you download it or %(days)s days after buying."
        ) % {"days": days}
    return ""


def submit_review(
    order: Order,
    product: Product,
    *,
    rating: int,
    comment: str,
    by: User | None = None,
    now: datetime | None = None,
) -> Review:
    from dukkan.gigs.models import GigOrder

    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError(_("Choose a rating from 1 to 5."), code="rating")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError(_("The comment is too long."), code="comment")
    try:
        with transaction.atomic():
            # The order's row lock serialises two submissions of the same review.
            locked = Order.objects.select_for_update().get(pk=order.pk)
            reason = review_block(locked, product, now=now)
            if reason:
                raise ValidationError(reason, code="not_allowed")
            bump_pages()
            return Review.objects.create(
                store_id=locked.store_id,
                product=product,
                gig_order=GigOrder.objects.filter(checkout_order=locked).first(),
                checkout_order=locked,
                contact=locked.contact,
                buyer=locked.buyer,
                buyer_name=(locked.name or locked.email.split("@")[0])[:200],
                rating=rating,
                comment=comment,
            )
    except IntegrityError as error:
        raise ValidationError(
            _("This order has already been reviewed."), code="not_allowed"
        ) from error


def reply(review: Review, *, text: str, by: User) -> Review:
    """The seller's one public reply."""
    if not Membership.objects.filter(store_id=review.store_id, user=by).exists():
        raise ValidationError(_("Only the store's team can do this."), code="forbidden")
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write the reply."), code="empty")
    if len(text) > MAX_COMMENT:
        raise ValidationError(_("The reply is too long."), code="too_long")
    now = timezone.now()
    updated = Review.objects.filter(pk=review.pk, replied_at__isnull=True).update(
        reply=text, replied_at=now, replied_by=by
    )
    if not updated:
        raise ValidationError(_("This review already has a reply."), code="replied")
    review.reply, review.replied_at, review.replied_by = text, now, by
    bump_pages()
    return review


def hide(review: Review, *, reason: str, by: User) -> Review:
    if not by.is_operator:
        raise ValidationError(
            _("Only the marketplace operator can hide reviews."), code="forbidden"
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the review is hidden."), code="reason")
    review.hidden, review.hidden_reason, review.hidden_at = True, reason[:1000], timezone.now()
    review.save(update_fields=["hidden", "hidden_reason", "hidden_at"])
    bump_pages()
    return review


def unhide(review: Review, *, by: User) -> Review:
    if not by.is_operator:
        raise ValidationError(
            _("Only the marketplace operator can hide reviews."), code="forbidden"
        )
    review.hidden, review.hidden_reason, review.hidden_at = False, "", None
    review.save(update_fields=["hidden", "hidden_reason", "hidden_at"])
    bump_pages()
    return review
