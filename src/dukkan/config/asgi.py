"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

from __future__ import annotations

import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dukkan.config.settings")

import django

django.setup(set_prefix=False)

from dukkan.core.handler import OneHopASGIHandler  # noqa: E402

# Sync middleware and views in one thread hop per request (see core/handler.py).
django_application = OneHopASGIHandler()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import re_path  # noqa: E402

from dukkan.config.routing import (  # noqa: E402
    cross_origin_websocket_urlpatterns,
    websocket_urlpatterns,
)

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": URLRouter(
            [
                *cross_origin_websocket_urlpatterns,
                # Everything else: browsers may open it only from this site's own hosts.
                re_path(r"", AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns))),
            ]
        ),
    }
)

# Everything loaded so far lives as long as the process: keep it out of the cyclic
# garbage collector's full passes, which otherwise stall requests for tens of milliseconds.
gc.collect()
gc.freeze()
