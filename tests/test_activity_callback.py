"""Activity logging through the real encrypted WeCom callback (issue 9): numbered cards,
corrections in natural words, interruptions, catch-up reports, undo, the reporter's village,
statistics counted where activities were held, and reminders before a card expires."""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import xmltodict
from fastapi.testclient import TestClient
from redis import Redis
from sqlmodel import col, select

from bot.container import Runtime
from bot.web.app import create_app
from bot.wecom.client import WeComClient
from bot.wecom.fakeapi import FakeWeCom
from handlers.activity.intent import Target
from handlers.activity.models import ActivityItem, ActivityRecord
from handlers.activity.parser import parse_reports
from handlers.core.db import session_scope
from handlers.core.members import MemberGroup
from handlers.core.messages import SHANGHAI, Role
from handlers.core.outbox import OutboxMessage
from handlers.core.services import Services
from tests.conftest import TEST_AES_KEY, TEST_CORP, TEST_TOKEN, add_member, make_settings

HEPU = ("广西", "北海市", "合浦县")
DAMAO = ("内蒙古", "包头市", "达尔罕茂明安联合旗")


class Chat:
    """Posts encrypted text callbacks as WeCom does and reads the answer the user gets."""

    def __init__(self, client: TestClient, fake: FakeWeCom) -> None:
        self.client = client
        self.fake = fake
        self.wecom = WeComClient(TEST_TOKEN, TEST_AES_KEY, TEST_CORP)
        self.ids = itertools.count(880000)

    @property
    def runtime(self) -> Runtime:
        runtime: Runtime = self.client.app.state.runtime  # type: ignore[attr-defined]
        return runtime

    def say(self, user: str, text: str, at: datetime | None = None) -> str:
        """``text`` from ``user``, sent now or ``at`` (its CreateTime)."""
        sent_before = len(self.fake.calls("/cgi-bin/message/send"))
        create_time = int(at.timestamp()) if at is not None else None
        xml = self.wecom.text_xml(user, text, next(self.ids), create_time)
        query, body = self.wecom.envelope(xml)
        response = self.client.post(f"/wecom/callback?{query}", content=body)
        assert response.status_code == 200
        if response.text:
            content: str = xmltodict.parse(self.wecom.decrypt_reply(response.text))["xml"][
                "Content"
            ]
            return content
        # a long answer (several cards) goes out through message/send in parts
        deadline = time.monotonic() + 10
        parts: list[str] = []
        while time.monotonic() < deadline:
            calls = self.fake.calls("/cgi-bin/message/send")[sent_before:]
            parts = [c.body["text"]["content"] for c in calls if c.body.get("touser") == user]
            if parts:
                time.sleep(0.2)
                calls = self.fake.calls("/cgi-bin/message/send")[sent_before:]
                return "\n".join(
                    c.body["text"]["content"] for c in calls if c.body.get("touser") == user
                )
            time.sleep(0.02)
        raise AssertionError(f"no answer to {text!r}")

    def records(self, user: str) -> list[tuple[ActivityRecord, list[ActivityItem]]]:
        with session_scope(self.runtime.services.engine) as session:
            rows = list(
                session.exec(
                    select(ActivityRecord)
                    .where(
                        ActivityRecord.reporter_id == user,
                        col(ActivityRecord.revoked_at).is_(None),
                    )
                    .order_by(col(ActivityRecord.id))
                )
            )
            items = list(session.exec(select(ActivityItem)))
        return [(r, [i for i in items if i.record_id == r.id]) for r in rows]


def cards_of(sent: datetime, *reports: str, home: str | None = "江口村") -> list[Target]:
    """The numbered cards that ``reports``, sent at ``sent`` by a leader of ``home``, put on
    the screen (what intent.decide chooses among)."""
    targets: list[Target] = []
    for report in reports:
        for draft in parse_reports(report, sent, home):
            targets.append(Target(len(targets) + 1, draft))
    return targets


