"""Serving a file: single byte ranges, If-Range, HEAD, and front-server hand-off.

`plan(request, size, etag, last_modified)` decides what to send (all, one range, or 416);
`file_response(...)` builds the response: a stream read in large chunks from a file opened
once, or, with `DUKKAN_SENDFILE`, an empty response carrying `X-Accel-Redirect` (nginx) or
`X-Sendfile` (Apache, lighttpd) so the front server sends the bytes itself (and handles
ranges on its own).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils.http import http_date, parse_http_date_safe

# Big reads keep the per-chunk overhead (a thread-pool hop, an ASGI send) small next to the copy.
CHUNK_SIZE = 4 * 1024 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


@dataclass(frozen=True)
class Plan:
    status: int  # 200, 206 or 416
    start: int = 0
    length: int = 0
    range_header: str = ""  # the Range the client asked for, for the log

    @property
    def starts_at_zero(self) -> bool:
        return self.start == 0


def _if_range_holds(request: HttpRequest, etag: str, last_modified: datetime | None) -> bool:
    condition = request.headers.get("If-Range", "").strip()
    if not condition:
        return True
    if condition.startswith(('"', "W/")):
        return condition == etag  # a strong comparison: weak tags never match
    stamp = parse_http_date_safe(condition)
    return (
        stamp is not None and last_modified is not None and int(last_modified.timestamp()) == stamp
    )


def plan(request: HttpRequest, size: int, etag: str, last_modified: datetime | None = None) -> Plan:
    """What to send for this request's Range/If-Range headers (RFC 9110, one range only).

    Several ranges, a malformed header or an If-Range that no longer holds get the whole
    file (a server may always ignore Range); a well-formed range beyond the end gets 416.
    """
    header = request.headers.get("Range", "").strip()
    whole = Plan(200, 0, size, header)
    if not header or request.method not in {"GET", "HEAD"}:
        return whole
    match = _RANGE.match(header.replace(" ", ""))
    if match is None or not _if_range_holds(request, etag, last_modified):
        return whole
    first, last = match.groups()
    if not first and not last:
        return whole
    if not first:  # a suffix: the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            return Plan(416, range_header=header)
        start = max(0, size - suffix)
        return Plan(206, start, size - start, header)
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if last and int(last) < start:
        return whole  # syntactically invalid: ignore it
    if start >= size:
        return Plan(416, range_header=header)
    return Plan(206, start, end - start + 1, header)


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback and the real (Arabic, Persian…) name per RFC 5987."""
    ascii_name = filename.encode("ascii", "ignore").decode().replace('"', "").replace("\\", "")
    ascii_name = "".join(c for c in ascii_name if c.isprintable()).strip()
    _stem, dot, extension = filename.rpartition(".")
    if not ascii_name or ascii_name == f".{extension}":
        ascii_name = f"download.{extension}" if dot and extension.isascii() else "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _chunks(
    handle: IO[bytes], start: int, length: int, on_end: Callable[[int], None]
) -> Iterator[bytes]:
    sent = 0
    try:
        handle.seek(start)
        while sent < length:
            chunk = handle.read(min(CHUNK_SIZE, length - sent))
            if not chunk:
                break
            sent += len(chunk)
            yield chunk
    finally:
        handle.close()
        on_end(sent)


def file_response(
    request: HttpRequest,
    *,
    path: str,
    storage_name: str,
    filename: str,
    content_type: str,
    size: int,
    etag: str,
    last_modified: datetime | None,
    decided: Plan,
    on_end: Callable[[int], None] = lambda sent: None,
) -> HttpResponseBase:
    """The response for `decided` (from `plan`): streamed, or handed to the front server."""
    common = {
        "Content-Disposition": content_disposition(filename),
        "Accept-Ranges": "bytes",
        "ETag": etag,
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
    }
    if last_modified is not None:
        common["Last-Modified"] = http_date(last_modified.timestamp())
    if decided.status == 416:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    sendfile = getattr(settings, "DUKKAN_SENDFILE", "")
    if sendfile:
        response = HttpResponse(content_type=content_type)
        for name, value in common.items():
            response[name] = value
        if sendfile.startswith("nginx:"):
            prefix = sendfile.removeprefix("nginx:")
            response["X-Accel-Redirect"] = quote(prefix + storage_name.lstrip("/"))
            response["X-Accel-Buffering"] = "no"
        else:
            # The raw UTF-8 bytes of the path on the wire (header values travel as latin-1).
            response["X-Sendfile"] = path.encode("utf-8").decode("latin-1")
        on_end(decided.length)
        return response
    headers = dict(common)
    headers["Content-Length"] = str(decided.length)
    if decided.status == 206:
        end = decided.start + decided.length - 1
        headers["Content-Range"] = f"bytes {decided.start}-{end}/{size}"
    if request.method == "HEAD":
        response = HttpResponse(status=decided.status, content_type=content_type, headers=headers)
        on_end(0)
        return response
    handle = open(path, "rb", buffering=0)  # noqa: SIM115 (closed by the stream)
    with contextlib.suppress(AttributeError, OSError):
        os.posix_fadvise(handle.fileno(), decided.start, decided.length, os.POSIX_FADV_SEQUENTIAL)
    return StreamingHttpResponse(
        _chunks(handle, decided.start, decided.length, on_end),
        status=decided.status,
        content_type=content_type,
        headers=headers,
    )
