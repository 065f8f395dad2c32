"""Listing review: automatic checks, the reviewer's decision, resubmission, infringement.

Catalog calls `submit_for_review` after it saves a published product; with the marketplace
setting "review listings" off (the default) it does nothing.
"""

from __future__ import annotations

import statistics
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dukkan.accounts.models import Membership, Role, User
from dukkan.catalog.models import Product, Visibility
from dukkan.core.models import Store
from dukkan.core.text import normalise, tokens
from dukkan.moderation.models import Kind, ListingReview, ReviewStatus
from dukkan.moderation.selectors import settings_row

CHECKLIST = ("accurate_description", "own_work", "fair_price", "clear_deliverables")
DUPLICATE_SIMILARITY = 0.8
CHANGE_SIMILARITY = 0.7
PRICE_CHANGE = 0.25


def snapshot(product: Product) -> dict[str, Any]:
    return {
        "title": product.title,
        "description": product.description,
        "price_minor": product.price_minor,
        "cover": bool(product.cover),
        "sample": bool(product.sample),
    }


def _similarity(a: str, b: str) -> float:
    left, right = set(tokens(normalise(a))), set(tokens(normalise(b)))
    if not left and not right:
        return 1.0
    return len(left & right) / len(left | right)


def before_save(product: Product) -> dict[str, Any] | None:
    """The saved state of a product about to be edited (None for a new one)."""
    if product.pk is None or not settings_row().review_listings:
        return None
    saved = Product.objects.filter(pk=product.pk).first()
    if saved is None:
        return None
    return {**snapshot(saved), "draft": saved.visibility == Visibility.DRAFT}


def substantially_changed(before: dict[str, Any], product: Product) -> bool:
    """Title or description reworded (token overlap under 70%), price moved over 25%, or the
    cover or sample file changed."""
    now = snapshot(product)
    if _similarity(before.get("title", ""), now["title"]) < CHANGE_SIMILARITY:
        return True
    if _similarity(before.get("description", ""), now["description"]) < CHANGE_SIMILARITY:
        return True
    old_price = before.get("price_minor") or 0
    if old_price and abs(now["price_minor"] - old_price) / old_price > PRICE_CHANGE:
        return True
    return before.get("cover") != now["cover"] or before.get("sample") != now["sample"]


def automatic_checks(product: Product) -> list[dict[str, Any]]:
    """Each check: {"code", "ok", "detail"}. Catalog has no categories, so a listing's price
    is compared with published listings of the same kind (service, ebook…)."""
    conf = settings_row()
    checks: list[dict[str, Any]] = []
    length = len((product.description or "").strip())
    checks.append({"code": "description", "ok": length >= conf.min_description_chars,
                   "detail": f"{length}/{conf.min_description_chars}"})  # fmt: skip
    checks.append({"code": "cover", "ok": bool(product.cover), "detail": ""})
    if product.kind == "service":
        has_sample = bool(product.sample) or product.images.exists()
        checks.append({"code": "sample", "ok": has_sample, "detail": ""})
    prices = list(
        Product.objects.filter(
            kind=product.kind, visibility=Visibility.PUBLISHED, price_minor__gt=0
        )
        .exclude(pk=product.pk)
        .values_list("price_minor", flat=True)[:5000]
    )
    if len(prices) >= 3:
        median = statistics.median(prices)
        ok = median / 10 <= product.price_minor <= median * 10
        checks.append({"code": "price", "ok": ok, "detail": f"{product.price_minor}/{median:.0f}"})
    words = [w.strip() for w in conf.prohibited_words.splitlines() if w.strip()]
    text = " " + " ".join(tokens(normalise(f"{product.title} {product.description}"))) + " "
    found = [w for w in words if f" {' '.join(tokens(normalise(w)))} " in text]
    checks.append({"code": "prohibited", "ok": not found, "detail": ", ".join(found)})
    mine = f"{product.title} {product.description}"
    duplicate = ""
    for other in (
        Product.objects.filter(kind=product.kind)
        .exclude(pk=product.pk)
        .exclude(visibility=Visibility.DRAFT)
        .only("pk", "title", "description", "store_id")[:2000]
    ):
        if _similarity(mine, f"{other.title} {other.description}") >= DUPLICATE_SIMILARITY:
            duplicate = str(other.pk)
            break
    checks.append({"code": "duplicate", "ok": not duplicate, "detail": duplicate})
    return checks


def submit_for_review(product: Product, before: dict[str, Any] | None) -> ListingReview | None:
    """Queue a published listing that is new (`before` None or it was a draft) or changed
    substantially. Nothing when the marketplace does not review listings."""
    if product.visibility == Visibility.DRAFT or not settings_row().review_listings:
        return None
    if (
        before is not None
        and not before.get("draft")
        and not substantially_changed(before, product)
    ):
        return None
    with transaction.atomic():
        ListingReview.objects.filter(product=product, kind=Kind.LISTING, current=True).update(
            current=False
        )
        return ListingReview.objects.create(
            store_id=product.store_id,
            product=product,
            checks=automatic_checks(product),
            snapshot=snapshot(product),
        )


