"""Job functions called directly, with a fixed clock and the recording sender."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta

import pytest
from sqlalchemy import inspect, text
from sqlmodel import select

from handlers.core.db import session_scope
from handlers.core.members import MemberGroup
from handlers.core.messages import SHANGHAI, TargetKind
from handlers.core.services import Services
from scheduler.jobs import (
    catch_up,
    ensure_default_reminders,
    groups_without_activity,
    run_reminder,
)
from scheduler.models import (
    KIND_MONTHLY,
    KIND_NUDGE,
    Reminder,
    ReminderRun,
    describe_spec,
    parse_schedule,
    previous_fire_time,
)
from tests.conftest import RecordingSender

REGION = {"province": "广西", "city": "北海市", "county": "合浦县", "township": "廉州镇"}


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def seed(services: Services, count: int = 3) -> None:
    for i in range(count):
        services.members.save_group(
            MemberGroup(
                code=f"G{i}",
                name=f"{i}组",
                village=f"村{i}",
                channel="robot",
                robot_key=f"robotkey{i:04d}",
                **REGION,
            )
        )
    ensure_default_reminders(services)
    with session_scope(services.engine) as session:  # as if seeded long ago
        for row in session.exec(select(Reminder)):
            row.created_at = at(1, 1, 0)
            session.add(row)


def reminder_id(services: Services, kind: str) -> int:
    with session_scope(services.engine) as session:
        row = session.exec(select(Reminder).where(Reminder.kind == kind)).one()
    assert row.id is not None
    return row.id


def test_monthly_reminder_fires_once_per_period_with_the_theme(
    services: Services, sender: RecordingSender
) -> None:
    seed(services)
    monthly = reminder_id(services, KIND_MONTHLY)
    first = run_reminder(services, monthly, now=at(6, 1, 9, 10))
    assert first.fired and first.messages == 3 and first.period == "2026-06-01T09:10:00"
    again = run_reminder(services, monthly, now=at(6, 1, 9, 11))
    assert not again.fired and again.why == "already ran"
    services.outbox.deliver_due(sender)
    assert len(sender.sent) == 3
    target, body = sender.sent[0]
    assert target.kind is TargetKind.ROBOT
    assert "6月会员活动提醒" in body and "关爱保险" in body
    july = run_reminder(services, monthly, now=at(7, 1, 9, 10))
    assert july.fired and july.period == "2026-07-01T09:10:00"


def test_missed_run_fires_once_within_grace_and_not_beyond(services: Services) -> None:
    seed(services)
    fired = catch_up(services, now=at(6, 1, 11, 30), grace_seconds=6 * 3600)
    assert [f.period for f in fired] == ["2026-06-01T09:10:00"]
    assert catch_up(services, now=at(6, 1, 11, 31), grace_seconds=6 * 3600) == []
    with session_scope(services.engine) as session:
        runs = list(session.exec(select(ReminderRun)))
    assert len(runs) == 1 and runs[0].late
    late = catch_up(services, now=at(7, 2, 10, 0), grace_seconds=6 * 3600)
    assert late == []  # July 1st's run is more than six hours old: skipped, not sent late


def test_reminder_created_after_its_time_waits_for_the_next_period(services: Services) -> None:
    seed(services)
    row = Reminder(name="x", spec="10 9 5 * *", text="上报", created_at=at(6, 5, 9, 30))
    with session_scope(services.engine) as session:
        session.add(row)
        session.flush()
        session.refresh(row)
    assert row.id is not None
    outcome = run_reminder(services, row.id, now=at(6, 5, 9, 31))
    assert not outcome.fired and outcome.why == "before creation"
    assert run_reminder(services, row.id, now=at(7, 5, 9, 10)).fired


def test_disabled_reminder_does_not_fire(services: Services) -> None:
    seed(services)
    monthly = reminder_id(services, KIND_MONTHLY)
    with session_scope(services.engine) as session:
        row = session.get(Reminder, monthly)
        assert row is not None
        row.enabled = False
        session.add(row)
    assert run_reminder(services, monthly, now=at(6, 1, 9, 10)).why == "disabled"


def without_activity_capability(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    """As if handlers.activity did not exist: no module, no tables."""
    monkeypatch.setitem(sys.modules, "handlers.activity.store", None)
    with services.engine.begin() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.execute(text("PRAGMA foreign_keys=OFF"))
        for name in inspect(connection).get_table_names():
            if "activit" in name:
                connection.execute(text(f'DROP TABLE "{name}"' + ("" if sqlite else " CASCADE")))


def test_nudge_goes_to_every_group_when_activity_is_unknown(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(services)
    without_activity_capability(services, monkeypatch)
    assert groups_without_activity(services, at(6, 25, 9).date()) is None
    outcome = run_reminder(services, reminder_id(services, KIND_NUDGE), now=at(6, 25, 9, 20))
    assert outcome.fired and outcome.messages == 3


def test_nudge_reads_a_plain_activity_table(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(services)
    without_activity_capability(services, monkeypatch)
    with services.engine.begin() as connection:
        # SQLite's INTEGER PRIMARY KEY numbers rows itself; PostgreSQL's needs SERIAL
        key = "INTEGER" if connection.dialect.name == "sqlite" else "SERIAL"
        connection.execute(
            text(
                f"CREATE TABLE activity_log (id {key} PRIMARY KEY, group_code TEXT, held_on TEXT)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO activity_log (group_code, held_on) "
                "VALUES ('G0', '2026-06-03'), ('G1', '2026-05-30')"
            )
        )
    assert groups_without_activity(services, at(6, 25, 9).date()) == {"G1", "G2"}
    nudge = reminder_id(services, KIND_NUDGE)
    outcome = run_reminder(services, nudge, now=at(6, 25, 9, 20))
    assert outcome.fired and outcome.messages == 2
    keys = sorted(r.key for r in services.outbox.by_origin(f"reminder:{nudge}"))
    assert keys == [
        f"reminder:{nudge}:2026-06-25T09:20:00:G1",
        f"reminder:{nudge}:2026-06-25T09:20:00:G2",
    ]


def test_nudge_uses_the_activity_log(services: Services) -> None:
    models = pytest.importorskip("handlers.activity.models")
    seed(services)
    with session_scope(services.engine) as session:
        group = session.get(MemberGroup, "G2")
        assert group is not None
        group.leader_id = "leader2"
        session.add(group)
        for code, reporter, day in (("G0", "x", 3), ("", "leader2", 10), ("G1", "y", 40)):
            session.add(
                models.ActivityRecord(
                    reporter_id=reporter,
                    group_code=code,
                    date_start=(at(6, 1, 0) + timedelta(days=day - 1)).date(),
                    date_end=(at(6, 1, 0) + timedelta(days=day - 1)).date(),
                    place="村委会",
                )
            )
    assert groups_without_activity(services, at(6, 25, 9).date()) == {"G1"}


def test_region_scoped_reminder_reaches_only_its_region(services: Services) -> None:
    seed(services)
    row = Reminder(
        name="x", spec="10 9 5 * *", text="上报", village="村1", created_at=at(1, 1, 0), **REGION
    )
    with session_scope(services.engine) as session:
        session.add(row)
        session.flush()
        session.refresh(row)
    assert row.id is not None
    assert run_reminder(services, row.id, now=at(6, 5, 9, 10)).messages == 1


@pytest.mark.parametrize(
    ("typed", "spec", "rest", "label"),
    [
        ("每月5日 9:10 各小组上报本月活动", "10 9 5 * *", "各小组上报本月活动", "每月5日 09:10"),
        ("每年5月29日 8:20 会员活动日", "20 8 29 5 *", "会员活动日", "每年5月29日 08:20"),
        ("每周一 下午3点 学习", "0 15 * * mon", "学习", "每周一 15:00"),
        ("每天 9:10 打卡", "10 9 * * *", "打卡", "每天 09:10"),
    ],
)
def test_parse_and_describe_schedules(typed: str, spec: str, rest: str, label: str) -> None:
    assert parse_schedule(typed) == (spec, rest)
    assert describe_spec(spec) == label


def test_previous_fire_time_in_shanghai() -> None:
    assert previous_fire_time("10 9 1 * *", at(6, 1, 9, 9)) == at(5, 1, 9, 10)
    assert previous_fire_time("10 9 1 * *", at(6, 1, 9, 10)) == at(6, 1, 9, 10)
    assert previous_fire_time("20 8 29 5 *", at(6, 1, 0)) == at(5, 29, 8, 20)
