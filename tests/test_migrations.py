"""Schema migrations: a release-0.1.0 database with data upgrades to head on SQLite and on
PostgreSQL and the current code works with its rows; the migrations equal the models (no
drift); ``xiehui db status|upgrade`` and the start-up refusal on an out-of-date PostgreSQL.

The release's schema and rows are in tests/data/release_0_1_0/ (made by its build.py from the
release's own source). PostgreSQL runs come from tests/servers.py (a private cluster).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Boolean, Date, DateTime, MetaData, create_engine, inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.cli.main import main
from handlers.activity.models import ActivityRecord
from handlers.core import schema
from handlers.core.db import init_db, make_engine
from handlers.core.members import MemberRegistry
from handlers.core.messages import Target, TargetKind
from handlers.core.outbox import PENDING, SENT, Outbox
from handlers.handoff import HandoffTicket
from handlers.profiles import remember_region, remembered_region
from knowledge.regions import Region
from scheduler.models import Reminder
from tests.conftest import RecordingSender
from tests.servers import PostgresServer

RELEASE = Path(__file__).parent / "data" / "release_0_1_0"
DIALECTS = ["sqlite", "postgresql"]


@pytest.fixture(params=DIALECTS)
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of each dialect (PostgreSQL: a private cluster, skipped when the
    machine has none)."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'release.db'}")
        yield engine
        engine.dispose()
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    name = f"mig_{tmp_path.name.lower()}"[:60].replace("-", "_")
    server.drop_database(name)
    engine = make_engine(server.create_database(name))
    yield engine
    engine.dispose()
    server.drop_database(name)


def load_release(engine: Engine) -> dict[str, list[dict[str, object]]]:
    """The release's DDL as that release created it, then its rows; returns the rows."""
    if engine.dialect.name == "sqlite":
        path = str(engine.url.database)
        with sqlite3.connect(path) as db:
            db.executescript((RELEASE / "schema.sqlite.sql").read_text(encoding="utf-8"))
    else:
        # its own engine: pg_dump's script empties the session's search_path
        loader = create_engine(engine.url, isolation_level="AUTOCOMMIT")
        with loader.connect() as connection:
            raw = connection.connection.dbapi_connection
            assert raw is not None
            raw.execute((RELEASE / "schema.postgresql.sql").read_text(encoding="utf-8"))  # type: ignore[attr-defined]
        loader.dispose()
    rows: dict[str, list[dict[str, object]]] = json.loads(
        (RELEASE / "rows.json").read_text(encoding="utf-8")
    )
    meta = MetaData()
    meta.reflect(engine)
    with engine.begin() as connection:
        for table in meta.sorted_tables:
            values = [_typed(table, row) for row in rows.get(table.name, [])]
            if values:
                connection.execute(table.insert(), values)
        if engine.dialect.name == "postgresql":
            # rows came with their ids (as a dump restores them): move the sequences on
            for table in meta.sorted_tables:
                if "id" in table.c and table.c.id.autoincrement is not False:
                    connection.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}), false)"
                        )
                    )
    return rows


def _typed(table: object, row: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, value in row.items():
        column = table.c[name]  # type: ignore[attr-defined]
        if value is not None and isinstance(column.type, DateTime):
            moment = datetime.fromisoformat(str(value))
            value = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        elif value is not None and isinstance(column.type, Date):
            value = date.fromisoformat(str(value))
        elif value is not None and isinstance(column.type, Boolean):
            value = bool(value)
        out[name] = value
    return out


def shape(engine: Engine) -> dict[str, object]:
    """Tables, columns (name, nullability, generic type), primary keys, indexes."""
    inspector = inspect(engine)
    out: dict[str, object] = {}
    for table in sorted(set(inspector.get_table_names()) - {"alembic_version"}):
        out[table] = {
            # as a set: a migrated table has its added columns at the end
            "columns": sorted(
                (
                    c["name"],
                    c["nullable"],
                    type(c["type"]).__name__.upper().replace("TEXT", "VARCHAR"),
                )
                for c in inspector.get_columns(table)
            ),
            "pk": inspector.get_pk_constraint(table)["constrained_columns"],
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                for i in inspector.get_indexes(table)
            ),
            "unique": sorted(
                tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)
            ),
        }
    return out