def decide(
    review: ListingReview, action: str, *, reasons: str, checklist: dict[str, bool], by: User
) -> ListingReview:
    """approve, reject or request_changes; refusing without reasons is refused."""
    targets = {
        "approve": ReviewStatus.APPROVED,
        "reject": ReviewStatus.REJECTED,
        "request_changes": ReviewStatus.CHANGES_REQUESTED,
    }
    if action not in targets:
        raise ValidationError(_("Choose approve, reject or request changes."))
    if action != "approve" and not reasons.strip():
        raise ValidationError(_("Say why: the seller needs reasons to fix the listing."))
    if action == "approve" and not all(checklist.get(item) for item in CHECKLIST):
        raise ValidationError(_("Tick every item of the checklist before approving."))
    with transaction.atomic():
        if action == "approve":  # approving lists it: the same rules as publishing a draft
            from dukkan.catalog.services import run_publish_checks

            # Before the review's lock: catalog also takes a check's locks, then the review's.
            run_publish_checks(Product.objects.select_related("store").get(pk=review.product_id))
        locked = ListingReview.objects.select_for_update().get(pk=review.pk)
        if locked.status != ReviewStatus.PENDING or locked.kind != Kind.LISTING:
            raise ValidationError(_("This review has already been decided."))
        locked.status = targets[action]
        locked.reasons = reasons.strip()
        locked.checklist = {item: bool(checklist.get(item)) for item in CHECKLIST}
        locked.decided_at, locked.decided_by = timezone.now(), by
        locked.save()
    _notify(locked.store, gettext_lazy("Your listing was reviewed"), locked)
    return locked


def resubmit(review: ListingReview) -> ListingReview:
    """The seller fixed the listing: a fresh review with the checks run again."""
    if review.status not in (ReviewStatus.CHANGES_REQUESTED, ReviewStatus.REJECTED):
        raise ValidationError(_("Only a listing with requested changes can be resubmitted."))
    product = Product.objects.get(pk=review.product_id)
    made = submit_for_review(product, None)
    if made is None:
        raise ValidationError(_("Listings are not reviewed at the moment."))
    return made


def report_infringement(reporter: Store, product: Product, report: str) -> ListingReview:
    if not report.strip():
        raise ValidationError(_("Describe which of your work is copied and where."))
    if product.store_id == reporter.pk:
        raise ValidationError(_("You cannot report your own listing."))
    return ListingReview.objects.create(
        store_id=product.store_id,
        product=product,
        kind=Kind.INFRINGEMENT,
        current=True,
        reporter=reporter,
        report=report.strip(),
    )


def handle_infringement(
    review: ListingReview, action: str, *, reasons: str, by: User
) -> ListingReview:
    """take_down, restore or dismiss; both stores are told by email."""
    targets = {
        "take_down": ReviewStatus.TAKEN_DOWN,
        "restore": ReviewStatus.RESTORED,
        "dismiss": ReviewStatus.DISMISSED,
    }
    if action not in targets or review.kind != Kind.INFRINGEMENT:
        raise ValidationError(_("Choose take down, restore or dismiss."))
    if not reasons.strip():
        raise ValidationError(_("Say why: both sellers are told the reasons."))
    with transaction.atomic():
        locked = ListingReview.objects.select_for_update().get(pk=review.pk)
        allowed = {
            "take_down": (ReviewStatus.PENDING, ReviewStatus.RESTORED),
            "dismiss": (ReviewStatus.PENDING,),
            "restore": (ReviewStatus.TAKEN_DOWN,),
        }[action]
        if locked.status not in allowed:
            raise ValidationError(_("This report is not in a state for that action."))
        locked.status, locked.reasons = targets[action], reasons.strip()
        locked.decided_at, locked.decided_by = timezone.now(), by
        locked.save()
    _notify(locked.store, gettext_lazy("An infringement report about your listing"), locked)
    if locked.reporter is not None:
        _notify(locked.reporter, gettext_lazy("Your infringement report"), locked)
    return locked


def _review_text(review: ListingReview) -> str:
    return f"{review.product.title}: {review.get_status_display()}\n\n{review.reasons}"


def _notify(store: Store, subject: Any, review: ListingReview) -> None:
    owners = [
        e
        for e in Membership.objects.filter(store=store, role=Role.OWNER).values_list(
            "user__email", flat=True
        )
        if e
    ]
    if owners:
        with translation.override(store.default_language):
            send_mail(str(subject), _review_text(review), None, owners)


def checklist_labels() -> dict[str, str]:
    return {
        "accurate_description": _("The description matches what the buyer gets"),
        "own_work": _("The samples look like the seller's own work"),
        "fair_price": _("The price fits what is offered"),
        "clear_deliverables": _("Deliverables and delivery time are clear"),
    }


def check_labels() -> dict[str, str]:
    return {
        "description": _("Description long enough"),
        "cover": _("Cover image"),
        "sample": _("Sample or portfolio"),
        "price": _("Price within the usual range"),
        "prohibited": _("No prohibited words"),
        "duplicate": _("Not a duplicate of another listing"),
    }
