"""The web console over HTTP: sign-in (link and WeCom OAuth), region scope by page and by
crafted URL or form, CSRF, escaping, the audit trail and the work done in the browser."""

from __future__ import annotations

import io
import logging
import re
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from redis import Redis
from sqlmodel import select

from bot.container import Runtime
from bot.web.app import create_app
from bot.web.console.web import RedactSecrets, redact_url
from bot.wecom.fakeapi import FakeWeCom
from handlers.activity.export import export
from handlers.activity.stats import month_stats
from handlers.broadcast import Broadcast
from handlers.core import audit
from handlers.core.db import session_scope, utcnow
from handlers.core.members import RegionPath
from handlers.core.messages import Role, Target
from handlers.core.outbox import OutboxMessage
from handlers.core.services import Services
from handlers.handoff import HandoffTicket, get_ticket
from handlers.signin import ConsoleSession, LoginCode, digest
from scheduler.models import Reminder
from tests.conftest import TEST_CORP, TEST_SECRET, add_member, make_settings, text_message
from tests.console_world import HEPU, World, build_world, csrf_of, sign_in


@pytest.fixture
def fake() -> Iterator[FakeWeCom]:
    with FakeWeCom(corp_id=TEST_CORP, secret=TEST_SECRET) as server:
        yield server


