"""The same 20 questions asked from 广西, 广东, 包头 and from nowhere known: each answer is the
rule of the right region, and another region's rule is only given behind a note saying so."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.core.messages import Role
from handlers.core.router import Router
from handlers.core.services import Services
from knowledge.base import KnowledgeStore
from knowledge.matcher import FaqHit, Outcome, Segmenter
from tests.conftest import add_member, faq_router, text_message, texts

REAL = Path(__file__).resolve().parent.parent / "knowledge" / "data"
ASKERS: dict[str, tuple[str, ...]] = {
    "广西": ("广西", "北海市", "合浦县"),
    "广东": ("广东", "梅州市", "五华县"),
    "包头": ("内蒙古", "包头市", "青山区"),
    "": (),
}
GX, GD, NM, BT, QG = "广西", "广东", "内蒙古", "包头市", "全国"

#: question -> the region of the rule answered to an asker from 广西, 广东, 包头, nowhere.
EXPECTED: dict[str, tuple[str, str, str, str]] = {
    "产假能休多少天": (GX, GD, BT, QG),
    "男方陪产假有几天": (GX, GD, NM, QG),
    "育儿假一年几天": (GX, GD, BT, QG),
    "结婚有几天婚假": (GX, GD, NM, QG),
    "生孩子地方上有补贴吗": (GX, GD, BT, QG),
    "育儿补贴一年多少钱": (GX, GD, BT, QG),
    "计生保险有哪几种": (GX, GD, BT, QG),
    "计生保险一份多少钱": (GX, QG, BT, QG),  # no 广东-wide premium: the national answer
    "新生儿足跟血查什么病": (GX, GD, NM, QG),
    "地贫筛查是怎么回事": (GX, GD, NM, QG),
    "独生子女护理假有几天": (QG, GD, QG, QG),  # only 广东 has one on record
    "5·29会员活动日是什么日子": (GX, GD, BT, QG),
    "计生协有多少会员": (GX, GD, BT, QG),
    "加入计生协要走什么程序": (GX, QG, QG, QG),
    "叶酸一天吃多少": (QG, QG, QG, QG),
    "孩子出生多久要上户口": (QG, QG, QG, QG),
    # Guangxi association rules: Guangxi's, and said to be Guangxi's everywhere else
    "会员小组多少人一组": (GX, GX, GX, GX),
    "村计生协会长一般谁来当": (GX, GX, GX, GX),
    "微笑行动是什么项目": (GX, GX, GX, GX),
    # a question naming 广西 gets 广西's rule whoever asks
    "广西边境县能生第四个孩子吗": (GX, GX, GX, GX),
}


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter()


@pytest.fixture
def real_services(services: Services, segmenter: Segmenter) -> Services:
    services.knowledge = KnowledgeStore(REAL, segmenter=segmenter)
    for asker, region in ASKERS.items():
        if region:
            add_member(services, f"fam-{asker}", Role.FAMILY, region=region)
    return services


@pytest.fixture
def router() -> Router:
    return faq_router()


def test_twenty_questions_from_four_regions(router: Router, real_services: Services) -> None:
    assert len(EXPECTED) == 20
    wrong: list[str] = []
    for question, expected in EXPECTED.items():
        for asker, region in zip(ASKERS, expected, strict=True):
            user = f"fam-{asker}" if asker else "fam-unknown"
            result = router.dispatch(text_message(user, question), real_services)
            hit = result.extra.get("match")
            text = texts(result.replies)
            if not isinstance(hit, FaqHit) or hit.outcome is not Outcome.CONFIDENT:
                wrong.append(f"{question} [{asker or '-'}]: not answered")
                continue
            assert hit.entry is not None
            if hit.entry.region != region:
                wrong.append(f"{question} [{asker or '-'}]: {hit.entry.region}, not {region}")
            # another region's rule is announced before it is given
            own = {"广西": (GX,), "广东": (GD,), "包头": (NM, BT), "": ()}[asker]
            if region not in (QG, *own) and "广西" not in question:
                label = region.removesuffix("市")
                if not text.startswith(f"以下是{label}的规定"):
                    wrong.append(f"{question} [{asker or '-'}]: no note before {label}'s rule")
            # 包头 askers never get another city's figures (呼和浩特's subsidy)
            if asker == "包头":
                assert hit.entry.region != "呼和浩特市", question
    assert wrong == []


def test_a_guangxi_rule_for_a_baotou_asker_says_where_to_ask(
    router: Router, real_services: Services
) -> None:
    result = router.dispatch(text_message("fam-包头", "会员小组多少人一组"), real_services)
    text = texts(result.replies)
    assert text.startswith("以下是广西的规定，您所在的包头请咨询当地计生协。")
    assert "10—15名" in text


def test_marriage_leave_in_guangxi_is_not_inner_mongolias(
    router: Router, real_services: Services
) -> None:
    for user in ("fam-广西", "fam-广东"):
        text = texts(router.dispatch(text_message(user, "婚假几天"), real_services).replies)
        assert "15天" not in text
        assert "单位人事部门" in text
    text = texts(router.dispatch(text_message("fam-包头", "婚假几天"), real_services).replies)
    assert "15天" in text and "2016年版" in text
