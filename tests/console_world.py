"""A small two-county world for the console tests (HTTP and browser): groups, members, records
with a photo, hand-off tickets, a notice and a reminder in 合浦县 (own) and 银海区 (other)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from fastapi.testclient import TestClient

from handlers.activity.models import ActivityPhoto, ActivityRecord
from handlers.core.db import session_scope
from handlers.core.members import MemberGroup
from handlers.core.messages import Role
from handlers.core.permissions import Actor
from handlers.core.services import Services
from handlers.handoff import HandoffTicket
from handlers.signin import issue_code
from tests.conftest import add_member

HEPU = ("广西", "北海市", "合浦县")
YINHAI = ("广西", "北海市", "银海区")
#: A 1×1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf00000301010018dd8db00000000049454e44ae426082"
)


@dataclass
class Side:
    ticket: int = 0
    record: int = 0
    photo: int = 0
    group: str = ""
    coordinator: str = ""
    family: str = ""
    township: str = ""
    village: str = ""
    leader: str = ""


@dataclass
class World:
    own: Side = field(default_factory=Side)
    other: Side = field(default_factory=Side)


def build_world(services: Services, month: tuple[int, int] = (2026, 5)) -> World:
    world = World()
    year, number = month
    for side, county, town, village, tag in (
        (world.own, HEPU, "廉州镇", "江口村", "HP"),
        (world.other, YINHAI, "福成镇", "竹林村", "YH"),
    ):
        side.township, side.village = town, village
        side.coordinator = f"coord-{tag.lower()}"
        side.family = f"family-{tag.lower()}"
        side.leader = f"leader-{tag.lower()}"
        add_member(
            services, side.coordinator, Role.COORDINATOR, region=county,
            name=f"{tag}专干", on_duty=True,
        )  # fmt: skip
        add_member(services, side.family, Role.FAMILY, region=(*county, town, village))
        for index in (1, 2):
            code = f"{tag}0{index}"
            leader = f"{side.leader}{index}"
            # the second group lives in another village, so a record of the first one held in
            # the first village does not count for it (it stays "not reported")
            home = village if index == 1 else f"{village[0]}西村"
            services.members.save_group(
                MemberGroup(
                    code=code,
                    name=f"{home}{index}组",
                    province=county[0],
                    city=county[1],
                    county=county[2],
                    township=town,
                    village=home,
                    leader_id=leader,
                )
            )
            add_member(
                services, leader, Role.LEADER, region=(*county, town, home), group=code,
                name=f"{tag}组长{index}",
            )  # fmt: skip
            add_member(
                services, f"{leader}-m", Role.VOLUNTEER, region=(*county, town, home),
                group=code,
            )  # fmt: skip
        side.group = f"{tag}01"
        with session_scope(services.engine) as session:
            record = ActivityRecord(
                reporter_id=f"{side.leader}1",
                reporter_name=f"{tag}组长1",
                channel="app",
                group_code=side.group,
                province=county[0],
                city=county[1],
                county=county[2],
                township=town,
                village=village,
                date_start=date(year, number, 12),
                date_end=date(year, number, 12),
                place=f"{village}村委会",
                kind="publicity",
                participants=45,
                text=f"今天在{village}搞了优生优育宣传，来了45人（{tag}）",
            )
            session.add(record)
            session.flush()
            assert record.id is not None
            side.record = record.id
            photo = ActivityPhoto(record_id=record.id, path=f"photos/{tag}.png")
            session.add(photo)
            ticket = HandoffTicket(
                channel="app",
                asker_id=side.family,
                region="/".join((*county, town, village)),
                question=f"{tag}：独生子女父母奖励怎么领？",
                status="forwarded",
                forwarded_to=side.coordinator,
            )
            session.add(ticket)
            session.flush()
            assert photo.id is not None and ticket.id is not None
            side.photo, side.ticket = photo.id, ticket.id
        (services.data_dir / "photos").mkdir(parents=True, exist_ok=True)
        (services.data_dir / "photos" / f"{tag}.png").write_bytes(PNG)
    return world


def sign_in(client: TestClient, services: Services, user_id: str) -> None:
    """Sign ``user_id`` in through a one-time link, as "工作台" would."""
    member = services.members.get(user_id)
    assert member is not None
    code = issue_code(services, Actor.of(member))
    response = client.post("/console/login", data={"code": code}, follow_redirects=False)
    assert response.status_code == 303, response.text


def csrf_of(client: TestClient, path: str = "/console/") -> str:
    import re

    page = client.get(path).text
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None, page[:500]
    return found.group(1)
