"""The scheduler facade: APScheduler 3 (Asia/Shanghai) running only in the leader process.

``SchedulerService.start()`` starts a small election thread. While this process holds the
Redis lease (:class:`scheduler.leader.LeaderLease`) an APScheduler ``BackgroundScheduler``
runs one cron job per enabled reminder plus two interval jobs: ``sync`` (reload reminders from
the database, which other processes may have changed, and fire any run that was missed) and
``follow_up`` (broadcast reports). When leadership is lost the APScheduler instance is shut
down; another process takes over after the lease lapses.

Jobs are stored as (function reference, arguments), e.g. ``("scheduler.jobs:run_reminder",
3)``; the facade resolves the module-level function and passes the services in. Missed runs
are handled by ``catch_up`` on becoming leader and on every sync, with a configurable grace;
the run record keyed by (reminder, period) makes every firing idempotent.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from sqlmodel import col, select

from handlers.core.db import session_scope
from handlers.core.messages import SHANGHAI
from handlers.core.services import Services
from scheduler.jobs import DEFAULT_GRACE_SECONDS, catch_up, ensure_default_reminders
from scheduler.leader import LeaderLease
from scheduler.models import Reminder, trigger_for

logger = logging.getLogger(__name__)


def resolve(ref: str) -> Callable[..., Any]:
    """ "package.module:function" -> the function."""
    module_name, _, name = ref.partition(":")
    func: Callable[..., Any] = getattr(importlib.import_module(module_name), name)
    return func


class SchedulerService:
    def __init__(
        self,
        services: Services,
        lease: LeaderLease,
        *,
        grace_seconds: float = DEFAULT_GRACE_SECONDS,
        sync_seconds: float = 30.0,
        follow_up_seconds: float = 20.0,
        seed_defaults: bool = True,
    ) -> None:
        self.services = services
        self.lease = lease
        self.grace_seconds = grace_seconds
        self.sync_seconds = sync_seconds
        self.follow_up_seconds = follow_up_seconds
        self.seed_defaults = seed_defaults
        self._aps: BackgroundScheduler | None = None
        self._specs: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        #: Called after every job run with (job reference, succeeded), e.g. for metrics.
        self.run_hooks: list[Callable[[str, bool], None]] = []

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def is_leader(self) -> bool:
        return self._aps is not None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._elect, name="scheduler-leader", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._step_down()
        self.lease.release()

    def _elect(self) -> None:
        while not self._stop.is_set():
            try:
                if self._aps is None:
                    if self.lease.try_acquire():
                        self._become_leader()
                elif not self.lease.renew():
                    logger.warning("scheduler lease lost; standing by")
                    self._step_down()
            except Exception:
                logger.exception("scheduler election round failed")
            self._stop.wait(self.lease.ttl / 3)

    def _become_leader(self) -> None:
        logger.info("scheduler: this process is the leader (%s)", self.lease.owner)
        if self.seed_defaults:
            ensure_default_reminders(self.services)
        aps = BackgroundScheduler(timezone=SHANGHAI)
        aps.add_job(
            self._sync_if_leader,
            "interval",
            seconds=self.sync_seconds,
            id="sync",
            coalesce=True,
            max_instances=1,
        )
        aps.add_job(
            self._call,
            "interval",
            seconds=self.follow_up_seconds,
            args=("scheduler.jobs:follow_up",),
            id="follow_up",
            coalesce=True,
            max_instances=1,
        )
        with self._lock:
            self._aps = aps
            self._specs = {}
        aps.start()
        self.sync()

    def _step_down(self) -> None:
        with self._lock:
            aps, self._aps = self._aps, None
            self._specs = {}
        if aps is not None:
            aps.shutdown(wait=False)

    # -- jobs ------------------------------------------------------------------------------
    def _call(self, ref: str, *args: Any) -> None:
        """Run a job function by reference, only while this process is the leader."""
        if not self.lease.held():
            logger.warning("skipping job %s: not the leader any more", ref)
            return
        ok = False
        try:
            if ref == "scheduler.jobs:run_reminder":
                resolve(ref)(
                    self.services,
                    *args,
                    now=self.services.now(),
                    grace_seconds=self.grace_seconds,
                    runner=self.lease.owner,
                )
            else:
                resolve(ref)(self.services, *args)
            ok = True
        except Exception:
            logger.exception("job %s failed", ref)
        for hook in self.run_hooks:
            hook(ref, ok)

    def _sync_if_leader(self) -> None:
        if not self.lease.held():
            return
        try:
            self.sync()
        except Exception:
            logger.exception("scheduler sync failed")

    def sync(self) -> None:
        """Match the cron jobs to the reminders in the database, then fire missed runs."""
        with session_scope(self.services.engine) as session:
            wanted = {
                r.id: r.spec
                for r in session.exec(select(Reminder).where(col(Reminder.enabled)))
                if r.id is not None
            }
        with self._lock:
            aps = self._aps
            if aps is None:
                return
            for rid, spec in list(self._specs.items()):
                if wanted.get(rid) != spec:
                    aps.remove_job(f"reminder:{rid}")
                    del self._specs[rid]
            for rid, spec in wanted.items():
                if rid in self._specs:
                    continue
                try:
                    trigger = trigger_for(spec)
                except Exception:
                    logger.warning("reminder %s has an unusable spec; skipped", rid)
                    continue
                aps.add_job(
                    self._call,
                    trigger,
                    args=("scheduler.jobs:run_reminder", rid),
                    id=f"reminder:{rid}",
                    misfire_grace_time=int(self.grace_seconds),
                    coalesce=True,
                    max_instances=1,
                )
                self._specs[rid] = spec
        fired = catch_up(self.services, grace_seconds=self.grace_seconds, runner=self.lease.owner)
        if fired:
            logger.info("scheduler: fired %d missed or new runs", len(fired))
