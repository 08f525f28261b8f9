"""/metrics: the counters move with what the service does, and the exporter serves them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from redis import Redis
from sqlalchemy import column, select, table, text
from sqlalchemy.engine import Engine

from bot.web import metrics
from bot.web.app import create_app
from bot.web.faultbench import free_port
from bot.wecom.client import WeComClient
from handlers.core import hotsql
from handlers.core.messages import Target
from handlers.core.outbox import Outbox
from handlers.core.redisguard import RedisGuard
from handlers.core.services import Services
from scheduler.service import SchedulerService
from tests.conftest import TEST_AES_KEY, TEST_CORP, TEST_TOKEN, make_settings

QUESTION = "生头胎国家给钱不"


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def client(tmp_path: Path, redis: Redis) -> Iterator[TestClient]:
    settings = make_settings(tmp_path, redis, WECOM_SECRET="")  # local sender: sent.log
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def post(client: TestClient, wecom: WeComClient, xml: str) -> httpx.Response:
    query, body = wecom.envelope(xml)
    return client.post(f"/wecom/callback?{query}", content=body)


def test_callbacks_handlers_and_faq_outcomes_are_counted(client: TestClient) -> None:
    wecom = WeComClient(TEST_TOKEN, TEST_AES_KEY, TEST_CORP)
    before = {
        "passive": sample("xiehui_callbacks_total", outcome="passive"),
        "retry": sample("xiehui_callbacks_total", outcome="retry"),
        "rejected": sample("xiehui_callbacks_total", outcome="rejected"),
        "faq": sample("xiehui_faq_total", outcome="confident"),
        "handled": sample("xiehui_handler_seconds_count", handler="faq"),
        "latency": sample("xiehui_callback_seconds_count"),
    }
    xml = wecom.text_xml("metrics-family", QUESTION, 880001)
    query, body = wecom.envelope(xml)
    first = client.post(f"/wecom/callback?{query}", content=body)
    again = client.post(f"/wecom/callback?{query}", content=body)  # WeCom's retry
    assert (
        first.status_code == again.status_code == 200 and first.text and again.text == first.text
    )
    tampered = client.post(f"/wecom/callback?{query.replace('nonce=', 'nonce=9')}", content=body)
    assert tampered.status_code == 403

    assert sample("xiehui_callbacks_total", outcome="passive") == before["passive"] + 1
    assert sample("xiehui_callbacks_total", outcome="retry") == before["retry"] + 1
    assert sample("xiehui_callbacks_total", outcome="rejected") == before["rejected"] + 1
    assert sample("xiehui_faq_total", outcome="confident") == before["faq"] + 1
    assert sample("xiehui_handler_seconds_count", handler="faq") == before["handled"] + 1
    assert sample("xiehui_callback_seconds_count") == before["latency"] + 3


def test_exporter_serves_the_counters_and_the_outbox_rows(engine: Engine) -> None:
    Outbox(engine).enqueue(Target.user("someone"), "一条待发的消息", key="metrics-test")
    metrics.record_callback("passive", 0.0)
    port = free_port()
    stop = metrics.serve_metrics(port, "127.0.0.1", engine)
    try:
        page = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    finally:
        stop()
    assert 'xiehui_outbox_rows{status="pending"} 1.0' in page
    passive = sample("xiehui_callbacks_total", outcome="passive")
    assert f'xiehui_callbacks_total{{outcome="passive"}} {passive}' in page
    for name in ("xiehui_callback_seconds_bucket", "xiehui_redis_errors_total"):
        assert name in page


def test_redis_failures_are_counted() -> None:
    before = sample("xiehui_redis_errors_total")
    dead = Redis(port=free_port(), socket_timeout=0.2, socket_connect_timeout=0.2)
    guard = RedisGuard(dead)
    guard.on_failure(metrics.record_redis_error)
    assert guard.call(lambda r: r.get("x"), lambda: "fallback") == "fallback"
    assert sample("xiehui_redis_errors_total") == before + 1


def test_database_errors_are_counted(engine: Engine) -> None:
    metrics.count_db_errors(engine)
    before = sample("xiehui_db_errors_total")
    with pytest.raises(Exception, match="no_such_table"), engine.connect() as connection:
        connection.execute(text("SELECT * FROM no_such_table"))
    assert sample("xiehui_db_errors_total") == before + 1
    # the callback's hot path runs on the driver directly; its errors count too
    missing = select(column("x")).select_from(table("no_such_table"))
    with pytest.raises(Exception, match="no_such_table"):
        hotsql.execute(engine, missing, {})
    assert sample("xiehui_db_errors_total") == before + 2


class HeldLease:
    owner = "test"

    def held(self) -> bool:
        return True


RUNS: list[Any] = []


def job_that_works(_services: Services) -> None:
    RUNS.append("ok")


def job_that_fails(_services: Services) -> None:
    raise RuntimeError("boom")


def test_scheduler_runs_are_counted(services: Services) -> None:
    scheduler = SchedulerService(services, HeldLease())  # type: ignore[arg-type]
    scheduler.run_hooks.append(metrics.record_scheduler_run)
    ok_job, bad_job = f"{__name__}:job_that_works", f"{__name__}:job_that_fails"
    before_ok = sample("xiehui_scheduler_runs_total", job=ok_job, result="ok")
    before_bad = sample("xiehui_scheduler_runs_total", job=bad_job, result="error")
    scheduler._call(ok_job)
    scheduler._call(bad_job)
    assert RUNS == ["ok"]
    assert sample("xiehui_scheduler_runs_total", job=ok_job, result="ok") == before_ok + 1
    assert sample("xiehui_scheduler_runs_total", job=bad_job, result="error") == before_bad + 1
