from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """After sign-in, land on the dashboard in the person's own language."""
        url: str = super().get_login_redirect_url(request)
        language = getattr(request.user, "language", "")
        if language and url == reverse("dashboard:home"):
            with translation.override(language):
                return reverse("dashboard:home")
        return url
