"""Hand-off: coordinator answers, relays to app and 微信客服 askers, drafts, "人工", privacy."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from handlers import handoff
from handlers.core.messages import Channel, IncomingMessage, Role, Target, TargetKind
from handlers.core.router import Router
from handlers.core.services import Context, Services
from handlers.profiles import forget, remember_region, remembered_region
from knowledge.base import KnowledgeStore
from knowledge.matcher import Segmenter
from knowledge.regions import Region
from tests.conftest import add_member, faq_router, text_message, texts

FIXTURE = Path(__file__).parent / "data" / "kb_fixture"


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter()


@pytest.fixture
def kb_services(services: Services, segmenter: Segmenter, tmp_path: Path) -> Services:
    directory = tmp_path / "kb"
    shutil.copytree(FIXTURE, directory)
    services.knowledge = KnowledgeStore(directory, segmenter=segmenter)
    return services


@pytest.fixture
def router() -> Router:
    return faq_router()


def send(router: Router, services: Services, user: str, text: str, **kw: Any) -> Any:
    return router.dispatch(text_message(user, text, **kw), services)


def kf_message(user: str, text: str) -> IncomingMessage:
    return IncomingMessage(user_id=user, text=text, channel=Channel.KF, account="wkKF01")


def test_create_ticket_is_reusable_and_records_the_kf_account(kb_services: Services) -> None:
    remember_region(kb_services.engine, "kf", "ext-1", Region("内蒙古", "包头市"))
    ctx = Context(services=kb_services, message=kf_message("ext-1", "问题"), member=None)
    kb = kb_services.knowledge.current()  # type: ignore[union-attr]
    ticket = handoff.create_ticket(ctx, "包头有啥补贴", [kb.by_id["t1.subsidy.amount.baotou"]])
    assert ticket.id == 1
    stored = handoff.get_ticket(kb_services.engine, 1)
    assert stored is not None
    assert (stored.channel, stored.account, stored.region) == ("kf", "wkKF01", "内蒙古/包头市")
    assert stored.candidate_ids == ["t1.subsidy.amount.baotou"]


def test_coordinator_reply_is_relayed_to_a_kf_asker(router: Router, kb_services: Services) -> None:
    add_member(kb_services, "coord", Role.COORDINATOR, region=("内蒙古",), on_duty=True)
    remember_region(kb_services.engine, "kf", "ext-2", Region("内蒙古", "包头市"))
    router.dispatch(kf_message("ext-2", "人工"), kb_services)
    asked = router.dispatch(kf_message("ext-2", "孩子上户口要带什么"), kb_services)
    forwarded = [r for r in asked.replies if r.to is not None]
    assert forwarded[0].to == Target.user("coord")
    assert "【转人工 编号1】来自微信客服的群众，地区：内蒙古/包头市" in forwarded[0].text
    answered = send(router, kb_services, "coord", "回复 1 请带户口本到镇卫生院办理")
    relayed = [r for r in answered.replies if r.to is not None]
    assert relayed[0].to == Target(TargetKind.KF, ("ext-2",), account="wkKF01")
    assert "关于您问的“孩子上户口要带什么”，协会工作人员答复：\n请带户口本到镇卫生院办理" in (
        relayed[0].text
    )
    own = [r for r in answered.replies if r.to is None]
    assert "入库 1" in own[0].text
    ticket = handoff.get_ticket(kb_services.engine, 1)
    assert ticket is not None and ticket.status == "answered" and ticket.answered_by == "coord"


def test_reply_to_an_app_asker_uses_message_send(router: Router, kb_services: Services) -> None:
    add_member(kb_services, "coord", Role.COORDINATOR, region=("广西",), on_duty=True)
    add_member(kb_services, "fam", Role.FAMILY)
    send(router, kb_services, "fam", "村里的路灯坏了找谁修")
    answered = send(router, kb_services, "coord", "回复 1 找村委会")
    assert [r.to for r in answered.replies if r.to] == [Target.user("fam")]


def test_only_staff_may_answer_and_unknown_numbers_are_explained(
    router: Router, kb_services: Services
) -> None:
    add_member(kb_services, "vol", Role.VOLUNTEER)
    add_member(kb_services, "coord", Role.COORDINATOR)
    refused = send(router, kb_services, "vol", "回复 1 随便说说")
    assert refused.outcome == "refused"
    assert "只有协会工作人员" in texts(refused.replies)
    missing = send(router, kb_services, "coord", "回复 99 内容")
    assert "找不到编号 99" in texts(missing.replies)


def test_draft_goes_to_pending_yaml_and_not_into_answers(
    router: Router, kb_services: Services
) -> None:
    add_member(kb_services, "coord", Role.COORDINATOR, region=("广西",), on_duty=True)
    add_member(kb_services, "fam", Role.FAMILY)
    send(router, kb_services, "fam", "村里的路灯坏了找谁修")
    early = send(router, kb_services, "coord", "入库 1")
    assert "还没有答复" in texts(early.replies)
    send(router, kb_services, "coord", "回复 1 找村委会")
    done = send(router, kb_services, "coord", "入库 1")
    assert "存为知识库草稿" in texts(done.replies)
    # what staff read names no file and no command line
    assert not any(w in texts(done.replies) for w in ("yaml", "xiehui", "kb check"))
    store = kb_services.knowledge
    assert store is not None
    data = yaml.safe_load((store.directory / "pending.yaml").read_text(encoding="utf-8"))
    draft = data["entries"][0]
    assert draft["id"] == "pending.ticket-1"
    assert draft["questions"] == ["村里的路灯坏了找谁修"]
    assert draft["answer"].strip() == "找村委会"
    assert draft["region"] == "广西"
    assert "pending.ticket-1" not in store.current().by_id
    ticket = handoff.get_ticket(kb_services.engine, 1)
    assert ticket is not None and ticket.drafted


def test_human_after_an_unsure_answer_carries_the_question(
    router: Router, kb_services: Services
) -> None:
    from knowledge.matcher import Params

    add_member(kb_services, "coord", Role.COORDINATOR, region=("广西",), on_duty=True)
    add_member(kb_services, "fam", Role.FAMILY)
    store = kb_services.knowledge
    assert store is not None
    store.current().matcher.params = Params(margin=0.2, clear=1.5)
    send(router, kb_services, "fam", "叶酸")
    result = send(router, kb_services, "fam", "转人工")
    assert result.handler == "handoff.human"
    forwarded = next(r for r in result.replies if r.to is not None)
    assert "问题：叶酸" in forwarded.text
    assert "机器人猜测的相关条目：" in forwarded.text


def test_nobody_on_duty_is_said_honestly_and_stays_queued(
    router: Router, kb_services: Services
) -> None:
    router.dispatch(kf_message("ext-3", "人工"), kb_services)
    result = router.dispatch(kf_message("ext-3", "我家的关爱保险理赔卡住了"), kb_services)
    assert all(r.to is None for r in result.replies)
    assert "现在没有工作人员值班" in texts(result.replies)
    tickets = handoff.list_tickets(kb_services.engine)
    assert [(t.asker_id, t.status) for t in tickets] == [("ext-3", "open")]


def test_forget_erases_the_remembered_region(kb_services: Services) -> None:
    remember_region(kb_services.engine, "kf", "ext-4", Region("广东", "深圳市"))
    assert forget(kb_services.engine, "kf", "ext-4") is True
    assert remembered_region(kb_services.engine, "kf", "ext-4").is_empty
    assert forget(kb_services.engine, "kf", "ext-4") is False


def test_bare_human_asks_for_the_question_before_a_ticket(
    router: Router, kb_services: Services
) -> None:
    add_member(kb_services, "coord", Role.COORDINATOR, region=("广西",), on_duty=True)
    add_member(kb_services, "fam", Role.FAMILY, region=("广西",))
    asked = send(router, kb_services, "fam", "人工")
    assert asked.handler == "handoff.human"
    assert "请先把您的问题发给我" in texts(asked.replies)
    assert all(r.to is None for r in asked.replies)
    assert handoff.list_tickets(kb_services.engine) == []
    # a thank-you is answered as itself; the next question goes to the coordinator
    assert send(router, kb_services, "fam", "好的").handler == "faq"
    result = send(router, kb_services, "fam", "叶酸吃到几个月")
    assert result.handler == "faq.to-person"
    forwarded = next(r for r in result.replies if r.to is not None)
    assert forwarded.to == Target.user("coord") and "问题：叶酸吃到几个月" in forwarded.text
    # the question after that is answered by the bot again
    assert send(router, kb_services, "fam", "叶酸吃到几个月").handler == "faq"


def test_human_twice_opens_a_ticket_without_a_question_that_never_becomes_knowledge(
    router: Router, kb_services: Services
) -> None:
    add_member(kb_services, "coord", Role.COORDINATOR, region=("广西",), on_duty=True)
    add_member(kb_services, "fam", Role.FAMILY, region=("广西",))
    send(router, kb_services, "fam", "人工")
    result = send(router, kb_services, "fam", "人工")
    forwarded = next(r for r in result.replies if r.to is not None)
    assert "对方没有说具体问题" in forwarded.text
    answered = send(router, kb_services, "coord", "回复 1 您好，请问有什么可以帮您")
    relayed = next(r for r in answered.replies if r.to is not None)
    assert relayed.text.startswith("协会工作人员答复您：") and "关于您问的" not in relayed.text
    refused = send(router, kb_services, "coord", "入库 1")
    assert "没有具体问题，不能加入知识库" in texts(refused.replies)
    store = kb_services.knowledge
    assert store is not None and not (store.directory / "pending.yaml").exists()


def test_a_ticket_with_the_old_placeholder_is_never_drafted(
    router: Router, kb_services: Services
) -> None:
    add_member(kb_services, "coord", Role.COORDINATOR, region=("广西",), on_duty=True)
    add_member(kb_services, "fam", Role.FAMILY, region=("广西",))
    ctx = Context(
        services=kb_services,
        message=text_message("fam", "人工"),
        member=kb_services.members.get("fam"),
    )
    handoff.create_ticket(ctx, handoff.PLACEHOLDER)
    send(router, kb_services, "coord", "回复 1 好的")
    refused = send(router, kb_services, "coord", "入库 1")
    assert "不能加入知识库" in texts(refused.replies)
