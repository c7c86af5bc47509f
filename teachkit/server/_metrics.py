"""Prometheus metrics (``GET /metrics``), shared by every worker process.

With several workers, ``teachkit serve`` points ``PROMETHEUS_MULTIPROC_DIR`` at a fresh
folder before they start; each worker then writes its counts there and any of them
answers ``/metrics`` with the sum (prometheus-client's multiprocess mode).
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

REQUESTS = Counter(
    "teachkit_http_requests",
    "HTTP requests answered, by route template, method and status code.",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "teachkit_http_request_duration_seconds",
    "Time to answer a request, by route template.",
    ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
OPS = Counter("teachkit_ops", "Curriculum ops done by this service, by kind.", ["kind"])


def exposition() -> tuple[bytes, str]:
    """The metrics as Prometheus text, and its content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    from prometheus_client import REGISTRY

    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
