"""The real URL configuration plus one deliberately unscoped view: the walker must catch it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path

from dukkan.accounts.models import Membership
from dukkan.config import urls as real
from dukkan.core.models import Store


@login_required
def canary_team_emails(request: HttpRequest, store_slug: str) -> HttpResponse:
    # The bug on purpose: any signed-in person, no membership check, no `scoped()`.
    store = get_object_or_404(Store, slug=store_slug)
    emails = Membership.objects.filter(store=store).values_list("user__email", flat=True)
    return HttpResponse("\n".join(emails), content_type="text/plain")


urlpatterns = [
    path("canary/<str:store_slug>/team-emails/", canary_team_emails, name="canary_team_emails"),
    *real.urlpatterns,
]
