"""A route whose parameter the walker's registry does not know: the walk must fail on it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path


def widget(request: HttpRequest, widget_id: int) -> HttpResponse:
    return HttpResponse(status=404)


urlpatterns = [path("widgets/<int:widget_id>/", widget, name="widget")]
