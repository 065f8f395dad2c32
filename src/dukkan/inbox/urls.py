from __future__ import annotations

from django.urls import URLPattern, path

from dukkan.inbox import settings_views, views

app_name = "inbox"

urlpatterns: list[URLPattern] = [
    path("", views.conversation_list, name="list"),
    path("counts/", views.counts, name="counts"),
    path("figures/", views.figures, name="figures"),
    path("c/<int:conversation_id>/", views.conversation, name="conversation"),
    path("c/<int:conversation_id>/events/", views.events_after, name="events"),
    path("c/<int:conversation_id>/reply/", views.reply, name="reply"),
    path("c/<int:conversation_id>/read/", views.mark_read, name="read"),
    path("c/<int:conversation_id>/assign/", views.assign, name="assign"),
    path("c/<int:conversation_id>/status/", views.set_status, name="status"),
    path("c/<int:conversation_id>/priority/", views.set_priority, name="priority"),
    path("c/<int:conversation_id>/labels/", views.set_labels, name="labels"),
    path("canned/", settings_views.canned_list, name="canned"),
    path("canned/<int:canned_reply_id>/", settings_views.canned_edit, name="canned_edit"),
    path(
        "canned/<int:canned_reply_id>/delete/",
        settings_views.canned_delete,
        name="canned_delete",
    ),
    path("settings/", settings_views.inbox_settings, name="settings"),
    path(
        "settings/capacity/<int:membership_id>/",
        settings_views.set_capacity,
        name="capacity",
    ),
]
