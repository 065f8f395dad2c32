"""Prometheus metrics. With several server processes, PROMETHEUS_MULTIPROC_DIR is set by `dukkan serve`."""

from __future__ import annotations

import os
from collections.abc import Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

CONTENT_TYPE = CONTENT_TYPE_LATEST

REQUESTS = Counter(
    "dukkan_http_requests_total", "HTTP requests answered.", ["method", "route", "status"]
)
LATENCY = Histogram(
    "dukkan_http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class TaskQueueCollector(Collector):
    """Reads the queue backlog from the database at scrape time."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from dukkan.core.selectors import task_backlog

        gauge = GaugeMetricFamily("dukkan_task_queue_backlog", "Tasks waiting to run.")
        try:
            gauge.add_metric([], task_backlog())
        except Exception:
            return
        yield gauge


def render() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    output = generate_latest(registry)
    queue = CollectorRegistry()
    queue.register(TaskQueueCollector())
    return output + generate_latest(queue)
