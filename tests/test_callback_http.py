"""The callback served by the HTTP protocol itself (bot/web/callback_http.py), over real sockets.

A real uvicorn server on loopback with the protocol ``xiehui serve`` uses, real encryption
against our own endpoint: the answers, keep-alive, pipelining, ``Expect: 100-continue``,
HTTP/1.0, a client that goes away, and every other route still served by FastAPI.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
import xmltodict
from prometheus_client import REGISTRY
from redis import Redis

from bot.web.app import create_app
from bot.web.callback_http import CallbackProtocol, callback_protocol
from bot.wecom.client import WeComClient
from bot.wecom.fakeapi import FakeWeCom
from tests.conftest import TEST_AES_KEY, TEST_CORP, TEST_TOKEN, make_settings
from tests.test_callback import CountingRuntime, wait_for


class Served:
    """``create_app`` under uvicorn with the callback protocol, in a thread."""

    def __init__(self, settings_dir: Path, redis: Redis, fake: FakeWeCom, **overrides: object):
        self.counter = CountingRuntime()
        settings = make_settings(settings_dir, redis, WECOM_API_BASE=fake.base_url, **overrides)
        self.app = create_app(settings, runtime_factory=self.counter)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        config = uvicorn.Config(
            self.app,
            http=callback_protocol(self.app),
            log_level="warning",
            access_log=False,
            timeout_keep_alive=30,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]})

    def __enter__(self) -> Served:
        self.thread.start()
        assert wait_for(lambda: self.server.started, timeout=60), "uvicorn did not start"
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(60)
        self.sock.close()

    def connect(self) -> socket.socket:
        conn = socket.create_connection(("127.0.0.1", self.port), timeout=20)
        return conn


@pytest.fixture
def served(tmp_path: Path, redis: Redis) -> Iterator[Served]:
    with FakeWeCom(corp_id=TEST_CORP) as fake, Served(tmp_path, redis, fake) as server:
        yield server


@pytest.fixture
def wecom() -> WeComClient:
    return WeComClient(TEST_TOKEN, TEST_AES_KEY, TEST_CORP)


class Reader:
    """Reads HTTP/1.1 responses one after another from one connection."""

    def __init__(self, conn: socket.socket) -> None:
        self.conn = conn
        self.buffer = b""

    def _fill(self) -> bool:
        chunk = self.conn.recv(65536)
        self.buffer += chunk
        return bool(chunk)

    def response(self) -> tuple[int, dict[str, str], bytes]:
        while b"\r\n\r\n" not in self.buffer:
            if not self._fill():
                raise ConnectionError("connection closed before a response")
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(self.buffer) < length:
            if not self._fill():
                raise ConnectionError("connection closed inside a body")
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return status, headers, body

    def closed(self) -> bool:
        """True once the server has closed the connection (and sent nothing more)."""
        return not self.buffer and not self._fill()


def post_bytes(query: str, body: bytes, *, version: str = "1.1", extra: str = "") -> bytes:
    return (
        f"POST /wecom/callback?{query} HTTP/{version}\r\nHost: test\r\n"
        f"Content-Type: text/xml\r\nContent-Length: {len(body)}\r\n{extra}\r\n"
    ).encode() + body


def test_the_protocol_serves_the_callback_and_the_app_everything_else(
    served: Served, wecom: WeComClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    original = CallbackProtocol.on_headers_complete

    def spy(protocol: CallbackProtocol) -> None:
        seen.append(type(protocol.cycle).__name__ if protocol.cycle else "")
        original(protocol)
        seen[-1] = type(protocol.cycle).__name__

    monkeypatch.setattr(CallbackProtocol, "on_headers_complete", spy)
    query, body = wecom.envelope(wecom.text_xml("u1", "帮助", 5100))
    with httpx.Client(base_url=f"http://127.0.0.1:{served.port}") as http:
        answer = http.post(f"/wecom/callback?{query}", content=body)
        health = http.get("/healthz")
        home = http.get("/", follow_redirects=False)
    assert seen == ["_CallbackCycle", "RequestResponseCycle", "RequestResponseCycle"]
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/xml; charset=utf-8"
    assert answer.headers["server"] == "uvicorn" and "date" in answer.headers
    reply = xmltodict.parse(wecom.decrypt_reply(answer.text))["xml"]
    assert reply["ToUserName"] == "u1" and "协会助手" in reply["Content"]
    assert health.status_code == 200 and health.json()["database"] == "ok"
    assert home.status_code == 307 and home.headers["location"] == "/console"
    assert served.counter.runs == ["5100"]


def test_url_verification_still_goes_through_fastapi(served: Served, wecom: WeComClient) -> None:
    timestamp, nonce = str(int(time.time())), "4242"
    echostr = wecom.crypto.encrypt("echo-me-7")
    from bot.wecom.crypto import signature

    sig = signature(TEST_TOKEN, timestamp, nonce, echostr)
    params = {"msg_signature": sig, "timestamp": timestamp, "nonce": nonce, "echostr": echostr}
    with httpx.Client(base_url=f"http://127.0.0.1:{served.port}") as http:
        good = http.get("/wecom/callback", params=params)
        bad = http.get("/wecom/callback", params={**params, "nonce": "4243"})
    assert (good.status_code, good.text) == (200, "echo-me-7")
    assert bad.status_code == 403


def test_duplicate_deliveries_on_one_keep_alive_connection_get_one_answer(
    served: Served, wecom: WeComClient
) -> None:
    query, body = wecom.envelope(wecom.text_xml("u2", "帮助", 5200))
    conn = served.connect()
    reader = Reader(conn)
    answers = []
    for _ in range(3):
        conn.sendall(post_bytes(query, body))
        answers.append(reader.response())
    conn.close()
    assert [status for status, _, _ in answers] == [200, 200, 200]
    assert all("connection" not in headers for _, headers, _ in answers)  # kept alive
    assert answers[0][2] and answers[0][2] == answers[1][2] == answers[2][2]
    assert served.counter.runs == ["5200"]


def test_pipelined_requests_are_answered_in_order(served: Served, wecom: WeComClient) -> None:
    envelopes = [wecom.envelope(wecom.text_xml(f"p{n}", "帮助", 5300 + n)) for n in range(3)]
    huge = b"<xml><Encrypt>" + b"A" * (70 * 1024) + b"</Encrypt></xml>"
    oversized = post_bytes(envelopes[0][0], huge)
    head, huge_body = oversized[: -len(huge)], oversized[-len(huge) :]
    conn = served.connect()
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    # One small segment: the second request's headers are read before the first callback is
    # answered, and the first must still be judged by its own Content-Length.
    conn.sendall(post_bytes(*envelopes[0]) + head)
    time.sleep(0.2)
    burst = b"".join(
        [
            huge_body,
            b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n",
            post_bytes(*envelopes[1]),
            post_bytes(envelopes[2][0].replace("msg_signature=", "msg_signature=0"), b"x"),
            post_bytes(*envelopes[2]),
        ]
    )
    conn.sendall(burst)
    reader = Reader(conn)
    responses = [reader.response() for _ in range(6)]
    conn.close()
    statuses = [status for status, _, _ in responses]
    assert statuses == [200, 413, 200, 200, 400, 200]
    users = [
        xmltodict.parse(wecom.decrypt_reply(responses[i][2].decode()))["xml"]["ToUserName"]
        for i in (0, 3, 5)
    ]
    assert users == ["p0", "p1", "p2"]
    assert b'"database":"ok"' in responses[2][2]
    assert sorted(served.counter.runs) == ["5300", "5301", "5302"]


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_wrong_signatures_malformed_and_oversized_requests(
    served: Served, wecom: WeComClient
) -> None:
    before = {
        outcome: sample("xiehui_callbacks_total", outcome=outcome)
        for outcome in ("rejected", "bad_request", "too_large", "passive")
    }
    query, body = wecom.envelope(wecom.text_xml("u3", "帮助", 5400))
    stale_query, stale_body = wecom.envelope(
        wecom.text_xml("u3", "帮助", 5401), timestamp=str(int(time.time()) - 3 * 24 * 3600)
    )
    tampered = query.replace("msg_signature=", "msg_signature=0")
    huge = b"<xml><Encrypt>" + b"A" * (70 * 1024) + b"</Encrypt></xml>"
    chunk = b"<xml><Encrypt>" + b"A" * 40_000
    chunked = (
        (
            f"POST /wecom/callback?{query} HTTP/1.1\r\nHost: test\r\n"
            "Transfer-Encoding: chunked\r\n\r\n"
        ).encode()
        + b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(2))
        + b"0\r\n\r\n"
    )
    cases = [
        (post_bytes(tampered, body), 403, b"forbidden"),
        (post_bytes(stale_query, stale_body), 403, b"forbidden"),
        (post_bytes("", body), 403, b"forbidden"),  # no signature at all
        (post_bytes(query, b"not xml at all"), 400, b"bad request"),
        (post_bytes(query, b"<xml><Other>1</Other></xml>"), 400, b"bad request"),
        (post_bytes(query, huge), 413, b"payload too large"),
        (chunked, 413, b"payload too large"),
        (post_bytes(query, body), 200, None),
    ]
    for request, status, text in cases:
        conn = served.connect()
        conn.sendall(request)
        got_status, headers, got = Reader(conn).response()
        conn.close()
        assert got_status == status, (request[:80], got)
        if text is not None:
            assert got == text and headers["content-type"] == "text/plain; charset=utf-8"
    assert served.counter.runs == ["5400"]
    assert sample("xiehui_callbacks_total", outcome="rejected") == before["rejected"] + 3
    assert sample("xiehui_callbacks_total", outcome="bad_request") == before["bad_request"] + 2
    assert sample("xiehui_callbacks_total", outcome="too_large") == before["too_large"] + 2
    assert sample("xiehui_callbacks_total", outcome="passive") == before["passive"] + 1


def test_broken_http_gets_uvicorns_400_and_the_server_keeps_serving(
    served: Served, wecom: WeComClient
) -> None:
    conn = served.connect()
    conn.sendall(b"POST /wecom/callback HTTP/1.1\r\nContent-Length: x\r\n\r\n")
    status, headers, _ = Reader(conn).response()
    conn.close()
    assert status == 400 and headers["connection"] == "close"
    query, body = wecom.envelope(wecom.text_xml("u4", "帮助", 5500))
    conn = served.connect()
    conn.sendall(post_bytes(query, body))
    assert Reader(conn).response()[0] == 200
    conn.close()


def test_http_1_0_expect_continue_and_a_client_that_goes_away(
    served: Served, wecom: WeComClient
) -> None:
    # HTTP/1.0: answered, then the connection is closed
    query, body = wecom.envelope(wecom.text_xml("u5", "帮助", 5600))
    conn = served.connect()
    conn.sendall(post_bytes(query, body, version="1.0"))
    reader = Reader(conn)
    status, headers, reply = reader.response()
    assert status == 200 and reply and headers["connection"] == "close"
    assert reader.closed()
    conn.close()

    # Expect: 100-continue: the interim answer first, the body after it
    query, body = wecom.envelope(wecom.text_xml("u5", "帮助", 5601))
    head = (
        f"POST /wecom/callback?{query} HTTP/1.1\r\nHost: test\r\nContent-Length: {len(body)}\r\n"
        "Expect: 100-continue\r\n\r\n"
    ).encode()
    conn = served.connect()
    conn.sendall(head)
    reader = Reader(conn)
    interim = reader.conn.recv(64)
    assert interim.startswith(b"HTTP/1.1 100 Continue")
    reader.buffer = interim[len(b"HTTP/1.1 100 Continue\r\n\r\n") :]
    conn.sendall(body)
    status, _, reply = reader.response()
    assert status == 200 and reply
    conn.close()

    # a client that sends half a body and goes away: nothing is run, the server serves on
    query, body = wecom.envelope(wecom.text_xml("u5", "帮助", 5602))
    conn = served.connect()
    conn.sendall(post_bytes(query, body)[: -len(body) // 2])
    conn.close()
    query, body = wecom.envelope(wecom.text_xml("u5", "帮助", 5603))
    conn = served.connect()
    conn.sendall(post_bytes(query, body))
    assert Reader(conn).response()[0] == 200
    conn.close()
    assert served.counter.runs == ["5600", "5601", "5603"]


def test_before_the_app_has_started_the_callback_goes_to_fastapi(
    tmp_path: Path, redis: Redis
) -> None:
    """No ``state.callback`` yet: the protocol hands the request on instead of failing."""
    settings = make_settings(tmp_path, redis)
    app = create_app(settings)
    protocol_class = callback_protocol(app)
    assert protocol_class.fastapi_app is app
    assert getattr(app.state, "callback", None) is None
    assert protocol_class.callback_service(protocol_class.__new__(protocol_class)) is None


def test_random_prefixes_are_never_reused_across_threads_and_refills() -> None:
    """The passive reply's random prefix comes from pooled CSPRNG bytes: every prefix is
    16 hex characters and none repeats, across threads and across the 4 KiB refills."""
    from bot.wecom.crypto import _PREFIXES

    drawn: list[list[str]] = [[] for _ in range(4)]

    def draw(into: list[str]) -> None:
        into.extend(_PREFIXES.next() for _ in range(1500))  # about three refills each

    threads = [threading.Thread(target=draw, args=(into,)) for into in drawn]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    prefixes = [prefix for into in drawn for prefix in into]
    assert len(prefixes) == 6000 and len(set(prefixes)) == 6000
    assert all(len(p) == 16 and int(p, 16) >= 0 for p in prefixes)
