"""Business hours and holidays: `/<lang>/dashboard/<store>/hours/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.hours import views

app_name = "hours"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.hours_page, name="edit"),
    path("holidays/", views.add_holiday, name="add_holiday"),
    path("holidays/<int:holiday_id>/delete/", views.delete_holiday, name="delete_holiday"),
]
