"""How many database statements and Redis commands one FAQ callback costs (ceilings).

Counts, not times: every statement is a trip to the driver (on PostgreSQL a round trip) and a
release of the GIL that another thread may take, and a callback used to cost several more
than it needs. ``xiehui bench cost`` prints the same counts under load.
"""

from __future__ import annotations

import collections
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from redis import Redis

from bot.container import Runtime, build_runtime
from bot.settings import Settings
from bot.web.app import create_app
from bot.web.costbench import Counts, instrument, redis_commands
from bot.wecom.client import WeComClient
from handlers.core.members import Member
from handlers.profiles import remembered_region
from tests.conftest import TEST_AES_KEY, TEST_CORP, TEST_TOKEN, make_settings

#: The claim, who sent it (member, conversation values, remembered region) and the
#: settlement of the passive reply.
STATEMENTS_PER_FAQ_CALLBACK = 3
QUESTIONS = [
    "产假有多少天",
    "独生子女父母奖励怎么申请",
    "育儿补贴一年多少钱",
    "计生特殊家庭有什么扶助",
    "陪产假几天",
    "生育保险报销哪些费用",
]


class Counted:
    def __init__(self) -> None:
        # the delivery worker and the scheduler poll on their own clocks
        self.counts = Counts(ignore=("outbox-delivery", "scheduler"))
        self.runtime: Runtime | None = None

    def __call__(self, settings: Settings) -> Runtime:
        runtime = build_runtime(settings)
        instrument(runtime.services.engine, self.counts)
        self.runtime = runtime
        return runtime


@pytest.fixture
def counted(tmp_path: Path, redis: Redis) -> Iterator[tuple[TestClient, Counted]]:
    factory = Counted()
    settings = make_settings(tmp_path, redis)
    with TestClient(create_app(settings, runtime_factory=factory)) as client:
        yield client, factory


def _ask(client: TestClient, wecom: WeComClient, user: str, text: str, msg_id: int) -> str:
    query, body = wecom.envelope(wecom.text_xml(user, text, msg_id))
    answer = client.post(f"/wecom/callback?{query}", content=body)
    assert answer.status_code == 200
    return answer.text


@pytest.mark.parametrize("registered", [True, False], ids=["member", "family"])
def test_a_faq_callback_costs_at_most_three_statements_and_no_redis(
    counted: tuple[TestClient, Counted], registered: bool
) -> None:
    client, factory = counted
    assert factory.runtime is not None
    services = factory.runtime.services
    wecom = WeComClient(TEST_TOKEN, TEST_AES_KEY, TEST_CORP)
    user = "leader1" if registered else "family1"
    if registered:
        services.members.upsert(
            Member(user_id=user, name="李", role="leader", province="广西", city="南宁")
        )
    # warm (the first message builds what it caches); a family's region is remembered
    _ask(client, wecom, user, "你好" if registered else "产假有多少天", 1)
    if not registered:  # the bot offers answers by province; the family names theirs
        _ask(client, wecom, user, "广西", 2)
        assert remembered_region(services.engine, "app", user).province == "广西"
    counts = factory.counts
    per_callback: list[int] = []
    replies: list[str] = []
    redis_before = redis_commands(services.redis)
    for index, question in enumerate(QUESTIONS):
        counts.reset()
        counts.on = True
        reply = _ask(client, wecom, user, question, 100 + index)
        counts.on = False
        assert reply, "answered in the response (a passive reply)"
        replies.append(wecom.decrypt_reply(reply))
        per_callback.append(counts.statements + counts.hot)
    spent = redis_commands(services.redis)
    spent.subtract(redis_before)
    spent["info"] -= 1  # the count's own INFO
    assert +spent == collections.Counter(), "no Redis command on the callback path"
    assert max(per_callback) <= STATEMENTS_PER_FAQ_CALLBACK, per_callback
    if not registered:  # answered for the remembered region, read with the sender
        assert "广西" in replies[0] and "广东" not in replies[0]
