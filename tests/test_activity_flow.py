"""Activity logging through the real router: card, confirm, correct, undo, photos, expiry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from handlers.activity.cards import DRAFT_TTL, card_key
from handlers.activity.models import ActivityRecord
from handlers.activity.store import ActivityStore
from handlers.core.db import session_scope
from handlers.core.messages import SHANGHAI, Channel, IncomingMessage, Kind, Role
from handlers.core.registry import build_router
from handlers.core.router import Router
from handlers.core.services import Services
from handlers.core.state import Conversation
from tests.conftest import add_member, text_message, texts

NOW = datetime(2026, 5, 27, 20, 0, tzinfo=SHANGHAI)
REPORT = "上周五下午江口村会员小组开了月度活动，到了13个会员，发了宣传资料30份"


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


class FakeMedia:
    def __init__(self) -> None:
        self.fetched: list[str] = []

    def fetch(self, media_id: str) -> tuple[bytes, str]:
        self.fetched.append(media_id)
        return b"\xff\xd8fake-jpeg-" + media_id.encode(), ".jpg"


@pytest.fixture
def router() -> Router:
    return build_router()


@pytest.fixture
def clock(services: Services) -> Clock:
    clock = Clock(NOW)
    services.clock = clock
    return clock


Say = Callable[..., str]


@pytest.fixture
def say(router: Router, services: Services, clock: Clock) -> Say:
    counter = iter(range(10_000))

    def _say(user: str, text: str, channel: Channel = Channel.APP) -> str:
        message = text_message(
            user, text, at=clock.now, msg_id=f"a{next(counter)}", channel=channel
        )
        return texts(router.dispatch(message, services).replies)

    return _say


def send_photo(router: Router, services: Services, user: str, media_id: str, at: datetime) -> str:
    message = IncomingMessage(
        user_id=user, kind=Kind.IMAGE, media_id=media_id, sent_at=at, msg_id=f"p-{media_id}"
    )
    return texts(router.dispatch(message, services).replies)


def records(services: Services) -> list[ActivityRecord]:
    with session_scope(services.engine) as session:
        return list(session.exec(select(ActivityRecord)))


def test_report_card_then_confirm_saves_the_record(services: Services, say: Say) -> None:
    add_member(services, "lead", Role.LEADER, group="JK01")
    card = say("lead", REPORT)
    assert "请核对" in card
    assert "日期：5月22日" in card and "地点：江口村" in card
    assert "人数：13人" in card and "宣传资料30份" in card
    assert records(services) == []
    saved = say("lead", "对")
    assert "已登记（编号1）" in saved
    [record] = records(services)
    assert (record.place, record.participants, record.group_code) == ("江口村", 13, "JK01")
    assert record.township == "廉州镇" and record.text == REPORT
    views = ActivityStore(services.engine).in_month(2026, 5)
    assert [(i.category, i.quantity, i.unit) for i in views[0].items] == [("宣传资料", 30, "份")]
    # a second 对 has nothing left to confirm and does not save twice
    say("lead", "对")
    assert len(records(services)) == 1


def test_approximate_numbers_are_marked_on_the_card(services: Services, say: Say) -> None:
    add_member(services, "lead", Role.LEADER)
    card = say("lead", "昨天在文竹村搞了个义诊 来了六十多名群众 发放宣传资料1000多份")
    assert "人数：60多人（约数）" in card
    assert "宣传资料1000多份" in card
    say("lead", "确认")
    [record] = records(services)
    assert record.participants == 60 and record.participants_approx is True


def test_corrections_in_words_update_the_draft(services: Services, say: Say) -> None:
    add_member(services, "lead", Role.LEADER)
    say("lead", REPORT)
    assert "人数：15人" in say("lead", "人数改成15")
    assert "地点：文竹村" in say("lead", "地点是文竹村")
    assert "日期：3月10日" in say("lead", "日期是3月10日")
    assert "类型：义诊咨询" in say("lead", "类型是义诊")
    assert "宣传资料300份" in say("lead", "宣传资料改成300份")
    assert "没看懂人数" in say("lead", "人数改成很多")
    # 对 right after a correction that was not understood shows the card again; the second
    # 对 saves it as it is
    assert "还没保存" in say("lead", "对") and records(services) == []
    say("lead", "对")
    [record] = records(services)
    assert (record.participants, record.place, record.kind) == (15, "文竹村", "clinic")
    assert record.date_start.isoformat() == "2026-03-10"


def test_undo_discards_a_draft_or_revokes_the_last_record(services: Services, say: Say) -> None:
    add_member(services, "lead", Role.LEADER)
    say("lead", REPORT)
    assert "已作废" in say("lead", "撤销")
    assert records(services) == []
    say("lead", REPORT)
    say("lead", "对")
    assert "已撤销活动记录（编号1" in say("lead", "撤销")
    [record] = records(services)
    assert record.revoked_at is not None
    assert ActivityStore(services.engine).in_month(2026, 5) == []
    assert "没有可以撤销" in say("lead", "撤销")
    # once revoked, the same activity can be logged again
    say("lead", REPORT)
    assert "已登记" in say("lead", "对")


def test_missing_date_or_place_gets_one_short_question(services: Services, say: Say) -> None:
    # registered at county level: 我们村 cannot be resolved from the roster, so the bot asks
    add_member(services, "lead", Role.LEADER, region=("广西", "北海市", "合浦县"))
    card = say("lead", "我们村昨天开了活动 到了十二个会员")
    assert "请问活动是在哪个村" in card
    assert "在哪个村" in say("lead", "对")  # cannot save without a place
    # a question asked meanwhile is not taken as the answer
    assert "地点：叶酸" not in say("lead", "叶酸吃多久")
    answered = say("lead", "江口村")
    assert "地点：江口村" in answered and "回复“对”保存" in answered
    assert "已登记" in say("lead", "对")
    assert "哪天、在哪里" in say("lead", "开了会员活动 到了十二个会员 发资料24份")


def test_photo_after_the_record_is_stored(
    services: Services, say: Say, router: Router, clock: Clock
) -> None:
    add_member(services, "lead", Role.LEADER)
    media = FakeMedia()
    services.media = media
    say("lead", REPORT)
    say("lead", "对")
    clock.now = NOW + timedelta(minutes=5)
    reply = send_photo(router, services, "lead", "MEDIA1", clock.now)
    assert "照片已存到活动记录（编号1）" in reply and "1张" in reply
    [photo] = ActivityStore(services.engine).photos(1)
    stored = services.data_dir / photo.path
    assert stored.read_bytes() == b"\xff\xd8fake-jpeg-MEDIA1"
    assert stored.parent == Path(services.data_dir) / "photos"
    # long after, a photo is no longer attached
    clock.now = NOW + timedelta(hours=2)
    later = send_photo(router, services, "lead", "MEDIA2", clock.now)
    assert "先发活动情况" in later
    assert media.fetched == ["MEDIA1"]


def test_photo_with_a_draft_is_saved_with_the_record(
    services: Services, say: Say, router: Router, clock: Clock
) -> None:
    add_member(services, "lead", Role.LEADER)
    services.media = FakeMedia()
    say("lead", REPORT)
    assert "照片收到（1张）" in send_photo(router, services, "lead", "M1", clock.now)
    assert "含照片1张" in say("lead", "对")
    assert len(ActivityStore(services.engine).photos(1)) == 1
    assert ActivityStore(services.engine).in_month(2026, 5)[0].photos == 1


def test_cancelling_a_draft_removes_its_photos(
    services: Services, say: Say, router: Router, clock: Clock
) -> None:
    add_member(services, "lead", Role.LEADER)
    services.media = FakeMedia()
    say("lead", REPORT)
    send_photo(router, services, "lead", "M1", clock.now)
    assert len(list((services.data_dir / "photos").iterdir())) == 1
    assert "已作废" in say("lead", "撤销")
    assert list((services.data_dir / "photos").iterdir()) == []


def test_photo_without_media_service_is_declined_politely(
    services: Services, say: Say, router: Router, clock: Clock
) -> None:
    add_member(services, "lead", Role.LEADER)
    say("lead", REPORT)
    assert "本地模式" in send_photo(router, services, "lead", "M1", clock.now)


def test_unconfirmed_draft_expires_politely(services: Services, say: Say) -> None:
    add_member(services, "lead", Role.LEADER)
    say("lead", REPORT)
    conversation = Conversation(services.engine, "app", "lead")
    ttl = conversation.ttl(card_key(1))
    assert ttl is not None and 0 < ttl <= DRAFT_TTL
    conversation.clear(card_key(1))  # what the TTL does after a day
    assert "超过24小时没有确认" in say("lead", "对")
    assert records(services) == []
    say("lead", REPORT)
    conversation.clear(card_key(1))
    assert "已作废" in say("lead", "5月25日在文竹村开了会员活动 到了十个人")


def test_the_same_activity_twice_is_not_double_counted(services: Services, say: Say) -> None:
    add_member(services, "lead", Role.LEADER)
    say("lead", REPORT)
    say("lead", "对")
    again = say("lead", "5月22日江口村会员活动 13人参加")
    assert "已经登记过了（编号1" in again
    assert "已登记" not in say("lead", "对")
    assert len(records(services)) == 1
    # a different reporter at the same place and date is a different record
    add_member(services, "vol", Role.VOLUNTEER)
    say("vol", REPORT)
    assert "已登记（编号2）" in say("vol", "对")


def test_family_is_told_kindly_who_can_log(services: Services, say: Say) -> None:
    add_member(services, "fam", Role.FAMILY)
    reply = say("fam", REPORT)
    assert "会员小组长、志愿者和协会工作人员" in reply
    assert "请核对" not in reply
    kf = say("wx-external", REPORT, Channel.KF)
    assert "会员小组长" in kf
    assert records(services) == []


def test_questions_go_past_the_activity_routes(router: Router, services: Services) -> None:
    add_member(services, "lead", Role.LEADER)
    for question in ("叶酸吃多久", "关爱保险怎么报案"):
        dispatch = router.dispatch(text_message("lead", question), services)
        assert not dispatch.handler.startswith("activity"), question


def test_coordinator_month_statistics(services: Services, say: Say) -> None:
    from handlers.core.members import MemberGroup

    for code, village in (("JK01", "江口村"), ("WZ01", "文竹村"), ("DT01", "大塘村")):
        services.members.save_group(
            MemberGroup(
                code=code,
                name=f"{village}会员小组",
                province="广西",
                city="北海市",
                county="合浦县",
                township="廉州镇",
                village=village,
            )
        )
    add_member(services, "l1", Role.LEADER, group="JK01")
    add_member(
        services,
        "l2",
        Role.LEADER,
        group="WZ01",
        region=("广西", "北海市", "合浦县", "廉州镇", "文竹村"),
    )
    add_member(services, "boss", Role.COORDINATOR, region=("广西", "北海市", "合浦县"))
    say("l1", REPORT)
    say("l1", "对")
    say("l2", "5月20日文竹村会员活动 到了二十多人 发宣传资料40份")
    say("l2", "对")
    stats = say("boss", "本月活动")
    assert "2026年5月活动统计" in stats
    assert "2/3个小组已上报" in stats and "参加33人（含约数）" in stats
    assert "宣传资料70份" in stats
    assert "【廉州镇】" in stats and "江口村：1条" in stats and "文竹村：1条" in stats
    assert "还没上报的小组（1个）：大塘村会员小组" in stats
    assert "活动记录0条" in say("boss", "活动统计 2026-04")
    # a leader gets their own group's summary (issue 9), a family is told who may look
    own = say("l1", "本月活动")
    assert "您所在的小组2026年5月已上报活动1次" in own and "5月22日 江口村" in own
    add_member(services, "fam", Role.FAMILY)
    assert "只对会员小组长、志愿者和协会工作人员开放" in say("fam", "本月活动")


def test_help_menu_and_dispatch_order(router: Router) -> None:
    from handlers.core.registry import CAPABILITY_MODULES

    assert "登记活动" in router.help_text(Role.LEADER)
    assert "本月活动" in router.help_text(Role.COORDINATOR)
    assert "登记活动" not in router.help_text(Role.FAMILY)
    order = list(CAPABILITY_MODULES)
    assert "handlers.activity" in order
    for later in ("handlers.faq",):
        if later in order:
            assert order.index("handlers.activity") < order.index(later)
    for earlier in ("handlers.broadcast", "handlers.handoff"):
        if earlier in order:
            assert order.index(earlier) < order.index("handlers.activity")


def test_county_coordinator_report_takes_town_and_village_from_the_text(
    services: Services, say: Say
) -> None:
    add_member(services, "boss", Role.COORDINATOR, region=("广西", "北海市", "合浦县"))
    say("boss", "5月20日廉州镇文竹村开展义诊 六十多名群众参加")
    assert "已登记" in say("boss", "对")
    [record] = records(services)
    # the reporter's own region stays as registered; where it was held is kept beside it
    assert (record.county, record.township, record.village) == ("合浦县", "", "")
    assert (record.held_township, record.held_village) == ("廉州镇", "文竹村")
    assert (record.counted_township, record.counted_village) == ("廉州镇", "文竹村")
