"""The owner's page for the chat widget: settings, the tag to embed, how to sign a customer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dukkan.accounts.models import Role
from dukkan.accounts.permissions import current_membership, current_store, store_view
from dukkan.widget import selectors, services
from dukkan.widget.forms import WidgetSettingsForm


def embed_snippet(base_url: str, slug: str) -> str:
    return f'<script src="{base_url}/widget.js" data-store="{slug}" async></script>'


def identity_snippets(base_url: str, slug: str) -> dict[str, str]:
    """How the host site vouches for a signed-in customer (the secret stays on its server)."""
    python = (
        "import hashlib, hmac\n\n"
        'STORE_SECRET = "…"  # from this page, kept on your server\n'
        "signature = hmac.new(STORE_SECRET.encode(), str(user.id).encode(),"
        " hashlib.sha256).hexdigest()\n"
    )
    php = (
        "<?php\n"
        "$storeSecret = '…'; // from this page, kept on your server\n"
        "$signature = hash_hmac('sha256', (string) $user->id, $storeSecret);\n"
    )
    tag = (
        f'<script src="{base_url}/widget.js" data-store="{slug}"\n'
        '        data-user-id="USER_ID" data-user-name="NAME" data-user-email="EMAIL"\n'
        '        data-user-signature="SIGNATURE" async></script>'
    )
    return {"python": python, "php": php, "tag": tag}


@store_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def widget_settings_page(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    current = selectors.widget_settings(store)
    form = WidgetSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(store, **form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Chat widget settings saved."))
            return redirect("widget_settings:edit", store_slug=store.slug)
    base_url = request.build_absolute_uri("/").rstrip("/")
    context = {
        "store": store,
        "membership": current_membership(request),
        "form": form,
        "embed": embed_snippet(base_url, store.slug),
        "snippets": identity_snippets(base_url, store.slug),
        "secret": store.secret,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "widget/settings.html", context, status=status)