def test_release_database_with_data_upgrades_to_head_and_the_code_uses_it(
    empty_database: Engine, tmp_path: Path
) -> None:
    engine = empty_database
    rows = load_release(engine)
    before = schema.status(engine)
    assert before.legacy and before.current is None
    after = schema.upgrade(engine)
    assert after.current == schema.head() and after.up_to_date
    assert schema.differences(engine) == []
    print(
        f"\n{engine.dialect.name}: release 0.1.0 with "
        f"{sum(len(v) for v in rows.values())} rows in {len(rows)} tables -> {after.current}"
    )

    # every row is still there
    with engine.connect() as connection:
        for table, table_rows in rows.items():
            count = connection.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar_one()
            assert count == len(table_rows), table

    # ... and the current code reads and writes them
    members = MemberRegistry(engine)
    leader = members.get("lihua")
    assert leader is not None and leader.name == "李华" and leader.village == "江口村"
    assert members.get("zhangmin") is not None and members.get("zhangmin").on_duty  # type: ignore[union-attr]
    outbox = Outbox(engine, clock=lambda: datetime(2026, 6, 1, 2, 0, tzinfo=UTC))
    assert outbox.counts() == {SENT: 1, PENDING: 1}
    due = outbox.claim_due()
    assert [row.key for row in due] == ["reminder:1:2026-06-01T09:10:00"]
    assert due[0].target == Target(TargetKind.APPCHAT, ("wrJK01",))
    sender = RecordingSender()
    assert outbox.deliver_due(sender).sent == 0  # already claimed: leased to us
    outbox.mark_sent(due[0], sender.send(due[0].target, due[0].text))
    assert outbox.counts() == {SENT: 2}
    fresh = outbox.enqueue(Target(TargetKind.USER, ("lihua",)), "升级后的新消息", key="after")
    assert fresh[0].id == 3  # the id sequence continues after the release's rows
    with Session(engine) as session:
        record = session.exec(select(ActivityRecord)).one()
        assert record.place == "江口村文化室" and record.participants == 35
        assert record.place_home is False and record.held_township == ""
        assert record.township == "廉州镇"
        assert session.exec(select(HandoffTicket)).all()[0].answer.startswith("带身份证")
        assert {r.kind for r in session.exec(select(Reminder))} == {"monthly", "calendar"}
    assert remembered_region(engine, "kf", "wmFAMILY1") == Region("广西", "北海市")
    remember_region(engine, "kf", "wmFAMILY1", Region("广东", "佛山市"))
    assert remembered_region(engine, "kf", "wmFAMILY1") == Region("广东", "佛山市")
    # upgrading again is a no-op
    assert schema.upgrade(engine).current == after.current