@pytest.fixture
def client(tmp_path: Path, redis: Redis, fake: FakeWeCom) -> Iterator[TestClient]:
    settings = make_settings(
        tmp_path, redis, XIEHUI_PUBLIC_URL="http://testserver", WECOM_API_BASE=fake.base_url
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def runtime_of(client: TestClient) -> Runtime:
    value: Runtime = client.app.state.runtime  # type: ignore[attr-defined]
    return value


@pytest.fixture
def services(client: TestClient) -> Services:
    return runtime_of(client).services


@pytest.fixture
def world(services: Services) -> World:
    return build_world(services, month=(services.now().year, services.now().month))


def signed_out(page: httpx.Response) -> bool:
    """The sign-in explanation, and nothing of anybody's data (the nav only shows signed in)."""
    return page.status_code == 200 and "登录工作台" in page.text and "tabs" not in page.text


def outbox_rows(services: Services, origin: str) -> list[OutboxMessage]:
    return services.outbox.by_origin(origin)


# -- signing in ------------------------------------------------------------------------------


def test_without_a_session_every_page_explains_how_to_get_a_link(
    client: TestClient, world: World
) -> None:
    for path in (
        "/console",
        "/console/",
        "/console/tickets",
        f"/console/tickets/{world.own.ticket}",
    ):
        page = client.get(path)
        assert signed_out(page)
        assert "发送“<b>工作台</b>”" in page.text and "登录链接" in page.text
    # no address-based trust and no token in the URL: the old ways in are gone
    assert signed_out(client.get("/console?token=anything"))
    assert signed_out(client.get("/console/", headers={"X-Console-Token": "x"}))
    assert signed_out(client.get("/console/", headers={"X-Forwarded-For": "127.0.0.1"}))
    post = client.post(f"/console/tickets/{world.own.ticket}/answer", data={"text": "hi"})
    assert post.status_code == 401
    assert get_ticket(runtime_of(client).services.engine, world.own.ticket).status == "forwarded"  # type: ignore[union-attr]


def test_the_chat_command_gives_staff_a_one_time_link(
    client: TestClient, services: Services, world: World
) -> None:
    router = runtime_of(client).router
    reply = (
        router.dispatch(text_message(world.own.coordinator, "工作台"), services).replies[0].text
    )
    link = re.search(r"(http://testserver/console/login\?code=\S+)", reply)
    assert link is not None and "10分钟" in reply and "只能用一次" in reply
    refused = router.dispatch(text_message(world.own.family, "工作台"), services)
    assert refused.outcome == "refused" and "只有协会工作人员和管理员" in refused.replies[0].text
    add_member(services, "blank", Role.COORDINATOR, region=())
    blank = router.dispatch(text_message("blank", "工作台"), services)
    assert blank.outcome == "refused" and "没有登记负责的地区" in blank.replies[0].text

    path = link.group(1).removeprefix("http://testserver")
    code = parse_qs(urlsplit(path).query)["code"][0]
    # opening the link shows a button and uses nothing up (a link preview cannot burn it)
    assert client.get(path).status_code == 200
    assert "进入工作台" in client.get(path).text
    response = client.post("/console/login", data={"code": code}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/console/"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/console" in cookie
    assert "Max-Age=43200" in cookie and "Secure" not in cookie
    page = client.get("/console/")
    assert page.status_code == 200 and "HP专干" in page.text
    assert re.match(r"app;dur=\d+\.\d", page.headers["server-timing"])
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    # single use
    again = TestClient(client.app)
    assert again.post("/console/login", data={"code": code}).status_code == 403
    assert again.get(path).status_code == 403
    # only hashes are stored
    with session_scope(services.engine) as session:
        assert session.get(LoginCode, digest(code)) is not None
        assert session.get(LoginCode, code) is None


def test_links_expire_and_sessions_end(
    client: TestClient, services: Services, world: World
) -> None:
    from handlers.core.permissions import Actor
    from handlers.signin import issue_code

    code = issue_code(services, Actor.of(services.members.get(world.own.coordinator)))  # type: ignore[arg-type]
    with session_scope(services.engine) as session:
        row = session.get(LoginCode, digest(code))
        assert row is not None
        row.expires_at = utcnow() - timedelta(seconds=1)
        session.add(row)
    assert client.post("/console/login", data={"code": code}).status_code == 403
    sign_in(client, services, world.own.coordinator)
    assert client.get("/console/").status_code == 200
    with session_scope(services.engine) as session:
        for row in session.exec(select(ConsoleSession)):
            row.expires_at = utcnow() - timedelta(seconds=1)
            session.add(row)
    assert signed_out(client.get("/console/"))


def test_a_roster_change_applies_to_an_open_session(
    client: TestClient, services: Services, world: World
) -> None:
    sign_in(client, services, world.own.coordinator)
    member = services.members.get(world.own.coordinator)
    assert member is not None
    member.role = Role.LEADER.value
    services.members.upsert(member)
    page = client.get("/console/")
    assert page.status_code == 403 and "只有协会工作人员和管理员" in page.text
    member.role, member.county = Role.COORDINATOR.value, ""
    member.province = member.city = ""
    services.members.upsert(member)
    page = client.get("/console/tickets")
    assert page.status_code == 403 and "没有登记负责的地区" in page.text


def test_sign_out_ends_the_session(client: TestClient, services: Services, world: World) -> None:
    sign_in(client, services, world.own.coordinator)
    token = csrf_of(client)
    assert client.post("/console/logout", data={"csrf": token}).status_code == 200
    assert signed_out(client.get("/console/"))
    with session_scope(services.engine) as session:
        assert list(session.exec(select(ConsoleSession))) == []


def test_secure_cookie_under_https(tmp_path: Path, redis: Redis) -> None:
    settings = make_settings(tmp_path, redis, XIEHUI_PUBLIC_URL="https://xiehui.example.org")
    with TestClient(create_app(settings), base_url="https://testserver") as https_client:
        services = runtime_of(https_client).services
        add_member(services, "c1", Role.COORDINATOR, region=HEPU)
        from handlers.core.permissions import Actor
        from handlers.signin import issue_code

        code = issue_code(services, Actor.of(services.members.get("c1")))  # type: ignore[arg-type]
        response = https_client.post("/console/login", data={"code": code}, follow_redirects=False)
        assert "Secure" in response.headers["set-cookie"]


# -- WeCom OAuth -----------------------------------------------------------------------------


@pytest.fixture
def wecom_client(tmp_path: Path, redis: Redis) -> Iterator[tuple[TestClient, FakeWeCom]]:
    with FakeWeCom(corp_id=TEST_CORP, secret=TEST_SECRET) as fake:
        settings = make_settings(
            tmp_path,
            redis,
            WECOM_API_BASE=fake.base_url,
            WECOM_OAUTH_BASE=fake.base_url,
            XIEHUI_PUBLIC_URL="http://testserver",
        )
        fake.agent_id = settings.wecom_agent_id
        with TestClient(create_app(settings)) as test_client:
            yield test_client, fake


def _through_wecom(client: TestClient, start: httpx.Response) -> httpx.Response:
    """Follow the authorize redirect the way the WeCom client does, back to our callback."""
    assert start.status_code == 302
    location = start.headers["location"]
    assert location.endswith("#wechat_redirect")
    query = parse_qs(urlsplit(location).query)
    assert query["scope"] == ["snsapi_base"] and query["appid"] == [TEST_CORP]
    back = httpx.get(location.removesuffix("#wechat_redirect"), follow_redirects=False)
    assert back.status_code == 302
    callback = back.headers["location"].removeprefix("http://testserver")
    return client.get(callback, follow_redirects=False)


def test_inside_wecom_the_home_page_signs_in_through_oauth(
    wecom_client: tuple[TestClient, FakeWeCom],
) -> None:
    client, fake = wecom_client
    services = runtime_of(client).services
    add_member(services, "zhao", Role.COORDINATOR, region=HEPU, name="赵专干")
    fake.oauth_user = "zhao"
    ua = {"User-Agent": "Mozilla/5.0 (iPhone) wxwork/4.1.20 MicroMessenger/7.0.1"}
    home = client.get("/console/tickets", headers=ua, follow_redirects=False)
    assert home.status_code == 302 and home.headers["location"].startswith("/console/oauth/start")
    start = client.get(home.headers["location"], follow_redirects=False)
    done = _through_wecom(client, start)
    assert done.status_code == 303 and done.headers["location"] == "/console/tickets"
    assert client.get("/console/tickets").status_code == 200
    assert len(fake.calls("/cgi-bin/auth/getuserinfo")) == 1


def test_oauth_refuses_outsiders_forged_states_and_replayed_codes(
    wecom_client: tuple[TestClient, FakeWeCom],
) -> None:
    client, fake = wecom_client
    services = runtime_of(client).services
    add_member(services, "fam", Role.FAMILY, region=HEPU)
    # someone outside the corp (WeCom answers with an openid)
    fake.oauth_user = None
    refused = _through_wecom(client, client.get("/console/oauth/start", follow_redirects=False))
    assert refused.status_code == 403 and "只有本单位企业微信里的成员" in refused.text
    # a member who is not staff
    fake.oauth_user = "fam"
    refused = _through_wecom(client, client.get("/console/oauth/start", follow_redirects=False))
    assert refused.status_code == 403 and "只有协会工作人员和管理员" in refused.text
    # a callback whose state was not issued to this browser
    code = fake.issue_oauth_code("fam")
    forged = TestClient(client.app).get(f"/console/oauth/callback?code={code}&state=abc123")
    assert forged.status_code == 403 and "不是从本页面发起" in forged.text
    # a code used twice
    add_member(services, "zhao", Role.COORDINATOR, region=HEPU)
    fake.oauth_user = "zhao"
    start = client.get("/console/oauth/start", follow_redirects=False)
    location = start.headers["location"].removesuffix("#wechat_redirect")
    callback = httpx.get(location, follow_redirects=False).headers["location"]
    callback = callback.removeprefix("http://testserver")
    assert client.get(callback, follow_redirects=False).status_code == 303
    replay = TestClient(client.app)
    replay.cookies.set(
        "xiehui_oauth", f"{parse_qs(urlsplit(callback).query)['state'][0]}|/console/"
    )
    assert replay.get(callback).status_code == 403


def test_sign_in_codes_never_reach_the_access_log(caplog: pytest.LogCaptureFixture) -> None:
    assert redact_url("/console/login?code=SECRET123") == "/console/login?code=***"
    assert (
        redact_url("/console/oauth/callback?code=abc&state=def&x=1")
        == "/console/oauth/callback?code=***&state=***&x=1"
    )
    assert redact_url("/wecom/callback?msg_signature=s&timestamp=1") == (
        "/wecom/callback?msg_signature=s&timestamp=1"
    )
    logger = logging.getLogger("uvicorn.access")
    assert any(isinstance(f, RedactSecrets) for f in logger.filters)
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        logger.info(
            '%s - "%s %s HTTP/%s" %d',
            "1.2.3.4:5",
            "GET",
            "/console/login?code=SECRET123",
            "1.1",
            200,
        )
    assert "SECRET123" not in caplog.text and "code=***" in caplog.text


# -- region scope ----------------------------------------------------------------------------


def test_pages_show_only_the_viewers_region(
    client: TestClient, services: Services, world: World
) -> None:
    sign_in(client, services, world.own.coordinator)
    month = f"{services.now().year:04d}-{services.now().month:02d}"
    pages = {
        "/console/": ("HP01",),
        f"/console/activities?month={month}": ("江口村", "HP组长1"),
        "/console/tickets": ("HP：独生子女",),
        "/console/roster": ("HP组长1",),
        "/console/roster?show=groups": ("HP01",),
        "/console/notices/new": ("HP01",),
    }
    for path, expected in pages.items():
        text = client.get(path).text
        for word in expected:
            if path != "/console/":
                assert word in text, (path, word)
        for foreign in ("YH0", "竹林村", "YH组长", "YH：", "银海区", "YH专干"):
            assert foreign not in text, (path, foreign)


def test_crafted_urls_and_forms_cannot_reach_another_county(
    client: TestClient, services: Services, world: World
) -> None:
    sign_in(client, services, world.own.coordinator)
    token = csrf_of(client)
    other = world.other
    for path in (
        f"/console/tickets/{other.ticket}",
        f"/console/activities/{other.record}",
        f"/console/photos/{other.photo}",
    ):
        page = client.get(path)
        assert page.status_code == 404, path
        assert "YH" not in page.text and "竹林村" not in page.text
    assert client.get(f"/console/photos/{world.own.photo}").content.startswith(b"\x89PNG")
    month = f"{services.now().year:04d}-{services.now().month:02d}"
    filtered = client.get(f"/console/activities?month={month}&township={other.township}").text
    assert "竹林村" not in filtered and "活动记录 <b>0</b>" in filtered
    xlsx = client.get(f"/console/activities.xlsx?month={month}&township={other.township}")
    book = load_workbook(io.BytesIO(xlsx.content))
    cells = " ".join(
        str(value) for sheet in book for row in sheet.iter_rows(values_only=True) for value in row
    )
    assert "竹林村" not in cells and "YH" not in cells and "江口村" not in cells

    answer = client.post(
        f"/console/tickets/{other.ticket}/answer", data={"csrf": token, "text": "抢答"}
    )
    assert answer.status_code == 404
    assign = client.post(
        f"/console/tickets/{other.ticket}/assign", data={"csrf": token, "assignee": "coord-hp"}
    )
    assert assign.status_code == 404
    assert get_ticket(services.engine, other.ticket).status == "forwarded"  # type: ignore[union-attr]
    assert outbox_rows(services, f"ticket:{other.ticket}") == []
    # assigning one's own ticket to the other county's coordinator is refused too
    refused = client.post(
        f"/console/tickets/{world.own.ticket}/assign",
        data={"csrf": token, "assignee": other.coordinator},
        headers={"Referer": f"http://testserver/console/tickets/{world.own.ticket}"},
    )
    assert "不负责编号" in refused.text
    doubt = client.post(
        f"/console/activities/{other.record}/doubt",
        data={"csrf": token, "doubtful": "1", "note": "?"},
    )
    assert "没有编号为" in doubt.text
    # a notice naming the other county's group
    preview = client.post(
        "/console/notices/preview",
        data={"csrf": token, "mode": "groups", "groups": other.group, "text": "开会"},
    )
    assert preview.status_code == 400 and "不在您负责的地区" in preview.text
    preview = client.post(
        "/console/notices/preview",
        data={"csrf": token, "mode": "township", "township": other.township, "text": "开会"},
    )
    assert preview.status_code == 400 and "不在您负责的地区" in preview.text
    assert client.post("/console/notices/confirm", data={"csrf": token}).status_code == 200
    with session_scope(services.engine) as session:
        assert list(session.exec(select(Broadcast))) == []
    # the other county's notice and reminder
    router = runtime_of(client).router
    router.dispatch(text_message(other.coordinator, f"通知 {other.group}：开会"), services)
    router.dispatch(text_message(other.coordinator, "确认发送"), services)
    router.dispatch(text_message(other.coordinator, "提醒 每月6日 9:10 上报"), services)
    with session_scope(services.engine) as session:
        notice = session.exec(select(Broadcast)).one()
        reminder = session.exec(
            select(Reminder).where(Reminder.created_by == other.coordinator)
        ).one()
    assert client.get(f"/console/notices/{notice.id}").status_code == 404
    assert (
        client.post(f"/console/notices/{notice.id}/withdraw", data={"csrf": token}).status_code
        == 404
    )
    assert "YH0" not in client.get("/console/notices").text
    assert "上报" not in client.get("/console/reminders").text.split("新建提醒")[0]
    for action in ("delete", "pause"):
        client.post(f"/console/reminders/{reminder.id}/{action}", data={"csrf": token})
    with session_scope(services.engine) as session:
        kept = session.get(Reminder, reminder.id)
        assert kept is not None and kept.enabled
    # crafted ids are not found, never a server error
    for path in (
        "/console/tickets/abc",
        "/console/tickets/99999999999999999999",
        "/console/activities/-1",
    ):
        assert client.get(path).status_code == 404
    assert client.get("/console/activities?month=2026-13&page=x").status_code == 200


def test_an_admin_without_a_region_sees_every_county(
    client: TestClient, services: Services, world: World
) -> None:
    add_member(services, "boss", Role.ADMIN, region=(), name="管理员")
    sign_in(client, services, "boss")
    tickets = client.get("/console/tickets").text
    assert "HP：" in tickets and "YH：" in tickets
    assert "全部地区" in client.get("/console/").text


# -- CSRF and escaping -----------------------------------------------------------------------


def test_forms_need_the_sessions_csrf_token_and_our_origin(
    client: TestClient, services: Services, world: World
) -> None:
    sign_in(client, services, world.own.coordinator)
    path = f"/console/tickets/{world.own.ticket}/answer"
    assert client.post(path, data={"text": "好"}).status_code == 403
    assert client.post(path, data={"text": "好", "csrf": "wrong"}).status_code == 403
    token = csrf_of(client)
    evil = client.post(
        path, data={"text": "好", "csrf": token}, headers={"Origin": "https://evil.example"}
    )
    assert evil.status_code == 403
    assert get_ticket(services.engine, world.own.ticket).status == "forwarded"  # type: ignore[union-attr]
    # another session's token is not this session's
    other = TestClient(client.app)
    sign_in(other, services, world.own.coordinator)
    assert client.post(path, data={"text": "好", "csrf": csrf_of(other)}).status_code == 403


def test_everything_shown_is_escaped(client: TestClient, services: Services, world: World) -> None:
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    with session_scope(services.engine) as session:
        ticket = session.get(HandoffTicket, world.own.ticket)
        assert ticket is not None
        ticket.question = hostile
        session.add(ticket)
    member = services.members.get(world.own.coordinator)
    assert member is not None
    member.name = "<b>赵</b>"
    services.members.upsert(member)
    sign_in(client, services, world.own.coordinator)
    for path in ("/console/tickets", f"/console/tickets/{world.own.ticket}", "/console/roster"):
        text = client.get(path).text
        assert "<script>alert" not in text and "<b>赵</b>" not in text
        assert 'onerror="alert' not in text
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt;"
        in client.get(f"/console/tickets/{world.own.ticket}").text
    )


# -- the daily work ----------------------------------------------------------------------------


def test_answering_in_the_browser_is_replying_in_chat(
    client: TestClient, services: Services, world: World, fake: FakeWeCom
) -> None:
    sign_in(client, services, world.own.coordinator)
    token = csrf_of(client)
    path = f"/console/tickets/{world.own.ticket}/answer"
    page = client.post(path, data={"csrf": token, "text": "带户口本到镇计生办领取"})
    assert page.status_code == 200 and "答复已发出" in page.text
    assert "答复了编号" in page.text and "HP专干" in page.text  # the audit entry, on its page
    rows = outbox_rows(services, f"ticket:{world.own.ticket}")
    assert [r.target for r in rows] == [Target.user(world.own.family)]
    assert "协会工作人员答复：\n带户口本到镇计生办领取" in rows[0].text
    # the delivery worker sends it to the family through WeCom
    assert wait_for(lambda: len(fake.calls("/cgi-bin/message/send")) == 1)
    sent = fake.calls("/cgi-bin/message/send")[0].body
    assert (
        sent["touser"] == world.own.family and "带户口本到镇计生办领取" in sent["text"]["content"]
    )
    ticket = get_ticket(services.engine, world.own.ticket)
    assert ticket is not None and ticket.status == "answered"
    assert ticket.answered_by == world.own.coordinator
    # a second submit (a double tap, or a colleague) sends nothing more
    again = client.post(path, data={"csrf": token, "text": "再说一遍"})
    assert again.status_code == 400 and "已经有人答复过了" in again.text
    assert len(outbox_rows(services, f"ticket:{world.own.ticket}")) == 1
    entries = audit.recent(services.engine, RegionPath(*HEPU), area=audit.TICKETS)
    assert [(e.actor_id, e.via) for e in entries] == [(world.own.coordinator, "console")]
    # then a knowledge-base draft with the question and answer prefilled, edited
    page = client.get(f"/console/tickets/{world.own.ticket}").text
    assert (
        'value="HP：独生子女父母奖励怎么领？"' in page
        and ">带户口本到镇计生办领取</textarea>" in page
    )


def test_knowledge_draft_from_the_browser(
    client: TestClient, services: Services, world: World, tmp_path: Path
) -> None:
    import yaml

    from knowledge.base import KnowledgeStore

    kb = tmp_path / "kb"
    kb.mkdir()
    services.knowledge = KnowledgeStore(kb)
    sign_in(client, services, world.own.coordinator)
    token = csrf_of(client)
    client.post(
        f"/console/tickets/{world.own.ticket}/answer", data={"csrf": token, "text": "去镇上"}
    )
    page = client.post(
        f"/console/tickets/{world.own.ticket}/draft",
        data={"csrf": token, "question": "独生子女奖励去哪领", "text": "到镇计生办领取"},
    )
    assert "已把编号" in page.text
    draft = yaml.safe_load((kb / "pending.yaml").read_text(encoding="utf-8"))["entries"][0]
    assert (
        draft["questions"] == ["独生子女奖励去哪领"]
        and draft["answer"].strip() == "到镇计生办领取"
    )


def test_assigning_tells_the_colleague_in_wecom(
    client: TestClient, services: Services, world: World
) -> None:
    add_member(services, "town", Role.COORDINATOR, region=(*HEPU, "廉州镇"), name="镇专干")
    sign_in(client, services, world.own.coordinator)
    token = csrf_of(client)
    page = client.get(f"/console/tickets/{world.own.ticket}").text
    assert 'value="town"' in page and "coord-yh" not in page
    done = client.post(
        f"/console/tickets/{world.own.ticket}/assign", data={"csrf": token, "assignee": "town"}
    )
    assert "已转交给 town" in done.text and "转交给 镇专干（town）" in done.text
    rows = outbox_rows(services, f"ticket:{world.own.ticket}")
    assert rows[0].target == Target.user("town") and "回复" in rows[0].text


def test_a_notice_is_previewed_then_confirmed_once(
    client: TestClient, services: Services, world: World
) -> None:
    group = services.members.group("HP01")
    assert group is not None
    group.channel, group.robot_key = "robot", "robotkey-hp01-abc"
    services.members.save_group(group)
    sign_in(client, services, world.own.coordinator)
    token = csrf_of(client)
    preview = client.post(
        "/console/notices/preview",
        data={"csrf": token, "mode": "all", "text": "5月29日上午9点开展会员活动日"},
    )
    assert preview.status_code == 200
    assert (
        'id="reach-groups">2<' in preview.text and "5月29日上午9点开展会员活动日" in preview.text
    )
    confirm = client.post("/console/notices/confirm", data={"csrf": token})
    assert "已开始发送" in confirm.text and "发出通知" in confirm.text
    again = client.post("/console/notices/confirm", data={"csrf": token})
    assert "没有等待确认的通知" in again.text
    with session_scope(services.engine) as session:
        rows = list(session.exec(select(Broadcast)))
    assert len(rows) == 1 and rows[0].channel == "console" and rows[0].groups == 2
    assert len(outbox_rows(services, f"broadcast:{rows[0].id}")) == 2


def test_a_scheduled_notice_can_be_withdrawn(
    client: TestClient, services: Services, world: World
) -> None:
    sign_in(client, services, world.own.coordinator)
    token = csrf_of(client)
    when = (services.now() + timedelta(days=2)).strftime("%Y-%m-%dT18:00")
    preview = client.post(
        "/console/notices/preview",
        data={
            "csrf": token,
            "mode": "groups",
            "groups": ["HP01", "HP02"],
            "text": "周五开会",
            "when": when,
        },
    )
    assert "定时发送" in preview.text
    page = client.post("/console/notices/confirm", data={"csrf": token})
    assert "已安排" in page.text and "等待发送" in page.text
    notice = re.search(r"/console/notices/(\d+)/withdraw", page.text)
    assert notice is not None
    done = client.post(f"/console/notices/{notice.group(1)}/withdraw", data={"csrf": token})
    assert "已撤回通知" in done.text and "撤回通知" in done.text
    statuses = {r.status for r in outbox_rows(services, f"broadcast:{notice.group(1)}")}
    assert statuses == {"cancelled"}


def test_reminders_are_managed_with_the_chat_rules(
    client: TestClient, services: Services, world: World
) -> None:
    sign_in(client, services, world.own.coordinator)
    token = csrf_of(client)
    bad = client.post(
        "/console/reminders", data={"csrf": token, "when": "每月31日 9:10", "text": "上报"},
        headers={"Referer": "http://testserver/console/reminders"},
    )  # fmt: skip
    assert "1日到28日" in bad.text
    made = client.post(
        "/console/reminders",
        data={"csrf": token, "when": "每月5日 9:10", "audience": "leaders", "text": "请上报活动"},
    )
    assert "已新建提醒" in made.text and "小组长" in made.text
    with session_scope(services.engine) as session:
        reminder = session.exec(
            select(Reminder).where(Reminder.created_by == world.own.coordinator)
        ).one()
    assert reminder.region == RegionPath(*HEPU) and reminder.audience == "leaders"
    paused = client.post(f"/console/reminders/{reminder.id}/pause", data={"csrf": token})
    assert "已暂停提醒" in paused.text and "暂停了提醒" in paused.text
    resumed = client.post(f"/console/reminders/{reminder.id}/resume", data={"csrf": token})
    assert "已恢复提醒" in resumed.text
    deleted = client.post(f"/console/reminders/{reminder.id}/delete", data={"csrf": token})
    assert "已删除提醒" in deleted.text and "删除了提醒" in deleted.text


def test_a_record_can_be_marked_doubtful(
    client: TestClient, services: Services, world: World
) -> None:
    sign_in(client, services, world.own.coordinator)
    token = csrf_of(client)
    card = client.get(f"/console/activities/{world.own.record}").text
    assert "今天在江口村搞了优生优育宣传" in card and f"/console/photos/{world.own.photo}" in card
    marked = client.post(
        f"/console/activities/{world.own.record}/doubt",
        data={"csrf": token, "doubtful": "1", "note": "人数和照片对不上"},
    )
    assert "已标记为存疑" in marked.text and "标为存疑：人数和照片对不上" in marked.text
    month = f"{services.now().year:04d}-{services.now().month:02d}"
    assert "存疑" in client.get(f"/console/activities?month={month}").text


def test_export_is_the_command_lines_workbook(
    client: TestClient, services: Services, world: World
) -> None:
    sign_in(client, services, world.own.coordinator)
    now = services.now()
    response = client.get(f"/console/activities.xlsx?month={now.year:04d}-{now.month:02d}")
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert "attachment" in response.headers["content-disposition"]
    expected = export(month_stats(services, now.year, now.month, RegionPath(*HEPU)), "xlsx")

    def cells(content: bytes) -> dict[str, Any]:
        book = load_workbook(io.BytesIO(content))
        return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}

    assert cells(response.content) == cells(expected)
    assert "江口村" in str(cells(response.content)["明细"])


