"""The download response: byte ranges, If-Range, HEAD, UTF-8 names, the log, front-server hand-off."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import Client, RequestFactory, override_settings

from dukkan.delivery.models import DownloadLog, Entitlement
from dukkan.delivery.services import download_url_for
from dukkan.delivery.streaming import content_disposition, plan

pytestmark = pytest.mark.django_db
SIZE = 1024 * 1024


def _get(client: Client, url: str, **extra: str) -> Any:
    response = client.get(url, **extra)
    response.body = b"".join(response.streaming_content) if response.streaming else response.content
    return response


def test_whole_file_with_headers(paid: Entitlement, client: Client, book_bytes: bytes) -> None:
    response = _get(client, download_url_for(paid))
    assert response.status_code == 200
    assert response.body == book_bytes
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(SIZE)
    assert response["ETag"].startswith('"')
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-99", 0, 99),  # the first bytes
        ("bytes=1000-1999", 1000, 1999),  # the middle
        ("bytes=-100", SIZE - 100, SIZE - 1),  # a suffix: the last 100
        ("bytes=1048000-", 1048000, SIZE - 1),  # from an offset to the end
        ("bytes=1048570-9999999", 1048570, SIZE - 1),  # an end beyond the file is cut
    ],
)
def test_single_ranges(
    paid: Entitlement, client: Client, book_bytes: bytes, header: str, start: int, end: int
) -> None:
    response = _get(client, download_url_for(paid), HTTP_RANGE=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{end}/{SIZE}"
    assert response["Content-Length"] == str(end - start + 1)
    assert response.body == book_bytes[start : end + 1]


@pytest.mark.parametrize("header", ["bytes=2000000-", "bytes=1048576-1048600", "bytes=-0"])
def test_unsatisfiable_ranges_get_416(paid: Entitlement, client: Client, header: str) -> None:
    response = _get(client, download_url_for(paid), HTTP_RANGE=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"
    paid.refresh_from_db()
    assert paid.downloads_used == 0


@pytest.mark.parametrize("header", ["bytes=0-1,5-6", "items=0-5", "bytes=9-3", "bytes=abc"])
def test_ranges_we_do_not_serve_get_the_whole_file(
    paid: Entitlement, client: Client, header: str
) -> None:
    response = _get(client, download_url_for(paid), HTTP_RANGE=header)
    assert response.status_code == 200
    assert len(response.body) == SIZE


def test_if_range_with_the_current_etag_gives_the_range_and_a_stale_one_the_file(
    paid: Entitlement, client: Client, book_bytes: bytes
) -> None:
    url = download_url_for(paid)
    etag = client.head(url)["ETag"]
    fresh = _get(client, url, HTTP_RANGE="bytes=10-19", HTTP_IF_RANGE=etag)
    assert fresh.status_code == 206
    assert fresh.body == book_bytes[10:20]
    stale = _get(client, url, HTTP_RANGE="bytes=10-19", HTTP_IF_RANGE='"an-older-version"')
    assert stale.status_code == 200
    assert len(stale.body) == SIZE
    weak = _get(client, url, HTTP_RANGE="bytes=10-19", HTTP_IF_RANGE=f"W/{etag}")
    assert weak.status_code == 200


def test_if_range_with_a_date(paid: Entitlement, client: Client) -> None:
    url = download_url_for(paid)
    modified = client.head(url)["Last-Modified"]
    assert _get(client, url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=modified).status_code == 206
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert _get(client, url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=old).status_code == 200


def test_head_has_headers_and_no_body(paid: Entitlement, client: Client) -> None:
    response = client.head(download_url_for(paid), HTTP_RANGE="bytes=0-9")
    assert response.status_code == 206
    assert response["Content-Length"] == "10"
    assert response.content == b""


def test_arabic_and_persian_file_names_use_rfc_5987() -> None:
    header = content_disposition("ديوان المتنبي.pdf")
    assert header.startswith('attachment; filename="download.pdf"; ')
    encoded = header.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == "ديوان المتنبي.pdf"
    persian = content_disposition("افزونه‌ی فرم.zip")
    assert unquote(persian.split("UTF-8''", 1)[1]) == "افزونه‌ی فرم.zip"
    mixed = content_disposition('report "final" v2.pdf')
    assert 'filename="report final v2.pdf"' in mixed
    assert "\n" not in content_disposition("a\nb.txt")


def test_download_response_carries_the_arabic_name(paid: Entitlement, client: Client) -> None:
    response = _get(client, download_url_for(paid))
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert unquote(response["Content-Disposition"].split("UTF-8''")[1]) == "ديوان المتنبي.zip"


def test_each_download_is_logged_with_time_ip_and_agent(paid: Entitlement, client: Client) -> None:
    _get(
        client,
        download_url_for(paid),
        HTTP_RANGE="bytes=0-99",
        HTTP_USER_AGENT="Mozilla/5.0 (Android) قارئ",
        REMOTE_ADDR="203.0.113.9",
    )
    log = DownloadLog.objects.get(entitlement=paid)
    assert log.ip == "203.0.113.9"
    assert log.user_agent == "Mozilla/5.0 (Android) قارئ"
    assert (log.status, log.bytes_sent, log.range, log.counted) == (206, 100, "bytes=0-99", True)
    assert log.at is not None
    assert log.version is not None
    assert log.store_id == paid.store_id


def test_an_abandoned_stream_logs_what_was_really_sent(
    paid: Entitlement, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dukkan.delivery import streaming

    monkeypatch.setattr(streaming, "CHUNK_SIZE", 64 * 1024)
    from dukkan.delivery import views

    token = download_url_for(paid).rstrip("/").rsplit("/", 1)[-1]
    response = views.download(RequestFactory().get("/"), token)
    chunks = iter(response.streaming_content)  # type: ignore[attr-defined]
    first = next(chunks)
    assert DownloadLog.objects.get(entitlement=paid).bytes_sent == SIZE  # planned
    # The client went away after one chunk: the server closes the response (as Django's
    # test client does, without closing the test's database connection).
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    assert DownloadLog.objects.get(entitlement=paid).bytes_sent == len(first) == 64 * 1024


@override_settings(DUKKAN_SENDFILE="nginx:/protected-files/")
def test_nginx_gets_x_accel_redirect(paid: Entitlement, client: Client) -> None:
    response = client.get(download_url_for(paid))
    assert response.status_code == 200
    assert not response.streaming
    assert response.content == b""
    target = response["X-Accel-Redirect"]
    version = paid.product_file.versions.get()
    assert unquote(target) == "/protected-files/" + version.upload.name
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    paid.refresh_from_db()
    assert paid.downloads_used == 1


@override_settings(DUKKAN_SENDFILE="sendfile")
def test_apache_gets_x_sendfile(paid: Entitlement, client: Client) -> None:
    response = client.get(download_url_for(paid))
    version = paid.product_file.versions.get()
    # Apache and lighttpd read the header's bytes as the path: the raw UTF-8 of the Arabic name.
    assert response["X-Sendfile"].encode("latin-1").decode("utf-8") == version.upload.path
    assert "X-Accel-Redirect" not in response


@override_settings(DUKKAN_SENDFILE="nginx:/protected-files/")
def test_hand_off_still_checks_the_link(paid: Entitlement, client: Client) -> None:
    from dukkan.delivery.services import revoke_for_refund

    url = download_url_for(paid)
    revoke_for_refund(paid.order, full=True)
    response = client.get(url)
    assert response.status_code == 410
    assert "X-Accel-Redirect" not in response


def test_plan_without_range_header() -> None:
    request = RequestFactory().get("/")
    assert plan(request, 10, '"e"').status == 200
    empty = RequestFactory().get("/", HTTP_RANGE="bytes=0-")
    assert plan(empty, 0, '"e"').status == 416
