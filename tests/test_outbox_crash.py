"""A broadcast survives a SIGKILL of the sending process: nothing lost, nothing repeated.

The sending process is a real subprocess draining the outbox through WeComSender against the
fake WeCom API on loopback; the test kills it with SIGKILL once about half the groups have
been sent to, then a second real process drains the rest after the dead process's leases
lapse.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis

from bot.wecom.fakeapi import FakeWeCom
from handlers.broadcast import Plan, commit_plan
from handlers.core.db import init_db, make_engine
from handlers.core.members import MemberGroup
from handlers.core.outbox import SENT, Outbox
from handlers.core.services import Services
from tests.conftest import TEST_AGENT, TEST_CORP, TEST_SECRET
from tests.databases import database_url

ROOT = Path(__file__).resolve().parent.parent
LEASE = 2.0

WORKER = """
import sys, time
from bot.container import build_runtime
from bot.settings import Settings
runtime = build_runtime(Settings())
outbox, gate = runtime.services.outbox, runtime.extras["rate_gate"]
idle_since = None
while True:
    stats = outbox.deliver_due(runtime.sender, gate=gate, limit=20, lease_seconds=%(lease)s)
    counts = outbox.counts()
    if counts.get("pending", 0) + counts.get("sending", 0) == 0:
        break
    if not stats.handled:
        time.sleep(0.05)
runtime.close()
"""


@pytest.fixture
def fake() -> Iterator[FakeWeCom]:
    with FakeWeCom(corp_id=TEST_CORP, secret=TEST_SECRET) as server:
        yield server


def _env(tmp_path: Path, redis: Redis, fake: FakeWeCom) -> dict[str, str]:
    socket = redis.connection_pool.connection_kwargs.get("path")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECOM_", "XIEHUI_"))}
    env.update(
        {
            "WECOM_CORP_ID": TEST_CORP,
            "WECOM_AGENT_ID": str(TEST_AGENT),
            "WECOM_SECRET": TEST_SECRET,
            "WECOM_API_BASE": fake.base_url,
            "REDIS_URL": f"unix://{socket}",
            "DATABASE_URL": database_url(tmp_path, "shared.db"),
            "XIEHUI_DATA_DIR": str(tmp_path / "data"),
            "XIEHUI_RUN_SCHEDULER": "false",
        }
    )
    return env


def _services(tmp_path: Path, redis: Redis) -> Services:
    engine = make_engine(database_url(tmp_path, "shared.db"))
    init_db(engine)
    return Services(engine=engine, redis=redis, outbox=Outbox(engine), data_dir=tmp_path)


def _finish(process: subprocess.Popen[bytes]) -> None:
    """Wait for a worker to drain everything and exit cleanly."""
    try:
        code = process.wait(timeout=120)
        errors = process.stderr.read() if process.stderr is not None else b""
    finally:
        if process.stderr is not None:
            process.stderr.close()
    assert code == 0, errors.decode(errors="replace")


def _spawn(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER % {"lease": LEASE}],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _kill_halfway(process: subprocess.Popen[bytes], fake: FakeWeCom, path: str, half: int) -> int:
    """SIGKILL the sender once the fake has seen ``half`` sends; returns how many it had seen."""
    deadline = time.monotonic() + 120
    while len(fake.calls(path)) < half:
        assert process.poll() is None, process.stderr.read() if process.stderr else b""
        assert time.monotonic() < deadline, "sender made no progress"
        time.sleep(0.002)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    if process.stderr is not None:
        process.stderr.close()
    return len(fake.calls(path))


def _broadcast(services: Services, groups: list[MemberGroup]) -> int:
    for group in groups:
        services.members.save_group(group)
    plan = Plan(
        audience="全体小组",
        text="5月29日上午9点在村委会开展会员活动日",
        group_codes=[g.code for g in groups],
        leaders_only=False,
        people=len(groups),
        unreachable=[],
    )
    row = commit_plan(services, plan, "coord", "app")
    assert row.id is not None
    return row.id


def test_broadcast_to_500_groups_survives_sigkill_exactly_once(
    tmp_path: Path, redis: Redis, fake: FakeWeCom
) -> None:
    services = _services(tmp_path, redis)
    groups = [
        MemberGroup(code=f"G{i:03d}", name=f"第{i}组", channel="members", user_ids=f"u{i}|v{i}")
        for i in range(500)
    ]
    broadcast_id = _broadcast(services, groups)
    env = _env(tmp_path, redis, fake)

    seen_at_kill = _kill_halfway(_spawn(env), fake, "/cgi-bin/message/send", 250)
    assert 250 <= seen_at_kill < 500  # the kill really happened halfway
    assert services.outbox.counts().get(SENT, 0) < 500

    _finish(_spawn(env))

    rows = services.outbox.by_origin(f"broadcast:{broadcast_id}")
    assert len(rows) == 500 and all(r.status == SENT for r in rows)
    delivered = Counter(r.body["touser"] for r in fake.deliveries("/cgi-bin/message/send"))
    assert set(delivered) == {f"u{i}|v{i}" for i in range(500)}  # nobody lost
    assert max(delivered.values()) == 1  # nobody got it twice
    assert all(
        r.body.get("enable_duplicate_check") == 1 for r in fake.calls("/cgi-bin/message/send")
    )
    services.engine.dispose()


def test_robot_broadcast_survives_sigkill_without_loss(
    tmp_path: Path, redis: Redis, fake: FakeWeCom
) -> None:
    """Robots have no duplicate check: at most the one in-flight message may repeat."""
    services = _services(tmp_path, redis)
    groups = [
        MemberGroup(
            code=f"R{i:03d}", name=f"机器人{i}组", channel="robot", robot_key=f"key{i:05d}x"
        )
        for i in range(300)
    ]
    broadcast_id = _broadcast(services, groups)
    env = _env(tmp_path, redis, fake)
    _kill_halfway(_spawn(env), fake, "/cgi-bin/webhook/send", 150)
    _finish(_spawn(env))

    rows = services.outbox.by_origin(f"broadcast:{broadcast_id}")
    assert all(r.status == SENT for r in rows)
    received = Counter(r.query["key"] for r in fake.calls("/cgi-bin/webhook/send"))
    assert set(received) == {f"key{i:05d}x" for i in range(300)}
    assert sum(received.values()) - 300 <= 1  # one send per process can be in flight
    services.engine.dispose()


def test_two_sending_processes_never_send_a_row_twice(
    tmp_path: Path, redis: Redis, fake: FakeWeCom
) -> None:
    services = _services(tmp_path, redis)
    groups = [
        MemberGroup(
            code=f"P{i:03d}", name=f"并发{i}组", channel="robot", robot_key=f"pkey{i:05d}x"
        )
        for i in range(300)
    ]
    _broadcast(services, groups)
    env = _env(tmp_path, redis, fake)
    workers = [_spawn(env), _spawn(env)]
    for worker in workers:
        _finish(worker)
    received = Counter(r.query["key"] for r in fake.calls("/cgi-bin/webhook/send"))
    assert len(received) == 300 and set(received.values()) == {1}
    services.engine.dispose()
