"""Properties: byte ranges always stay inside the file; a changed token never verifies;
concurrent downloads never take more than the allowance."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections
from django.test import RequestFactory
from hypothesis import given, settings
from hypothesis import strategies as st

from dukkan.delivery.models import Entitlement
from dukkan.delivery.services import count_download
from dukkan.delivery.streaming import plan
from dukkan.delivery.tokens import BadToken, make_download_token, verify_download_token

FACTORY = RequestFactory()


@given(
    size=st.integers(min_value=0, max_value=10**12),
    first=st.one_of(st.none(), st.integers(min_value=0, max_value=2 * 10**12)),
    last=st.one_of(st.none(), st.integers(min_value=0, max_value=2 * 10**12)),
)
def test_a_planned_range_is_inside_the_file(size: int, first: int | None, last: int | None) -> None:
    header = f"bytes={'' if first is None else first}-{'' if last is None else last}"
    decided = plan(FACTORY.get("/", HTTP_RANGE=header), size, '"e"')
    assert decided.status in {200, 206, 416}
    if decided.status == 200:
        assert (decided.start, decided.length) == (0, size)
    if decided.status == 206:
        assert 0 <= decided.start < size
        assert 1 <= decided.length <= size - decided.start
        if first is not None:
            assert decided.start == first
        if first is None and last is not None:
            assert decided.length == min(last, size)
    if decided.status == 416:
        assert (first is not None and first >= size) or (first is None and (last == 0 or size == 0))


class _Store:
    pk = 1
    secret = "a-store-secret-for-the-property-test"


@settings(max_examples=300)
@given(position=st.integers(min_value=0, max_value=200), replacement=st.characters(codec="ascii"))
def test_any_changed_character_breaks_the_token(position: int, replacement: str) -> None:
    token = make_download_token(_Store(), 42, None, int(time.time()) + 3600)  # type: ignore[arg-type]
    position %= len(token)
    if token[position] == replacement:
        return
    changed = token[:position] + replacement + token[position + 1 :]
    with pytest.raises(BadToken):
        verify_download_token(changed, _Store())  # type: ignore[arg-type]


@pytest.mark.django_db(transaction=True)
def test_concurrent_downloads_take_exactly_the_allowance(
    shop: Any, make_product: Callable[..., Any], buy: Callable[..., Any]
) -> None:
    product = make_product(shop, files=[("a.zip", b"a")])
    entitlement = Entitlement.objects.get(order=buy(shop, product))
    limit, tries = 3, 12
    results: list[bool] = []
    barrier = threading.Barrier(tries)

    def take() -> None:
        try:
            barrier.wait()
            results.append(count_download(entitlement, limit))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(tries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == limit
    entitlement.refresh_from_db()
    assert entitlement.downloads_used == limit
