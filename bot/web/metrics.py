"""Prometheus metrics (prometheus-client), summed over every worker process.

Each worker counts what it does: callbacks by outcome, callback and handler latency, FAQ
decisions, outbox deliveries, scheduler runs, Redis and database errors. With several workers
(``xiehui serve --workers N``) the master points ``PROMETHEUS_MULTIPROC_DIR`` at a fresh folder
before any worker starts, so each worker writes its counts there (prometheus-client's
multiprocess mode) and the master's exporter sums them. The exporter listens on its own port,
``XIEHUI_METRICS_PORT`` (bound to ``XIEHUI_METRICS_HOST``, 127.0.0.1 by default), never on the
public one: nginx only forwards ``/wecom/`` and ``/console``. Outbox rows by status are read
from the database when scraped, so they are right whichever worker sent what.

Metric names (all prefixed ``xiehui_``) are listed in the README's deployment section.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from handlers.core.router import Dispatch
from knowledge.matcher import FaqHit

logger = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.8, 1.0, 2.5, 5.0)

CALLBACKS = Counter(
    "xiehui_callbacks_total",
    "WeCom callbacks by outcome: passive (answered in the response), outbox (answered by "
    "message/send), retry (a delivery of a message already claimed), rejected (403), "
    "bad_request (400), too_large (413), ignored (signed but unusable), disabled (503)",
    ["outcome"],
)
CALLBACK_SECONDS = Histogram(
    "xiehui_callback_seconds",
    "Time from a callback's request to its response",
    buckets=_LATENCY_BUCKETS,
)
HANDLER_SECONDS = Histogram(
    "xiehui_handler_seconds",
    "Time the router spent on one message, by the route that handled it",
    ["handler"],
    buckets=_LATENCY_BUCKETS,
)
MESSAGES = Counter(
    "xiehui_messages_total",
    "Messages routed, by route and outcome (ok, refused, error, unhandled)",
    ["handler", "outcome"],
)
FAQ = Counter(
    "xiehui_faq_total", "FAQ decisions by outcome (confident, unsure, none, ...)", ["outcome"]
)
OUTBOX_DELIVERIES = Counter(
    "xiehui_outbox_deliveries_total",
    "Outbox rows handled by the delivery worker: sent, failed, retried, deferred",
    ["result"],
)
SCHEDULER_RUNS = Counter(
    "xiehui_scheduler_runs_total", "Scheduled job runs by job and result", ["job", "result"]
)
REDIS_ERRORS = Counter(
    "xiehui_redis_errors_total",
    "Redis calls that failed (connection or timeout); callers used their fallbacks",
)
DB_ERRORS = Counter("xiehui_db_errors_total", "Database statements that raised an error")


_children: dict[tuple[Any, ...], Any] = {}


def _child(metric: Any, *labels: str) -> Any:
    """``metric.labels(*labels)``, looked up once per label set (these run per message)."""
    key = (metric, *labels)
    child = _children.get(key)
    if child is None:
        child = _children[key] = metric.labels(*labels)
    return child


def record_callback(outcome: str, started: float) -> None:
    _child(CALLBACKS, outcome).inc()
    CALLBACK_SECONDS.observe(time.perf_counter() - started)


def record_dispatch(dispatch: Dispatch) -> None:
    _child(HANDLER_SECONDS, dispatch.handler).observe(dispatch.millis / 1000)
    _child(MESSAGES, dispatch.handler, dispatch.outcome).inc()
    hit = dispatch.extra.get("match")
    if isinstance(hit, FaqHit):
        _child(FAQ, hit.outcome.value).inc()


def record_deliveries(sent: int, failed: int, retried: int, deferred: int) -> None:
    for result, count in (
        ("sent", sent),
        ("failed", failed),
        ("retried", retried),
        ("deferred", deferred),
    ):
        if count:
            OUTBOX_DELIVERIES.labels(result).inc(count)


def record_scheduler_run(job: str, ok: bool) -> None:
    SCHEDULER_RUNS.labels(job, "ok" if ok else "error").inc()


def record_redis_error() -> None:
    REDIS_ERRORS.inc()


def count_db_errors(engine: Engine) -> None:
    """Count every statement that raises on ``engine``: SQLAlchemy's handle_error event, and
    the hot path's own hook (its statements bypass SQLAlchemy's execution)."""
    from sqlalchemy import event

    from handlers.core import hotsql

    def _error(_context: Any) -> None:
        DB_ERRORS.inc()

    event.listen(engine, "handle_error", _error)
    hotsql.hot(engine).on_error(_error)


class OutboxCollector(Collector):
    """``xiehui_outbox_rows{status}``, counted in the database at scrape time."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from handlers.core.outbox import OutboxMessage

        family = GaugeMetricFamily(
            "xiehui_outbox_rows",
            "Outbox rows by status; pending + sending is the delivery backlog",
            labels=["status"],
        )
        table: Any = OutboxMessage.__table__  # type: ignore[attr-defined]
        try:
            with self.engine.connect() as connection:
                rows = connection.execute(
                    select(table.c.status, func.count()).group_by(table.c.status)
                ).all()
        except Exception:
            logger.warning("metrics: outbox rows could not be counted", exc_info=True)
            rows = []
        for status, count in rows:
            family.add_metric([str(status)], float(count))
        yield family


class _ThisProcess(Collector):
    """Forwards this process's own metrics (single-process mode)."""

    def collect(self) -> Iterator[Any]:
        yield from REGISTRY.collect()


def exporter_registry(engine: Engine | None) -> CollectorRegistry:
    """Everything /metrics shows: every worker's counts (or this process's), plus the outbox."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get(MULTIPROC_ENV):
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(_ThisProcess())
    if engine is not None:
        registry.register(OutboxCollector(engine))
    return registry


def serve_metrics(port: int, host: str, engine: Engine | None) -> Callable[[], None]:
    """Start the exporter on ``host:port`` in a thread; returns the function that stops it."""
    server, thread = start_http_server(port, addr=host, registry=exporter_registry(engine))
    logger.info("metrics on http://%s:%d/metrics", host, port)

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(5)

    return stop
