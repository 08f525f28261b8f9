"""Sixth round of activity logging, through the real router: an item added or removed in a
message of its own (the thing in one clause, its count in the next), a 对 after a correction
that was not understood (shown again, saved as it is only on a second 对), 宣传 for young people
is publicity, households named by the kind of household visited wherever the report names it,
and sessions counted with 场/次/期 kept as items."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import select

from handlers.activity.models import ActivityItem
from handlers.activity.parser import classify_kind, extract_items
from handlers.core.db import session_scope
from handlers.core.services import Services
from tests.conftest import saved_records


def _items(services: Services) -> list[tuple[str, int, str]]:
    with session_scope(services.engine) as session:
        rows = session.exec(select(ActivityItem)).all()
        return sorted((row.name, row.quantity, row.unit) for row in rows)


@pytest.mark.parametrize(
    ("addition", "shown", "added"),
    [
        ("还有量血压的 量了80多人次 忘记写了", "量血压80多人次", ("量血压", 80, "人次")),
        ("还有量血压的，量了80多人次", "量血压80多人次", ("量血压", 80, "人次")),
        ("另外发了50个环保袋", "环保袋50个", ("环保袋", 50, "个")),
        ("忘了写 还发了30本宣传册", "宣传册30本", ("宣传册", 30, "本")),
        ("少写了50个环保袋", "环保袋50个", ("环保袋", 50, "个")),
    ],
)
def test_an_item_added_in_its_own_message_is_added(
    services: Services,
    talk: Callable[[str, str], str],
    addition: str,
    shown: str,
    added: tuple[str, int, str],
) -> None:
    talk("今天在江口村搞义诊 测血糖90多人次 来了70多人", "2026-10-09 20:00")
    card = talk(addition, "2026-10-09 20:02")
    assert "已修改" in card and shown in card and "测血糖90多人次" in card
    assert "已登记" in talk("对", "2026-10-09 20:03")
    [record] = saved_records(services)
    assert (record.participants, record.participants_approx) == (70, True)
    assert _items(services) == sorted([("测血糖", 90, "人次"), added])


@pytest.mark.parametrize(
    "removal", ["没有发环保袋", "环保袋去掉", "其实没发环保袋", "环保袋没有", "环保袋不要写"]
)
def test_an_item_said_not_handed_out_is_removed(
    services: Services, talk: Callable[[str, str], str], removal: str
) -> None:
    talk("今天在江口村搞宣传 来了30人 发资料100份 环保袋50个", "2026-11-20 10:00")
    card = talk(removal, "2026-11-20 10:01")
    assert "已修改" in card and "环保袋" not in card and "资料100份" in card
    assert "已登记" in talk("对", "2026-11-20 10:02")
    assert _items(services) == [("资料", 100, "份")]


def test_attendance_then_an_item_in_one_correction_sets_both(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("今天在江口村搞宣传 来了45人 发资料100份", "2026-11-20 10:00")
    card = talk("人数是30 还有发了环保袋50个", "2026-11-20 10:01")
    assert "30人" in card and "环保袋50个" in card
    assert "已登记" in talk("对", "2026-11-20 10:02")
    [record] = saved_records(services)
    assert record.participants == 30
    assert _items(services) == [("环保袋", 50, "个"), ("资料", 100, "份")]


def test_a_confirmation_after_an_unread_correction_asks_before_saving(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("今天在江口村搞了优生优育宣传，来了45人，发资料120份", "2026-11-20 10:00")
    unread = talk("资料改成那个 80几", "2026-11-20 10:01")
    assert "什么都没改" in unread
    again = talk("对", "2026-11-20 10:02")
    assert "没看懂" in again and "还没保存" in again and "资料120份" in again
    assert saved_records(services) == []
    assert "已登记" in talk("对", "2026-11-20 10:03")  # a second 对: saved as shown
    [record] = saved_records(services)
    assert record.participants == 45
    assert _items(services) == [("资料", 120, "份")]


def test_a_correction_understood_after_an_unread_one_is_saved_with_one_confirmation(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("今天在江口村搞了优生优育宣传，来了45人，发资料120份", "2026-11-20 10:00")
    talk("资料改成那个 80几", "2026-11-20 10:01")
    fixed = talk("资料是80份", "2026-11-20 10:02")
    assert "已修改" in fixed and "资料80份" in fixed
    assert "已登记" in talk("对", "2026-11-20 10:03")
    assert _items(services) == [("资料", 80, "份")]


def test_a_card_shown_again_after_an_unread_correction_can_be_cancelled(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("今天在江口村搞了优生优育宣传，来了45人，发资料120份", "2026-11-20 10:00")
    talk("资料改成那个 80几", "2026-11-20 10:01")
    assert "还没保存" in talk("对", "2026-11-20 10:02")
    talk("撤销", "2026-11-20 10:03")
    assert "没有等待确认" in talk("对", "2026-11-20 10:04") or saved_records(services) == []
    assert saved_records(services) == []


def test_a_field_said_wrong_then_confirmed_is_shown_again(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("今天在江口村搞了优生优育宣传，来了45人，发资料120份", "2026-11-20 10:00")
    talk("日期不对", "2026-11-20 10:01")
    again = talk("对", "2026-11-20 10:02")
    assert "还没保存" in again and saved_records(services) == []
    assert "已登记" in talk("对", "2026-11-20 10:03")
    assert len(saved_records(services)) == 1


def test_publicity_for_young_people_is_publicity(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    card = talk("本月中旬在江口村开展暑期青少年防溺水宣传 发放宣传单300张", "2026-07-31 18:00")
    assert "宣传活动" in card
    assert "已登记" in talk("好的", "2026-07-31 18:01")
    [record] = saved_records(services)
    assert record.kind == "publicity"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("6月中旬在我们村搞了防溺水和青春期知识宣传 共发资料300份", "publicity"),
        ("开展“国际禁毒日”暨青春健康宣传活动，发放资料400余份", "publicity"),
        ("开展暑期青春健康宣传活动，发放青春健康宣传资料500余份", "youth"),
        ("今天在江口村开展青春健康讲座 来了45个学生", "youth"),
        ("在双龙镇中学开展防艾知识讲座，初三学生180人参加", "lecture"),
        ("开展暑期青少年近视防控宣传，发放宣传资料500余份", "publicity"),
        ("昨天在幸福社区搞三八节两癌筛查宣传 来了五十几个姐妹 发了宣传折页100份", "publicity"),
        ("今天在江口村为妇女免费两癌筛查 筛查了60人", "clinic"),
    ],
)
def test_youth_is_youth_health_education_not_an_audience(text: str, kind: str) -> None:
    assert classify_kind(text) == kind


def test_households_are_named_by_the_kind_visited(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    card = talk("11月12日在江口村开展了计生家庭走访，走访了9户", "2026-11-20 10:00")
    assert "计生家庭9户" in card
    assert "已登记" in talk("对", "2026-11-20 10:01")
    assert _items(services) == [("计生家庭", 9, "户")]


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("给计生特殊家庭送温暖 一共慰问了5户", [("计生特殊家庭", 5, "户")]),
        ("为计生特殊家庭开展心理疏导，服务18户", [("计生特殊家庭", 18, "户")]),
        ("为计生特殊家庭上门送医6户", [("计生特殊家庭", 6, "户")]),
        ("今天在文竹村入户走访了8户", [("入户走访", 8, "户")]),
        ("家庭健康指导员入户走访 走访了10户", [("入户走访", 10, "户")]),
        ("举办3场讲座，参加群众160余人次", [("讲座", 3, "场"), ("群众", 160, "人次")]),
        ("共举办讲座3场", [("讲座", 3, "场")]),
        ("本月上旬在杨家山社区办了三场健康讲座", [("健康讲座", 3, "场")]),
        ("举办了2次培训", [("培训", 2, "次")]),
        ("搞了一场讲座 来了40人", []),
    ],
)
def test_household_and_session_items(text: str, items: list[tuple[str, int, str]]) -> None:
    assert [(i.name, i.quantity, i.unit) for i in extract_items(text)] == items


def test_sessions_counted_are_saved_as_items(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    card = talk("今天在江口村举办3场讲座 来了60人", "2026-11-20 10:00")
    assert "讲座3场" in card and "60人" in card
    assert "已登记" in talk("对", "2026-11-20 10:01")
    assert _items(services) == [("讲座", 3, "场")]


@pytest.mark.parametrize(
    ("correction", "field", "want"),
    [
        ("日期和人数都错了 是昨天 35人", "both", (19, 35)),
        ("12人不对 后来又来了3个 一共15人", "participants", 15),
        ("少了 是52个人 我打反了", "participants", 52),
        ("人数不是45 刚才看错了 45是宣传册的数 人是38个", "participants", 38),
        ("45人是错的 15人", "participants", 15),
        ("不对 日期错了 因为昨天我去镇里开会了 是前天开的", "date", 18),
        ("地点搞错了，是在文竹村", "place", "文竹村"),
        ("地点错了 江口村的是上周搞的 今天是在文竹村", "place", "文竹村"),
        ("错了错了 是前天在文竹村搞的 我们两个组一起 来了23个", "both", (18, 23)),
    ],
)
def test_corrections_with_explanations_change_what_they_say(
    services: Services,
    talk: Callable[[str, str], str],
    correction: str,
    field: str,
    want: object,
) -> None:
    talk("今天在江口村搞了会员活动 来了45人 发了宣传册45本", "2026-11-20 10:00")
    fixed = talk(correction, "2026-11-20 10:01")
    assert "已修改" in fixed
    assert "已登记" in talk("对", "2026-11-20 10:02")
    [record] = saved_records(services)
    if field == "both":
        assert (record.date_start.day, record.participants) == want
    elif field == "participants":
        assert record.participants == want
    elif field == "date":
        assert record.date_start.day == want
    else:
        assert record.place == want


def test_an_item_said_to_be_wrong_is_never_renamed_to_the_complaint(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("今天在江口村搞宣传 来了30人 发资料100份", "2026-11-20 10:00")
    assert "错的" not in talk("资料是错的", "2026-11-20 10:01")
    renamed = talk("资料写错了 是宣传册", "2026-11-20 10:02")
    assert "宣传册100份" in renamed
    assert "已登记" in talk("对", "2026-11-20 10:03")
    assert _items(services) == [("宣传册", 100, "份")]


def test_an_item_not_done_is_removed_and_the_type_read_again(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    card = talk("今天在江口村入户走访计生特殊家庭6户 办了关爱保险8份", "2026-11-27 10:00")
    assert "关爱保险" in card
    fixed = talk("保险没办成 明天再去 把保险去掉", "2026-11-27 10:01")
    assert "已修改" in fixed and "关爱保险8份" not in fixed and "入户走访慰问" in fixed
    assert "已登记" in talk("对", "2026-11-27 10:02")
    [record] = saved_records(services)
    assert record.kind == "visit"
    assert _items(services) == [("计生特殊家庭", 6, "户")]


def test_a_value_said_outright_with_more_corrects_the_card(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("昨天在我们村办关爱保险15份", "2026-11-29 10:00")
    fixed = talk("是前天 还发了宣传资料40份", "2026-11-29 10:01")
    assert "已修改" in fixed and "第2条" not in fixed
    assert "已登记" in talk("对", "2026-11-29 10:02")
    [record] = saved_records(services)
    assert record.date_start.day == 27
    assert _items(services) == [("关爱保险", 15, "份"), ("宣传资料", 40, "份")]


def test_another_activity_the_same_day_is_no_duplicate_and_can_be_undone(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("今天在江口村开小组会 来了14人", "2026-11-22 11:00")
    talk("对", "2026-11-22 11:00")
    second = talk("今天在江口村发环保袋30个", "2026-11-22 11:10")
    assert "已经登记过了" not in second and "环保袋30个" in second
    assert "已登记" in talk("对", "2026-11-22 11:10")
    assert len(saved_records(services)) == 2
    assert "已撤销" in talk("撤销", "2026-11-22 11:12")
    [left] = saved_records(services)
    assert (left.kind, left.participants) == ("member", 14)
    # the same report sent again is still one record
    talk("今天在江口村开小组会 来了14人", "2026-11-22 11:20")
    assert len(saved_records(services)) == 1


def test_a_question_about_correcting_does_not_hold_the_confirmation(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("今天在江口村发放避孕药具40盒", "2026-11-08 10:00")
    talk("报错了怎么改", "2026-11-08 10:01")
    assert "已登记" in talk("对", "2026-11-08 10:02")


def test_yesterdays_activity_is_undone_the_next_day_by_name(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("今天在江口村开展青春健康讲座 来了50人", "2026-11-23 18:00")
    talk("对", "2026-11-23 18:01")
    assert "已撤销" in talk("昨天那个活动不要了 撤销", "2026-11-24 09:00")
    assert saved_records(services) == []


@pytest.mark.parametrize(
    ("text", "date", "place", "items"),
    [
        ("2號喺沙头社区開咗會員大會 嚟咗65人", (11, 2), "沙头社区", []),
        ("今日响袁山贝村开小组会 嚟咗十二个人", (11, 30), "袁山贝村", []),
        ("寻晚喺袁山贝村文化室搞咗防艾讲座 有三十几人嚟听", (11, 29), "袁山贝村", []),
        ("今日喺沙头社区探访独居老人 行咗10户", (11, 30), "沙头社区", [("独居老人", 10, "户")]),
        (
            "上个月尾喺沙头社区做咗入户宣传 行咗25户",
            (10, 21),
            "沙头社区",
            [("入户宣传", 25, "户")],
        ),
        (
            "上周三在石宝镇满都拉嘎查入户走访了6户牧民 送了6件棉大衣",
            (11, 25),
            "满都拉嘎查",
            [("牧民", 6, "户"), ("棉大衣", 6, "件")],
        ),
        (
            "今日喺袁山贝村搞咗关爱保险宣传 办咗关爱保险25份 收保费1250蚊",
            (11, 30),
            "袁山贝村",
            [("关爱保险", 25, "份"), ("保费", 1250, "元")],
        ),
        (
            "1月20日，博白县计生协在博白镇走访慰问计生特殊家庭35户，送去慰问金17500元，"
            "并为其中20户家庭办理了关爱保险20份。",
            (1, 20),
            "博白镇",
            [("计生特殊家庭", 35, "户"), ("慰问金", 17500, "元"), ("关爱保险", 20, "份")],
        ),
        (
            "2月9日，灵山县计生协在三海社区走访慰问计生特殊家庭18户，为每户送去慰问金500元，共计9000元。",
            (2, 9),
            "三海社区",
            [("计生特殊家庭", 18, "户"), ("慰问金", 9000, "元")],
        ),
        (
            "今天西斗铺村重阳敬老活动 来了老人28个 每人发了一条围裙 共28条",
            (11, 30),
            "西斗铺村",
            [("围裙", 28, "条")],
        ),
    ],
)
def test_reports_in_dialect_traditional_characters_and_rates(
    text: str, date: tuple[int, int], place: str, items: list[tuple[str, int, str]]
) -> None:
    from datetime import datetime

    from handlers.activity.parser import parse_reports

    [draft] = parse_reports(text, datetime(2026, 11, 30, 20, 0), None)
    assert draft.date is not None
    assert (draft.date.start.month, draft.date.start.day) == date
    assert draft.place == place
    assert [(i.name, i.quantity, i.unit) for i in draft.items] == items


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("11月上旬在红格尔塔拉嘎查开展入户宣传，共走访牧户26户，发放宣传册80本", "visit"),
        ("今天在沙头村搞了入户宣传 参加的有18人 派了环保袋50个", "publicity"),
        ("今天在活动室给会员讲孕前优生知识 来了18人 发宣传册40本", "lecture"),
        ("今天那满村小祖会到会9人 讲了育儿补贴政策", "member"),
    ],
)
def test_door_to_door_talks_and_typed_slips_kind(text: str, kind: str) -> None:
    assert classify_kind(text) == kind


@pytest.mark.parametrize(
    "question",
    [
        "走访8户的话是写8户还是写8人",
        "入户走访8户算一次活动还是8次",
        "下周四百灵庙镇计生协开培训 各嘎查派2人参加",
        "通知：12月10日上午在固阳县计生协会议室召开小组长培训会，请各镇派2人参加",
        "今个月仲有冇宣传册可以领呀",
    ],
)
def test_questions_and_notices_make_no_card(
    services: Services, talk: Callable[[str, str], str], question: str
) -> None:
    reply = talk(question, "2026-11-30 10:00")
    assert "请核对" not in reply
    talk("对", "2026-11-30 10:01")
    assert saved_records(services) == []


@pytest.mark.parametrize(
    ("correction", "items"),
    [
        ("还有那个量血压的 80多人次", [("测血糖", 90, "人次"), ("量血压", 80, "人次")]),
        ("还有30本宣传册没写", [("宣传册", 30, "本"), ("测血糖", 90, "人次")]),
        ("测血糖是别人测的 不算", []),
        ("另外量血压也量了80多人次", [("测血糖", 90, "人次"), ("量血压", 80, "人次")]),
    ],
)
def test_more_additions_and_a_thing_done_by_others(
    services: Services,
    talk: Callable[[str, str], str],
    correction: str,
    items: list[tuple[str, int, str]],
) -> None:
    talk("今天在江口村搞义诊 测血糖90多人次 来了70多人", "2026-10-09 20:00")
    assert "已修改" in talk(correction, "2026-10-09 20:01")
    assert "已登记" in talk("对", "2026-10-09 20:02")
    assert _items(services) == items


@pytest.mark.parametrize(
    ("correction", "day", "people"),
    [("改到前天", 18, 45), ("人数多写了一个0 是45", 20, 45), ("多打了个0 是45人", 20, 45)],
)
def test_moved_to_and_a_zero_too_many(
    services: Services, talk: Callable[[str, str], str], correction: str, day: int, people: int
) -> None:
    talk("今天在江口村开了会员活动 来了450人", "2026-11-20 10:00")
    if people == 45 and day == 18:
        talk("人数是45", "2026-11-20 10:00")
    assert "已修改" in talk(correction, "2026-11-20 10:01")
    assert "已登记" in talk("对", "2026-11-20 10:02")
    [record] = saved_records(services)
    assert (record.date_start.day, record.participants) == (day, people)


def test_a_change_waiting_for_its_card_is_not_lost_by_a_confirmation(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("11月3日在江口村开小组会 到了16人；11月9日在文竹村义诊 测血压70人次", "2026-11-20 10:00")
    assert "哪一条" in talk("人数是20", "2026-11-20 10:01")
    talk("对", "2026-11-20 10:02")
    again = talk("都对", "2026-11-20 10:03")
    assert "还没保存" in again and "都对" in again and saved_records(services) == []
    talk("都对", "2026-11-20 10:04")
    assert sorted(r.participants or 0 for r in saved_records(services)) == [0, 16]


@pytest.mark.parametrize(
    "keep", ["算了 就按原来的存吧", "不改了 就这样", "按原来的保存", "原来的就对"]
)
def test_keeping_the_card_as_it_is_saves_it(
    services: Services, talk: Callable[[str, str], str], keep: str
) -> None:
    talk("今天在江口村搞了优生优育宣传，来了45人，发资料120份", "2026-11-20 10:00")
    talk("资料改成那个 80几", "2026-11-20 10:01")
    assert "已登记" in talk(keep, "2026-11-20 10:02")  # said outright: no second question
    [record] = saved_records(services)
    assert record.participants == 45
    assert _items(services) == [("资料", 120, "份")]


@pytest.mark.parametrize(
    "text",
    [
        "1月20日，博白县计生协组织工作人员深入博白镇开展春节前走访慰问活动，共走访慰问计生特殊家庭35户，"
        "送去慰问金17500元，并为其中20户家庭办理了关爱保险20份。",
        "10月29日，平马镇计生协组织志愿者深入四平村，走访慰问计生特殊家庭12户，送去慰问品12份，"
        "并为村里老人免费测量血压80余人次。",
        "8月上旬，平南县计生协组织会员志愿者在平南街道开展防暑降温慰问，共慰问计生困难家庭32户。",
    ],
)
def test_what_was_also_done_does_not_make_the_type(text: str) -> None:
    assert classify_kind(text) == "visit"


@pytest.mark.parametrize("affirm", ["人数没错", "日期对的", "资料是对的", "日期没错 人数也对"])
def test_a_value_said_to_be_right_changes_nothing_and_holds_nothing(
    services: Services, talk: Callable[[str, str], str], affirm: str
) -> None:
    talk("今天在江口村开了会员活动 来了45人 发资料100份", "2026-11-20 10:00")
    kept = talk(affirm, "2026-11-20 10:01")
    assert "没有改" in kept and "没看懂" not in kept
    assert "已登记" in talk("对", "2026-11-20 10:02")
    [record] = saved_records(services)
    assert record.participants == 45


def test_right_and_the_count_is_right_saves(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("今天在江口村开了会员活动 来了45人 发资料100份", "2026-11-20 10:00")
    assert "已登记" in talk("对的 人数没问题", "2026-11-20 10:01")
