"""Second round of the activity conversation: general rules found on unseen conversations.

Each test uses its own wording. Parser rules first, then flows through the real router.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from sqlmodel import select

from handlers.activity.models import ActivityRecord
from handlers.activity.parser import extract_items, find_participants, parse_reports
from handlers.core.db import session_scope
from handlers.core.messages import SHANGHAI, Role
from handlers.core.registry import build_router
from handlers.core.router import Router
from handlers.core.services import Services
from tests.conftest import add_member, text_message, texts

NOW = datetime(2026, 11, 18, 16, 0, tzinfo=SHANGHAI)  # a Wednesday

# -- parser -------------------------------------------------------------------------------------


def names(text: str) -> list[tuple[str, int, str, bool]]:
    return [(i.name, i.quantity, i.unit, i.approximate) for i in extract_items(text)]


def test_households_walked_are_a_visit_and_a_named_family_wins() -> None:
    assert names("下午去了新村 走了六户困难家庭") == [("困难家庭", 6, "户", False)]
    assert names("组织志愿者入户宣传防艾知识 一共跑了9户") == [("走访", 9, "户", False)]


def test_a_word_ending_in_an_estimate_character_is_no_estimate() -> None:
    # 签约 / 预约 end in 约 but say nothing about the count being approximate
    assert names("在文竹村预约孕前检查17人次") == [("预约孕前检查", 17, "人次", False)]
    assert names("在东园村开展健康签约 签约了31户")[0][1:] == (31, "户", False)
    assert names("发放宣传单约300张") == [("宣传单", 300, "张", True)]


def test_estimated_attendance_after_who_came() -> None:
    found = find_participants("下午的讲座 来的家长估计三十来个 发手册40本")
    assert found is not None and found[:2] == (30, True)
    found = find_participants("来了不少老人家大概二十几个")
    assert found is not None and found[:2] == (20, True)
    # a hand-out between them is not attendance
    assert find_participants("来了以后发了约50个环保袋") is None


@pytest.mark.parametrize(
    "text",
    [
        "计划：下月3号在文竹村开展优生优育讲座，预计30人参加",
        "这周六在东园村的义诊还办不办",
        "晚上七点在村部学习政策 各位会员记得来",
        "预计明年一月在五通社区搞一次青春健康讲座",
    ],
)
def test_plans_and_invitations_are_not_reports(text: str) -> None:
    assert parse_reports(text, NOW, "江口村") == []


# -- flows through the real router --------------------------------------------------------------

Say = Callable[[str], str]


@pytest.fixture
def say(services: Services) -> Say:
    router: Router = build_router()
    services.clock = lambda: NOW
    add_member(services, "lead", Role.LEADER, group="JK01")
    counter = iter(range(10_000))

    def _say(text: str) -> str:
        message = text_message("lead", text, at=NOW, msg_id=f"r2-{next(counter)}")
        return texts(router.dispatch(message, services).replies)

    return _say


def saved(services: Services) -> list[ActivityRecord]:
    with session_scope(services.engine) as session:
        rows = session.exec(select(ActivityRecord)).all()
        return [r for r in rows if r.revoked_at is None]


def test_naming_the_place_the_card_already_has_confirms_it(services: Services, say: Say) -> None:
    card = say("今天下午组织了一次小组学习 到了九个会员")
    assert "江口村（您登记的村）" in card
    again = say("就是在江口村村委会搞的")
    assert "改就回" not in again and "地点：江口村" in again
    assert "已登记" in say("好")
    [record] = saved(services)
    assert (record.place, record.participants) == ("江口村", 9)
