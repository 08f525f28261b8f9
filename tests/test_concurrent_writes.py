"""Rows that several workers may create at the same moment are written in one statement.

Threads stand in for worker processes here (the statements are the same); the multi-process
runs are in tests/test_scale_out.py. Runs on SQLite and, with ``--postgres``, on PostgreSQL.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from sqlalchemy.engine import Engine

from handlers.core.inbox import Inbox
from handlers.core.state import Conversation
from handlers.profiles import remember_region, remembered_region
from knowledge.regions import Region

THREADS = 8


def _at_once(work: object) -> list[object]:
    barrier = Barrier(THREADS)

    def run(number: int) -> object:
        barrier.wait()
        return work(number)  # type: ignore[operator]

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(run, range(THREADS)))


def test_first_writes_of_the_same_state_do_not_collide(engine: Engine) -> None:
    _at_once(lambda n: Conversation(engine, "app", "lihua").set("draft", {"n": n}, ttl=600))
    value = Conversation(engine, "app", "lihua").get("draft")
    assert value in [{"n": n} for n in range(THREADS)]
    popped = _at_once(lambda _n: Conversation(engine, "app", "lihua").pop("draft"))
    assert [p for p in popped if p is not None] == [value]  # exactly one pop gets it


def test_first_region_of_a_family_is_remembered_once(engine: Engine) -> None:
    cities = ["北海市", "南宁市", "柳州市", "桂林市", "梧州市", "玉林市", "钦州市", "贺州市"]
    _at_once(lambda n: remember_region(engine, "kf", "wmNew", Region("广西", cities[n])))
    assert remembered_region(engine, "kf", "wmNew").city in cities


def test_one_claim_among_concurrent_claims_of_a_message(engine: Engine) -> None:
    inbox = Inbox(engine)
    won = _at_once(lambda n: inbox.claim("msg:42", f"worker{n}", "payload"))
    assert won.count(True) == 1