def last_evening() -> datetime:
    """The latest 20:00 Beijing time that is past: for a test whose messages speak of 今天下午,
    which after midnight would still be to come."""
    now = datetime.now(SHANGHAI)
    evening = now.replace(hour=20, minute=0, second=0, microsecond=0)
    return evening if evening <= now else evening - timedelta(days=1)


@contextlib.contextmanager
def open_chat(tmp_path: Path, redis: Redis) -> Iterator[Chat]:
    """The app on a fresh data folder, with a fake WeCom API, talked to through the callback."""
    with FakeWeCom(corp_id=TEST_CORP) as fake:
        settings = make_settings(tmp_path, redis, WECOM_API_BASE=fake.base_url)
        with TestClient(create_app(settings)) as client:
            yield Chat(client, fake)


@contextlib.contextmanager
def open_family_chat(
    tmp_path: Path, redis: Redis, families: dict[str, tuple[str, ...]]
) -> Iterator[Chat]:
    """``open_chat`` with each family (user id -> region path) registered as a 群众 member."""
    with open_chat(tmp_path, redis) as chat:
        for user, region in families.items():
            add_member(chat.runtime.services, user, Role.FAMILY, region=region)
        yield chat


def add_lilan(services: Services) -> None:
    """The leader most activity tests speak as: 李兰, group JK01, 江口村 in 合浦县."""
    add_member(services, "lilan", Role.LEADER, group="JK01", region=(*HEPU, "廉州镇", "江口村"))


@pytest.fixture
def chat(tmp_path: Path, redis: Redis) -> Iterator[Chat]:
    with open_chat(tmp_path, redis) as chat:
        services = chat.runtime.services
        add_lilan(services)
        add_member(
            services, "wanggl", Role.LEADER, group="XW03", region=(*HEPU, "石湾镇", "西湾村")
        )
        add_member(services, "gaoyan", Role.COORDINATOR, region=DAMAO)
        add_member(services, "boss", Role.COORDINATOR, region=HEPU)
        for code, town, village in (
            ("JK01", "廉州镇", "江口村"),
            ("WZ01", "廉州镇", "文竹村"),
        ):
            group = MemberGroup(code=code, name=f"{village}一组", township=town, village=village)
            group.province, group.city, group.county = HEPU
            services.members.save_group(group)
        yield chat


def today() -> datetime:
    return datetime.now(SHANGHAI)


def items_of(pairs: list[ActivityItem]) -> list[tuple[str, int, str]]:
    return [(i.name, i.quantity, i.unit) for i in pairs]


def test_corrections_in_natural_words_before_and_after_saving(chat: Chat) -> None:
    card = chat.say("lilan", "今天在江口村搞了优生优育宣传 来了45人 发资料120份")
    assert "请核对" in card and "人数：45人" in card
    assert "人数：15人" in chat.say("lilan", "不是45人，是15人")
    assert "宣传册120份" in chat.say("lilan", "发的是宣传册不是资料")
    assert "环保袋50个" in chat.say("lilan", "少写了50个环保袋")
    assert "日期：" in chat.say("lilan", "日期错了 是3号")
    assert chat.records("lilan") == []  # nothing is saved before 对
    assert "已登记" in chat.say("lilan", "对")
    [(record, items)] = chat.records("lilan")
    assert (record.participants, record.place, record.date_start.day) == (15, "江口村", 3)
    assert sorted(items_of(items)) == [("宣传册", 120, "份"), ("环保袋", 50, "个")]
    # after saving, within the undo window: the saved record is updated, and the bot says so
    updated = chat.say("lilan", "上午报的那个人数错了 是25人")
    assert "已更新登记（编号" in updated and "不用再回“对”" in updated
    [(record, _)] = chat.records("lilan")
    assert record.participants == 25 and record.updated_at is not None


