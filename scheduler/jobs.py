"""Job functions: module-level, called with the services and serialisable arguments.

The scheduler facade calls them by reference ("scheduler.jobs:run_reminder", reminder id), so a
job definition holds nothing but names and numbers; tests call them directly with a fake
sender and a fixed clock.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from handlers.core.db import session_scope
from handlers.core.members import MemberGroup
from handlers.core.messages import SHANGHAI, Target
from handlers.core.services import Services
from handlers.groups import GroupDirectory, groups_in
from scheduler.models import (
    AUDIENCE_LEADERS,
    AUDIENCE_NO_ACTIVITY,
    DEFAULT_MONTHLY_SPEC,
    DEFAULT_MONTHLY_TEXT,
    DEFAULT_NUDGE_SPEC,
    DEFAULT_NUDGE_TEXT,
    KIND_MONTHLY,
    KIND_NUDGE,
    Reminder,
    ReminderRun,
    period_of,
    previous_fire_time,
    render_text,
)

logger = logging.getLogger(__name__)

#: How late a missed run may still fire (the service was down at the scheduled time).
DEFAULT_GRACE_SECONDS = 6 * 3600.0


@dataclass(frozen=True)
class RunOutcome:
    reminder_id: int
    period: str | None
    fired: bool
    messages: int = 0
    why: str = ""


def ensure_default_reminders(services: Services) -> None:
    """Seed the monthly reminder and the 25th's nudge once (coordinators may edit them)."""
    with session_scope(services.engine) as session:
        kinds = set(session.exec(select(Reminder.kind)).all())
        if KIND_MONTHLY not in kinds:
            session.add(
                Reminder(
                    name="每月会员活动提醒",
                    kind=KIND_MONTHLY,
                    spec=DEFAULT_MONTHLY_SPEC,
                    text=DEFAULT_MONTHLY_TEXT,
                    created_by="system",
                )
            )
        if KIND_NUDGE not in kinds:
            session.add(
                Reminder(
                    name="月底未登记活动提醒",
                    kind=KIND_NUDGE,
                    spec=DEFAULT_NUDGE_SPEC,
                    text=DEFAULT_NUDGE_TEXT,
                    audience=AUDIENCE_NO_ACTIVITY,
                    created_by="system",
                )
            )


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """[first day 00:00, next month's first day 00:00) in Asia/Shanghai."""
    start = datetime(month.year, month.month, 1, tzinfo=SHANGHAI)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following


def groups_without_activity(services: Services, month: date) -> set[str] | None:
    """Codes of groups that logged no activity in ``month``; None when that cannot be known.

    Sources, first that exists: the activity capability's store
    (``handlers.activity.store.ActivityStore.in_month``: a live record counts for its
    ``group_code`` and for the group its reporter leads); else any table named like
    ``activit*`` with ``group_code`` and a date column. With neither, None: the nudge then goes
    to every group (better one unnecessary reminder than a silent gap).
    """
    groups = services.members.groups()
    logged = _logged_from_store(services, month, groups)
    if logged is None:
        start, end = month_bounds(month)
        logged = _logged_from_table(services, start, end)
    if logged is None:
        return None
    return {g.code for g in groups} - logged


def _logged_from_store(
    services: Services, month: date, groups: list[MemberGroup]
) -> set[str] | None:
    try:
        module = importlib.import_module("handlers.activity.store")
    except ImportError:
        return None
    store_class = getattr(module, "ActivityStore", None)
    if store_class is None:
        return None
    views = store_class(services.engine).in_month(month.year, month.month)
    reporters = {view.record.reporter_id for view in views}
    codes = {view.record.group_code for view in views if view.record.group_code}
    codes |= {g.code for g in groups if g.leader_id and g.leader_id in reporters}
    return codes


def _logged_from_table(services: Services, start: datetime, end: datetime) -> set[str] | None:
    inspector = inspect(services.engine)
    for table in inspector.get_table_names():
        if "activit" not in table.lower():
            continue
        columns = {c["name"] for c in inspector.get_columns(table)}
        when = next(
            (
                c
                for c in ("date_start", "held_on", "held_at", "occurred_at", "date", "created_at")
                if c in columns
            ),
            None,
        )
        if "group_code" not in columns or when is None:
            continue
        live = ' AND "revoked_at" IS NULL' if "revoked_at" in columns else ""
        query = text(
            f'SELECT DISTINCT group_code FROM "{table}" '
            f'WHERE "{when}" >= :start AND "{when}" < :end{live}'
        )
        with services.engine.connect() as connection:
            rows = connection.execute(
                query,
                {
                    "start": start.astimezone(SHANGHAI).date().isoformat(),
                    "end": end.astimezone(SHANGHAI).date().isoformat(),
                },
            ).all()
        return {str(r[0]) for r in rows if r[0]}
    return None


