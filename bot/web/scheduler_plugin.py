"""APP_PLUGINS entry: start the scheduler with the web service (leader election inside).

Every web worker may start it; the Redis lease lets exactly one run APScheduler at a time.
``XIEHUI_RUN_SCHEDULER=false`` turns it off (e.g. when a separate ``xiehui scheduler`` runs).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from bot.container import Runtime
from bot.web import metrics
from scheduler.jobs import DEFAULT_GRACE_SECONDS
from scheduler.leader import LeaderLease
from scheduler.service import SchedulerService

logger = logging.getLogger(__name__)


def build_scheduler(
    runtime: Runtime, *, grace_seconds: float | None = None, lease_seconds: float | None = None
) -> SchedulerService:
    grace = grace_seconds
    if grace is None:
        grace = float(getattr(runtime.settings, "misfire_grace_seconds", DEFAULT_GRACE_SECONDS))
    if lease_seconds is None:
        lease_seconds = runtime.settings.scheduler_lease_seconds
    lease = LeaderLease(
        runtime.services.redis, "scheduler", ttl=lease_seconds, guard=runtime.services.guard
    )
    return SchedulerService(runtime.services, lease, grace_seconds=grace)


def start(runtime: Runtime, callback: Any) -> Callable[[], None]:
    """Start the scheduler unless disabled; returns the function that stops it."""
    del callback
    if not runtime.settings.run_scheduler:
        logger.info("scheduler disabled (XIEHUI_RUN_SCHEDULER=false)")
        return lambda: None
    service = build_scheduler(runtime)
    service.run_hooks.append(metrics.record_scheduler_run)
    service.start()
    return service.stop
