"""The project's URLs plus delivery's dashboard page, until config/urls.py mounts it."""

from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from dukkan.config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    *i18n_patterns(
        path("dashboard/<str:store_slug>/delivery/", include("dukkan.delivery.dashboard_urls")),
        prefix_default_language=True,
    ),
]
