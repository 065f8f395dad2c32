"""Affiliates' background work: the hourly release of held commissions, and the emails."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from dukkan.core.mail import from_store
from dukkan.core.periodic import periodic


@periodic("7 * * * *", name="affiliates.release_held", catch_up=timedelta(days=2))
@task()
def release_held_commissions() -> int:
    """Commissions whose hold period is over become payable (hourly; a missed hour waits)."""
    from dukkan.affiliates.services import release_held

    return release_held()


def _mail(affiliate_id: int, template: str, extra: dict[str, object]) -> None:
    from dukkan.affiliates.models import Affiliate

    affiliate = Affiliate.objects.select_related("store", "user").filter(pk=affiliate_id).first()
    if affiliate is None:
        return
    store = affiliate.store
    language = affiliate.language or affiliate.user.language or store.default_language
    with translation.override(language):
        context = {
            "affiliate": affiliate,
            "store": store,
            "dashboard_url": settings.DUKKAN_BASE_URL
            + reverse("affiliates_storefront:dashboard", kwargs={"store_slug": store.slug}),
            "page_dir": "rtl" if translation.get_language_bidi() else "ltr",
            "page_language": language,
            **extra,
        }
        subject = render_to_string(f"affiliates/email/{template}_subject.txt", context).strip()
        text = render_to_string(f"affiliates/email/{template}.txt", context)
        html = render_to_string(f"affiliates/email/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, from_store(store.name), [affiliate.user.email])
    message.attach_alternative(html, "text/html")
    message.send()


@task()
def send_approved(affiliate_id: int) -> None:
    """Tell a new affiliate they are in, with their link and coupon code."""
    _mail(affiliate_id, "approved", {})


@task()
def send_payout_notice(payout_id: int) -> None:
    """Tell an affiliate a payout was sent: how much, how, and the reference."""
    from dukkan.affiliates.models import Payout

    payout = Payout.objects.filter(pk=payout_id).first()
    if payout is not None:
        _mail(payout.affiliate_id, "payout", {"payout": payout})