def test_a_pending_question_does_not_swallow_the_next_message(chat: Chat) -> None:
    # gaoyan is registered at county level: 嘎查村部 has no name, so the bot asks
    asked = chat.say("gaoyan", "今天下午在嘎查村部开会员活动，到会15人")
    assert "请问活动是在哪个村" in asked
    second = chat.say("gaoyan", "11月9日在查干哈达嘎查开展入户走访，走访慰问计生特殊家庭6户")
    assert "【第2条】" in second and "地点：查干哈达嘎查" in second
    # a question is answered as itself; the cards wait
    answer = chat.say("gaoyan", "包头生二胎给多少钱啊")
    assert "请核对" not in answer
    assert "地点：巴音敖包嘎查" in chat.say("gaoyan", "开会员活动那个是在巴音敖包嘎查")
    saved = chat.say("gaoyan", "都对")
    assert saved.count("已登记") == 2
    records = chat.records("gaoyan")
    assert [(r.place, r.participants) for r, _ in records] == [
        ("巴音敖包嘎查", 15),
        ("查干哈达嘎查", None),
    ]
    assert items_of(records[1][1]) == [("计生特殊家庭", 6, "户")]


def test_a_correction_of_another_field_is_never_a_place(chat: Chat) -> None:
    chat.say("gaoyan", "今天上午搞了计生协会员培训 参加培训的有六十多人")
    reply = chat.say("gaoyan", "人不是六十多，是四十来个")
    assert "人数：40多人" in reply and "地点：（" in reply  # still asking for the place
    assert "已登记" not in chat.say("gaoyan", "对")  # no place yet: asked again, not saved
    assert "地点：百灵庙镇" in chat.say("gaoyan", "在百灵庙镇")
    assert "已登记" in chat.say("gaoyan", "对")
    [(record, _)] = chat.records("gaoyan")
    assert (record.place, record.participants, record.participants_approx) == (
        "百灵庙镇",
        40,
        True,
    )


def test_the_village_committee_is_the_reporters_village(chat: Chat) -> None:
    card = chat.say("wanggl", "今天在村委会给会员们开会 传达了上级文件 到会会员22人")
    assert "地点：西湾村（您登记的村）" in card
    chat.say("wanggl", "开会是昨天 不是今天")
    chat.say("wanggl", "确认")
    [(record, _)] = chat.records("wanggl")
    assert record.place == "西湾村" and record.place_home
    assert record.date_start == (today() - timedelta(days=1)).date()


def test_catch_up_reports_and_summaries(chat: Chat) -> None:
    month = today().month
    text = (
        f"这个月的补报一下：{month}月1日在江口村开会员小组会到会12人；"
        f"{month}月2日在江口村入户走访计生特殊家庭8户；"
        f"{month}月3日在文竹村搞优生优育宣传，办了20份关爱保险，来了30多人"
    )
    cards = chat.say("lilan", text)
    assert "【第1条】" in cards and "【第3条】" in cards
    assert chat.say("lilan", "全部确认").count("已登记") == 3
    records = chat.records("lilan")
    assert [r.place for r, _ in records] == ["江口村", "江口村", "文竹村"]
    assert items_of(records[2][1]) == [("关爱保险", 20, "份")]
    # a leader's 本月活动：<report> is a report; 本月活动 alone is their group's summary
    card = chat.say("lilan", f"本月活动：{month}月4日江口村发放宣传资料100份")
    assert "请核对" in card and "只有协会工作人员" not in card
    chat.say("lilan", "对")
    summary = chat.say("lilan", "本月活动")
    assert "您所在的小组" in summary and "上报活动4次" in summary
    assert "上报活动4次" in chat.say("lilan", "我们组这个月报了几次活动？")
    # the coordinator's statistics count the 文竹村 activity under 文竹村, and its group has
    # an activity held in its village
    stats = chat.say("boss", "本月活动")
    assert "文竹村：1条" in stats and "江口村：3条" in stats and "还没上报" not in stats
    assert chat.say("boss", "活动统计 2026-13") == "月份要写成 2026-05 或 5月"


