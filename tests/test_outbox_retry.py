"""Which errors the outbox retries (-1, 45009, 45033) and which it does not (81013, 93000)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy.engine import Engine

from bot.wecom.fakeapi import FakeWeCom
from bot.wecom.sender import WeComSender
from handlers.core.db import utcnow
from handlers.core.messages import Target, TargetKind
from handlers.core.outbox import FAILED, PENDING, SENT, Outbox, SendResult
from tests.conftest import TEST_CORP, make_settings


class MovableClock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def fake():  # type: ignore[no-untyped-def]
    with FakeWeCom(corp_id=TEST_CORP) as server:
        yield server


@pytest.fixture
def wecom(tmp_path: Path, redis: Redis, fake: FakeWeCom):  # type: ignore[no-untyped-def]
    sender = WeComSender(make_settings(tmp_path, redis, WECOM_API_BASE=fake.base_url), redis)
    yield sender
    sender.close()


@pytest.mark.parametrize(
    ("path", "target", "code"),
    [
        ("/cgi-bin/message/send", Target.user("u1"), -1),
        ("/cgi-bin/message/send", Target.user("u1"), 45009),
        ("/cgi-bin/appchat/send", Target(TargetKind.APPCHAT, ("chat1",)), 45033),
        ("/cgi-bin/webhook/send", Target(TargetKind.ROBOT, ("robotkey-1",)), 45009),
    ],
)
def test_retryable_errors_are_retried_with_back_off(
    engine: Engine, wecom: WeComSender, fake: FakeWeCom, path: str, target: Target, code: int
) -> None:
    clock = MovableClock()
    outbox = Outbox(engine, clock=clock)
    fake.fail_next(path, code, "busy")
    outbox.enqueue(target, "通知", key="k1")
    first = outbox.deliver_due(wecom)
    assert first.retried == 1
    row = outbox.by_origin("reply")[0]
    assert row.status == PENDING and row.errcode == code
    assert row.not_before > clock.now  # backed off, not hammered
    assert outbox.deliver_due(wecom).handled == 0
    clock.now += timedelta(seconds=3)
    assert outbox.deliver_due(wecom).sent == 1
    assert outbox.by_origin("reply")[0].status == SENT
    assert len(fake.calls(path)) == 2


def test_all_invalid_users_81013_is_not_retried(
    engine: Engine, wecom: WeComSender, fake: FakeWeCom
) -> None:
    fake.invalid_users = {"gone"}
    outbox = Outbox(engine)
    outbox.enqueue(Target.user("gone"), "通知", key="k1")
    stats = outbox.deliver_due(wecom)
    assert (stats.failed, stats.retried) == (1, 0)
    row = outbox.by_origin("reply")[0]
    assert row.status == FAILED and row.errcode == 81013
    assert len(fake.calls("/cgi-bin/message/send")) == 1


def test_revoked_robot_key_93000_is_not_retried(
    engine: Engine, wecom: WeComSender, fake: FakeWeCom
) -> None:
    fake.revoked_robot_keys = {"revoked-key-1"}
    outbox = Outbox(engine)
    outbox.enqueue(Target(TargetKind.ROBOT, ("revoked-key-1",)), "通知", key="k1")
    assert outbox.deliver_due(wecom).failed == 1
    assert outbox.by_origin("reply")[0].errcode == 93000
    assert len(fake.calls("/cgi-bin/webhook/send")) == 1


def test_retries_stop_after_the_last_back_off(
    engine: Engine, wecom: WeComSender, fake: FakeWeCom
) -> None:
    clock = MovableClock()
    outbox = Outbox(engine, clock=clock)
    fake.fail_next("/cgi-bin/message/send", -1, "busy", times=20)
    outbox.enqueue(Target.user("u1"), "通知", key="k1")
    for _ in range(10):
        outbox.deliver_due(wecom)
        clock.now += timedelta(hours=1)
    row = outbox.by_origin("reply")[0]
    assert row.status == FAILED and row.attempts == 6
    assert len(fake.calls("/cgi-bin/message/send")) == 6


def test_scheduled_sends_ask_wecom_for_its_duplicate_check(
    engine: Engine, wecom: WeComSender, fake: FakeWeCom
) -> None:
    outbox = Outbox(engine)
    outbox.enqueue(Target.user("u1"), "提醒", key="reminder:1:p:G1", duplicate_check=True)
    outbox.enqueue(Target.user("u1"), "回复", key="reply:1")
    outbox.deliver_due(wecom)
    bodies = [c.body for c in fake.calls("/cgi-bin/message/send")]
    assert (
        bodies[0]["enable_duplicate_check"] == 1 and bodies[0]["duplicate_check_interval"] == 1800
    )
    assert "enable_duplicate_check" not in bodies[1]


def test_a_lapsed_lease_is_claimed_again_but_a_live_one_is_not(engine: Engine) -> None:
    clock = MovableClock()
    outbox = Outbox(engine, clock=clock)
    outbox.enqueue(Target.user("u1"), "x", key="k1")
    assert len(outbox.claim_due(lease_seconds=30)) == 1
    assert outbox.claim_due(lease_seconds=30) == []  # another worker: still leased
    clock.now += timedelta(seconds=31)
    again = outbox.claim_due(lease_seconds=30)
    assert len(again) == 1 and again[0].attempts == 2


def test_enqueue_many_is_idempotent_on_keys(engine: Engine) -> None:
    outbox = Outbox(engine)
    items = [(Target.user(f"u{i}"), "通知", f"b:1:{i}") for i in range(7)]
    assert outbox.enqueue_many(items, origin="broadcast:1", chunk=3) == 7
    assert outbox.enqueue_many(items, origin="broadcast:1", chunk=3) == 0
    assert len(outbox.by_origin("broadcast:1")) == 7


def test_a_slow_batch_stops_before_its_lease_lapses(engine: Engine) -> None:
    """Rows not started when 3/4 of the lease is gone go back instead of risking a double."""
    clock = MovableClock()
    outbox = Outbox(engine, clock=clock)
    for index in range(4):
        outbox.enqueue(Target.user(f"u{index}"), "x", key=f"k{index}")

    class SlowSender:
        def __init__(self) -> None:
            self.sent: list[str] = []

        def send(self, target: Target, text: str, *, duplicate_check: bool = False) -> SendResult:
            self.sent.append(target.ids[0])
            clock.now += timedelta(seconds=20)  # each send takes 20 s of a 60 s lease
            return SendResult(ok=True)

    slow = SlowSender()
    stats = outbox.deliver_due(slow, lease_seconds=60)
    assert slow.sent == ["u0", "u1", "u2"] and stats.deferred == 1
    rows = {r.key: (r.status, r.attempts) for r in outbox.by_origin("reply")}
    assert rows["k3"] == (PENDING, 0)  # back at once, not stuck until the lease lapses
    assert outbox.deliver_due(slow).sent == 1
