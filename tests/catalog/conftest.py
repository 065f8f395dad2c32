from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from dukkan.accounts import services as accounts
from dukkan.accounts.models import Role


@pytest.fixture
def shop(make_store: Callable[..., Any], make_user: Callable[..., Any]) -> Any:
    """A Saudi store with an owner and an agent."""
    owner = make_user()
    store = make_store(owner=owner, currency="SAR", default_language="ar", time_zone="Asia/Riyadh")
    agent = make_user()
    accounts.add_member(store=store, user=agent, role=Role.AGENT)
    store.owner, store.agent = owner, agent
    return store


@pytest.fixture
def owner_client(shop: Any) -> Client:
    client = Client()
    client.force_login(shop.owner)
    return client


@pytest.fixture
def agent_client(shop: Any) -> Client:
    client = Client()
    client.force_login(shop.agent)
    return client


def picture_bytes(
    size: tuple[int, int] = (1200, 1600), fmt: str = "JPEG", exif_orientation: int | None = None
) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    image.paste((20, 40, 160), (0, 0, size[0] // 2, size[1] // 4))  # a mark at the top start
    buffer = io.BytesIO()
    if exif_orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        exif[0x010E] = "secret description that must not survive"
        image.save(buffer, fmt, exif=exif)
    else:
        image.save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def jpeg() -> Callable[..., SimpleUploadedFile]:
    def make(name: str = "cover.jpg", **kwargs: Any) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, picture_bytes(**kwargs), content_type="image/jpeg")

    return make