def test_undo_cancel_and_resend(chat: Chat) -> None:
    chat.say("lilan", "今天在江口村开了小组会 到会10人")
    chat.say("lilan", "今天江口村搞了关爱保险宣传 办了10份")
    assert "第2条已作废" in chat.say("lilan", "第2条不要了")
    assert "已登记" in chat.say("lilan", "第1条对")
    assert "已撤销活动记录" in chat.say("lilan", "撤销")
    assert chat.records("lilan") == []
    chat.say("lilan", "今天在江口村搞了个")
    assert "重新发给我" in chat.say("lilan", "重发")
    chat.say("lilan", "今天在江口村开展家庭健康宣传活动，来了25人，发放家庭防疫指导手册30本")
    chat.say("lilan", "对")
    [(record, items)] = chat.records("lilan")
    assert record.participants == 25 and items_of(items) == [("家庭防疫指导手册", 30, "本")]


def test_a_card_about_to_expire_is_mentioned_once(chat: Chat) -> None:
    chat.say("lilan", "今天在江口村开了会员活动 到了13人")
    with session_scope(chat.runtime.services.engine) as session:
        [reminder] = session.exec(
            select(OutboxMessage).where(col(OutboxMessage.origin).startswith("activity-card:"))
        ).all()
    assert reminder.status == "pending" and "还没有保存" in reminder.text
    assert reminder.not_before > datetime.now(SHANGHAI) + timedelta(minutes=20)
    chat.say("lilan", "对")
    with session_scope(chat.runtime.services.engine) as session:
        statuses = session.exec(
            select(OutboxMessage.status).where(
                col(OutboxMessage.origin).startswith("activity-card:")
            )
        ).all()
    assert set(statuses) == {"cancelled"}


def test_second_round_conversation_rules_through_the_callback(chat: Chat) -> None:
    # a card waits while the leader checks a notebook: acknowledged, not a FAQ question
    chat.say("lilan", "今天在江口村开了小组会 到了18人 发资料60份 毛巾18条")
    assert "先留着" in chat.say("lilan", "等一下 我看看本子")
    # a correction understood only in part changes nothing
    partly = chat.say("lilan", "人数是28 然后那个60也不对")
    assert "人数：28人" not in partly
    # several fields and an item removal, said in one run
    fixed = chat.say("lilan", "人数是28不是18 毛巾没发 去掉吧")
    assert "人数：28人" in fixed and "毛巾" not in fixed
    assert "已登记" in chat.say("lilan", "对")
    [(record, items)] = chat.records("lilan")
    assert record.participants == 28 and items_of(items) == [("资料", 60, "份")]


def test_numbered_parts_and_the_rest_through_the_callback(chat: Chat) -> None:
    cards = chat.say(
        "wanggl",
        "补报：1号 西湾村 小组会 到了12人；2号 西湾村 宣传 发资料40份；3号 西湾村 入户走访5户",
    )
    assert "【第3条】" in cards
    reply = chat.say("wanggl", "第1条之前报过了 第2条资料是45份 其他都对")
    assert "第1条已作废" in reply and "资料45份" in reply
    assert [r.kind for r, _ in chat.records("wanggl")] == ["visit"]
    assert "已登记" in chat.say("wanggl", "对")
    assert sorted(r.kind for r, _ in chat.records("wanggl")) == ["publicity", "visit"]


