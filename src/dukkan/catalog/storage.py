"""Where the catalog keeps its files.

Paid files and free samples go to the private storage: a folder outside the public media,
with no URL at all, so nothing reaches a buyer except through delivery's signed links (or the
sample view). Covers and gallery images are public media served by the storefront.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages


class PrivateFileSystemStorage(FileSystemStorage):
    """A file system storage that refuses to make URLs: its files are never public."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("location", settings.DATA_DIR / "private")
        kwargs["base_url"] = None
        super().__init__(**kwargs)

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no public URL; use a signed download link")


@cache
def _fallback() -> Storage:
    return PrivateFileSystemStorage()


def private_storage() -> Storage:
    """`STORAGES["private"]`, or a private folder in the data directory when none is named."""
    if "private" in settings.STORAGES:
        return storages["private"]
    return _fallback()
