"""The per-visitor message limit, shared through the cache, across a window boundary."""

from __future__ import annotations

import pytest

from dukkan.realtime import protocol


def test_a_burst_across_the_window_boundary_is_still_limited(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = [1_000_009.5]  # half a second before a 10-second window ends
    monkeypatch.setattr(protocol.time, "time", lambda: clock[0])
    assert [protocol.visitor_limit(7) for _ in range(protocol.VISITOR_MESSAGES)] == [0] * 20
    clock[0] = 1_000_010.2  # the next window has just begun
    retry_after = protocol.visitor_limit(7)
    assert retry_after >= 1
    assert protocol.visitor_limit(8) == 0  # another visitor is not affected
    clock[0] = 1_000_030.0  # two windows later the visitor may write again
    assert protocol.visitor_limit(7) == 0


def test_connection_bucket_allows_bursts_then_the_sustained_rate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = [500.0]
    monkeypatch.setattr(protocol.time, "monotonic", lambda: clock[0])
    bucket = protocol.TokenBucket(rate=20, burst=40)
    assert all(bucket.take() for _ in range(40))
    assert bucket.take() is False
    assert bucket.retry_after() == 0.05
    clock[0] += 0.1  # two more frames' worth
    assert [bucket.take() for _ in range(3)] == [True, True, False]