def test_third_round_plans_pointers_and_things_counted_through_the_callback(chat: Chat) -> None:
    card = chat.say(
        "lilan", "今天在江口村搞了防艾宣传 发了宣传单300张 安全套100个 参加的群众50多人"
    )
    assert "人数：50多人" in card and "安全套100个" in card
    # a plan sent while the card waits is not a value for it (no proposal to change the place)
    plan = chat.say("lilan", "下周三在文竹村还要搞一次义诊，到时候再报")
    assert "文竹村" not in plan and "请核对" not in plan
    assert "已登记" in chat.say("lilan", "对")
    [(record, items)] = chat.records("lilan")
    assert (record.place, record.participants, record.participants_approx) == ("江口村", 50, True)
    assert sorted(items_of(items)) == [("安全套", 100, "个"), ("宣传单", 300, "张")]
    # "that one" corrects the waiting card even though it reads like a report of its own
    asked = chat.say("gaoyan", "今天下午开会员活动，到会15人")
    assert "请问活动是在哪个村" in asked
    chat.say("gaoyan", "今天在百灵庙镇开展入户走访，走访计生家庭5户")
    assert "已登记" in chat.say("gaoyan", "第2条对")
    fixed = chat.say("gaoyan", "刚才开会员活动那个是在巴音敖包嘎查开的")
    assert "地点：巴音敖包嘎查" in fixed and "人数：15人" in fixed
    assert "已登记" in chat.say("gaoyan", "对")
    assert sorted((r.place, r.participants) for r, _ in chat.records("gaoyan")) == [
        ("巴音敖包嘎查", 15),
        ("百灵庙镇", None),
    ]


def test_the_same_report_sent_again_with_more_fills_the_waiting_card(chat: Chat) -> None:
    chat.say("lilan", "今天在江口村开了小组会")
    again = chat.say("lilan", "今天在江口村开了小组会 到了18人 发资料60份")
    assert "同一次" in again and "补上了人数、物品" in again
    assert "人数：18人" in again and "资料60份" in again and "【第2条】" not in again
    assert "已登记" in chat.say("lilan", "对")
    [(record, items)] = chat.records("lilan")
    assert record.participants == 18 and items_of(items) == [("资料", 60, "份")]


def test_a_correction_with_an_explanation_of_the_old_value_is_applied(chat: Chat) -> None:
    # the clause saying what the old value really was (今天是在整理签到表) is no value of its own
    chat.say("lilan", "今天在江口村开了会员小组会，到会22人")
    fixed = chat.say("lilan", "不对，是前天开的，今天是在整理签到表")
    before = today() - timedelta(days=2)
    assert "已修改" in fixed and f"日期：{before.month}月{before.day}日" in fixed
    people = chat.say("lilan", "不对不对 22是签到本上的总数 实际来了十八个")
    assert "已修改" in people and "人数：18人" in people
    assert "已登记" in chat.say("lilan", "对")
    [(record, _)] = chat.records("lilan")
    assert (record.date_start, record.participants) == (before.date(), 18)


def test_a_thing_handed_out_another_time_is_removed_and_one_done_besides_added(
    chat: Chat,
) -> None:
    chat.say("lilan", "今天在江口村搞了健康义诊，测血糖70人次，发药具20盒，宣传单50张")
    fixed = chat.say("lilan", "药具不是这次发的 去掉，另外还量血压90人次")
    assert "已修改" in fixed and "药具" not in fixed and "量血压90人次" in fixed
    # said without a word of removing it, another time might be the card's date: asked
    unread = chat.say("lilan", "宣传单是上个礼拜发的")
    assert "已修改" not in unread and "宣传单50张" in chat.say("lilan", "对")
    assert chat.records("lilan") == []
    removed = chat.say("lilan", "宣传单是上个礼拜发的 这次没有发 去掉")
    assert "已修改" in removed and "宣传单" not in removed
    assert "已登记" in chat.say("lilan", "对")
    [(_, items)] = chat.records("lilan")
    assert sorted(items_of(items)) == [("测血糖", 70, "人次"), ("量血压", 90, "人次")]


