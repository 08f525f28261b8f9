"""The Redis rate gate: WeCom's per-robot, per-member and per-corp limits, shared by processes."""

from __future__ import annotations

from redis import Redis

from handlers.core.messages import Target, TargetKind
from handlers.core.outbox import SENT, Outbox
from handlers.core.ratelimit import RateLimits, RedisRateGate
from tests.conftest import RecordingSender


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def robot(key: str = "robotkey-1234") -> Target:
    return Target(TargetKind.ROBOT, (key,))


def test_robot_gets_20_a_minute_then_waits_for_the_oldest_to_age_out(redis: Redis) -> None:
    clock = Clock()
    gate = RedisRateGate(redis, clock=clock)
    for _ in range(20):
        assert gate.wait_seconds(robot()) == 0
        clock.now += 1
    wait = gate.wait_seconds(robot())
    assert wait == 40.0  # the first send (at t=0) leaves the window at t=60; now t=20
    assert gate.wait_seconds(robot("another-robot-key")) == 0  # per robot
    clock.now += wait
    assert gate.wait_seconds(robot()) == 0


def test_members_get_30_a_minute_and_1000_an_hour(redis: Redis) -> None:
    clock = Clock()
    gate = RedisRateGate(redis, clock=clock)
    for _ in range(30):
        assert gate.wait_seconds(Target.user("u1")) == 0
    assert gate.wait_seconds(Target.user("u1")) > 0
    # A group message to u1 and u2 must wait too: u1 is full.
    assert gate.wait_seconds(Target.user("u2", "u1")) > 0
    assert gate.wait_seconds(Target.user("u2")) == 0
    sent = 30
    while sent < 1000:
        clock.now += 61
        for _ in range(30):
            if sent < 1000:
                assert gate.wait_seconds(Target.user("u1")) == 0
                sent += 1
    clock.now += 61
    assert gate.wait_seconds(Target.user("u1")) > 60  # the hourly cap now binds


def test_a_refused_reservation_takes_no_slot(redis: Redis) -> None:
    clock = Clock()
    gate = RedisRateGate(redis, RateLimits(member_per_minute=1), clock=clock)
    assert gate.wait_seconds(Target.user("u1")) == 0
    assert gate.wait_seconds(Target.user("u1", "u2")) > 0
    assert gate.wait_seconds(Target.user("u2")) == 0  # u2 was not charged for the refusal


def test_gate_is_shared_between_instances(redis: Redis) -> None:
    clock = Clock()
    first = RedisRateGate(redis, RateLimits(robot_per_minute=2), clock=clock)
    second = RedisRateGate(redis, RateLimits(robot_per_minute=2), clock=clock)
    assert first.wait_seconds(robot()) == 0
    assert second.wait_seconds(robot()) == 0
    assert first.wait_seconds(robot()) > 0
    assert "robotkey" not in " ".join(k.decode() for k in redis.keys("xiehui:rate:*"))


def test_window_scale_shrinks_windows() -> None:
    limits = RateLimits(window_scale=0.01)
    assert limits.buckets(robot())[0][1:] == (20, 0.6)
    targets = [robot()] * 41
    assert limits.minimum_seconds(targets) == 1.2  # 3 windows: 20 + 20 + 1
    assert RateLimits().minimum_seconds(targets) == 120.0


def test_outbox_defers_what_the_gate_refuses(engine, redis: Redis) -> None:  # type: ignore[no-untyped-def]
    clock = Clock()
    gate = RedisRateGate(redis, RateLimits(robot_per_minute=2), clock=clock)
    outbox = Outbox(engine)
    for index in range(3):
        outbox.enqueue(robot(), f"第{index}条", key=f"k{index}")
    sender = RecordingSender()
    stats = outbox.deliver_due(sender, gate=gate)
    assert (stats.sent, stats.deferred) == (2, 1)
    deferred = [m for m in outbox.by_origin("reply") if m.status != SENT]
    assert len(deferred) == 1 and deferred[0].attempts == 0
    assert len(sender.sent) == 2


def test_appchat_counts_every_member_across_chats(redis: Redis) -> None:
    """A coordinator in many group chats hits WeCom's 200/min per member before any chat does."""
    clock = Clock()
    members = {f"chat{i}": ["coordinator", f"m{i}"] for i in range(5)}
    gate = RedisRateGate(
        redis, RateLimits(appchat_per_minute=3), clock=clock, chat_members=members.__getitem__
    )
    chat = [Target(TargetKind.APPCHAT, (f"chat{i}",)) for i in range(5)]
    assert [gate.wait_seconds(t) for t in chat[:3]] == [0, 0, 0]
    assert gate.wait_seconds(chat[3]) > 0  # a fresh chat, but the coordinator is full
    clock.now += 60
    assert gate.wait_seconds(chat[3]) == 0


def test_chat_members_come_from_the_group_registry(services) -> None:  # type: ignore[no-untyped-def]
    from handlers.core.members import MemberGroup
    from handlers.core.messages import Role
    from handlers.groups import chat_members
    from tests.conftest import add_member

    services.members.save_group(MemberGroup(code="G1", channel="appchat", chat_id="chatG1"))
    for uid in ("a", "b"):
        add_member(services, uid, Role.VOLUNTEER, group="G1")
    assert chat_members(services, "chatG1") == ["a", "b"]
    assert chat_members(services, "nochat") == []
