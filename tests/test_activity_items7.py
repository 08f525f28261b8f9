"""Items as county newsletters and phone reports write them: several things sharing one count
(宣传折页及环保袋各200份, 书包、文具各40份), a total after a per-household rate, a value after
the goods (药品价值2000余元), estimates written 逾/超过, people-times written 个人次, fees
collected (收缴保费), flowers counted in 枝, the capital numerals of formal prose, and counts of
people or classes said with 个 that are no things. Also: an activity whose quoted title holds a
time word (“…托起幸福明天”) and a Cantonese "not many came" (冇几多人) are still reports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from handlers.activity.intent import read_correction
from handlers.activity.parser import (
    classify_kind,
    extract_items,
    find_participants,
    parse_reports,
    reads_like_report,
)
from handlers.core.services import Services
from tests.conftest import beijing, saved_records


def _items(text: str) -> set[tuple[str, int, str, bool]]:
    return {(i.name, i.quantity, i.unit, i.approximate) for i in extract_items(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "发放宣传折页及环保袋各200份。",
            {("宣传折页", 200, "份", False), ("环保袋", 200, "份", False)},
        ),
        (
            "赠送书包、文具各40份",
            {("书包", 40, "份", False), ("文具", 40, "份", False)},
        ),
        (
            "发放控油壶、限盐勺各150个",
            {("控油壶", 150, "个", False), ("限盐勺", 150, "个", False)},
        ),
    ],
)
def test_things_listed_before_one_count_each_get_it(
    text: str, expected: set[tuple[str, int, str, bool]]
) -> None:
    assert _items(text) == expected


def test_a_list_without_each_gives_the_count_to_the_last_thing_only() -> None:
    # 宣传册、折页200份: how many 宣传册 is not said, so it gets no count
    assert _items("发了宣传册、折页200份") == {("折页", 200, "份", False)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "走访慰问困难计生家庭20户，为每户送上价值200元的慰问品，共计4000元。",
            {("困难计生家庭", 20, "户", False), ("慰问品", 4000, "元", False)},
        ),
        ("每人发了一条围裙 共28条", {("围裙", 28, "条", False)}),
        (
            "走访了八户然后呢顺便发了那个健康宣传资料每户两份一共十六份",
            {("走访", 8, "户", False), ("健康宣传资料", 16, "份", False)},
        ),
    ],
)
def test_a_total_after_a_rate_is_of_what_the_rate_was_of(
    text: str, expected: set[tuple[str, int, str, bool]]
) -> None:
    assert _items(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("发放药品价值2000余元", ("药品", 2000, "元", True)),
        ("共接诊群众逾三百人次", ("接诊群众", 300, "人次", True)),
        ("顺便帮老人量血压量了八个人次", ("量血压", 8, "人次", False)),
        ("收缴保费2040元", ("保费", 2040, "元", False)),
        ("送咗康乃馨四十枝", ("康乃馨", 40, "枝", False)),
        ("发明白纸一百伍十份", ("明白纸", 150, "份", False)),
    ],
)
def test_one_counted_thing_written_the_formal_or_spoken_way(
    text: str, expected: tuple[str, int, str, bool]
) -> None:
    assert _items(text) == {expected}


@pytest.mark.parametrize(
    "text",
    [
        "全校七年级12个班600余名学生参加",
        "人不多十五个",
        "到场青少年三十来个",
        "来的人估计有八十来个",
        "冇几多人 得十二个",
    ],
)
def test_people_or_classes_counted_with_ge_are_no_items(text: str) -> None:
    assert extract_items(text) == []


def test_a_visit_said_twice_with_a_filler_is_one_visit() -> None:
    assert _items("搞了一个入户走访啊走访了八户") == {("入户走访", 8, "户", False)}


SENT = datetime(2026, 11, 20, 10, 0)


def test_a_quoted_title_with_a_time_word_does_not_make_a_report_a_plan() -> None:
    text = (
        "7月3日，合浦县常乐镇计生协在常乐村开展“计生家庭保险 托起幸福明天”宣传活动，"
        "为计生家庭办理家庭综合保险68份，收缴保费2040元，接受群众咨询45人次。"
    )
    assert reads_like_report(text, SENT)
    [draft] = parse_reports(text, SENT)
    assert {(i.name, i.quantity, i.unit) for i in draft.items} == {
        ("家庭综合保险", 68, "份"),
        ("保费", 2040, "元"),
        ("咨询", 45, "人次"),
    }
    # the same time word outside a title still marks a plan
    assert not reads_like_report("明天在常乐村开展计生家庭保险宣传活动", SENT)


def test_cantonese_not_many_came_is_said_not_asked(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    card = talk(
        "今朝喺江口村搞咗健康知识讲座 冇几多人 派咗叶酸十二瓶 同埋折页廿份", "2026-11-21 17:00"
    )
    assert "叶酸12瓶" in card and "折页20份" in card
    assert "已登记" in talk("对", "2026-11-21 17:01")
    [record] = saved_records(services)
    assert record.place == "江口村"
    # 有冇 and a trailing 冇 still ask
    assert not reads_like_report("今朝江口村有冇搞讲座", SENT)


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("上周五在四那村搞了义诊 量血压有六十几个人次 来的人估计有八十来个", (80, True)),
        ("上周六在江口村开了会员会 人不多十五个 发资料三十份", (15, False)),
        ("今朝喺本村搞咗健康知识讲座 冇几多人 得十二个 派咗叶酸十二瓶", (12, False)),
    ],
)
def test_attendance_said_around_people_times_and_few_comers(
    text: str, count: tuple[int, bool]
) -> None:
    found = find_participants(text)
    assert found is not None and found[:2] == count


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "台山市计生协深入台城街道北坑村，走访慰问失独家庭4户、独生子女伤残家庭6户，"
            "并为上述家庭办理住院护理补贴保险10份。",
            "visit",
        ),
        ("昨天我们组走访慰问了4户计生特殊家庭 顺便帮老人量血压量了八个人次", "visit"),
        ("今天在江口村开展健康义诊，测血压80人次，同时发放宣传资料200份", "clinic"),
    ],
)
def test_what_was_done_besides_does_not_make_the_kind(text: str, kind: str) -> None:
    assert classify_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("在清泉村会员之家召开会员座谈会2场，共有86名会员参加。", ("座谈会", 2, "场")),
        ("举办主题班会4场，参与青少年120余人。", ("班会", 4, "场")),
        ("开设青春健康课程5节，共有140名学生参加。", ("课程", 5, "节")),
        ("开展生理卫生、自我保护等课程共10节，参加青少年45人。", ("课程", 10, "节")),
        ("共培训育龄群众两期，75人参加。", ("培训", 2, "期")),
        ("请了农技站的人来讲了两堂课", ("课", 2, "堂")),
    ],
)
def test_sessions_of_any_named_event_are_items(text: str, expected: tuple[str, int, str]) -> None:
    assert {(i.name, i.quantity, i.unit) for i in extract_items(text)} == {expected}


def test_a_session_named_by_its_place_in_the_day_is_no_item() -> None:
    assert extract_items("今天下午第3节课后在村部开会") == []


def test_a_sigh_and_a_run_on_correction_change_place_and_people(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    card = talk("今天下午在江口村开了个会员活动来了三十多个人", "2026-11-29 16:00")
    assert "30多人" in card
    fixed = talk("哎呀说错了不是江口村是在廉州镇那边开的人是二十多个", "2026-11-29 16:01")
    assert "廉州镇" in fixed and "20多人" in fixed and "呀" not in fixed.split("物品")[-1]
    assert "已登记" in talk("对", "2026-11-29 16:02")
    [record] = saved_records(services)
    assert (record.place, record.participants, record.participants_approx) == ("廉州镇", 20, True)


@pytest.mark.parametrize("text", ["是在廉州镇那边开的呀二十多个", "哦是二十多个"])
def test_a_correction_naming_no_thing_changes_no_item(text: str) -> None:
    correction = read_correction(text, beijing("2026-11-29 16:01"))
    assert not [c for c in correction.changes if c.field in ("item", "item_add")]