def test_a_reason_after_a_corrected_count_is_no_value(chat: Chat) -> None:
    chat.say("lilan", "今天在江口村入户走访计生特殊家庭三户 送慰问金一共1500元 帮办关爱保险15份")
    fixed = chat.say("lilan", "不对 是四户 慰问金是2000元 漏了一户")
    assert "计生特殊家庭4户" in fixed and "慰问金2000元" in fixed
    insured = chat.say("lilan", "保险办的是十八份 有三份是后来补的")
    assert "关爱保险18份" in insured and "补" not in insured.split("物品：")[1].split("\n")[0]
    assert "已登记" in chat.say("lilan", "对")
    [(_, items)] = chat.records("lilan")
    assert sorted(items_of(items)) == [
        ("关爱保险", 18, "份"),
        ("慰问金", 2000, "元"),
        ("计生特殊家庭", 4, "户"),
    ]


def test_a_thing_not_done_is_removed_from_the_saved_record(chat: Chat) -> None:
    chat.say("lilan", "今天江口村义诊 测血压60人次 测血糖40人次 来了五十多人")
    assert "已登记" in chat.say("lilan", "对")
    updated = chat.say("lilan", "测血糖写错了 没有测血糖 去掉")
    assert "已更新登记" in updated
    [(_, items)] = chat.records("lilan")
    assert items_of(items) == [("测血压", 60, "人次")]


def test_a_person_named_by_a_numeral_is_no_count(chat: Chat) -> None:
    chat.say(
        "lilan", "今天上午在江口村搞了关爱留守儿童活动，家长和小孩一共来了五十几个，发了书包30个"
    )
    fixed = chat.say("lilan", "等下，我问了小陆，小孩不算的话家长只有二十几个，人数按二十几个写吧")
    assert "已修改" in fixed and "人数：20多人" in fixed
    assert "已登记" in chat.say("lilan", "对")
    [(record, _)] = chat.records("lilan")
    assert (record.participants, record.participants_approx) == (20, True)


def test_the_answer_to_a_field_asked_for_is_that_field(chat: Chat) -> None:
    chat.say("lilan", "今天在江口村搞了优生优育宣传 来了45人 发资料120份")
    assert "人数应该是多少" in chat.say("lilan", "人数不对")
    fixed = chat.say("lilan", "是30个")
    assert "人数：30人" in fixed and "资料30个" not in fixed
    assert "已登记" in chat.say("lilan", "对")
    [(record, items)] = chat.records("lilan")
    assert record.participants == 30 and items_of(items) == [("资料", 120, "份")]


def test_a_number_not_understood_while_a_card_waits_is_asked_not_ignored(chat: Chat) -> None:
    chat.say("lilan", "今天在江口村搞了优生优育宣传 来了45人 发资料120份")
    asked = chat.say("lilan", "还发了30个")
    assert "什么都没改" in asked
    again = chat.say("lilan", "对")  # the card is shown again before it is saved as it was
    assert "还没保存" in again and chat.records("lilan") == []
    assert "环保袋30个" in chat.say("lilan", "还发了30个环保袋")
    assert "已登记" in chat.say("lilan", "对")
    [(_, items)] = chat.records("lilan")
    assert sorted(items_of(items)) == [("环保袋", 30, "个"), ("资料", 120, "份")]


def test_the_type_said_as_what_it_counts_as_and_the_old_days_story(chat: Chat) -> None:
    chat.say("lilan", "昨天在江口村开了个会 来了20人")
    assert "类型：义诊咨询" in chat.say("lilan", "算义诊")
    fixed = chat.say("lilan", "搞错了 不是昨天 是前天 昨天下雨没搞成")
    before = today() - timedelta(days=2)
    assert f"日期：{before.month}月{before.day}日" in fixed and "物品" not in fixed
    assert "已登记" in chat.say("lilan", "对")
    [(record, items)] = chat.records("lilan")
    assert (record.kind, record.date_start, items) == ("clinic", before.date(), [])