def test_baseline_revision_is_the_release_schema(
    empty_database: Engine, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Revision 0001 builds exactly what release 0.1.0's create_all built (on this dialect)."""
    release = empty_database
    load_release(release)
    if release.dialect.name == "sqlite":
        baseline = make_engine(f"sqlite:///{tmp_path / 'baseline.db'}")
    else:
        server: PostgresServer = request.getfixturevalue("postgres")
        name = f"base_{tmp_path.name.lower()}"[:60].replace("-", "_")
        server.drop_database(name)
        baseline = make_engine(server.create_database(name))
    try:
        schema.upgrade(baseline, schema.BASELINE)
        assert schema.status(baseline).current == schema.BASELINE
        assert shape(baseline) == shape(release)
    finally:
        baseline.dispose()
        if release.dialect.name != "sqlite":
            server.drop_database(name)


def test_migrations_equal_the_models(empty_database: Engine) -> None:
    """Drift: every revision run from an empty database gives what the models describe, and
    a new database made the quick way (create_all + stamp) is the same schema."""
    from alembic import command

    engine = empty_database
    with engine.begin() as connection:
        command.upgrade(schema.alembic_config(connection), "head")
    assert schema.status(engine).up_to_date
    assert schema.differences(engine) == []
    migrated = shape(engine)
    with engine.begin() as connection:
        for table in reversed(schema.target_metadata().sorted_tables):
            connection.execute(text(f'DROP TABLE "{table.name}"'))
        connection.execute(text("DROP TABLE alembic_version"))
    assert schema.status(engine).empty
    schema.upgrade(engine)  # the quick way for a new database
    assert schema.status(engine).up_to_date
    assert shape(engine) == migrated


def test_db_status_and_upgrade_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("XIEHUI_DATA_DIR", str(data))
    with sqlite3.connect(data / "xiehui.db") as db:
        db.executescript((RELEASE / "schema.sqlite.sql").read_text(encoding="utf-8"))
    assert main(["db", "status"]) == 1
    out = capsys.readouterr().out
    assert "当前版本：0.1.0 版建的库（没有版本记录）" in out
    assert f"程序需要的版本：{schema.head()}" in out and "xiehui db upgrade" in out
    assert main(["db", "upgrade"]) == 0
    assert f"已升级：0.1.0 版建的库（没有版本记录） → {schema.head()}" in capsys.readouterr().out
    assert main(["db", "status"]) == 0
    assert "数据库结构是最新的。" in capsys.readouterr().out
    assert main(["db", "upgrade"]) == 0
    assert "不需要升级" in capsys.readouterr().out


def test_embedded_sqlite_upgrades_itself_on_start(tmp_path: Path) -> None:
    path = tmp_path / "xiehui.db"
    with sqlite3.connect(path) as db:
        db.executescript((RELEASE / "schema.sqlite.sql").read_text(encoding="utf-8"))
    engine = make_engine(f"sqlite:///{path}")
    try:
        init_db(engine)  # what build_runtime and xiehui serve do
        assert schema.status(engine).up_to_date
    finally:
        engine.dispose()


def test_serve_refuses_an_out_of_date_postgresql_database(
    postgres: PostgresServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    name = f"old_{tmp_path.name.lower()}"[:60].replace("-", "_")
    server = postgres
    server.drop_database(name)
    url = server.create_database(name)
    engine = make_engine(url)
    load_release(engine)
    engine.dispose()
    monkeypatch.setenv("XIEHUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", url)
    try:
        assert main(["serve", "--port", "1"]) == 1  # stops before listening
        err = capsys.readouterr().err
        assert "服务没有启动" in err and "xiehui db upgrade" in err
        assert "0.1.0（无版本记录）" in err and "Traceback" not in err
        assert len(err.strip().splitlines()) == 1  # one paragraph
        # the database was left alone
        check = make_engine(url)
        assert schema.status(check).legacy
        check.dispose()
        assert main(["db", "upgrade"]) == 0
        capsys.readouterr()
        assert main(["db", "status"]) == 0
        assert "数据库结构是最新的。" in capsys.readouterr().out
    finally:
        server.drop_database(name)


def test_an_empty_postgresql_database_is_not_created_by_serve(
    postgres: PostgresServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    name = f"new_{tmp_path.name.lower()}"[:60].replace("-", "_")
    postgres.drop_database(name)
    monkeypatch.setenv("XIEHUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", postgres.create_database(name))
    try:
        assert main(["serve", "--port", "1"]) == 1
        err = capsys.readouterr().err
        assert "数据库是空的" in err and "xiehui db upgrade" in err
    finally:
        postgres.drop_database(name)


def test_the_start_up_shortcut_names_the_newest_revision() -> None:
    """``init_db`` skips Alembic for a database at ``SCHEMA_HEAD``: that constant must be
    the head the migration scripts give (a new revision updates it)."""
    from handlers.core.db import SCHEMA_HEAD

    assert schema.head() == SCHEMA_HEAD


def test_a_database_at_head_starts_without_alembic(empty_database: Engine) -> None:
    """A database already at the head is recognised without importing Alembic (a fresh
    interpreter: this one imported it already); one that is not goes the full way."""
    import subprocess
    import sys

    from handlers.core.db import at_schema_head

    engine = empty_database
    assert not at_schema_head(engine)  # empty: no version table
    schema.upgrade(engine)
    assert at_schema_head(engine)
    probe = (
        "import sys\n"
        "from handlers.core.db import init_db, make_engine\n"
        f"init_db(make_engine({engine.url.render_as_string(hide_password=False)!r}))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": "0001"})
    assert not at_schema_head(engine)  # behind: the full check decides
