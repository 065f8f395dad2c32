"""The seller's delivery page: link lifetime and download limit, and the latest downloads."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dukkan.accounts.models import Role
from dukkan.accounts.permissions import current_membership, current_store, store_view
from dukkan.delivery import selectors, services
from dukkan.delivery.forms import DeliverySettingsForm


@store_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def delivery_page(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    form = DeliverySettingsForm(request.POST or None, instance=services.delivery_settings(store))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Delivery settings saved."))
        return redirect("delivery_dashboard:edit", store_slug=store.slug)
    context = {
        "store": store,
        "membership": current_membership(request),
        "form": form,
        "downloads": selectors.recent_downloads(store),
    }
    return render(request, "delivery/dashboard.html", context, status=400 if form.errors else 200)
