"""The hot path's driver-level statements give what SQLAlchemy gives, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import col, create_engine

from handlers.core import hotsql
from handlers.core.db import init_db, upsert, utcnow
from handlers.core.inbox import Inbox, InboxClaim
from handlers.core.state import ConversationState

_TABLE = InboxClaim.__table__  # type: ignore[attr-defined]
_BY_KEY = select(_TABLE.c.key, _TABLE.c.heartbeat_at, _TABLE.c.attempts).where(
    _TABLE.c.key == bindparam("key")
)


def test_rows_and_values_are_converted_as_sqlalchemy_converts_them(engine: Engine) -> None:
    inbox = Inbox(engine)
    assert inbox.claim("k1", "me", "payload")
    assert not inbox.claim("k1", "someone else")  # the key exists: not inserted again
    with engine.connect() as connection:
        expected = tuple(connection.execute(_BY_KEY, {"key": "k1"}).one())
    got = hotsql.execute(engine, _BY_KEY, {"key": "k1"}).first()
    assert got == expected
    assert hotsql.execute(engine, _BY_KEY, {"key": "nothing"}).first() is None


def test_a_datetime_parameter_compares_as_stored(engine: Engine) -> None:
    """Heartbeats are compared with a cutoff: the parameter must be written as the column is."""
    inbox = Inbox(engine)
    inbox.claim("old", "me")
    statement = update(_TABLE).where(
        col(_TABLE.c.key) == bindparam("key"), _TABLE.c.heartbeat_at < bindparam("cutoff")
    )
    statement = statement.values(owner=bindparam("owner"))
    later = {"key": "old", "cutoff": utcnow() + timedelta(hours=1), "owner": "new"}
    earlier = {"key": "old", "cutoff": utcnow() - timedelta(hours=1), "owner": "never"}
    assert hotsql.execute(engine, statement, earlier).rowcount == 0
    assert hotsql.execute(engine, statement, later).rowcount == 1
    view = inbox.get("old")
    assert view is not None and view.owner == "new"


def test_a_missing_parameter_is_an_error_not_a_null(engine: Engine) -> None:
    with pytest.raises(KeyError, match="key"):
        hotsql.execute(engine, _BY_KEY, {})


def test_each_statement_commits_and_other_connections_see_it(engine: Engine) -> None:
    table = ConversationState.__table__  # type: ignore[attr-defined]
    values = {
        "channel": "app",
        "user_id": "u1",
        "name": "n",
        "value": "1",
        "expires_at": utcnow() + timedelta(minutes=5),
    }
    keys = ("channel", "user_id", "name")
    done = threading.Event()

    def from_another_thread() -> None:
        upsert(engine, table, values, keys)
        upsert(engine, table, {**values, "value": "2"}, keys)
        done.set()

    threading.Thread(target=from_another_thread).start()
    assert done.wait(30)
    with engine.connect() as connection:
        rows = connection.execute(select(table.c.value)).all()
    assert [tuple(r) for r in rows] == [("2",)]


def test_disposing_the_engine_closes_the_driver_connections(engine: Engine) -> None:
    hotsql.execute(engine, _BY_KEY, {"key": "x"})
    runner = hotsql.hot(engine)
    assert runner.enabled and runner._connections
    engine.dispose()
    assert not runner._connections
    assert hotsql.execute(engine, _BY_KEY, {"key": "x"}).first() is None  # opens a new one


def test_an_in_memory_database_goes_through_sqlalchemy() -> None:
    engine = create_engine(
        "sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool
    )
    try:
        init_db(engine)
        assert not hotsql.hot(engine).enabled
        assert Inbox(engine).claim("k", "me")
        assert hotsql.execute(engine, _BY_KEY, {"key": "k"}).first() is not None
    finally:
        engine.dispose()


def test_errors_reach_the_hooks(engine: Engine) -> None:
    seen: list[BaseException] = []
    hotsql.hot(engine).on_error(seen.append)
    names = [c.name for c in _TABLE.columns]
    plain_insert = insert(_TABLE).values({name: bindparam(name) for name in names})
    row = {
        "key": "dup",
        "status": "processing",
        "route": "",
        "owner": "me",
        "heartbeat_at": utcnow(),
        "attempts": 1,
        "payload": "",
        "reply": "",
        "created_at": utcnow(),
    }
    hotsql.execute(engine, plain_insert, row)
    with pytest.raises(engine.dialect.loaded_dbapi.IntegrityError):
        hotsql.execute(engine, plain_insert, row)
    assert len(seen) == 1
    assert hotsql.execute(engine, _BY_KEY, {"key": "dup"}).first() is not None  # still usable


def test_answers_read_ahead_are_given_until_a_write(engine: Engine) -> None:
    """A statement read ahead answers without the database, on its thread, inside the block,
    with its parameters, until any statement that is not a SELECT runs there."""
    inbox = Inbox(engine)
    inbox.claim("k1", "me")
    real = hotsql.execute(engine, _BY_KEY, {"key": "k1"})
    made_up = hotsql.Outcome([("k1", utcnow(), 99)], 1)
    with hotsql.read_ahead(engine, [(_BY_KEY, {"key": "k1"}, made_up)]):
        assert hotsql.execute(engine, _BY_KEY, {"key": "k1"}) is made_up
        assert hotsql.execute(engine, _BY_KEY, {"key": "k1"}) is made_up  # not used up
        assert hotsql.execute(engine, _BY_KEY, {"key": "k2"}).first() is None  # other params
        seen: list[object] = []
        other = threading.Thread(
            target=lambda: seen.append(hotsql.execute(engine, _BY_KEY, {"key": "k1"}).first())
        )
        other.start()
        other.join()
        assert seen == [real.first()]  # another thread reads the database
        inbox.heartbeat("k1", "me")  # a write on this thread: the answer may be stale
        assert hotsql.execute(engine, _BY_KEY, {"key": "k1"}).first()[2] == 1  # type: ignore[index]
    with hotsql.read_ahead(engine, [(_BY_KEY, {"key": "k1"}, made_up)]):
        with engine.begin() as connection:  # a write through SQLAlchemy clears it too
            connection.execute(update(_TABLE).where(_TABLE.c.key == "k1").values(attempts=3))
        assert hotsql.execute(engine, _BY_KEY, {"key": "k1"}).first()[2] == 3  # type: ignore[index]
    # after the block the database answers
    assert hotsql.execute(engine, _BY_KEY, {"key": "k1"}).first()[2] == 3  # type: ignore[index]


def test_a_claim_with_a_read_claims_once_and_reads_what_the_read_reads(engine: Engine) -> None:
    """On PostgreSQL the claim and the sender's read share one round trip; the rows are the
    read's own, and a second claim of the key is refused (elsewhere the read is not run)."""
    from handlers.core import asker
    from handlers.core.members import Member, MemberRegistry
    from handlers.core.state import Conversation

    MemberRegistry(engine).upsert(Member(user_id="u1", name="李", role="leader", on_duty=True))
    Conversation(engine, "app", "u1").set("choices", {"a": 1}, ttl=60)
    read, params = asker.statement("app", "u1")
    expected = hotsql.execute(engine, read, params)
    inbox = Inbox(engine)
    claimed, answers = inbox.claim_reading("k1", "me", "payload", "", read, params)
    assert claimed
    assert inbox.get("k1") is not None and inbox.payload("k1") == "payload"
    if engine.dialect.name == "postgresql":
        assert len(answers) == 1
        statement, given, outcome = answers[0]
        assert statement is read and given == params and outcome.rows == expected.rows
        with hotsql.read_ahead(engine, answers):
            found = asker.read_asker(engine, "app", "u1")
        assert found.member is not None and found.member.on_duty is True
        assert found.conversation == {"choices": '{"a": 1}'}
    else:
        assert answers == []
    assert inbox.claim_reading("k1", "other", "", "", read, params) == (False, [])


def test_a_write_inside_a_nested_read_ahead_forgets_the_outer_answers(engine: Engine) -> None:
    inbox = Inbox(engine)
    inbox.claim("k1", "me")
    made_up = hotsql.Outcome([("k1", utcnow(), 99)], 1)
    with hotsql.read_ahead(engine, [(_BY_KEY, {"key": "k1"}, made_up)]):
        with hotsql.read_ahead(engine, []):
            assert hotsql.execute(engine, _BY_KEY, {"key": "k1"}) is made_up  # inherited
            inbox.heartbeat("k1", "me")
        assert hotsql.execute(engine, _BY_KEY, {"key": "k1"}).first()[2] == 1  # type: ignore[index]


def test_writes_from_many_threads_each_happen_once(engine: Engine) -> None:
    """On SQLite the hot path's writes queue on one in-process lock (instead of SQLite's
    sleeping busy handler); every claim still lands exactly once, reads run beside them."""
    inbox = Inbox(engine)
    won: list[str] = []
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            for index in range(40):
                if inbox.claim(f"k{index}", name, "payload"):
                    won.append(f"k{index}")
                inbox.get(f"k{index}")
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"t{n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(won) == sorted(f"k{index}" for index in range(40))  # each key claimed once
