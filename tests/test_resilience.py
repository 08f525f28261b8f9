"""Redis outages, retries, slow handlers, hostile input and reloads, in-process and fast.

The long drills against a separate service and redis-server are in tests/test_faults.py.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from redis import Redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from bot.container import build_runtime
from bot.web.app import create_app
from bot.wecom.client import WeComClient
from bot.wecom.crypto import signature
from bot.wecom.fakeapi import FakeWeCom
from handlers.core.inbox import Inbox
from handlers.core.members import Member, MemberGroup
from handlers.core.messages import SHANGHAI, IncomingMessage, Kind, Role, Target, TargetKind
from handlers.core.outbox import PENDING, Outbox, SendResult
from handlers.core.ratelimit import RateLimits, RedisRateGate
from handlers.core.redisguard import RedisGuard
from handlers.core.registry import build_router
from handlers.core.services import Services
from handlers.core.state import Conversation
from knowledge.base import KnowledgeStore
from scheduler.leader import LeaderLease
from tests.conftest import TEST_AES_KEY, TEST_CORP, TEST_TOKEN, add_member, make_settings
from tests.test_callback import CountingRuntime, wait_for


def dead_redis_url() -> str:
    """A Redis URL nobody listens on (a port we bound and released)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def dead_redis() -> Redis:
    return Redis.from_url(
        dead_redis_url(),
        socket_timeout=0.2,
        socket_connect_timeout=0.2,
        retry=Retry(NoBackoff(), 0),
    )


@pytest.fixture
def wecom() -> WeComClient:
    return WeComClient(TEST_TOKEN, TEST_AES_KEY, TEST_CORP)


@pytest.fixture
def fake() -> Iterator[FakeWeCom]:
    with FakeWeCom(corp_id=TEST_CORP) as server:
        yield server


# -- Redis down: the whole service still works -------------------------------------------------


def test_with_redis_down_callbacks_and_a_two_step_broadcast_still_work(
    tmp_path: Path, fake: FakeWeCom, wecom: WeComClient
) -> None:
    settings = make_settings(
        tmp_path, None, WECOM_API_BASE=fake.base_url, REDIS_URL=dead_redis_url()
    )
    counter = CountingRuntime()
    with TestClient(create_app(settings, runtime_factory=counter)) as client:
        services = counter.runtime.services  # type: ignore[union-attr]
        add_member(services, "boss", Role.COORDINATOR, region=("广西", "北海市", "合浦县"))
        for n in range(2):
            group = MemberGroup(
                code=f"G{n}", name=f"组{n}", channel="robot", robot_key=f"robotkey-{n}-abcdef"
            )
            group.province, group.city, group.county = "广西", "北海市", "合浦县"
            services.members.save_group(group)
        started = time.monotonic()
        query, body = wecom.envelope(wecom.text_xml("u1", "帮助", 8001))
        answer = client.post(f"/wecom/callback?{query}", content=body)
        assert time.monotonic() - started < 1.0
        assert "协会助手" in wecom.decrypt_reply(answer.text)
        # a pending plan (conversation state) lives in the database: 确认发送 finds it
        for msg_id, text in ((8002, "通知 全体小组：明天开会"), (8003, "确认发送")):
            query, body = wecom.envelope(wecom.text_xml("boss", text, msg_id))
            reply = wecom.decrypt_reply(client.post(f"/wecom/callback?{query}", content=body).text)
        assert "已开始发送" in reply and "共 2 个小组" in reply
        assert wait_for(lambda: len(fake.calls("/cgi-bin/webhook/send")) == 2)
        health = client.get("/healthz")
        assert health.status_code == 200 and health.json()["redis"].startswith("down")


def test_conversation_state_survives_redis_being_emptied(services: Services) -> None:
    conversation = Conversation(services.engine, "app", "u1")
    conversation.set("plan", {"groups": 3}, ttl=600)
    services.redis.flushall()
    assert conversation.get("plan") == {"groups": 3}
    assert conversation.pop("plan") == {"groups": 3}
    assert conversation.pop("plan") is None  # a second 确认 finds nothing


