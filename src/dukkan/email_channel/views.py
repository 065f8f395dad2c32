"""The store's email settings page: support addresses, provider webhooks, mail that failed."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dukkan.accounts.models import Role
from dukkan.accounts.permissions import current_membership, current_store, store_view
from dukkan.core.tenancy import scoped
from dukkan.email_channel import selectors, services
from dukkan.email_channel.forms import AddressForm
from dukkan.email_channel.models import SupportAddress


def _index_url(request: HttpRequest) -> str:
    return reverse("email_channel:index", kwargs={"store_slug": current_store(request).slug})


@store_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    form = AddressForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.add_address(store, data.pop("address"), name=data.pop("name"), **data)
            except services.ValidationError as error:
                form.add_error("address", error)
            else:
                messages.success(request, _("Support address added."))
                return redirect(_index_url(request))
        status = 400
    base = settings.DUKKAN_BASE_URL
    rows = [
        {
            "address": address,
            "mailgun_url": base + reverse("email_channel_webhook:mailgun"),
            "postmark_url": base
            + reverse(
                "email_channel_webhook:postmark_token",
                kwargs={"webhook_token": address.webhook_token},
            ),
        }
        for address in selectors.addresses(store)
    ]
    context = {
        "store": store,
        "membership": current_membership(request),
        "rows": rows,
        "form": form,
        "problems": selectors.problems(store),
        "undelivered": selectors.undelivered(store),
        "active": "email",
    }
    return render(request, "email_channel/index.html", context, status=status)


@store_view(Role.ADMIN)
@require_POST
def delete_address(request: HttpRequest, address_id: int) -> HttpResponse:
    found = scoped(SupportAddress, current_store(request)).filter(pk=address_id).first()
    if found is None:
        raise Http404
    found.delete()
    services.forget_addresses()
    messages.success(request, _("Support address removed."))
    return redirect(_index_url(request))


@store_view()
@require_POST
def retry(request: HttpRequest, inbound_id: int) -> HttpResponse:
    row = selectors.inbound(current_store(request), inbound_id)
    if row is None:
        raise Http404
    row = services.retry(row)
    if row.status == "posted":
        messages.success(request, _("The mail was added to its conversation."))
    else:
        messages.error(request, _("Still not added: %(reason)s") % {"reason": row.reason})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = _index_url(request)
    return redirect(back)


@store_view()
@require_GET
def raw(request: HttpRequest, inbound_id: int) -> HttpResponse:
    row = selectors.inbound(current_store(request), inbound_id)
    if row is None:
        raise Http404
    response = HttpResponse(bytes(row.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="mail-{row.pk}.eml"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
