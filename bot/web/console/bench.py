"""Console page timings on a county's worth of data (``xiehui console bench``; English output).

Builds, in a temporary folder, one county of ``groups`` member groups (15 townships, about 12
members each) with ``months`` months of activity records (two or three per reporting group and
month, items and photos), hand-off tickets, notices sent to every group with their outbox rows,
reminders and audit entries; signs a county coordinator in and requests every console page
``repeat`` times in-process, printing each page's server time (the ``Server-Timing`` the page
reports) against the 300 ms target and against a reference page (the sign-in explanation,
which touches no data) measured in the same run.
"""

from __future__ import annotations

import argparse
import logging
import random
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session, col

from bot.settings import Settings
from handlers.activity.models import ActivityItem, ActivityPhoto, ActivityRecord
from handlers.broadcast import NoticeRequest, commit_plan, plan_notice
from handlers.core import audit
from handlers.core.db import utcnow
from handlers.core.members import Member, MemberGroup, RegionPath
from handlers.core.messages import SHANGHAI, Role
from handlers.core.outbox import OutboxMessage
from handlers.core.permissions import Actor
from handlers.core.services import Services
from handlers.handoff import HandoffTicket
from handlers.signin import issue_code
from scheduler.models import Reminder

TARGET_MS = 300.0
COUNTY = ("广西", "北海市", "合浦县")
TOWNSHIPS = 15
KINDS = ("publicity", "visit", "meeting", "training", "other")
ITEMS = (("宣传资料", "资料", "份"), ("宣传册", "资料", "本"), ("环保袋", "物品", "个"))


@dataclass(frozen=True)
class BenchWorld:
    coordinator: str
    admin: str
    record_id: int
    ticket_id: int
    notice_id: int
    township: str
    month: str


