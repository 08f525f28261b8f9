"""The web console shows what coordinators need, built from real records."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from fastapi.testclient import TestClient
from redis import Redis

from bot.container import Runtime
from bot.web.app import create_app
from handlers.core.messages import SHANGHAI, Role
from tests.conftest import add_member, make_settings, text_message


def say(runtime: Runtime, user: str, text: str, n: int) -> str:
    when = datetime.now(SHANGHAI)
    message = text_message(user, text, at=when, msg_id=f"console-{n}")
    return "\n".join(r.text for r in runtime.router.dispatch(message, runtime.services).replies)


def test_console_shows_activities_questions_and_notices(tmp_path: Path, redis: Redis) -> None:
    settings = make_settings(tmp_path, redis)
    with TestClient(create_app(settings)) as client:
        runtime: Runtime = client.app.state.runtime  # type: ignore[attr-defined]
        services = runtime.services
        add_member(services, "lilan", Role.LEADER, group="JK01")
        add_member(
            services, "zhao", Role.COORDINATOR, region=("广西", "北海市", "合浦县"), on_duty=True
        )
        add_member(services, "mama", Role.FAMILY)
        say(runtime, "zhao", "登记小组 JK01 江口村一组 成员", 1)
        say(runtime, "lilan", "今天在江口村搞了优生优育宣传，来了45人，发资料120份", 2)
        assert "已登记" in say(runtime, "lilan", "对", 3)
        say(runtime, "mama", "我家猫咪绝育手术多少钱", 4)
        say(runtime, "mama", "人工", 5)
        say(runtime, "zhao", "通知 全体小组：5月29日上午9点在村委会开展会员活动日", 6)
        say(runtime, "zhao", "确认发送", 7)
        page = client.get("/console").text
    assert "本月活动" in page and "江口村" in page and "45" in page
    assert "待人工答复的问题" in page and "已转给 zhao" in page
    assert "通知发送" in page and "全体小组" in page
