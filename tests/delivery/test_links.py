"""Signed download links: tampering, expiry, the download limit and revocation, each with its clear page."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from dukkan.delivery import services
from dukkan.delivery.models import DownloadLog, Entitlement
from dukkan.delivery.services import delivery_settings, download_url_for
from dukkan.delivery.tokens import make_download_token

pytestmark = pytest.mark.django_db


def _arabic(message: str) -> str:
    with translation.override("ar"):
        return translation.gettext(message)


def _get(client: Client, url: str, **headers: str) -> Any:
    response = client.get(url, **headers)
    if response.streaming:
        response.body = b"".join(response.streaming_content)
    return response


def _offers_fresh_link(response: Any, store: Any) -> None:
    html = response.content.decode()
    assert f"/s/{store.slug}/purchases/link/" in html
    assert 'name="email"' in html


def test_a_link_downloads_and_counts_once(paid: Entitlement, client: Client) -> None:
    response = _get(client, download_url_for(paid), HTTP_USER_AGENT="x")
    assert response.status_code == 200
    paid.refresh_from_db()
    assert paid.downloads_used == 1


def test_a_changed_signature_gets_the_clear_page_and_nothing_is_counted(
    paid: Entitlement, client: Client
) -> None:
    url = download_url_for(paid)
    token = url.rstrip("/").rsplit("/", 1)[-1]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    response = _get(client, reverse("download:file", kwargs={"download_token": forged}))
    assert response.status_code == 403
    html = response.content.decode()
    # The page speaks the store's language (Arabic) and offers a fresh link.
    assert 'dir="rtl"' in html
    assert _arabic("This download link is not valid") in html
    _offers_fresh_link(response, paid.store)
    paid.refresh_from_db()
    assert paid.downloads_used == 0


@pytest.mark.parametrize(
    "change",
    [
        lambda e, s: (
            make_download_token(s, e.pk, None, int(time.time()) + 3600)
            .rsplit(".", 1)[0]
            .replace(".c.", ".1.")
            + ".x"
        ),
        # A longer expiry spliced into a real token: the signature no longer matches.
        lambda e, s: _splice_expiry(make_download_token(s, e.pk, None, int(time.time()) - 10)),
    ],
)
def test_tampered_payloads_are_refused(
    paid: Entitlement, client: Client, change: Callable[[Entitlement, Any], str]
) -> None:
    token = change(paid, paid.store)
    response = _get(client, reverse("download:file", kwargs={"download_token": token}))
    assert response.status_code == 403
    paid.refresh_from_db()
    assert paid.downloads_used == 0


def _splice_expiry(token: str) -> str:
    parts = token.split(".")
    parts[2] = "zzzzzz"
    return ".".join(parts)


@pytest.mark.parametrize("token", ["nonsense", "a.b.c.d.e", "1.c.zz..", "%00", "." * 4])
def test_malformed_tokens_get_the_clear_page(client: Client, token: str, db: None) -> None:
    response = client.get(f"/dl/{token}/")
    assert response.status_code == 403
    assert "download link is not valid" in response.content.decode()


def test_a_token_of_another_store_does_not_open_this_one(
    paid: Entitlement, client: Client, make_store: Callable[..., Any]
) -> None:
    other = make_store()
    token = make_download_token(other, paid.pk, None, int(time.time()) + 3600)
    response = client.get(reverse("download:file", kwargs={"download_token": token}))
    assert response.status_code == 403


def test_an_expired_link_gets_410_and_a_fresh_link_form(paid: Entitlement, client: Client) -> None:
    token = make_download_token(paid.store, paid.pk, None, int(time.time()) - 1)
    response = client.get(
        reverse("download:file", kwargs={"download_token": token}), HTTP_USER_AGENT="Late/1.0"
    )
    assert response.status_code == 410
    assert _arabic("This download link has expired") in response.content.decode()
    _offers_fresh_link(response, paid.store)
    log = DownloadLog.objects.get(entitlement=paid)
    assert (log.status, log.user_agent, log.counted) == (410, "Late/1.0", False)


def test_link_lifetime_follows_the_store_setting(paid: Entitlement) -> None:
    settings = delivery_settings(paid.store)
    settings.link_hours = 2
    settings.save()
    token = download_url_for(paid).rstrip("/").rsplit("/", 1)[-1]
    from dukkan.delivery.tokens import read_download_token

    left = read_download_token(token).expires_at - time.time()
    assert 2 * 3600 - 60 < left <= 2 * 3600


def test_the_download_limit_is_enforced_with_a_clear_page(
    paid: Entitlement, client: Client
) -> None:
    settings = delivery_settings(paid.store)
    settings.download_limit = 2
    settings.save()
    url = download_url_for(paid)
    assert _get(client, url).status_code == 200
    assert _get(client, url).status_code == 200
    third = _get(client, url)
    assert third.status_code == 403
    assert _arabic("This file was downloaded too many times") in third.content.decode()
    paid.refresh_from_db()
    assert paid.downloads_used == 2
    counted = DownloadLog.objects.filter(entitlement=paid, counted=True).count()
    assert counted == 2
    assert DownloadLog.objects.filter(entitlement=paid, status=403).count() == 1


def test_resuming_a_download_does_not_count_again(paid: Entitlement, client: Client) -> None:
    settings = delivery_settings(paid.store)
    settings.download_limit = 1
    settings.save()
    url = download_url_for(paid)
    first = _get(client, url, HTTP_RANGE="bytes=0-99")
    assert first.status_code == 206
    resumed = _get(client, url, HTTP_RANGE="bytes=100-")
    assert resumed.status_code == 206
    paid.refresh_from_db()
    assert paid.downloads_used == 1
    # A new download from the start is the second one: refused.
    assert _get(client, url).status_code == 403
    assert _get(client, url, HTTP_RANGE="bytes=0-").status_code == 403


def test_head_does_not_count(paid: Entitlement, client: Client) -> None:
    response = client.head(download_url_for(paid))
    assert response.status_code == 200
    assert response["Content-Length"] == str(1024 * 1024)
    paid.refresh_from_db()
    assert paid.downloads_used == 0


def test_a_revoked_entitlement_gets_410(paid: Entitlement, client: Client) -> None:
    url = download_url_for(paid)
    services.revoke_for_refund(paid.order, full=True)
    response = client.get(url)
    assert response.status_code == 410
    assert _arabic("This download is no longer available") in response.content.decode()


def test_the_problem_page_reveals_nothing_of_the_buyer(paid: Entitlement, client: Client) -> None:
    token = make_download_token(paid.store, paid.pk, None, int(time.time()) - 1)
    html = client.get(reverse("download:file", kwargs={"download_token": token})).content.decode()
    assert paid.email not in html
    assert paid.order.number not in html


def test_the_fresh_link_form_on_the_problem_page_works(paid: Entitlement) -> None:
    import re

    from django.core import mail

    from tests.delivery.conftest import run_queued_tasks

    run_queued_tasks()
    mail.outbox.clear()
    browser = Client(enforce_csrf_checks=True)
    token = make_download_token(paid.store, paid.pk, None, int(time.time()) - 1)
    page = browser.get(reverse("download:file", kwargs={"download_token": token}))
    html = page.content.decode()
    action = re.search(r'<form method="post" action="([^"]+)"', html)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert action
    assert csrf
    sent = browser.post(
        action.group(1), {"email": paid.email, "csrfmiddlewaretoken": csrf.group(1)}
    )
    assert sent.status_code == 200
    run_queued_tasks()
    assert [m.to for m in mail.outbox] == [[paid.email]]
    assert "/ar/s/" in str(mail.outbox[0].body)  # the link opens in the buyer's language
