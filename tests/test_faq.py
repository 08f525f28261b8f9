"""The FAQ routes through a real router, Redis and database, with the fixture knowledge base."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from handlers import handoff
from handlers.core.messages import Channel, Role, Target
from handlers.core.router import Router
from handlers.core.services import Services
from handlers.profiles import remembered_region
from knowledge.base import KnowledgeStore
from knowledge.matcher import Segmenter
from knowledge.regions import Region
from tests.conftest import add_member, faq_router, text_message, texts

FIXTURE = Path(__file__).parent / "data" / "kb_fixture"


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter()


@pytest.fixture
def kb_services(services: Services, segmenter: Segmenter) -> Services:
    services.knowledge = KnowledgeStore(FIXTURE, segmenter=segmenter)
    return services


@pytest.fixture
def router() -> Router:
    return faq_router()


def ask(router: Router, services: Services, user: str, text: str, **kw: Any) -> Any:
    return router.dispatch(text_message(user, text, **kw), services)


def test_confident_answer_for_the_members_region_with_source(
    router: Router, kb_services: Services
) -> None:
    add_member(kb_services, "v1", Role.VOLUNTEER, region=("内蒙古", "包头市", "青山区"))
    result = ask(router, kb_services, "v1", "生娃补贴多少钱")
    assert result.handler == "faq"
    text = texts(result.replies)
    assert text.startswith("包头市：")
    assert (
        "来源：中共中央办公厅、国务院办公厅《育儿补贴制度实施方案》（2025年7月）（更新于 2026-11）"
        in text
    )


def test_national_answer_then_region_reply_reanswers_and_is_remembered(
    router: Router, kb_services: Services
) -> None:
    first = texts(ask(router, kb_services, "fam", "产假能休几天", channel=Channel.KF).replies)
    assert first.startswith("全国：")
    assert "回复您所在的省份，如“广西”" in first
    second = ask(router, kb_services, "fam", "广西", channel=Channel.KF)
    assert second.handler == "faq.region"
    assert texts(second.replies).startswith("广西：在国家98天基础上增加产假60天")
    assert remembered_region(kb_services.engine, "kf", "fam") == Region("广西")
    # next time the remembered region is used without asking
    third = texts(ask(router, kb_services, "fam", "育儿补贴多少", channel=Channel.KF).replies)
    assert third.startswith("广西：")


def test_region_reply_without_an_offer_is_just_a_question(
    router: Router, kb_services: Services
) -> None:
    result = ask(router, kb_services, "v2", "广西")
    assert result.handler == "faq"


def test_unsure_lists_numbers_and_a_number_picks_one(
    router: Router, kb_services: Services, segmenter: Segmenter
) -> None:
    from knowledge.matcher import Params

    store = kb_services.knowledge
    assert store is not None
    store.current().matcher.params = Params(margin=0.2, clear=1.5)  # force the unsure path
    add_member(kb_services, "v3", Role.VOLUNTEER)
    listed = texts(ask(router, kb_services, "v3", "叶酸").replies)
    assert listed.startswith("您问的是不是下面这些？请回复序号：")
    lines = listed.splitlines()
    picked_question = lines[2].removeprefix("2. ")
    picked = ask(router, kb_services, "v3", "2")
    assert picked.handler == "faq.choice"
    kb = store.current()
    expected = next(e for e in kb.entries if e.questions[0] == picked_question)
    assert texts(picked.replies).startswith(expected.answer.strip())
    # the choice is used up: "2" again is not matched against the knowledge base
    again = ask(router, kb_services, "v3", "2")
    assert again.handler == "faq.stale-choice"
    assert "现在没有待选的问题" in texts(again.replies)


def test_family_question_not_found_goes_to_the_coordinator_on_duty(
    router: Router, kb_services: Services
) -> None:
    add_member(kb_services, "coord", Role.COORDINATOR, region=("广西",), on_duty=True)
    add_member(kb_services, "fam2", Role.FAMILY)  # 广西/北海市/...
    result = ask(router, kb_services, "fam2", "村里的路灯坏了找谁修")
    assert result.handler == "faq"
    mine = [r for r in result.replies if r.to is None]
    forwarded = [r for r in result.replies if r.to is not None]
    assert len(mine) == 1  # one message back to the asker
    assert "暂时答不上来" in mine[0].text
    assert "我可以回答" in mine[0].text
    assert "已帮您转给协会工作人员" in mine[0].text
    assert forwarded[0].to == Target.user("coord")
    assert "问题：村里的路灯坏了找谁修" in forwarded[0].text
    tickets = handoff.list_tickets(kb_services.engine)
    assert [(t.asker_id, t.status, t.forwarded_to) for t in tickets] == [
        ("fam2", "forwarded", "coord")
    ]


def test_volunteer_question_not_found_is_queued_not_forwarded(
    router: Router, kb_services: Services
) -> None:
    add_member(kb_services, "coord", Role.COORDINATOR, region=("广西",), on_duty=True)
    add_member(kb_services, "vol", Role.VOLUNTEER)
    result = ask(router, kb_services, "vol", "村里的路灯坏了找谁修")
    assert all(r.to is None for r in result.replies)
    assert "问题已记录（编号 1）" in texts(result.replies)
    assert handoff.list_tickets(kb_services.engine)[0].status == "open"


def test_greeting_thanks_and_illegal(router: Router, kb_services: Services) -> None:
    assert "协会助手" in texts(ask(router, kb_services, "u", "你好").replies)
    assert texts(ask(router, kb_services, "u", "谢谢").replies).startswith("不客气")
    refusal = texts(ask(router, kb_services, "u", "B超能看男女吗").replies)
    assert "法律明令禁止" in refusal
    assert handoff.list_tickets(kb_services.engine) == []  # nothing queued for these


def test_no_knowledge_base_still_answers_politely(router: Router, services: Services) -> None:
    add_member(services, "vol", Role.VOLUNTEER)
    result = ask(router, services, "vol", "产假多少天")
    assert "暂时答不上来" in texts(result.replies)


def test_an_answer_over_the_byte_limit_is_split(
    router: Router, kb_services: Services, tmp_path: Path, segmenter: Segmenter
) -> None:
    import shutil

    directory = tmp_path / "kb"
    shutil.copytree(FIXTURE, directory)
    path = directory / "t3_health.yaml"
    long_answer = "全国：" + "每天0.4毫克。" * 150  # about 2.6 KB
    path.write_text(
        path.read_text(encoding="utf-8").replace("全国：一般每天0.4毫克（1片）。", long_answer),
        encoding="utf-8",
    )
    kb_services.knowledge = KnowledgeStore(directory, segmenter=segmenter)
    add_member(kb_services, "v9", Role.VOLUNTEER)
    replies = ask(router, kb_services, "v9", "叶酸每天吃几片").replies
    assert len(replies) == 2
    assert all(len(r.text.encode("utf-8")) <= 2048 for r in replies)
    assert replies[-1].text.endswith("（更新于 2026-11）")


def test_the_registered_router_answers_from_the_real_knowledge_base(
    services: Services, segmenter: Segmenter
) -> None:
    from handlers.core.registry import build_router

    real = Path(__file__).resolve().parent.parent / "knowledge" / "data"
    services.knowledge = KnowledgeStore(real, segmenter=segmenter)
    router = build_router()
    names = [route.name for route in router.routes]
    assert names.index("handoff.reply") < names.index("faq") < names.index("fallback")
    assert names.index("faq") == len(names) - 2  # the FAQ is the last capability
    add_member(services, "v1", Role.VOLUNTEER, region=("内蒙古", "包头市"))
    text = texts(ask(router, services, "v1", "生二胎有补贴吗").replies)
    assert text.startswith("包头市：")
    assert "不能套用到包头" in text


def test_a_stray_confirmation_is_acknowledged_not_queued(
    router: Router, kb_services: Services
) -> None:
    add_member(kb_services, "fam9", Role.FAMILY)
    result = ask(router, kb_services, "fam9", "对")
    assert texts(result.replies) == "不客气！还有问题随时问我。"
    assert handoff.list_tickets(kb_services.engine) == []
