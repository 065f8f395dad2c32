"""Language-neutral callback endpoints for the widget and help center: `/callbacks/…`.

The support tools' widget endpoints (talk to a person, "did this solve it?", the queue,
callback requests, ratings) live here too: one cross-origin prefix, origin-checked per store.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.answerbot import widget_api

app_name = "callbacks_public"

urlpatterns: list[URLPattern | URLResolver] = [
    path("<str:store_slug>/status", widget_api.support_status, name="status"),
    path("<str:store_slug>/person", widget_api.talk_to_person, name="person"),
    path("<str:store_slug>/feedback", widget_api.feedback, name="feedback"),
    path("<str:store_slug>/request", widget_api.request_callback, name="request"),
    path("<str:store_slug>/rate", widget_api.rate, name="rate"),
    path("<str:store_slug>/rate/<str:token>/", widget_api.rate_by_email, name="rate_by_email"),
]