def test_a_thing_or_a_field_after_undo_or_resend_words_corrects_the_card(chat: Chat) -> None:
    chat.say("lilan", "今天在江口村搞了宣传 来了40人 发资料100份 环保袋20个")
    removed = chat.say("lilan", "撤销那个环保袋")  # a thing on the card, not the card
    assert "已修改" in removed and "环保袋" not in removed and "资料100份" in removed
    again = chat.say("lilan", "我重新说一下 人数是30")  # a field said again, not a resend
    assert "已修改" in again and "人数：30人" in again
    assert "已登记" in chat.say("lilan", "没毛病")
    [(record, items)] = chat.records("lilan")
    assert record.participants == 30 and items_of(items) == [("资料", 100, "份")]
    # the reason after an undo is no thing: the record is undone
    assert "已撤销" in chat.say("lilan", "刚才那条作废 数字打反了")
    assert chat.records("lilan") == []


def test_a_confirmation_with_a_question_saves_the_card(chat: Chat) -> None:
    chat.say("lilan", "今天在江口村搞了宣传 来了40人 发资料100份")
    saved = chat.say("lilan", "对，另外问一下育儿补贴怎么领")
    assert "已登记" in saved and "单独再发一次" in saved
    [(record, _)] = chat.records("lilan")
    assert record.participants == 40
    # a question alone while a card waits is answered as itself; the card still waits
    chat.say("lilan", "今天在文竹村搞了义诊 测血压30人次")
    answer = chat.say("lilan", "育儿补贴怎么领")
    assert "已登记" not in answer and "请核对" not in answer
    assert "已登记" in chat.say("lilan", "对")
    assert len(chat.records("lilan")) == 2


def test_a_thing_said_wrong_is_asked_about_and_the_answer_applied(chat: Chat) -> None:
    chat.say("lilan", "今天在江口村搞了宣传 来了40人 发资料100份 环保袋20个")
    asked = chat.say("lilan", "资料不对")
    assert "资料要改成什么" in asked
    renamed = chat.say("lilan", "是宣传折页")
    assert "宣传折页100份" in renamed and "资料" not in renamed.split("物品：")[1]
    counted = chat.say("lilan", "40人是签到的 实际35人")
    assert "人数：35人" in counted
    zero = chat.say("lilan", "环保袋少写了个0 是200个")
    assert "环保袋200个" in zero
    assert "已登记" in chat.say("lilan", "对")
    [(record, items)] = chat.records("lilan")
    assert record.participants == 35
    assert sorted(items_of(items)) == [("宣传折页", 100, "份"), ("环保袋", 200, "个")]


def test_the_sign_in_sheet_the_number_to_write_and_a_unit_corrected(chat: Chat) -> None:
    chat.say("lilan", "今天在江口村搞了宣传 来了40人 发资料100份")
    unit = chat.say("lilan", "资料是100本不是100份")
    assert "资料100本" in unit and "资料100份" not in unit
    assert "人数应该是多少" in chat.say("lilan", "人数不对")
    written = chat.say("lilan", "应该是三十五六个吧 就写35")
    assert "人数：35人" in written
    sheet = chat.say("lilan", "签到表上是38个")
    assert "签到表" not in sheet and "38人" in sheet  # asked as a change of the attendance
    assert "已修改" in chat.say("lilan", "改")
    assert "已登记" in chat.say("lilan", "对")
    [(record, items)] = chat.records("lilan")
    assert record.participants == 38 and items_of(items) == [("资料", 100, "本")]


def test_one_of_several_cards_named_by_its_activity_is_corrected(chat: Chat) -> None:
    cards = chat.say("lilan", "11月3日江口村小组会到了20人；11月10日文竹村宣传发资料80份")
    assert "【第2条】" in cards
    fixed = chat.say("lilan", "小组会那条是22人")
    assert "人数：22人" in fixed and "这句话我只看懂了一部分" not in fixed
    assert chat.say("lilan", "都对").count("已登记") == 2
    assert sorted((r.place, r.participants) for r, _ in chat.records("lilan")) == [
        ("文竹村", None),
        ("江口村", 22),
    ]
