"""Inbound mail from providers' webhooks: `/inbound-mail/…`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.email_channel import webhooks

app_name = "email_channel_webhook"

urlpatterns: list[URLPattern | URLResolver] = [
    path("mailgun/", webhooks.mailgun, name="mailgun"),
    path("postmark/", webhooks.postmark, name="postmark"),
    path("postmark/<str:webhook_token>/", webhooks.postmark, name="postmark_token"),
]