def run_reminder(
    services: Services,
    reminder_id: int,
    *,
    now: datetime | None = None,
    grace_seconds: float = DEFAULT_GRACE_SECONDS,
    runner: str = "",
) -> RunOutcome:
    """Fire ``reminder_id`` for its latest scheduled time at or before ``now``, at most once.

    Skips when the reminder is disabled, when that time is older than the grace, when it is
    before the reminder was created, or when a run record for that period exists. Messages are
    enqueued first (keys ``reminder:<id>:<period>:<group>`` make that idempotent), then the run
    record is written, so a crash in between is repaired by the next attempt, never doubled.
    """
    now = (now or services.now()).astimezone(SHANGHAI)
    with session_scope(services.engine) as session:
        reminder = session.get(Reminder, reminder_id)
    if reminder is None or not reminder.enabled:
        return RunOutcome(reminder_id, None, False, why="disabled")
    due = previous_fire_time(reminder.spec, now)
    if due is None:
        return RunOutcome(reminder_id, None, False, why="not due")
    period = period_of(due)
    if (now - due).total_seconds() > grace_seconds:
        return RunOutcome(reminder_id, period, False, why="beyond grace")
    if due < reminder.created_at.astimezone(SHANGHAI) - timedelta(seconds=1):
        return RunOutcome(reminder_id, period, False, why="before creation")
    with session_scope(services.engine) as session:
        done = session.exec(
            select(ReminderRun).where(
                ReminderRun.reminder_id == reminder_id, ReminderRun.period == period
            )
        ).first()
    if done is not None:
        return RunOutcome(reminder_id, period, False, why="already ran")
    messages = _enqueue_reminder(services, reminder, due, period)
    late = (now - due).total_seconds() > 120
    try:
        with session_scope(services.engine) as session:
            session.add(
                ReminderRun(
                    reminder_id=reminder_id,
                    period=period,
                    scheduled_for=due,
                    messages=messages,
                    late=late,
                    ran_by=runner,
                )
            )
    except IntegrityError:  # another process recorded the same period first: same messages
        return RunOutcome(reminder_id, period, False, why="already ran")
    logger.info(
        "reminder %s fired for %s: %d messages%s",
        reminder_id,
        period,
        messages,
        " (late)" if late else "",
    )
    return RunOutcome(reminder_id, period, True, messages)


def _enqueue_reminder(services: Services, reminder: Reminder, due: datetime, period: str) -> int:
    groups = groups_in(services, reminder.region)
    if reminder.audience == AUDIENCE_NO_ACTIVITY:
        lacking = groups_without_activity(services, due.date())
        if lacking is not None:
            groups = [g for g in groups if g.code in lacking]
    directory = GroupDirectory(services)
    body = render_text(reminder.text, due)
    count = 0
    for group in groups:
        if reminder.audience == AUDIENCE_LEADERS:
            target = Target.user(group.leader_id) if group.leader_id else None
        else:
            target = directory.reach(group).target
        if target is None:
            continue
        services.outbox.enqueue(
            target,
            body,
            key=f"reminder:{reminder.id}:{period}:{group.code}",
            origin=f"reminder:{reminder.id}",
            duplicate_check=True,
        )
        count += 1
    return count


def catch_up(
    services: Services,
    *,
    now: datetime | None = None,
    grace_seconds: float = DEFAULT_GRACE_SECONDS,
    runner: str = "",
) -> list[RunOutcome]:
    """Fire every enabled reminder whose latest run was missed (within the grace)."""
    with session_scope(services.engine) as session:
        ids = list(
            session.exec(
                select(Reminder.id).where(col(Reminder.enabled)).order_by(col(Reminder.id))
            )
        )
    return [
        outcome
        for outcome in (
            run_reminder(services, rid, now=now, grace_seconds=grace_seconds, runner=runner)
            for rid in ids
            if rid is not None
        )
        if outcome.fired
    ]


def follow_up(services: Services, *, now: datetime | None = None) -> int:
    """Resume half-enqueued broadcasts and send reports of finished ones."""
    from handlers.broadcast import follow_up_broadcasts

    return follow_up_broadcasts(services, now)