def build(services: Services, *, groups: int, months: int, seed: int = 7) -> BenchWorld:
    """Fill ``services``' database with a county's worth of data (see the module docstring)."""
    rng = random.Random(seed)
    now = services.now().astimezone(SHANGHAI)
    townships = [f"第{i + 1}镇" for i in range(TOWNSHIPS)]
    members: list[Member] = [
        Member(user_id="bench-coord", name="县专干", role=Role.COORDINATOR.value,
               province=COUNTY[0], city=COUNTY[1], county=COUNTY[2], on_duty=True),
        Member(user_id="bench-admin", name="管理员", role=Role.ADMIN.value),
    ]  # fmt: skip
    group_rows: list[MemberGroup] = []
    for index in range(groups):
        town = townships[index % TOWNSHIPS]
        village = f"{town}{index // TOWNSHIPS % 20 + 1}村"
        code = f"G{index:04d}"
        leader = f"{code}-leader"
        group_rows.append(
            MemberGroup(
                code=code, name=f"{village}{index // (TOWNSHIPS * 20) + 1}组",
                province=COUNTY[0], city=COUNTY[1], county=COUNTY[2], township=town,
                village=village, leader_id=leader,
                channel="robot" if index % 2 else "members",
                robot_key=f"benchrobot{index:05d}" if index % 2 else "",
            )
        )  # fmt: skip
        for seat in range(12):
            members.append(
                Member(
                    user_id=leader if seat == 0 else f"{code}-m{seat}",
                    name=f"{village}成员{seat}", group_code=code,
                    role=(Role.LEADER if seat == 0 else Role.VOLUNTEER).value,
                    province=COUNTY[0], city=COUNTY[1], county=COUNTY[2], township=town,
                    village=village, phone=f"139{index:04d}{seat:04d}",
                )
            )  # fmt: skip
    with Session(services.engine, expire_on_commit=False) as session:
        session.add_all(members)
        session.add_all(group_rows)
        session.commit()
    records: list[ActivityRecord] = []
    year, month = now.year, now.month
    for _ in range(months):
        for group in group_rows:
            if rng.random() < 0.15:
                continue  # this group did not report that month
            for _report in range(rng.choice((1, 2, 3))):
                day = date(year, month, rng.randint(1, 28))
                if day > now.date():
                    day = now.date()
                records.append(
                    ActivityRecord(
                        reporter_id=group.leader_id, reporter_name=f"{group.name}组长",
                        channel="app", group_code=group.code, province=group.province,
                        city=group.city, county=group.county, township=group.township,
                        village=group.village, date_start=day, date_end=day,
                        place=f"{group.village}村委会", kind=rng.choice(KINDS),
                        participants=rng.randint(8, 80),
                        text=f"{day.month}月{day.day}日在{group.village}开展活动，来了不少人",
                    )
                )  # fmt: skip
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    with Session(services.engine, expire_on_commit=False) as session:
        session.add_all(records)
        session.commit()
        for record in records:
            session.refresh(record)
        extras: list[ActivityItem | ActivityPhoto] = []
        for record in records:
            assert record.id is not None
            name, category, unit = rng.choice(ITEMS)
            extras.append(ActivityItem(record_id=record.id, name=name, category=category,
                                       quantity=rng.randint(10, 300), unit=unit))  # fmt: skip
            if rng.random() < 0.4:
                extras.append(ActivityPhoto(record_id=record.id, path="photos/bench.jpg"))
        session.add_all(extras)
        tickets = []
        for index in range(200):
            group = group_rows[index % len(group_rows)]
            ticket = HandoffTicket(
                channel="app", asker_id=f"{group.code}-m3",
                region="/".join((*COUNTY, group.township, group.village)),
                question=f"第{index}个问题：独生子女父母奖励怎么领？", candidates="",
                status="answered" if index % 2 else "forwarded", forwarded_to="bench-coord",
                answer="到镇计生办领取" if index % 2 else "", answered_by="bench-coord" if index % 2 else "",
            )  # fmt: skip
            tickets.append(ticket)
        session.add_all(tickets)
        session.add_all(
            Reminder(name=f"提醒{i}", spec=f"10 9 {i + 1} * *", text="请各小组上报本月活动",
                     province=COUNTY[0], city=COUNTY[1], county=COUNTY[2], created_by="bench-coord")
            for i in range(8)
        )  # fmt: skip
        session.commit()
        for ticket in tickets:
            session.refresh(ticket)
    notice_id = 0
    for index in range(2 * months):
        plan = plan_notice(
            services, NoticeRequest("全体小组", f"第{index}次通知：请准时参加会员活动"),
            RegionPath(*COUNTY),
        )  # fmt: skip
        row = commit_plan(services, plan, "bench-coord", "console")
        assert row.id is not None
        notice_id = row.id
    with Session(services.engine, expire_on_commit=False) as session:
        session.exec(  # type: ignore[call-overload]
            update(OutboxMessage)
            .where(col(OutboxMessage.origin).startswith("broadcast:"))
            .values(status="sent", sent_at=utcnow(), attempts=1)
        )
        session.commit()
    for index in range(300):
        audit.record(
            services.engine, actor_id="bench-coord", actor_name="县专干", via="console",
            area=(audit.TICKETS, audit.NOTICES, audit.REMINDERS, audit.ACTIVITIES)[index % 4],
            subject=f"ticket:{tickets[index % len(tickets)].id}",
            region=RegionPath(*COUNTY, townships[index % TOWNSHIPS]), summary=f"第{index}次改动",
        )  # fmt: skip
    first = records[0]
    assert first.id is not None and tickets[0].id is not None
    return BenchWorld(
        coordinator="bench-coord",
        admin="bench-admin",
        record_id=first.id,
        ticket_id=tickets[0].id,
        notice_id=notice_id,
        township=townships[0],
        month=f"{now.year:04d}-{now.month:02d}",
    )


