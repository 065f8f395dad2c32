"""Mailing list and campaigns, per store: `/<lang>/dashboard/<store>/marketing/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.marketing import views

app_name = "marketing"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("subscribers.csv", views.export_csv, name="export"),
    path("segments/new/", views.segment_new, name="segment_new"),
    path("segments/count/", views.segment_count, name="segment_count"),
    path("segments/<int:segment_id>/", views.segment_edit, name="segment_edit"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:campaign_id>/preview/", views.campaign_preview, name="campaign_preview"),
    path("campaigns/<int:campaign_id>/test/", views.campaign_test, name="campaign_test"),
    path(
        "campaigns/<int:campaign_id>/schedule/", views.campaign_schedule, name="campaign_schedule"
    ),
    path(
        "campaigns/<int:campaign_id>/unschedule/",
        views.campaign_unschedule,
        name="campaign_unschedule",
    ),
    path("campaigns/<int:campaign_id>/send/", views.campaign_send, name="campaign_send"),
    path("automations/", views.automations, name="automations"),
    path("settings/", views.mailing_settings, name="settings"),
]
