"""Single reports as the eighth tuning round found them: a city district as the place
(武鸣区计生协在区计生协会议室), a city ending in 屯 (扎兰屯市) that is no village, a long
Mongolian town name (巴拉嘎尔高勒镇), an activity held across several listed villages (the
township is the place), and a "听讲的有" (those who listened, not hearsay)."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.activity.dates import find_date
from handlers.activity.normalise import fold
from handlers.activity.parser import (
    classify_kind,
    extract_items,
    extract_place,
    find_participants,
    reads_like_report,
)
from tests.conftest import beijing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a district is a county-level place, found even with no village or town named
        ("10月中旬，武鸣区计生协在区计生协会议室举行助学金发放仪式，合计发放5.4万元。", "武鸣区"),
        # ... but never in front of a town it stands before
        ("昨天乌兰察布市集宁区新区街道计生协开展了婚育新风进社区活动", "新区街道"),
        # 辖区 / 城区 / 山区 are no districts
        ("今天在山区搞宣传 辖区群众来了30人", None),
        # 扎兰屯市 is a city: the community is the place
        ("10月9日，扎兰屯市高台子街道计生协在鲜卑社区开展健康义诊", "鲜卑社区"),
        # a Mongolian town name is long
        ("今天西乌旗巴拉嘎尔高勒镇搞那达慕计生宣传 牧民来了三百多", "巴拉嘎尔高勒镇"),
    ],
)
def test_districts_cities_and_long_town_names(text: str, expected: str | None) -> None:
    assert extract_place(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "3月下旬，合浦县廉州镇计生协先后在廉北社区、还珠社区开展宣传，参与群众逾500人。",
            "廉州镇",
        ),
        (
            "英德市英红镇计生协开展走访慰问活动，走访慰问红旗村、锦潭村等5个村的计生困难家庭",
            "英红镇",
        ),
        ("阳春市春城街道计生协先后在东湖社区等4个社区举办健康讲座4场", "春城街道"),
        # one village of the town: that village
        ("合浦县廉州镇计生协在廉北社区开展宣传，参与群众逾500人。", "廉北社区"),
    ],
)
def test_an_activity_across_several_villages_is_placed_in_their_town(
    text: str, expected: str
) -> None:
    assert extract_place(text) == expected


def test_those_who_listened_are_attendance_not_hearsay() -> None:
    sent = beijing("2026-07-08 12:00")
    assert reads_like_report("上周日在顺塔村搞了健康讲座 听讲的有七十几个 发了宣传扇一百把", sent)
    # 听讲 (Cantonese "heard that") before what someone else did is still hearsay
    assert not reads_like_report("听讲文竹村昨天搞了义诊 来了好多人", sent)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # who, came, how many: with or without a classifier, in Cantonese too
        ("昨天白音套海嘎查发宣传单五百张 环保袋五十个 群众来了八十多", (80, True)),
        ("今天在庆远镇中学搞青春期讲座两场学生参加三百多个", (300, True)),
        ("今日喺红旗村小学搞咗防艾宣传 派咗资料三百份 学生仔参加咗一百二十个", (120, False)),
        ("5号在本村发放计生药具 发了避孕套两百只 来领的人三十多", (30, True)),
        # Cantonese 四十零人 is forty-odd
        ("今晡日在大坝村委搞健康讲座 来咗四十零人", (40, True)),
        # 一共十个书包 counts bags, not people
        ("月初在古龙村走访了十户留守儿童家庭 每家一个书包 一共十个书包", None),
        # 一共十五个妈妈 still counts people
        ("昨天在汤坑村搞了母亲节活动 一共十五个妈妈", (15, False)),
    ],
)
def test_attendance_said_after_who_came(text: str, expected: tuple[int, bool] | None) -> None:
    found = find_participants(text)
    assert (found[:2] if found else None) == expected


def test_a_total_of_things_with_ge_is_an_item_and_a_bag_slip_is_a_bag() -> None:
    things = {
        (i.name, i.quantity, i.unit) for i in extract_items("走访了十户留守儿童家庭 一共十个书包")
    }
    assert ("书包", 10, "个") in things
    assert {(i.name, i.quantity, i.unit) for i in extract_items("发放洗衣粉二十三带")} == {
        ("洗衣粉", 23, "袋")
    }


def _items(text: str) -> set[tuple[str, int, str, bool]]:
    return {(i.name, i.quantity, i.unit, i.approximate) for i in extract_items(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a total after a rate is the total of what the rate was of, 合计 is no name
        (
            "为计生特殊家庭送去慰问品，共慰问11户，每户慰问品价值300元，合计3300元。",
            {("计生特殊家庭", 11, "户", False), ("慰问品", 3300, "元", False)},
        ),
        (
            "为全区计生困难家庭大学新生每人发放助学金3000元，合计发放5.4万元。",
            {("助学金", 54000, "元", False)},
        ),
        # a rate goes on through the things listed after it; the totals are the items
        (
            "共走访9户，每户送去煤炭1吨、棉被2床，合计煤炭9吨、棉被18床。",
            {("走访", 9, "户", False), ("煤炭", 9, "吨", False), ("棉被", 18, "床", False)},
        ),
        # 一户一桶 is a rate, not one household
        (
            "走访了七户计生家庭 送了七桶油 一户一桶",
            {("计生家庭", 7, "户", False), ("油", 7, "桶", False)},
        ),
    ],
)
def test_totals_and_rates(text: str, expected: set[tuple[str, int, str, bool]]) -> None:
    assert _items(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # paying out a claim hands out the money; the households are who got it
        (
            "现场为7户计生家庭兑现理赔金共计3.5万元，会员及群众60余人参加。",
            {("计生家庭", 7, "户", False), ("理赔金", 35000, "元", False)},
        ),
        (
            "并向3户出险家庭兑付理赔款共计1.2万元。",
            {("出险家庭", 3, "户", False), ("理赔款", 12000, "元", False)},
        ),
        # flowers in 束, couples in 对
        (
            "赠送康乃馨50束、健康礼包50份",
            {("康乃馨", 50, "束", False), ("健康礼包", 50, "份", False)},
        ),
        ("现场登记孕前检查夫妇28对。", {("孕前检查夫妇", 28, "对", False)}),
        # couples served are counted by the service
        ("为38对育龄夫妇提供地贫筛查咨询", {("地贫筛查咨询", 38, "对", False)}),
        # couples who came are attendance, 一对一 no count
        ("给新婚夫妇讲优生优育 来了八对夫妻十六个人", set()),
    ],
)
def test_claims_paid_flowers_and_couples(
    text: str, expected: set[tuple[str, int, str, bool]]
) -> None:
    assert _items(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("举办“新春健康讲座”2场，参加村民共计130人", {("讲座", 2, "场", False)}),
        ("昨天在新华村开了两次小组会 一共到了三十人", {("小组会", 2, "次", False)}),
        ("开展团体心理辅导2次", {("辅导", 2, "次", False)}),
    ],
)
def test_sessions_of_quoted_events_meetings_and_group_work(
    text: str, expected: set[tuple[str, int, str, bool]]
) -> None:
    assert _items(text) == expected


def test_who_visited_is_no_household_when_the_kind_was_named_before() -> None:
    text = "为计生特殊家庭开展心理健康疏导服务，组织心理咨询师入户走访13户"
    assert _items(text) == {("计生特殊家庭", 13, "户", False)}
    # no kind named: the visit itself, without who made it (as the labelling brief says)
    assert _items("组织家庭健康指导员入户走访10户") == {("入户走访", 10, "户", False)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # money said without 元 on a phone, and the bare total after it
        (
            "大前天在东苏嘎查给计生特殊家庭送温暖 去了三户 每户慰问金五百 一共一千五",
            {("计生特殊家庭", 3, "户", False), ("慰问金", 1500, "元", False)},
        ),
        (
            "寻日喺红旗村走访咗五户计生特殊家庭 送咗慰问金每户二百 总共一千",
            {("计生特殊家庭", 5, "户", False), ("慰问金", 1000, "元", False)},
        ),
        # with no money word, a bare total stays no item
        ("走访了五户计生特殊家庭 总共一千", {("计生特殊家庭", 5, "户", False)}),
        # what was handed over names the total after it
        (
            "刚才在团结村给两户计生家庭兑付保险理赔金 一共八千元",
            {("计生家庭", 2, "户", False), ("保险理赔金", 8000, "元", False)},
        ),
        # a verb right before the count: the thing is the one after it
        (
            "今天上午四平村宣传计生家庭保险办了十二份关爱保险收保费一千二百元",
            {("关爱保险", 12, "份", False), ("保费", 1200, "元", False)},
        ),
    ],
)
def test_phone_money_claims_and_things_after_the_verb(
    text: str, expected: set[tuple[str, int, str, bool]]
) -> None:
    assert _items(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # doors counted as the publicity's own count: publicity
        ("开展清明节移风易俗宣传，入户宣传110户，发放倡议书500份", "publicity"),
        ("下旬在东营子村搞了入户宣传26户", "publicity"),
        # households walked to after door-to-door publicity: a visit
        ("昨天下午到新丰村入户宣传优生优育 走了十二户 发资料十二份", "visit"),
        ("到木案村开展入户宣传，入户32户，发放资料100份", "visit"),
        # fund-raising, an association's activity, a lecture typed 讲坐
        ("在岗咀村开展“99公益日”募捐活动，共募集善款2.36万元", "other"),
        ("今天在白音套海嘎查开展计生协会活动，到会人数二十三 发放洗衣粉二十三带", "member"),
        ("今天在龙潭村办了讲坐 关于优生优育的 来了三十几人", "lecture"),
    ],
)
def test_kinds(text: str, expected: str) -> None:
    assert classify_kind(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 东镇 is a name: its 街道 and its 社区 are both named after it
        ("9月28日，信宜市东镇街道计生协组织会员在东镇社区开展中秋敬老活动", "东镇社区"),
        # 西乡塘区 is a district, no 乡
        ("11月3日，南宁市西乡塘区北湖街道计生协在北湖街道社区卫生服务中心举办讲座", "北湖街道"),
        # a one-character village right after its town
        ("前天古辣镇蔡村办关爱保险宣传 办了15份保险", "蔡村"),
        # 凤院村 is a village, though 院 ends many institutions
        ("广州市从化区江埔街道计生协联合街道卫生服务中心在江埔街道凤院村开展活动", "凤院村"),
        # a city when nothing smaller is named
        ("2月27日，兴宁市计生协召开全市会员小组长培训会，在市计生协会议室举行", "兴宁市"),
        ("钦州市钦南区计生协在尖山街道开展宣传", "尖山街道"),
        # 各社区 after a town is no district
        ("五华县计生协组织水寨镇各社区会员志愿者开展走访慰问困境儿童活动", "水寨镇"),
        # a 嘎查 written with 村 after it
        ("今天在白音嘎查村开会 来了20人", "白音嘎查村"),
    ],
)
def test_names_holding_place_words(text: str, expected: str) -> None:
    assert extract_place(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # who came, a few words, then a count that ends the clause
        (
            "昨天我们古楼村搞那个优生优育宣传咯 来了好多人 大概八十来个 发了两百多份资料",
            (80, True),
        ),
        ("今天红泥井村宣传 发了环保袋50个 宣传册两百本 来的人不少三十多个", (30, True)),
        ("11月6日江口村宣传 资料120份 环保袋30个 来人35", (35, False)),
        ("昨天在三隆村搞了个讲座 讲孕期保健的 来了孕妇和家属二十多个", (20, True)),
        ("昨天石化社区搞了国庆游园宣传 人好多 大概两百多 派咗资料500份", (200, True)),
        # families are no attendance: the people after them are
        ("共有65个家庭200余人参加，为参赛家庭发放环保袋65个", (200, True)),
        # a count followed by a thing is not who came, nor are those who ran it
        ("来了以后发了环保袋50个", None),
        ("今天义诊 来了镇卫生院的医生五个", None),
    ],
)
def test_attendance_a_few_words_after_who_came(
    text: str, expected: tuple[int, bool] | None
) -> None:
    found = find_participants(text)
    assert (found[:2] if found else None) == expected


def test_families_who_came_are_no_item_but_a_family_health_pack_is() -> None:
    assert _items("共有65个家庭200余人参加，发放环保袋65个") == {("环保袋", 65, "个", False)}
    assert _items("发放5个家庭健康包") == {("家庭健康包", 5, "个", False)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a count in a village's name is no count
        ("在怀朔镇三元成村开展宣传活动，发放宣传单800份", {("宣传单", 800, "份", False)}),
        # members recruited
        ("到会会员23人，发展新会员5名。", {("新会员", 5, "名", False)}),
        ("到会会员96人，新发展会员12名。", {("新发展会员", 12, "名", False)}),
        # households visited, named by who lives there or left unnamed
        ("今日去凤院村探访计生特殊家庭 探咗七户", {("计生特殊家庭", 7, "户", False)}),
        (
            "今日同社工喺和平社区入户探访咗十户人家 派咗十份慰问品",
            {("入户探访", 10, "户", False), ("慰问品", 10, "份", False)},
        ),
        ("今天在查干淖尔嘎查入户走访牧民 走了六户 路远得很", {("牧民", 6, "户", False)}),
        # sessions of an event whose quoted title is long
        (
            "举办两期“青春健康同伴教育”主持人培训班，发放培训教材58套",
            {("青春健康同伴教育主持人培训班", 2, "期", False), ("培训教材", 58, "套", False)},
        ),
    ],
)
def test_names_recruits_and_visited_homes(
    text: str, expected: set[tuple[str, int, str, bool]]
) -> None:
    assert _items(text) == expected


def test_a_work_plan_with_quotas_is_no_report() -> None:
    sent = beijing("2026-10-08 09:00")
    plan = "2026年第四季度工作安排：走访计生特殊家庭不少于20户，举办健康讲座2场，办理关爱保险100份"
    assert not reads_like_report(plan, sent)
    # a meeting that adopted its year's plan is a report
    held = "4月2日，固阳县金山镇红泥井村计生协召开会员大会，参加会员68名，审议通过了年度工作计划。"
    assert reads_like_report(held, beijing("2026-04-03 09:00"))


@pytest.mark.parametrize(
    ("text", "sent", "expected"),
    [
        # the day named for what it is, or looked forward to, is not the activity's
        (
            '12月1日是第39个"世界艾滋病日"，11月28日，钦南区计生协在新兴社区开展防艾宣传活动',
            "2026-12-02 09:00",
            date(2026, 11, 28),
        ),
        (
            "为迎接12月1日世界艾滋病日，11月30日石寨镇计生协联合镇中学开展防艾知识讲座",
            "2026-12-02 09:00",
            date(2026, 11, 30),
        ),
        # ... but a day alone is the day
        ("12月1日在新兴社区开展防艾宣传 来了50人", "2026-12-02 09:00", date(2026, 12, 1)),
        # days the association marks, said as the day it happened on
        ("5·29会员日那天在村委会搞活动 来了一百多人", "2026-06-01 09:00", date(2026, 5, 29)),
        ("世界人口日嗰日喺紫城镇中心广场摆摊宣传", "2026-07-13 09:00", date(2026, 7, 11)),
    ],
)
def test_reference_days_and_marked_days(text: str, sent: str, expected: date) -> None:
    found = find_date(text, beijing(sent))
    assert found is not None
    assert found[0].start == found[0].end == expected


def test_a_rate_said_one_household_one_bag_counts_nothing_and_the_total_names_the_homes() -> None:
    assert _items("给困难户送了米 一户一袋 一共十户") == {("困难户", 10, "户", False)}


@pytest.mark.parametrize(
    "text",
    [
        # what the records show, disputed
        "上个月我们村搞了三次活动 统计里只有两次",
        # a year ago, remembered
        "去年这个时候在江口村搞义诊来了200多人",
    ],
)
def test_disputed_records_and_memories_are_no_reports(text: str) -> None:
    assert not reads_like_report(text, beijing("2026-11-20 12:00"))


def test_a_report_compared_with_last_year_is_still_one() -> None:
    sent = beijing("2026-11-20 12:00")
    assert reads_like_report("昨天在江口村搞了义诊 来了200多人 比去年这个时候多", sent)


@pytest.mark.parametrize(
    "text",
    [
        # what those who came discussed or asked, what the sender forgot, "anyone could come"
        "昨天在文竹村开会 大家讨论保险怎么买 到会20人",
        "昨天在江口村宣传 大家都问补贴啥时候发 发资料100份",
        "今天江口村开会 来了二十几个 发了多少资料忘了 大概五十份",
        "今天在福禄村搞义诊 谁都可以来 来了一百多人",
    ],
)
def test_questions_inside_a_report_are_its_content(text: str) -> None:
    assert reads_like_report(text, beijing("2026-11-20 12:00"))


@pytest.mark.parametrize(
    "text", ["我想问一下明天在江口村开会吗", "谁来开会", "大家都问明天开会吗"]
)
def test_the_senders_own_questions_stay_questions(text: str) -> None:
    assert not reads_like_report(text, beijing("2026-11-20 12:00"))


def test_a_bag_typed_band_only_after_a_count() -> None:
    assert fold("发放洗衣粉二十三带") == "发放洗衣粉二十三袋"
    assert fold("在江口村这一带 发资料") == "在江口村这一带 发资料"


def test_a_measuring_verb_is_shared_by_the_measures_listed_after_it() -> None:
    assert _items("测血压、血糖各50人次") == {
        ("测血压", 50, "人次", False),
        ("测血糖", 50, "人次", False),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 和 right after 在 starts a Mongolian name; between two villages it joins them
        ("夜来在和日斯台嘎查给牧民发叶酸 发了二十六瓶", "和日斯台嘎查"),
        ("在和平村开会 来了20人", "和平村"),
        ("在江口村和文竹村发资料", "江口村"),
        # a 屯 before 社区 is part of the community's name
        ("上报：11月20日黄屋屯社区开展计生特殊家庭走访 走访了三户", "黄屋屯社区"),
        # 向阳 is a name, not "towards"; 向群众 still is
        ("11月10日，扎兰屯市高台子街道计生协在向阳社区开展冬季健康义诊", "向阳社区"),
        ("今天向群众发放资料 在石康社区", "石康社区"),
        # a numbered community keeps its street
        ("11月20日，昆都仑区少先路街道计生协在少先路第二社区举办讲座", "少先路第二社区"),
    ],
)
def test_place_names_that_begin_with_a_joining_word_or_hold_a_suffix(
    text: str, expected: str
) -> None:
    assert extract_place(text) == expected


def test_a_question_about_a_report_or_a_coming_meeting_is_no_report() -> None:
    sent = beijing("2026-11-20 10:00")
    # Cantonese "reported yet?", a meeting asked about in A-not-A form, 明儿 (tomorrow)
    assert not reads_like_report("琴日嗰个走访报咗未啊", sent)
    assert not reads_like_report("明儿个后晌艾不盖嘎查开会不开了", sent)
    assert not reads_like_report("江口村那个宣传搞不搞了", sent)
    # a report that says how the meeting went is still one
    assert reads_like_report("今天在江口村开会 来了20人 开得不错", sent)
