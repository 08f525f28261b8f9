"""WeComSender and the outbox against the fake WeCom API server on loopback."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy.engine import Engine

from bot.wecom.fakeapi import FakeWeCom
from bot.wecom.sender import WeComSender
from handlers.core.messages import Target, TargetKind
from handlers.core.outbox import FAILED, PENDING, SENT, Outbox
from tests.conftest import TEST_CORP, make_settings


@pytest.fixture
def fake() -> Iterator[FakeWeCom]:
    with FakeWeCom(corp_id=TEST_CORP) as server:
        yield server


@pytest.fixture
def wecom_sender(tmp_path: Path, redis: Redis, fake: FakeWeCom) -> Iterator[WeComSender]:
    settings = make_settings(tmp_path, redis, WECOM_API_BASE=fake.base_url)
    sender = WeComSender(settings, redis)
    yield sender
    sender.close()


def test_token_is_fetched_once_and_cached_in_redis(
    wecom_sender: WeComSender, fake: FakeWeCom, redis: Redis
) -> None:
    for index in range(5):
        assert wecom_sender.send(Target.user("u1"), f"第{index}条").ok
    assert len(fake.calls("/cgi-bin/gettoken")) == 1
    assert redis.ttl(wecom_sender.tokens.key) > 7200 - 300 - 5  # refreshed 5 min early


def test_token_shared_across_processes_via_redis(
    tmp_path: Path, redis: Redis, fake: FakeWeCom
) -> None:
    settings = make_settings(tmp_path, redis, WECOM_API_BASE=fake.base_url)
    first, second = WeComSender(settings, redis), WeComSender(settings, redis)
    assert first.send(Target.user("u1"), "a").ok and second.send(Target.user("u1"), "b").ok
    assert len(fake.calls("/cgi-bin/gettoken")) == 1
    first.close()
    second.close()


def test_single_flight_refresh_under_concurrency(
    wecom_sender: WeComSender, fake: FakeWeCom
) -> None:
    fake.latency = 0.05
    results: list[bool] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(wecom_sender.send(Target.user("u"), "x").ok)
        )
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 8
    assert len(fake.calls("/cgi-bin/gettoken")) == 1


@pytest.mark.parametrize("code", [40014, 42001])
def test_invalid_or_expired_token_is_refetched_once_and_replayed(
    wecom_sender: WeComSender, fake: FakeWeCom, code: int
) -> None:
    assert wecom_sender.send(Target.user("u1"), "先取一次").ok
    fake.fail_next("/cgi-bin/message/send", code, "token expired")
    result = wecom_sender.send(Target.user("u1"), "再发一次")
    assert result.ok
    assert len(fake.calls("/cgi-bin/gettoken")) == 2
    assert fake.texts("/cgi-bin/message/send")[-1] == "再发一次"


def test_early_token_invalidation_recovers(wecom_sender: WeComSender, fake: FakeWeCom) -> None:
    assert wecom_sender.send(Target.user("u1"), "a").ok
    fake.expire_tokens()  # WeCom may invalidate before expires_in
    assert wecom_sender.send(Target.user("u1"), "b").ok
    assert len(fake.calls("/cgi-bin/gettoken")) == 2


def test_token_failure_twice_is_reported_not_looped(
    wecom_sender: WeComSender, fake: FakeWeCom
) -> None:
    fake.fail_next("/cgi-bin/message/send", 40014, times=5)
    result = wecom_sender.send(Target.user("u1"), "x")
    assert not result.ok and result.errcode == 40014
    assert len(fake.calls("/cgi-bin/message/send")) == 2  # one retry, no recursion


def test_wrong_secret_is_a_clear_failure(tmp_path: Path, redis: Redis, fake: FakeWeCom) -> None:
    settings = make_settings(tmp_path, redis, WECOM_API_BASE=fake.base_url, WECOM_SECRET="bad")
    sender = WeComSender(settings, redis)
    result = sender.send(Target.user("u1"), "x")
    sender.close()
    assert not result.ok and result.errcode == 40001 and not result.retryable


def test_message_payloads_for_each_target_kind(wecom_sender: WeComSender, fake: FakeWeCom) -> None:
    assert wecom_sender.send(Target(TargetKind.PARTY, ("2", "3")), "部门通知").ok
    assert wecom_sender.send(Target(TargetKind.TAG, ("7",)), "标签通知", duplicate_check=True).ok
    assert wecom_sender.send(Target(TargetKind.APPCHAT, ("chat1",)), "群通知").ok
    assert wecom_sender.send(Target(TargetKind.ROBOT, ("robotkey",)), "机器人通知").ok
    party, tag = fake.calls("/cgi-bin/message/send")
    assert party.body["toparty"] == "2|3" and party.body["agentid"] == 1000002
    assert "enable_duplicate_check" not in party.body
    assert tag.body["totag"] == "7" and tag.body["enable_duplicate_check"] == 1
    assert fake.calls("/cgi-bin/appchat/send")[0].body["chatid"] == "chat1"
    robot = fake.calls("/cgi-bin/webhook/send")[0]
    assert robot.query["key"] == "robotkey" and "access_token" not in robot.query


# -- through the outbox --------------------------------------------------------------------


def test_outbox_retries_45009_with_back_off_then_sends(
    engine: Engine, wecom_sender: WeComSender, fake: FakeWeCom
) -> None:
    outbox = Outbox(engine)
    fake.fail_next("/cgi-bin/webhook/send", 45009, "api freq out of limit")
    [row] = outbox.enqueue(Target(TargetKind.ROBOT, ("k1",)), "通知", key="t45009")
    stats = outbox.deliver_due(wecom_sender)
    assert stats.retried == 1
    stored = outbox.get(row.id or 0)
    assert stored is not None and stored.status == PENDING and stored.errcode == 45009
    assert stored.not_before > outbox.now()  # backed off, not hammered
    outbox.deliver_due(wecom_sender)
    assert len(fake.calls("/cgi-bin/webhook/send")) == 1  # not yet due
    _make_due(engine)
    assert outbox.deliver_due(wecom_sender).sent == 1
    assert fake.texts("/cgi-bin/webhook/send") == ["通知", "通知"]


def test_outbox_retries_system_busy(
    engine: Engine, wecom_sender: WeComSender, fake: FakeWeCom
) -> None:
    outbox = Outbox(engine)
    fake.fail_next("/cgi-bin/message/send", -1, "system busy")
    outbox.enqueue(Target.user("u1"), "hello", key="busy")
    assert outbox.deliver_due(wecom_sender).retried == 1
    _make_due(engine)
    assert outbox.deliver_due(wecom_sender).sent == 1


def test_outbox_gives_up_on_81013_without_retry(
    engine: Engine, wecom_sender: WeComSender, fake: FakeWeCom
) -> None:
    outbox = Outbox(engine)
    fake.invalid_users.add("ghost")
    [row] = outbox.enqueue(Target.user("ghost"), "hello", key="ghost")
    stats = outbox.deliver_due(wecom_sender)
    assert stats.failed == 1
    stored = outbox.get(row.id or 0)
    assert stored is not None and stored.status == FAILED and stored.errcode == 81013
    _make_due(engine)
    outbox.deliver_due(wecom_sender)
    assert len(fake.calls("/cgi-bin/message/send")) == 1


def test_outbox_gives_up_on_revoked_robot_key(
    engine: Engine, wecom_sender: WeComSender, fake: FakeWeCom
) -> None:
    outbox = Outbox(engine)
    fake.revoked_robot_keys.add("old")
    outbox.enqueue(Target(TargetKind.ROBOT, ("old",)), "hi", key="revoked")
    assert outbox.deliver_due(wecom_sender).failed == 1
    assert outbox.counts() == {FAILED: 1}


def test_long_text_is_split_at_2048_bytes_and_sent_in_order(
    engine: Engine, wecom_sender: WeComSender, fake: FakeWeCom
) -> None:
    outbox = Outbox(engine)
    text = "\n".join(f"第{i}行：计划生育协会会员活动记录" * 3 for i in range(60))
    rows = outbox.enqueue(Target.user("u1"), text, key="long")
    assert len(rows) > 1
    outbox.drain(wecom_sender, timeout=10)
    sent = fake.texts("/cgi-bin/message/send")
    assert all(len(part.encode()) <= 2048 for part in sent)
    assert "\n".join(sent) == text
    assert outbox.counts() == {SENT: len(rows)}


def test_enqueue_is_idempotent_on_key(
    engine: Engine, wecom_sender: WeComSender, fake: FakeWeCom
) -> None:
    outbox = Outbox(engine)
    for _ in range(3):
        outbox.enqueue(Target.user("u1"), "只发一次", key="same-key")
    outbox.drain(wecom_sender, timeout=5)
    outbox.enqueue(Target.user("u1"), "只发一次", key="same-key")  # after sending, still once
    outbox.drain(wecom_sender, timeout=5)
    assert fake.texts("/cgi-bin/message/send") == ["只发一次"]


def _make_due(engine: Engine) -> None:
    from sqlalchemy import text

    with engine.begin() as connection:
        connection.execute(text("UPDATE outboxmessage SET not_before = '2000-01-01 00:00:00'"))


def test_a_reply_survives_a_restart_and_is_sent_once(
    engine: Engine, wecom_sender: WeComSender, fake: FakeWeCom
) -> None:
    from datetime import timedelta

    from handlers.core.db import utcnow

    before = Outbox(engine)
    before.enqueue(Target.user("u1"), "重启前排队的回复", key="restart-1")
    claimed = before.claim_due(lease_seconds=30)  # the process dies right after claiming
    assert len(claimed) == 1
    # A new process on the same database: the lease is still held, nothing is sent twice...
    later = Outbox(engine, clock=lambda: utcnow() + timedelta(seconds=5))
    assert later.deliver_due(wecom_sender).handled == 0
    # ...and once the dead process's lease lapses, the message goes out exactly once.
    much_later = Outbox(engine, clock=lambda: utcnow() + timedelta(seconds=31))
    assert much_later.deliver_due(wecom_sender).sent == 1
    assert much_later.deliver_due(wecom_sender).handled == 0
    assert fake.texts("/cgi-bin/message/send") == ["重启前排队的回复"]
