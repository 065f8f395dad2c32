"""Inbound mail from providers' webhooks: `/inbound-mail/…`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "email_channel_webhook"

urlpatterns: list[URLPattern | URLResolver] = []