def test_conversation_pop_is_atomic_across_threads(services: Services) -> None:
    conversation = Conversation(services.engine, "app", "u2")
    conversation.set("plan", {"n": 1}, ttl=600)
    results: list[object] = []
    threads = [
        threading.Thread(target=lambda: results.append(conversation.pop("plan"))) for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count({"n": 1}) == 1


def test_the_guard_falls_back_fast_and_probes_after_the_cooldown() -> None:
    now = [0.0]
    guard = RedisGuard(dead_redis(), cooldown=1.0, clock=lambda: now[0])
    assert guard.call(lambda r: r.get("k"), lambda: "fallback") == "fallback"
    assert not guard.available
    calls: list[str] = []
    # while open, the socket is not touched at all
    assert guard.call(lambda r: calls.append("called"), lambda: None) is None
    assert calls == []
    now[0] = 2.0  # after the cooldown one caller probes (and fails again here)
    assert guard.call(lambda r: calls.append("probe") or r.ping(), lambda: False) is False
    assert calls == ["probe"]


def test_the_guard_runs_recovery_hooks_when_redis_answers_again(redis: Redis) -> None:
    guard = RedisGuard(redis, cooldown=0.0)
    recovered: list[bool] = []
    guard.on_recovery(lambda: recovered.append(True))
    guard._failed(ConnectionError("simulated"))
    assert not guard.available
    assert guard.call(lambda r: r.ping(), lambda: False) is True
    assert guard.available and recovered == [True]


def test_the_rate_gate_counts_locally_while_redis_is_down_and_copies_back(redis: Redis) -> None:
    limits = RateLimits(robot_per_minute=3)
    down = RedisRateGate(dead_redis(), limits, guard=RedisGuard(dead_redis(), cooldown=60))
    robot = Target(TargetKind.ROBOT, ("robotkey12345",))
    assert [down.wait_seconds(robot) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert down.wait_seconds(robot) > 0  # the limit holds without Redis
    up = RedisRateGate(redis, limits)
    up.local.unsynced = down.local.take_unsynced()
    up.sync_to_redis()
    assert up.wait_seconds(robot) > 0  # other processes now see the three sends


def test_the_scheduler_holder_keeps_its_lease_through_an_outage_and_an_empty_redis(
    redis: Redis,
) -> None:
    lease = LeaderLease(redis, "t", ttl=5.0)
    assert lease.try_acquire()
    lease.guard._failed(ConnectionError("simulated"))  # Redis unavailable
    lease.guard.cooldown = 60
    assert lease.renew() and lease.held()  # nobody can say otherwise: keep running
    lease.guard._open_until = 0.0
    redis.flushall()  # Redis comes back empty
    assert lease.renew() and lease.holder() == lease.owner
    other = LeaderLease(redis, "t", ttl=5.0)
    assert not other.try_acquire()


# -- retries, slow handlers, takeovers ---------------------------------------------------------


def test_a_retry_waits_for_a_handler_in_another_process_and_gets_its_reply(
    tmp_path: Path, redis: Redis, fake: FakeWeCom, wecom: WeComClient
) -> None:
    settings = make_settings(
        tmp_path, redis, WECOM_API_BASE=fake.base_url, XIEHUI_PASSIVE_REPLY_SECONDS=2
    )
    with TestClient(create_app(settings)) as client:
        inbox: Inbox = client.app.state.callback.inbox  # type: ignore[attr-defined]
        plain = wecom.text_xml("u7", "帮助", 717171)
        assert inbox.claim("msg:717171", "worker-b", plain)
        query, body = wecom.envelope(plain)
        reply = wecom.crypto.encrypt_reply("<xml><Content>hi</Content></xml>", "1", "2")
        timer = threading.Timer(0.3, lambda: inbox.settle_passive("msg:717171", "worker-b", reply))
        timer.start()
        response = client.post(f"/wecom/callback?{query}", content=body)
        timer.join()
    assert response.text == reply  # not an empty 200 while the answer was unsent


def test_a_slow_handler_runs_once_and_answers_once(
    tmp_path: Path, redis: Redis, fake: FakeWeCom, wecom: WeComClient
) -> None:
    counter = CountingRuntime()
    counter.delay = 2.0  # far past the stale time: only heartbeats keep the claim
    settings = make_settings(
        tmp_path,
        redis,
        WECOM_API_BASE=fake.base_url,
        XIEHUI_PASSIVE_REPLY_SECONDS=0.1,
        XIEHUI_CLAIM_STALE_SECONDS=0.6,
    )
    with TestClient(create_app(settings, runtime_factory=counter)) as client:
        query, body = wecom.envelope(wecom.text_xml("u8", "帮助", 818181))
        for _ in range(4):  # WeCom's retries, while the handler is still running
            assert client.post(f"/wecom/callback?{query}", content=body).status_code == 200
            time.sleep(0.5)
        assert wait_for(lambda: len(fake.calls("/cgi-bin/message/send")) >= 1)
        time.sleep(0.5)
    assert counter.runs == ["818181"]
    assert len(fake.calls("/cgi-bin/message/send")) == 1


def test_a_claim_of_a_killed_process_is_caught_up_by_the_sweeper(
    tmp_path: Path, redis: Redis, fake: FakeWeCom, wecom: WeComClient
) -> None:
    counter = CountingRuntime()
    settings = make_settings(
        tmp_path, redis, WECOM_API_BASE=fake.base_url, XIEHUI_CLAIM_STALE_SECONDS=0.2
    )
    with TestClient(create_app(settings, runtime_factory=counter)) as client:
        callback = client.app.state.callback  # type: ignore[attr-defined]
        # claimed by a process that was killed before answering; WeCom stopped retrying
        assert callback.inbox.claim("msg:919191", "killed", wecom.text_xml("u9", "帮助", 919191))
        time.sleep(0.3)
        assert wait_for(lambda: len(fake.calls("/cgi-bin/message/send")) == 1, timeout=10)
        assert callback.inbox.get("msg:919191").done
    assert counter.runs == ["919191"]
    assert fake.calls("/cgi-bin/message/send")[0].body["touser"] == "u9"


def test_a_photo_handled_twice_is_downloaded_and_stored_once(services: Services) -> None:
    class Media:
        fetched: list[str] = []

        def fetch(self, media_id: str) -> tuple[bytes, str]:
            self.fetched.append(media_id)
            return b"jpeg", ".jpg"

    add_member(services, "lead", Role.LEADER)
    services.media = media = Media()
    router = build_router()
    at = datetime.now(SHANGHAI)
    report = "今天江口村会员小组开了月度活动，到了13个会员"
    router.dispatch(
        IncomingMessage(user_id="lead", text=report, sent_at=at, msg_id="r1"), services
    )
    photo = IncomingMessage(
        user_id="lead", kind=Kind.IMAGE, media_id="MEDIA-X", sent_at=at, msg_id="p1"
    )
    first = router.dispatch(photo, services).replies[0].text
    again = router.dispatch(photo, services).replies[0].text
    assert "1张" in first and "1张" in again
    assert media.fetched == ["MEDIA-X"]
    assert len(list((services.data_dir / "photos").iterdir())) == 1


# -- hostile input -----------------------------------------------------------------------------


@pytest.fixture
def client(tmp_path: Path, redis: Redis, fake: FakeWeCom) -> Iterator[TestClient]:
    settings = make_settings(tmp_path, redis, WECOM_API_BASE=fake.base_url)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_non_ascii_signature_is_a_403_not_a_500(
    client: TestClient, wecom: WeComClient, method: str
) -> None:
    query, body = wecom.envelope(wecom.text_xml("u1", "帮助", 1))
    hostile = "msg_signature=" + quote("签名ä😀") + "&" + query.split("&", 1)[1]
    response = client.request(method, f"/wecom/callback?{hostile}&echostr=abc", content=body)
    assert response.status_code == 403


@pytest.mark.parametrize(
    "plain",
    [
        "<xml/>",
        "<root><MsgType>text</MsgType><FromUserName>u</FromUserName></root>",
        "<xml><FromUserName>u</FromUserName></xml>",
        "<xml><FromUserName><a>1</a></FromUserName><MsgType>text</MsgType></xml>",
        "not xml",
    ],
)
def test_signed_unusable_payloads_are_200_and_ignored(
    client: TestClient, wecom: WeComClient, plain: str
) -> None:
    query, body = wecom.envelope(plain)
    response = client.post(f"/wecom/callback?{query}", content=body)
    assert response.status_code == 200 and response.text == ""


@pytest.mark.parametrize("create_time", ["abc", "-5", "99999999999999999999", "", "1.5"])
def test_odd_create_times_are_answered(
    client: TestClient, wecom: WeComClient, create_time: str
) -> None:
    xml = wecom.text_xml("u1", "帮助", 4242).replace(
        f"<CreateTime>{int(time.time())}</CreateTime>", f"<CreateTime>{create_time}</CreateTime>"
    )
    assert f"<CreateTime>{create_time}</CreateTime>" in xml
    query, body = wecom.envelope(xml)
    response = client.post(f"/wecom/callback?{query}", content=body)
    assert response.status_code == 200
    assert "协会助手" in wecom.decrypt_reply(response.text)


def test_a_stale_signature_timestamp_is_refused_but_an_old_create_time_is_kept(
    tmp_path: Path, redis: Redis, fake: FakeWeCom, wecom: WeComClient
) -> None:
    counter = CountingRuntime()
    seen: list[IncomingMessage] = []
    settings = make_settings(tmp_path, redis, WECOM_API_BASE=fake.base_url)

    with TestClient(create_app(settings, runtime_factory=counter)) as client:
        original = counter.runtime.router.dispatch  # type: ignore[union-attr]

        def recording(message, services):  # type: ignore[no-untyped-def]
            seen.append(message)
            return original(message, services)

        counter.runtime.router.dispatch = recording  # type: ignore[union-attr, method-assign]
        year_ago = int(time.time()) - 366 * 86400
        replay = wecom.text_xml("boss", "确认发送", 5001, create_time=year_ago)
        query, body = wecom.envelope(replay, timestamp=str(year_ago))
        assert client.post(f"/wecom/callback?{query}", content=body).status_code == 403
        get_query = (
            f"msg_signature={signature(TEST_TOKEN, str(year_ago), '1', 'abc')}"
            f"&timestamp={year_ago}&nonce=1&echostr=abc"
        )
        assert client.get(f"/wecom/callback?{get_query}").status_code == 403
        # a message sent long ago but delivered now keeps its own send time
        query, body = wecom.envelope(wecom.text_xml("u3", "帮助", 5002, create_time=year_ago))
        assert client.post(f"/wecom/callback?{query}", content=body).status_code == 200
    assert counter.runs == ["5002"]
    assert int(seen[0].sent_at.timestamp()) == year_ago


def test_a_newline_in_msg_id_cannot_forge_log_lines(
    client: TestClient, wecom: WeComClient, caplog: pytest.LogCaptureFixture
) -> None:
    xml = wecom.text_xml("u1", "帮助", 1).replace(
        "<MsgId>1</MsgId>", "<MsgId>7\n2026-01-01 INFO forged line</MsgId>"
    )
    query, body = wecom.envelope(xml)
    with caplog.at_level(logging.DEBUG):
        assert client.post(f"/wecom/callback?{query}", content=body).status_code == 200
    assert not any("\n" in record.getMessage() for record in caplog.records)
    assert any("msg=7_2026-01-01_INFO_forged_line" in r.getMessage() for r in caplog.records)


# -- the outbox after a failed round -----------------------------------------------------------


def test_a_failed_delivery_round_releases_the_claimed_rows(services: Services) -> None:
    outbox = Outbox(services.engine)
    for n in range(4):
        outbox.enqueue(Target.user(f"u{n}"), "hi", key=f"k{n}")

    class Sender:
        sent: list[str] = []

        def send(self, target: Target, text: str, *, duplicate_check: bool = False) -> SendResult:
            self.sent.append(target.ids[0])
            return SendResult(ok=True)

    class BrokenGate:
        calls = 0

        def wait_seconds(self, target: Target) -> float:
            self.calls += 1
            if self.calls == 2:
                raise RuntimeError("gate broke")
            return 0.0

        def record(self, target: Target) -> None:
            return None

    with pytest.raises(RuntimeError):
        outbox.deliver_due(Sender(), gate=BrokenGate())
    assert outbox.counts() == {"sent": 1, PENDING: 3}  # not stuck in "sending" for the lease
    assert outbox.deliver_due(Sender()).sent == 3


# -- knowledge hot reload ----------------------------------------------------------------------


def test_a_knowledge_file_that_fails_to_parse_keeps_its_last_good_version(
    tmp_path: Path, redis: Redis, fake: FakeWeCom
) -> None:
    source = Path(__file__).resolve().parent.parent / "knowledge" / "data"
    folder = tmp_path / "kb"
    shutil.copytree(source, folder)
    settings = make_settings(
        tmp_path, redis, WECOM_API_BASE=fake.base_url, XIEHUI_KNOWLEDGE_DIR=str(folder)
    )
    with TestClient(create_app(settings)) as client:
        store: KnowledgeStore = client.app.state.runtime.services.knowledge  # type: ignore[attr-defined]
        before = len(store.current().entries)
        victim = sorted(p for p in folder.glob("*.yaml") if p.name != "pending.yaml")[0]
        victim.write_text(victim.read_text(encoding="utf-8") + "\n  - id: [broken\n", "utf-8")
        # the service looks at the folder at most once a second (bot/web/kb_plugin.py)
        deadline = time.monotonic() + 10
        while not store.load_errors and time.monotonic() < deadline:
            assert len(store.current().entries) == before
            time.sleep(0.05)
        assert len(store.current().entries) == before
        assert store.load_errors and victim.name in store.load_errors[0]
        health = client.get("/healthz").json()
        assert health["knowledge"].startswith("error") and victim.name in health["knowledge"]


def test_build_runtime_with_a_dead_redis_starts(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, None, REDIS_URL=dead_redis_url(), WECOM_SECRET="")
    runtime = build_runtime(settings)
    try:
        member = Member(user_id="x", name="x", role="volunteer")
        runtime.services.members.upsert(member)
        assert runtime.services.members.get("x") is not None
    finally:
        runtime.close()


def test_claims_are_purged_after_the_retention(services: Services) -> None:
    inbox = Inbox(services.engine)
    assert inbox.claim("msg:1", "me")
    assert not inbox.claim("msg:1", "other")
    assert inbox.finish("msg:1", "me")
    assert inbox.purge(timedelta(seconds=-1)) == 1
    assert inbox.get("msg:1") is None