def pages(world: BenchWorld) -> dict[str, str]:
    month, town = world.month, world.township
    return {
        "概览 /console/": "/console/",
        "活动 /console/activities": f"/console/activities?month={month}",
        "活动 page 5": f"/console/activities?month={month}&page=5",
        "活动 township filter": f"/console/activities?month={month}&township={town}",
        "活动 record card": f"/console/activities/{world.record_id}",
        "活动 Excel export (download)": f"/console/activities.xlsx?month={month}",
        "待答问题 list": "/console/tickets",
        "待答问题 all": "/console/tickets?status=all",
        "待答问题 ticket": f"/console/tickets/{world.ticket_id}",
        "通知 list": "/console/notices",
        "通知 compose (all groups)": "/console/notices/new",
        "通知 delivery per group": f"/console/notices/{world.notice_id}",
        "提醒 list": "/console/reminders",
        "名册 members": "/console/roster",
        "名册 groups": "/console/roster?show=groups",
        "名册 search": "/console/roster?q=第3镇",
    }


def run(args: argparse.Namespace) -> int:
    from fastapi.testclient import TestClient

    from bot.web.app import create_app

    folder = Path(tempfile.mkdtemp(prefix="xiehui-console-bench-"))
    logging.getLogger().setLevel(logging.WARNING)  # one INFO line per audit entry otherwise
    settings = Settings.model_validate(
        {
            "XIEHUI_DATA_DIR": str(folder),
            "XIEHUI_RUN_SCHEDULER": False,
            "XIEHUI_PUBLIC_URL": "http://testserver",
        }
    )
    app = create_app(settings)
    with TestClient(app) as client:
        services: Services = app.state.runtime.services
        started = time.perf_counter()
        world = build(services, groups=args.groups, months=args.months)
        with Session(services.engine, expire_on_commit=False) as session:
            counts = {
                "records": session.query(ActivityRecord).count(),
                "members": session.query(Member).count(),
                "outbox rows": session.query(OutboxMessage).count(),
            }
        print(
            f"data: {args.groups} groups, {args.months} months, "
            + ", ".join(f"{v} {k}" for k, v in counts.items())
            + f" (built in {time.perf_counter() - started:.1f} s)"
        )
        failures = slow_downloads = 0
        for viewer in (world.coordinator, world.admin):
            member = services.members.get(viewer)
            assert member is not None
            client.cookies.clear()
            reference = _timings(client, "/console/", args.repeat)  # signed out: no data
            client.post("/console/login", data={"code": issue_code(services, Actor.of(member))})
            scope = Actor.of(member).scope("bench")
            where = scope.display() if not scope.is_empty else "all regions"
            print(f"\nviewer: {member.user_id} ({where})")
            ref = statistics.median(reference)
            print(f"  {'reference: sign-in page (no data)':<34} median {ref:7.1f} ms")
            print(f"  {'page':<34} {'median':>9} {'max':>9}  {'max/300ms':>9}  {'vs ref':>7}")
            for name, path in pages(world).items():
                times = _timings(client, path, args.repeat)
                median, worst = statistics.median(times), max(times)
                ok = worst < TARGET_MS
                download = "(download)" in name
                failures += not ok and not download
                slow_downloads += not ok and download
                print(
                    f"  {name:<34} {median:7.1f}ms {worst:7.1f}ms  {worst / TARGET_MS:8.2f}x"
                    f"  {median / ref:6.0f}x  {'ok' if ok else 'over'}"
                )
    shutil.rmtree(folder, ignore_errors=True)
    verdict = "every page under" if not failures else f"{failures} page timing(s) over"
    print(f"\n{verdict} {TARGET_MS:.0f} ms (the slowest of {args.repeat} requests per page)")
    if slow_downloads:
        print(f"{slow_downloads} download timing(s) over {TARGET_MS:.0f} ms (the Excel workbook)")
    return 0 if not failures else 1


def _timings(client: object, path: str, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        response = client.get(path)  # type: ignore[attr-defined]
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
        out.append(float(response.headers["server-timing"].split("dur=")[1]))
    return out


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--groups", type=int, default=300, help="小组数")
    parser.add_argument("--months", type=int, default=12, help="有活动记录的月数")
    parser.add_argument("--repeat", type=int, default=5, help="每个页面请求几次")