def test_overview_counts_the_month(client: TestClient, services: Services, world: World) -> None:
    sign_in(client, services, world.own.coordinator)
    page = client.get("/console/").text
    assert "<b>1/2</b><span>小组已上报" in page
    assert "<b>1</b><span>待答问题" in page
    assert page.count("<svg") == 3 and "按村（社区）" in page  # one township: by village
    odd = client.get("/console/?month=2026-99")
    assert odd.status_code == 200 and "月份要写成 2026-05 或 5月" in odd.text


def test_the_emergency_link_comes_from_the_command_line(
    tmp_path: Path,
    redis: Redis,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.cli.main import main

    settings = make_settings(tmp_path, redis, XIEHUI_PUBLIC_URL="https://xiehui.example.org")
    for key, value in {
        "XIEHUI_DATA_DIR": str(settings.data_dir),
        "REDIS_URL": settings.redis_url,
        "XIEHUI_PUBLIC_URL": settings.public_url,
        "DATABASE_URL": settings.database_url,  # set when the suite runs on PostgreSQL
    }.items():
        monkeypatch.setenv(key, value)
    if not settings.database_url:  # the embedded database file: not created by a reader
        assert main(["console", "link", "nobody"]) == 1
        assert "还没有数据库" in capsys.readouterr().err
    with TestClient(create_app(settings)) as client:
        assert main(["console", "link", "nobody"]) == 1
        assert "名册里没有账号“nobody”" in capsys.readouterr().out
        services = runtime_of(client).services
        add_member(services, "boss", Role.ADMIN, region=(), name="管理员")
        add_member(services, "lead", Role.LEADER)
        assert main(["console", "link", "lead"]) == 1
        assert "只有协会工作人员和管理员" in capsys.readouterr().err
        assert main(["console", "link", "boss"]) == 0
        out = capsys.readouterr().out
        link = re.search(r"https://xiehui\.example\.org(/console/login\?code=\S+)", out)
        assert link is not None and "只能用一次" in out
        code = parse_qs(urlsplit(link.group(1)).query)["code"][0]
        signed = client.post("/console/login", data={"code": code}, follow_redirects=False)
        assert signed.status_code == 303 and "Secure" in signed.headers["set-cookie"]


ROSTER = (
    "合浦县计生协会员名册（2026年）\n"
    "企业微信账号,姓名,角色,省,市,县(区),乡镇,村(社区),会员小组,电话\n"
    "newvol,新志愿者,志愿者,广西,北海市,合浦县,廉州镇,江口村,HP01,13900000001\n"
    "badrole,角色错,村专干,广西,北海市,合浦县,廉州镇,江口村,HP01,\n"
    "faraway,外县人,志愿者,广西,北海市,银海区,福成镇,竹林村,,\n"
    "family-yh,改别县的人,群众,广西,北海市,合浦县,廉州镇,江口村,,\n"
    "boss2,想当管理员,管理员,广西,北海市,合浦县,,,,\n"
    "intruder,进别县小组,志愿者,广西,北海市,合浦县,廉州镇,江口村,YH01,\n"
)


def test_a_roster_upload_is_previewed_limited_to_the_region_and_confirmed(
    client: TestClient, services: Services, world: World
) -> None:
    sign_in(client, services, world.own.coordinator)
    token = csrf_of(client)
    preview = client.post(
        "/console/roster/preview",
        data={"csrf": token, "kind": "members"},
        files={"upload": ("名册.csv", ROSTER.encode("utf-8"), "text/csv")},
    )
    assert preview.status_code == 200
    text = re.sub(r"\s+", " ", preview.text)
    assert "表头在第 2 行" in text and "新增 1 人" in text
    # each refused row with its number and the reason
    for row, reason in (
        (4, "村专干"),
        (5, "不在您负责的地区"),
        (6, "这条记录现在属于广西/北海市/银海区"),
        (7, "只有管理员可以登记管理员"),
        (8, "会员小组“YH01”不在您负责的地区"),
    ):
        assert re.search(rf'data-label="行号" class="num">{row}</td>.*?{reason}', text), row
    assert services.members.get("newvol") is None  # nothing written by the preview
    done = client.post("/console/roster/apply", data={"csrf": token})
    assert "已导入" in done.text and "新增 1 人" in done.text
    assert services.members.get("newvol") is not None
    for refused in ("badrole", "faraway", "boss2", "intruder"):
        assert services.members.get(refused) is None
    other_family = services.members.get("family-yh")
    assert other_family is not None and other_family.county == "银海区"
    assert "新增 1 人" in client.get("/console/roster").text.split("最近的改动")[1]  # audited
    again = client.post("/console/roster/apply", data={"csrf": token})
    assert "没有等待确认的导入" in again.text


def test_a_county_file_without_upper_levels_lands_in_the_uploaders_county(
    client: TestClient, services: Services, world: World
) -> None:
    sign_in(client, services, world.own.coordinator)
    token = csrf_of(client)
    groups = "会员小组,小组名称,乡镇,村(社区),组长账号\nHP09,江口村九组,廉州镇,江口村,\n"
    preview = client.post(
        "/console/roster/preview",
        data={"csrf": token, "kind": "groups"},
        files={"upload": ("小组.csv", groups.encode("utf-8"), "text/csv")},
    )
    assert "新增 1 个小组" in preview.text
    client.post("/console/roster/apply", data={"csrf": token})
    group = services.members.group("HP09")
    assert group is not None and group.region == RegionPath(*HEPU, "廉州镇", "江口村")
    bad = client.post(
        "/console/roster/preview",
        data={"csrf": token, "kind": "members"},
        files={"upload": ("x.csv", b"\xff\xfe garbage", "text/csv")},
    )
    assert bad.status_code == 200 and "没有导入" in bad.text
