"""Scale-out: four ``xiehui serve`` processes sharing PostgreSQL and a redis-server.

Everything is real: a private PostgreSQL cluster and redis-server (tests/servers.py), four
service processes on their own ports with the same DATABASE_URL and REDIS_URL (as behind a
load balancer), WeCom's API faked on loopback, callbacks encrypted and signed as WeCom does.
What must hold across the processes, counted and printed:

- the same callback delivered to all four workers at once (WeCom's retries landing on
  different workers) is answered exactly once;
- a broadcast's outbox rows are each sent exactly once while four delivery loops claim them;
- the robot rate limit (20 a minute per robot) is one budget for all four processes;
- exactly one scheduler leader, and a survivor takes over when the leader is killed.

Skipped on a machine without PostgreSQL or redis-server (Debian packages postgresql and
redis-server).
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest
import xmltodict
from redis import Redis
from sqlalchemy import text

from bot.web.faultbench import AES_KEY, CORP, SECRET, TOKEN, ServiceProcess, seed
from bot.wecom.client import WeComClient
from bot.wecom.fakeapi import FakeWeCom
from handlers.core import schema
from handlers.core.db import make_engine
from handlers.core.messages import Target, TargetKind
from handlers.core.outbox import PENDING, SENT, Outbox
from tests.servers import PostgresServer, RedisServer

WORKERS = 4
QUESTIONS = [
    "产假有多少天",
    "独生子女证丢了怎么补办",
    "计生特扶一个月多少钱",
    "新生儿足跟血什么时候查",
]


@dataclass
class Cluster:
    workers: list[ServiceProcess]
    fake: FakeWeCom
    redis: Redis
    database_url: str
    outbox: Outbox

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            for worker in self.workers:
                if worker.process is not None:
                    assert worker.process.poll() is None, f"a worker died; see {worker.log}"
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            time.sleep(0.1)

    def query(self, sql: str) -> list[tuple[object, ...]]:
        engine = make_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return [tuple(row) for row in connection.execute(text(sql))]
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def cluster(
    postgres: PostgresServer, system_redis_binary: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    folder = tmp_path_factory.mktemp("scale")
    name = "scale_out"
    postgres.drop_database(name)
    url = postgres.create_database(name)
    engine = make_engine(url)
    schema.upgrade(engine)  # what the operator does once: xiehui db upgrade
    engine.dispose()
    seed(folder, groups=0, database_url=url)
    redis_server = RedisServer(system_redis_binary).start()
    fake = FakeWeCom(corp_id=CORP, secret=SECRET)
    fake.__enter__()
    workers = [
        ServiceProcess(
            folder / f"worker{i}",
            redis_server.url,
            fake.base_url,
            DATABASE_URL=url,
            XIEHUI_RUN_SCHEDULER="true",
            XIEHUI_SCHEDULER_LEASE_SECONDS="3",
        )
        for i in range(WORKERS)
    ]
    redis = Redis.from_url(redis_server.url)
    outbox_engine = make_engine(url)
    try:
        for worker in workers:
            worker.start()
        yield Cluster(workers, fake, redis, url, Outbox(outbox_engine))
    finally:
        for worker in workers:
            worker.stop()
        outbox_engine.dispose()
        redis.close()
        fake.__exit__()
        redis_server.stop()
        postgres.drop_database(name)


def passive_content(client: WeComClient, body: str) -> str:
    if not body:
        return ""
    return str(xmltodict.parse(client.decrypt_reply(body))["xml"].get("Content") or "")


def test_the_same_callback_on_four_workers_is_answered_once(cluster: Cluster) -> None:
    client = WeComClient(TOKEN, AES_KEY, CORP)
    messages = 40

    async def deliver_everywhere(number: int, http: httpx.AsyncClient) -> list[str]:
        query, body = client.envelope(
            client.text_xml(
                f"scale{number:03d}", QUESTIONS[number % len(QUESTIONS)], 7_000_000 + number
            )
        )
        responses = await asyncio.gather(
            *(
                http.post(f"{worker.base}/wecom/callback?{query}", content=body, timeout=30)
                for worker in cluster.workers
            )
        )
        assert [r.status_code for r in responses] == [200] * WORKERS
        return [passive_content(client, r.text) for r in responses]

    async def run() -> list[list[str]]:
        async with httpx.AsyncClient() as http:
            return list(
                await asyncio.gather(*(deliver_everywhere(n, http) for n in range(messages)))
            )

    bodies = asyncio.run(run())
    # replies that went through the outbox (a worker stopped waiting) must all be sent
    cluster.wait_for(
        lambda: not any(status in ("pending", "sending") for status in cluster.outbox.counts()),
        "the outbox to drain",
    )
    sends = Counter(r.body.get("touser") for r in cluster.fake.calls("/cgi-bin/message/send"))
    passive = outbox = 0
    answers: list[int] = []
    for number, contents in enumerate(bodies):
        user = f"scale{number:03d}"
        replies = {c for c in contents if c}  # a replayed passive reply is the same reply
        assert len(replies) <= 1
        answers.append(len(replies) + sends[user])
        passive += len(replies)
        outbox += sends[user]
    claims = cluster.query("SELECT route, COUNT(*) FROM inbox_claim GROUP BY route")
    print(
        f"\n{WORKERS} workers: {messages} messages x {WORKERS} deliveries = "
        f"{messages * WORKERS} callbacks -> {sum(answers)} answers "
        f"({passive} passive, {outbox} via outbox); inbox claims by route {dict(claims)}"  # type: ignore[arg-type]
    )
    assert answers == [1] * messages
    assert sum(count for _route, count in claims) == messages  # type: ignore[misc]


def test_four_delivery_loops_send_each_outbox_row_once(cluster: Cluster) -> None:
    groups = 200
    items = [
        (Target(TargetKind.ROBOT, (f"scalekey{n:04d}x",)), f"第{n}组：活动通知", f"scale-bc:{n}")
        for n in range(groups)
    ]
    stored = cluster.outbox.enqueue_many(items, origin="broadcast:scale")
    assert stored == groups
    cluster.wait_for(
        lambda: (
            cluster.outbox.counts().get(SENT, 0) >= groups
            and not any(r.status != SENT for r in cluster.outbox.by_origin("broadcast:scale"))
        ),
        "the broadcast to be sent",
    )
    received = Counter(
        r.query["key"]
        for r in cluster.fake.calls("/cgi-bin/webhook/send")
        if r.query.get("key", "").startswith("scalekey")
    )
    attempts = Counter(r.attempts for r in cluster.outbox.by_origin("broadcast:scale"))
    print(
        f"\n{WORKERS} delivery loops: {groups} outbox rows -> {sum(received.values())} robot "
        f"sends to {len(received)} robots, most to one robot {max(received.values())}; "
        f"claims per row {dict(attempts)}"
    )
    assert len(received) == groups and set(received.values()) == {1}
    assert set(attempts) == {1}  # no row was claimed twice


def test_the_robot_rate_limit_is_shared_by_the_workers(cluster: Cluster) -> None:
    """30 messages to one robot: 20 go out within the minute, whichever worker sends them;
    the other 10 wait for the next minute (four unshared gates would let all 30 through)."""
    key = "scaleratekey0001x"
    target = Target(TargetKind.ROBOT, (key,))
    for n in range(30):
        cluster.outbox.enqueue(target, f"限流测试 {n}", key=f"scale-rate:{n}", origin="ratetest")

    def settled() -> bool:
        rows = cluster.outbox.by_origin("ratetest")
        sent = sum(1 for r in rows if r.status == SENT)
        waiting = [r for r in rows if r.status == PENDING]
        now = cluster.outbox.now()
        return sent + len(waiting) == 30 and all(r.not_before > now for r in waiting)

    cluster.wait_for(settled, "the rate gate to defer what is over the limit")
    sent = sum(1 for r in cluster.fake.calls("/cgi-bin/webhook/send") if r.query.get("key") == key)
    print(
        f"\n{WORKERS} workers, one robot, 30 messages: {sent} sent within the minute, "
        f"{30 - sent} deferred"
    )
    assert sent == 20


LEADER = re.compile(r"scheduler: this process is the leader \(([^)]*)\)")


def _leaders(cluster: Cluster) -> list[tuple[int, str]]:
    found = []
    for index, worker in enumerate(cluster.workers):
        for owner in LEADER.findall(worker.log.read_text(encoding="utf-8", errors="replace")):
            found.append((index, owner))
    return found


def _holder(cluster: Cluster) -> str:
    value = cluster.redis.get("xiehui:leader:scheduler")
    return value.decode() if isinstance(value, bytes) else ""


def test_one_scheduler_leader_and_a_successor_when_it_dies(cluster: Cluster) -> None:
    pids = {worker.process.pid: i for i, worker in enumerate(cluster.workers) if worker.process}
    cluster.wait_for(lambda: bool(_holder(cluster)), "a scheduler leader")
    time.sleep(3 * 3)  # three lease periods: time for a second leader to appear, if one could
    leaders = _leaders(cluster)
    holder = _holder(cluster)
    assert len(leaders) == 1 and leaders[0][1] == holder
    leader_pid = int(holder.split(":")[1])
    assert leader_pid in pids
    first = pids[leader_pid]

    leader = cluster.workers[first]
    assert leader.process is not None
    os.kill(leader.process.pid, signal.SIGKILL)
    leader.process.wait()
    leader.process = None
    cluster.wait_for(
        lambda: bool(_holder(cluster)) and _holder(cluster) != holder, "a successor", 60
    )
    time.sleep(3 * 3)
    successor = _holder(cluster)
    second = pids[int(successor.split(":")[1])]
    after = _leaders(cluster)
    print(
        f"\n{WORKERS} workers: leader was worker {first}; killed; worker {second} took over; "
        f"leadership announcements {len(after)} (one per leader)"
    )
    assert second != first
    assert sorted(after) == sorted([(first, holder), (second, successor)])
