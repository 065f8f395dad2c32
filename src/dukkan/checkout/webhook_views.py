"""Provider webhooks: `/webhooks/<provider>/<store_slug>/`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from dukkan.checkout.webhooks import receive
from dukkan.core.models import Store


@csrf_exempt
@require_POST
def receive_webhook(request: HttpRequest, payment_provider: str, store_slug: str) -> HttpResponse:
    store = get_object_or_404(Store, slug=store_slug)
    headers = dict(request.headers.items())
    received = receive(store, payment_provider, request.body, headers)
    return JsonResponse({"result": received.result}, status=received.status)
