"""Rebuilds this folder from the release-0.1.0 source (run with that release on sys.path).

    git worktree add --detach <tmp> f2ec2c4^        # the last commit of release 0.1.0
    PYTHONPATH=<tmp> python tests/data/release_0_1_0/build.py [postgresql-url]

It creates the schema with the release's own ``init_db`` (``create_all``), stores realistic
rows through the release's own models, and writes:

- ``schema.sqlite.sql``: the SQLite DDL (``sqlite_master``) the release created;
- ``schema.postgresql.sql``: the same for PostgreSQL (``pg_dump --schema-only``), when a
  PostgreSQL URL and ``pg_dump`` are given;
- ``rows.json``: every row, table by table, in a dialect-neutral form (ISO timestamps).

The migration tests load these into an empty database and upgrade it to the current head.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _fill(engine) -> None:  # type: ignore[no-untyped-def]
    from handlers.members import Member, MemberGroup
    from handlers.outbox import OutboxMessage
    from sqlmodel import Session

    from handlers.activity.models import ActivityItem, ActivityPhoto, ActivityRecord
    from handlers.broadcast import Broadcast
    from handlers.handoff import HandoffTicket
    from handlers.profiles import FamilyProfile
    from scheduler.models import Reminder, ReminderRun

    at = datetime(2026, 5, 27, 2, 0, tzinfo=UTC)
    region = {
        "province": "广西",
        "city": "北海市",
        "county": "合浦县",
        "township": "廉州镇",
        "village": "江口村",
    }
    with Session(engine) as s:
        s.add(
            Member(
                user_id="lihua",
                name="李华",
                role="leader",
                group_code="JK01",
                phone="13800000001",
                updated_at=at,
                **region,
            )
        )
        s.add(
            Member(
                user_id="zhangmin",
                name="张敏",
                role="coordinator",
                on_duty=True,
                updated_at=at,
                **{**region, "village": ""},
            )
        )
        s.add(
            Member(
                user_id="wangfang",
                name="王芳",
                role="member",
                group_code="JK01",
                updated_at=at,
                **region,
            )
        )
        s.add(
            MemberGroup(
                code="JK01",
                name="江口村第一小组",
                leader_id="lihua",
                channel="appchat",
                chat_id="wrJK01",
                updated_at=at,
                **region,
            )
        )
        s.add(
            MemberGroup(
                code="JK02",
                name="江口村第二小组",
                channel="members",
                user_ids="wangfang|lihua",
                active=False,
                updated_at=at,
                **region,
            )
        )
        s.add(
            OutboxMessage(
                key="reply:m-1",
                origin="reply",
                target_kind="user",
                target_ids="lihua",
                text="您好，已收到。",
                status="sent",
                attempts=1,
                not_before=at,
                created_at=at,
                sent_at=at,
                result='{"invalid": []}',
            )
        )
        s.add(
            OutboxMessage(
                key="reminder:1:2026-06-01T09:10:00",
                origin="reminder:1",
                target_kind="appchat",
                target_ids="wrJK01",
                text="6月活动记得登记。",
                duplicate_check=True,
                status="pending",
                not_before=datetime(2026, 6, 1, 1, 10, tzinfo=UTC),
                created_at=at,
            )
        )
        s.add(
            Reminder(
                name="每月活动提醒",
                kind="monthly",
                spec="10 9 1 * *",
                text="{month}活动记得登记，本月主题：{theme}",
                created_by="zhangmin",
                created_at=at,
                updated_at=at,
            )
        )
        s.add(
            Reminder(
                name="5·29 会员活动日",
                kind="calendar",
                spec="0 9 29 5 *",
                text="5·29 会员活动日到了",
                calendar_code="5.29",
                enabled=False,
                created_at=at,
                updated_at=at,
                **{**region, "township": "", "village": ""},
            )
        )
        s.add(
            ReminderRun(
                reminder_id=1,
                period="2026-05-01T09:10:00",
                scheduled_for=datetime(2026, 5, 1, 1, 10, tzinfo=UTC),
                ran_at=at,
                messages=2,
                ran_by="host:1:abc",
            )
        )
        s.add(
            Broadcast(
                created_by="zhangmin",
                text="本周六开展优生优育宣传。",
                audience="江口村",
                group_codes="JK01|JK02",
                groups=2,
                people=14,
                status="reported",
                created_at=at,
                reported_at=at,
            )
        )
        s.add(
            HandoffTicket(
                channel="kf",
                asker_id="wmFAMILY1",
                account="wkKF01",
                region="广西/北海市",
                question="独生子女证丢了怎么补办？",
                candidates="only_child_cert|lost_docs",
                status="answered",
                forwarded_to="zhangmin",
                created_at=at,
                answered_at=at,
                answered_by="zhangmin",
                answer="带身份证到乡镇计生办补办。",
            )
        )
        s.add(
            HandoffTicket(
                channel="app", asker_id="wangfang", question="护理假有几天？", created_at=at
            )
        )
        s.add(
            FamilyProfile(
                channel="kf", user_id="wmFAMILY1", province="广西", city="北海市", updated_at=at
            )
        )
        s.commit()
        record = ActivityRecord(
            reporter_id="lihua",
            reporter_name="李华",
            channel="app",
            group_code="JK01",
            date_start=date(2026, 5, 26),
            date_end=date(2026, 5, 26),
            place="江口村文化室",
            kind="publicity",
            participants=35,
            participants_approx=True,
            text="5月26日在江口村文化室开展宣传，发放宣传资料1000多份，参加35人左右",
            created_at=at,
            **region,
        )
        s.add(record)
        s.commit()
        s.refresh(record)
        s.add(
            ActivityItem(
                record_id=record.id,
                name="宣传资料",
                category="materials",
                quantity=1000,
                unit="份",
                approximate=True,
            )
        )
        s.add(
            ActivityPhoto(
                record_id=record.id, path="photos/2026/05/a1.jpg", media_id="MEDIA1", created_at=at
            )
        )
        s.commit()


def _rows(engine) -> dict[str, list[dict[str, object]]]:  # type: ignore[no-untyped-def]
    from sqlalchemy import MetaData, select

    meta = MetaData()
    meta.reflect(engine)
    out: dict[str, list[dict[str, object]]] = {}
    with engine.connect() as connection:
        for name in sorted(meta.tables):
            table = meta.tables[name]
            rows = connection.execute(
                select(table).order_by(*table.primary_key.columns)
            ).mappings()
            out[name] = [
                {k: v.isoformat() if isinstance(v, date | datetime) else v for k, v in row.items()}
                for row in rows
            ]
    return out


def main() -> None:
    from handlers.db import init_db, make_engine

    folder = Path(tempfile.mkdtemp())
    path = folder / "release.db"
    engine = make_engine(f"sqlite:///{path}")
    init_db(engine)
    _fill(engine)
    (HERE / "rows.json").write_text(
        json.dumps(_rows(engine), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    engine.dispose()
    with sqlite3.connect(path) as db:
        ddl = [
            sql
            for (sql,) in db.execute(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
            )
        ]
    (HERE / "schema.sqlite.sql").write_text(";\n".join(ddl) + ";\n", encoding="utf-8")
    if len(sys.argv) > 1:
        url = sys.argv[1]
        engine = make_engine(url)
        init_db(engine)
        engine.dispose()
        plain = url.replace("postgresql+psycopg://", "postgresql://")
        dump = subprocess.run(
            [
                sys.argv[2] if len(sys.argv) > 2 else "pg_dump",
                "--schema-only",
                "--no-owner",
                "--no-privileges",
                "--no-comments",
                plain,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        # psql meta-commands (\\restrict) are no SQL; the version lines change per machine
        lines = [line for line in dump.splitlines() if not line.startswith(("-- Dumped", "\\"))]
        (HERE / "schema.postgresql.sql").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
