"""Prometheus metrics, served at GET /metrics (health.router) to a director's token or to
METRICS_TOKEN.

With several workers (`carpet-shop serve --workers N`), every worker writes its samples to
files in PROMETHEUS_MULTIPROC_DIR (prometheus-client's multiprocess mode; `serve` makes the
folder) and whichever worker answers the scrape adds them all up. The variable must be set
before prometheus_client is first imported, hence `serve` sets it before anything else.

Shop counters are counted only once the request that caused them has been answered with
success, that is after its commit (`after_success`): a sale that was rolled back is not a
sale. What the database knows exactly (products low on stock, overdue debts) is read from
it at scrape time instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from decimal import Decimal

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from carpet_shop.core.logs import current_request

MULTIPROCESS_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST

REQUESTS = Counter(
    "carpet_shop_http_requests_total",
    "HTTP requests answered, by route template and status",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "carpet_shop_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
DB_CONNECTIONS_IN_USE = Gauge(
    "carpet_shop_db_connections_in_use",
    "Database connections checked out of the pools, all workers",
    multiprocess_mode="livesum",
)
DB_CONNECTIONS_OPEN = Gauge(
    "carpet_shop_db_connections_open",
    "Database connections open in the pools, all workers",
    multiprocess_mode="livesum",
)
GROUP_COMMIT_SIZE = Histogram(
    "carpet_shop_sqlite_group_commit_size",
    "Writes saved by one SQLite commit (core.group_commit)",
    buckets=(1, 2, 4, 8, 16, 32),
)
CACHE_READS = Counter(
    "carpet_shop_read_cache_reads_total",
    "Reads of the read caches, answered from the cache (hit) or the database (miss)",
    ["cache", "result"],
)
SALES = Counter("carpet_shop_sales_total", "Sales rung up, by branch", ["branch_id"])
SALES_AMOUNT = Counter(
    "carpet_shop_sales_amount_soum_total", "Amount of the sales rung up, by branch", ["branch_id"]
)
DEBTS_NEWLY_OVERDUE = Counter(
    "carpet_shop_debts_newly_overdue_total", "Debts found overdue by the status job"
)
JOB_RUNS = Counter("carpet_shop_job_runs_total", "Scheduled job runs, all processes", ["job"])
RATE_LIMITED = Counter(
    "carpet_shop_rate_limited_total", "Requests refused with 429 RATE_LIMITED", ["limit"]
)


def after_success(count: Callable[[], None]) -> None:
    """Count `count` once the current request is answered with success (after its commit);
    outside a request (scripts, jobs) at once."""
    request = current_request.get()
    if request is None:
        count()
    else:
        request.on_success.append(count)


def sale_rung_up(branch_id: object, amount: Decimal) -> None:
    def count() -> None:
        SALES.labels(str(branch_id)).inc()
        SALES_AMOUNT.labels(str(branch_id)).inc(float(amount))

    after_success(count)


def cache_read(cache: str, *, hit: bool) -> None:
    CACHE_READS.labels(cache, "hit" if hit else "miss").inc()


class _Gauges(Collector):
    def __init__(self, read: Callable[[], Iterable[Metric]]):
        self._read = read

    def collect(self) -> Iterable[Metric]:
        return self._read()


def render(read_database: Callable[[], Iterable[Metric]]) -> bytes:
    """The scrape: every worker's samples (or this process's), and what the database says."""
    registry = CollectorRegistry()
    if os.environ.get(MULTIPROCESS_DIR_ENV):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        collected = generate_latest(registry)
    else:
        collected = generate_latest(REGISTRY)
    shop = CollectorRegistry()
    shop.register(_Gauges(read_database))
    return collected + generate_latest(shop)


def gauge(name: str, documentation: str, samples: Iterable[tuple[dict[str, str], float]]) -> Metric:
    samples = list(samples)
    labels = sorted({key for sample_labels, _ in samples for key in sample_labels})
    family = GaugeMetricFamily(name, documentation, labels=labels)
    for sample_labels, value in samples:
        family.add_metric([sample_labels[key] for key in labels], value)
    return family
