"""widget.js as served: read once per change of the file, gzipped, named by a content hash."""

from __future__ import annotations

import gzip
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

SOURCE = Path(__file__).resolve().parent / "static" / "widget" / "widget.js"
GZIP_LIMIT = 25 * 1024  # bytes, the budget for the gzipped script


@dataclass(frozen=True)
class Script:
    body: bytes
    gzipped: bytes
    version: str  # first 12 hex digits of the content's hash; also the ETag

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


_lock = threading.Lock()
_loaded: tuple[tuple[int, int], Script] | None = None


def current() -> Script:
    """The script, re-read only when the file on disk changed (one stat per request)."""
    global _loaded
    info = SOURCE.stat()
    identity = (info.st_ino, info.st_mtime_ns)
    loaded = _loaded
    if loaded is not None and loaded[0] == identity:
        return loaded[1]
    with _lock:
        body = SOURCE.read_bytes()
        script = Script(
            body=body,
            gzipped=gzip.compress(body, compresslevel=9, mtime=0),
            version=hashlib.sha256(body).hexdigest()[:12],
        )
        _loaded = (identity, script)
        return script
