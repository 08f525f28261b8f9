"""Exactly one scheduler across processes, and missed runs fire once after a restart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from redis import Redis
from sqlmodel import col, select

from handlers.core.db import init_db, make_engine, session_scope
from handlers.core.members import MemberGroup
from handlers.core.messages import SHANGHAI
from handlers.core.outbox import Outbox
from handlers.core.services import Services
from scheduler.jobs import ensure_default_reminders
from scheduler.leader import LeaderLease
from scheduler.models import KIND_MONTHLY, Reminder, ReminderRun
from scheduler.service import SchedulerService
from tests.databases import database_url

ROOT = Path(__file__).resolve().parent.parent

PROCESS = """
import signal, threading
from bot.container import build_runtime
from bot.settings import Settings
from scheduler.leader import LeaderLease
from scheduler.service import SchedulerService
runtime = build_runtime(Settings())
lease = LeaderLease(runtime.services.redis, "scheduler", ttl=1.0)
service = SchedulerService(
    runtime.services, lease, grace_seconds=5, sync_seconds=0.5, seed_defaults=False
)
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
service.start()
print(lease.owner, flush=True)
stop.wait()
service.stop()
runtime.close()
"""


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_lease_is_exclusive_renewable_and_taken_over_when_it_lapses(redis: Redis) -> None:
    first = LeaderLease(redis, "t", ttl=0.3)
    second = LeaderLease(redis, "t", ttl=0.3)
    assert first.try_acquire()
    assert not second.try_acquire()
    assert first.renew() and first.held() and not second.held()
    assert not second.renew()
    wait_for(second.try_acquire, "the lease to lapse")
    assert not first.renew()  # the old holder learns it lost the lease
    first.release()  # releasing someone else's lease does nothing
    assert second.held()


def _services(tmp_path: Path, redis: Redis) -> Services:
    engine = make_engine(database_url(tmp_path, "shared.db"))
    init_db(engine)
    return Services(engine=engine, redis=redis, outbox=Outbox(engine), data_dir=tmp_path)


def test_missed_monthly_run_fires_once_after_restart(tmp_path: Path, redis: Redis) -> None:
    services = _services(tmp_path, redis)
    services.members.save_group(MemberGroup(code="G1", channel="robot", robot_key="robotkey0001"))
    ensure_default_reminders(services)
    with session_scope(services.engine) as session:
        for row in session.exec(select(Reminder)):
            row.created_at = datetime(2026, 1, 1, tzinfo=SHANGHAI)
            session.add(row)
    # The service was down at 09:10 on June 1st and comes back at 10:40.
    services.clock = lambda: datetime(2026, 6, 1, 10, 40, tzinfo=SHANGHAI)
    for _restart in range(3):
        service = SchedulerService(services, LeaderLease(redis, "scheduler", ttl=5.0))
        service.start()
        wait_for(lambda s=service: s.is_leader, "leadership")  # type: ignore[misc]
        service.stop()
    with session_scope(services.engine) as session:
        runs = list(session.exec(select(ReminderRun)))
        monthly = session.exec(select(Reminder).where(Reminder.kind == KIND_MONTHLY)).one()
    assert [(r.reminder_id, r.period, r.late) for r in runs] == [
        (monthly.id, "2026-06-01T09:10:00", True)
    ]
    assert len(services.outbox.by_origin(f"reminder:{monthly.id}")) == 1
    services.engine.dispose()


def _env(tmp_path: Path, redis: Redis) -> dict[str, str]:
    socket = redis.connection_pool.connection_kwargs.get("path")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECOM_", "XIEHUI_"))}
    env.update(
        {
            "REDIS_URL": f"unix://{socket}",
            "DATABASE_URL": database_url(tmp_path, "shared.db"),
            "XIEHUI_DATA_DIR": str(tmp_path / "data"),
        }
    )
    return env


def test_two_scheduler_processes_fire_each_run_once(tmp_path: Path, redis: Redis) -> None:
    services = _services(tmp_path, redis)
    for code in ("G1", "G2"):
        services.members.save_group(
            MemberGroup(code=code, channel="robot", robot_key=f"robotkey{code}")
        )
    reminder = Reminder(
        name="drill",
        spec="*/2 * * * * *",  # every two seconds (a sixth, seconds field for this drill)
        text="演练",
        created_at=datetime.now(SHANGHAI) - timedelta(minutes=1),
    )
    with session_scope(services.engine) as session:
        session.add(reminder)
    env = _env(tmp_path, redis)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", PROCESS],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        owners = [p.stdout.readline().strip() for p in processes if p.stdout is not None]

        def runs() -> list[ReminderRun]:
            with session_scope(services.engine) as session:
                return list(session.exec(select(ReminderRun).order_by(col(ReminderRun.period))))

        wait_for(lambda: len(runs()) >= 3, "three runs")
        before_kill = runs()
        leaders = {r.ran_by for r in before_kill}
        assert len(leaders) == 1  # both processes up, only one fired
        leader = leaders.pop()
        victim = processes[owners.index(leader)]
        survivor = processes[1 - owners.index(leader)]
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        wait_for(lambda: sum(r.ran_by != leader for r in runs()) >= 3, "the standby to take over")
        survivor.send_signal(signal.SIGTERM)
        assert survivor.wait(timeout=30) == 0
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()
    final = runs()
    sequence = [r.ran_by for r in final]
    changes = sum(1 for a, b in zip(sequence, sequence[1:], strict=False) if a != b)
    assert changes == 1 and set(sequence) == set(owners)  # one leader, then the other
    assert all(r.messages == 2 for r in final)
    rows = services.outbox.by_origin(f"reminder:{reminder.id}")
    assert len(rows) == 2 * len(final) == len({r.key for r in rows})
    services.engine.dispose()


def test_web_plugin_starts_the_scheduler_only_when_enabled(tmp_path: Path, redis: Redis) -> None:
    from bot.container import build_runtime
    from bot.web import scheduler_plugin
    from tests.conftest import make_settings

    lease_key = f"{LeaderLease.PREFIX}:scheduler"
    off = build_runtime(make_settings(tmp_path / "off", redis))
    scheduler_plugin.start(off, None)()
    assert redis.get(lease_key) is None
    off.close()

    runtime = build_runtime(make_settings(tmp_path / "on", redis, XIEHUI_RUN_SCHEDULER=True))
    stop = scheduler_plugin.start(runtime, None)
    wait_for(lambda: redis.get(lease_key) is not None, "the plugin's scheduler to lead")

    def seeded() -> bool:
        with session_scope(runtime.services.engine) as session:
            return len(list(session.exec(select(Reminder)))) == 2

    wait_for(seeded, "the default reminders")
    stop()
    assert redis.get(lease_key) is None  # released on shutdown: a standby takes over at once
    runtime.close()
