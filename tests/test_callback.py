"""HTTP tests: real encryption against the real FastAPI app, never bypassing verification."""

from __future__ import annotations

import base64
import os
import random
import string
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import xmltodict
from fastapi.testclient import TestClient
from pydantic import ValidationError
from redis import Redis

from bot.container import Runtime, build_runtime
from bot.settings import Settings
from bot.web.app import create_app
from bot.wecom.client import WeComClient
from bot.wecom.crypto import WeComCrypto, pkcs7_pad, signature
from bot.wecom.fakeapi import FakeWeCom
from handlers.core.router import Dispatch
from tests.conftest import TEST_AES_KEY, TEST_CORP, TEST_TOKEN, make_settings

# §3 of the protocol reference: wechatpy's published vector (set C).
VEC_TOKEN = "123456"
VEC_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
VEC_CORP = "wx49f0ab532d5d035a"
VEC_ECHO = (
    "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="
)
VEC_POST_ENCRYPT = (
    "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTy"
    "eDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYy"
    "olBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWO"
    "MZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7ml"
    "sl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0="
)
VEC_REPLY_ENCRYPT = (
    "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGs"
    "L8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSj"
    "PUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJv"
    "FurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFY"
    "FMNMpatF9XiKzHo3"
)


class CountingRuntime:
    """Wraps build_runtime so tests can count handler runs."""

    def __init__(self) -> None:
        self.runs: list[str] = []
        self.runtime: Runtime | None = None
        self.delay = 0.0

    def __call__(self, settings: Settings) -> Runtime:
        runtime = build_runtime(settings)
        original = runtime.router.dispatch

        def counting(message, services) -> Dispatch:  # type: ignore[no-untyped-def]
            self.runs.append(message.msg_id)
            if self.delay:
                time.sleep(self.delay)
            return original(message, services)

        runtime.router.dispatch = counting  # type: ignore[method-assign]
        self.runtime = runtime
        return runtime


@pytest.fixture
def fake() -> Iterator[FakeWeCom]:
    with FakeWeCom(corp_id=TEST_CORP) as server:
        yield server


@pytest.fixture
def counter() -> CountingRuntime:
    return CountingRuntime()


@pytest.fixture
def app_client(
    tmp_path: Path, redis: Redis, fake: FakeWeCom, counter: CountingRuntime
) -> Iterator[TestClient]:
    settings = make_settings(tmp_path, redis, WECOM_API_BASE=fake.base_url)
    with TestClient(create_app(settings, runtime_factory=counter)) as client:
        yield client


@pytest.fixture
def wecom() -> WeComClient:
    return WeComClient(TEST_TOKEN, TEST_AES_KEY, TEST_CORP)


def wait_for(condition, timeout: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


# -- the published vector ----------------------------------------------------------------


@pytest.fixture
def vector_client(tmp_path: Path, redis: Redis) -> Iterator[TestClient]:
    # The published vector was signed in 2014: the freshness window is off for it.
    settings = make_settings(
        tmp_path,
        redis,
        WECOM_TOKEN=VEC_TOKEN,
        WECOM_AES_KEY=VEC_KEY,
        WECOM_CORP_ID=VEC_CORP,
        XIEHUI_SIGNATURE_MAX_AGE_SECONDS=0,
    )
    with TestClient(create_app(settings)) as client:
        yield client


def test_url_verification_with_published_vector(vector_client: TestClient) -> None:
    query = (
        "msg_signature=dd6b9c95b495b3f7e2901bfbc76c664930ffdb96&timestamp=1411443780"
        f"&nonce=437374425&echostr={quote(VEC_ECHO, safe='')}"
    )
    response = vector_client.get(f"/wecom/callback?{query}")
    assert response.status_code == 200
    assert response.text == "5927782489442352469"  # bare: no quotes, no newline
    assert response.headers["content-type"].startswith("text/plain")


def test_url_verification_tolerates_raw_plus_signs(vector_client: TestClient) -> None:
    # An unencoded '+' arrives as a space after query parsing.
    query = (
        "msg_signature=dd6b9c95b495b3f7e2901bfbc76c664930ffdb96&timestamp=1411443780"
        f"&nonce=437374425&echostr={VEC_ECHO}"
    )
    response = vector_client.get(f"/wecom/callback?{query}")
    assert response.status_code == 200
    assert response.text == "5927782489442352469"


def test_url_verification_rejects_wrong_nonce(vector_client: TestClient) -> None:
    query = (
        "msg_signature=dd6b9c95b495b3f7e2901bfbc76c664930ffdb96&timestamp=1411443780"
        f"&nonce=437374424&echostr={quote(VEC_ECHO, safe='')}"
    )
    assert vector_client.get(f"/wecom/callback?{query}").status_code == 403


def test_published_post_vector_decrypts_to_the_text_message() -> None:
    crypto = WeComCrypto(VEC_TOKEN, VEC_KEY, VEC_CORP)
    body = (
        f"<xml><ToUserName><![CDATA[{VEC_CORP}]]></ToUserName>"
        f"<Encrypt><![CDATA[{VEC_POST_ENCRYPT}]]></Encrypt>"
        "<AgentID><![CDATA[1]]></AgentID></xml>"
    ).encode()
    plain = crypto.decrypt_envelope(
        body, "74d92dfeb87ba7c714f89d98870ae5eb62dff26d", "1411525903", "461056294"
    )
    doc = xmltodict.parse(plain)["xml"]
    assert doc["FromUserName"] == "messense"
    assert doc["Content"] == "test"
    assert doc["MsgId"] == "4363689963896700987"


def test_published_post_vector_through_the_app(vector_client: TestClient) -> None:
    body = (
        f"<xml><ToUserName><![CDATA[{VEC_CORP}]]></ToUserName>"
        f"<Encrypt><![CDATA[{VEC_POST_ENCRYPT}]]></Encrypt>"
        "<AgentID><![CDATA[1]]></AgentID></xml>"
    )
    query = "msg_signature=74d92dfeb87ba7c714f89d98870ae5eb62dff26d&timestamp=1411525903&nonce=461056294"
    response = vector_client.post(f"/wecom/callback?{query}", content=body)
    assert response.status_code == 200
    reply = WeComClient(VEC_TOKEN, VEC_KEY, VEC_CORP).decrypt_reply(response.text)
    doc = xmltodict.parse(reply)["xml"]
    assert doc["ToUserName"] == "messense"  # direction flips in replies
    assert doc["FromUserName"] == VEC_CORP
    assert doc["MsgType"] == "text" and doc["Content"]


def test_deterministic_reply_vector() -> None:
    crypto = WeComCrypto(VEC_TOKEN, VEC_KEY, VEC_CORP)
    plaintext = "\n".join(
        [
            "<xml>",
            "<MsgType><![CDATA[text]]></MsgType>",
            "<Content><![CDATA[test]]></Content>",
            f"<FromUserName><![CDATA[{VEC_CORP}]]></FromUserName>",
            "<ToUserName><![CDATA[messense]]></ToUserName>",
            "<AgentID>1</AgentID>",
            "<CreateTime>1411525903</CreateTime>",
            "</xml>",
        ]
    )
    encrypt = crypto.encrypt(plaintext, random_prefix="1234567890123456")
    assert encrypt == VEC_REPLY_ENCRYPT
    assert signature(VEC_TOKEN, "1411525903", "461056294", encrypt) == (
        "407518b7649e86ef23978113f92d27afa9296533"
    )


# -- random round trips across the 32-byte padding boundaries -------------------------------


def test_round_trips_across_padding_boundaries() -> None:
    crypto = WeComCrypto(TEST_TOKEN, TEST_AES_KEY, TEST_CORP)
    rng = random.Random(7)
    overhead = 16 + 4 + len(TEST_CORP.encode())
    seen_pads: set[int] = set()
    for target_total in range(64, 64 + 3 * 32 + 1):
        size = target_total - overhead
        # mix ASCII and 3-byte Chinese characters to hit an exact byte length
        chinese = rng.randint(0, size // 3)
        text = "计" * chinese + "".join(rng.choices(string.ascii_letters, k=size - 3 * chinese))
        assert len(text.encode()) == size
        padded = pkcs7_pad(b"x" * target_total)
        seen_pads.add(padded[-1])
        encrypted = crypto.encrypt(text)
        assert len(base64.b64decode(encrypted)) % 32 == 0
        assert crypto._decrypt(encrypted) == text
    assert seen_pads == set(range(1, 33))  # every pad value 1..32, including a full block


def test_random_round_trips_through_the_app(
    app_client: TestClient, wecom: WeComClient, counter: CountingRuntime
) -> None:
    rng = random.Random(11)
    for index in range(12):
        content = "".join(rng.choices("帮助你好计生协会员abc123", k=rng.randint(1, 80)))
        query, body = wecom.envelope(wecom.text_xml(f"user{index}", content, 9000 + index))
        response = app_client.post(f"/wecom/callback?{query}", content=body)
        assert response.status_code == 200
    assert len(counter.runs) == 12


# -- negative cases ------------------------------------------------------------------------


def test_tampered_signature_is_403(
    app_client: TestClient, wecom: WeComClient, counter: CountingRuntime
) -> None:
    query, body = wecom.envelope(wecom.text_xml("u1", "帮助", 1))
    tampered = query.replace("msg_signature=", "msg_signature=0")
    assert app_client.post(f"/wecom/callback?{tampered}", content=body).status_code == 403
    assert counter.runs == []


def test_flipped_ciphertext_byte_is_403_even_when_resigned(
    app_client: TestClient, wecom: WeComClient, counter: CountingRuntime
) -> None:
    raw = bytearray(base64.b64decode(wecom.crypto.encrypt(wecom.text_xml("u1", "帮助", 2))))
    raw[-1] ^= 0x01  # corrupts the padding block
    flipped = base64.b64encode(bytes(raw)).decode()
    query, body = wecom.envelope("", encrypt=flipped)  # a valid signature over bad ciphertext
    assert app_client.post(f"/wecom/callback?{query}", content=body).status_code == 403
    raw2 = bytearray(base64.b64decode(wecom.crypto.encrypt(wecom.text_xml("u1", "帮助", 3))))
    # CBC: flipping byte 0 garbles the random prefix and flips the top byte of the length field
    raw2[0] ^= 0x80
    query2, body2 = wecom.envelope("", encrypt=base64.b64encode(bytes(raw2)).decode())
    assert app_client.post(f"/wecom/callback?{query2}", content=body2).status_code == 403
    # unsigned flip: signature no longer matches
    query3, body3 = wecom.envelope(wecom.text_xml("u1", "帮助", 4))
    bad_body = body3.replace(b"<Encrypt><![CDATA[", b"<Encrypt><![CDATA[A")
    assert app_client.post(f"/wecom/callback?{query3}", content=bad_body).status_code == 403
    assert "4" not in counter.runs


def test_wrong_corp_id_is_403(app_client: TestClient, counter: CountingRuntime) -> None:
    other = WeComClient(TEST_TOKEN, TEST_AES_KEY, "wwsomeoneelse")
    query, body = other.envelope(other.text_xml("u1", "帮助", 5))
    assert app_client.post(f"/wecom/callback?{query}", content=body).status_code == 403
    assert counter.runs == []


def test_wrong_length_key_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="43"):
        make_settings(tmp_path, WECOM_AES_KEY=TEST_AES_KEY[:-1])


def test_oversized_body_is_413(app_client: TestClient, wecom: WeComClient) -> None:
    query, _ = wecom.envelope(wecom.text_xml("u1", "帮助", 6))
    huge = b"<xml><Encrypt>" + b"A" * (70 * 1024) + b"</Encrypt></xml>"
    assert app_client.post(f"/wecom/callback?{query}", content=huge).status_code == 413


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not xml at all",
        b"<xml><Other>1</Other></xml>",
        b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x/>",
    ],
)
def test_malformed_body_is_a_400_and_ignored(
    app_client: TestClient, wecom: WeComClient, counter: CountingRuntime, body: bytes
) -> None:
    # Not a WeCom envelope at all, so nothing was signed: a clear 400, never a 5xx.
    query, _ = wecom.envelope(wecom.text_xml("u1", "帮助", 7))
    response = app_client.post(f"/wecom/callback?{query}", content=body)
    assert response.status_code == 400
    assert counter.runs == []


def test_unknown_message_kind_is_200_and_does_not_crash(
    app_client: TestClient, wecom: WeComClient, counter: CountingRuntime
) -> None:
    xml = (
        f"<xml><ToUserName><![CDATA[{TEST_CORP}]]></ToUserName>"
        "<FromUserName><![CDATA[u1]]></FromUserName><CreateTime>1700000000</CreateTime>"
        "<MsgType><![CDATA[hologram]]></MsgType><MsgId>777</MsgId><AgentID>1</AgentID></xml>"
    )
    query, body = wecom.envelope(xml)
    response = app_client.post(f"/wecom/callback?{query}", content=body)
    assert response.status_code == 200
    assert counter.runs == ["777"]


# -- dedupe and exactly one answer -----------------------------------------------------------


def test_three_deliveries_one_run_one_answer_passive(
    app_client: TestClient, wecom: WeComClient, counter: CountingRuntime
) -> None:
    query, body = wecom.envelope(wecom.text_xml("u1", "帮助", 424242))
    answers = [app_client.post(f"/wecom/callback?{query}", content=body) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert counter.runs == ["424242"]
    # the same encrypted reply is replayed for WeCom's retries
    assert answers[0].text and answers[0].text == answers[1].text == answers[2].text
    reply = xmltodict.parse(wecom.decrypt_reply(answers[0].text))["xml"]
    assert reply["ToUserName"] == "u1" and "协会助手" in reply["Content"]


def test_slow_answer_goes_out_once_through_message_send(
    tmp_path: Path, redis: Redis, fake: FakeWeCom, counter: CountingRuntime, wecom: WeComClient
) -> None:
    counter.delay = 0.3
    settings = make_settings(
        tmp_path, redis, WECOM_API_BASE=fake.base_url, XIEHUI_PASSIVE_REPLY_SECONDS=0.05
    )
    with TestClient(create_app(settings, runtime_factory=counter)) as client:
        query, body = wecom.envelope(wecom.text_xml("u9", "帮助", 5151))
        for _ in range(3):
            response = client.post(f"/wecom/callback?{query}", content=body)
            assert response.status_code == 200 and response.text == ""
        assert wait_for(lambda: len(fake.calls("/cgi-bin/message/send")) >= 1)
        time.sleep(0.5)  # give a duplicate every chance to appear
    sends = fake.calls("/cgi-bin/message/send")
    assert counter.runs == ["5151"]
    assert len(sends) == 1
    assert sends[0].body["touser"] == "u9"
    assert "协会助手" in sends[0].body["text"]["content"]


def test_enter_agent_event_gets_the_menu(app_client: TestClient, wecom: WeComClient) -> None:
    query, body = wecom.envelope(wecom.event_xml("u2", "enter_agent", 1700000001))
    response = app_client.post(f"/wecom/callback?{query}", content=body)
    content = xmltodict.parse(wecom.decrypt_reply(response.text))["xml"]["Content"]
    assert "帮助" in content and "协会助手" in content


def test_distinct_events_are_not_collapsed(
    app_client: TestClient, wecom: WeComClient, counter: CountingRuntime
) -> None:
    for when in (1700000100, 1700000101):
        query, body = wecom.envelope(wecom.event_xml("u3", "enter_agent", when))
        app_client.post(f"/wecom/callback?{query}", content=body)
    assert len(counter.runs) == 2


def test_healthz_reports_database_and_redis(app_client: TestClient) -> None:
    data = app_client.get("/healthz").json()
    assert data["database"] == "ok" and data["redis"] == "ok"


def test_local_mode_disables_the_callback(tmp_path: Path, redis: Redis) -> None:
    settings = make_settings(
        tmp_path,
        redis,
        WECOM_CORP_ID="",
        WECOM_TOKEN="",
        WECOM_AES_KEY="",
        WECOM_SECRET="",
        WECOM_AGENT_ID=None,
    )
    assert settings.local_mode
    with TestClient(create_app(settings)) as client:
        assert client.get("/wecom/callback?echostr=x").status_code == 503
        assert client.get("/healthz").json()["mode"] == "local"
    assert not os.environ.get("WECOM_CORP_ID")


def _age_claim(app_client: TestClient, key: str, seconds: float) -> None:
    """Make a claim look as if its owner last sent a heartbeat ``seconds`` ago."""
    from sqlalchemy import update

    from handlers.core.db import utcnow
    from handlers.core.inbox import InboxClaim

    engine = app_client.app.state.runtime.services.engine  # type: ignore[attr-defined]
    with engine.begin() as connection:
        connection.execute(
            update(InboxClaim)
            .where(InboxClaim.key == key)  # type: ignore[arg-type]
            .values(heartbeat_at=utcnow() - timedelta(seconds=seconds))
        )


def test_a_claim_left_by_a_dead_worker_is_taken_over(
    app_client: TestClient, wecom: WeComClient, counter: CountingRuntime
) -> None:
    # A worker claimed this message long ago and died before answering.
    inbox = app_client.app.state.callback.inbox  # type: ignore[attr-defined]
    plain = wecom.text_xml("u5", "帮助", 616161)
    assert inbox.claim("msg:616161", "dead-worker", plain)
    _age_claim(app_client, "msg:616161", 60)
    query, body = wecom.envelope(plain)
    response = app_client.post(f"/wecom/callback?{query}", content=body)
    assert counter.runs == ["616161"]
    assert "协会助手" in wecom.decrypt_reply(response.text)
    view = inbox.get("msg:616161")
    assert view.done and view.route == "passive" and view.attempts == 2


def test_a_fresh_claim_is_not_taken_over_and_the_retry_waits(
    tmp_path: Path, redis: Redis, fake: FakeWeCom, counter: CountingRuntime, wecom: WeComClient
) -> None:
    settings = make_settings(
        tmp_path, redis, WECOM_API_BASE=fake.base_url, XIEHUI_PASSIVE_REPLY_SECONDS=0.2
    )
    with TestClient(create_app(settings, runtime_factory=counter)) as client:
        inbox = client.app.state.callback.inbox  # type: ignore[attr-defined]
        assert inbox.claim("msg:626262", "busy-worker", wecom.text_xml("u5", "帮助", 626262))
        query, body = wecom.envelope(wecom.text_xml("u5", "帮助", 626262))
        started = time.monotonic()
        assert client.post(f"/wecom/callback?{query}", content=body).text == ""
        # it waited for the other worker up to the passive window, then chose the outbox
        assert time.monotonic() - started >= 0.2
        assert counter.runs == []
        assert inbox.get("msg:626262").route == "outbox"


def test_text_messages_are_answered_while_slow_handlers_hold_every_text_thread(
    tmp_path: Path, redis: Redis, fake: FakeWeCom, wecom: WeComClient
) -> None:
    """Text messages run on a few threads of their own; when slow handlers hold all of them,
    the next messages go to the general handler pool instead of waiting behind them."""
    from bot.web.app import HOT_THREADS

    release = threading.Event()

    def slow_runtime(settings: Settings) -> Runtime:
        runtime = build_runtime(settings)
        original = runtime.router.dispatch

        def dispatch(message, services) -> Dispatch:  # type: ignore[no-untyped-def]
            if message.text == "慢":
                release.wait(60)
            return original(message, services)

        runtime.router.dispatch = dispatch  # type: ignore[method-assign]
        return runtime

    settings = make_settings(
        tmp_path, redis, WECOM_API_BASE=fake.base_url, XIEHUI_PASSIVE_REPLY_SECONDS=0.05
    )
    with TestClient(create_app(settings, runtime_factory=slow_runtime)) as client:

        def post(user: str, text: str, msg_id: int) -> int:
            query, body = wecom.envelope(wecom.text_xml(user, text, msg_id))
            return client.post(f"/wecom/callback?{query}", content=body).status_code

        assert post("first", "帮助", 6999) == 200  # a text thread has finished something
        slow = [
            threading.Thread(target=post, args=(f"slow{n}", "慢", 7000 + n))
            for n in range(HOT_THREADS)
        ]
        for thread in slow:
            thread.start()
        for thread in slow:
            thread.join(30)
        assert post("quick", "帮助", 7100) == 200

        def sent_to(user: str) -> int:
            return sum(c.body["touser"] == user for c in fake.calls("/cgi-bin/message/send"))

        assert wait_for(lambda: sent_to("quick") == 1)
        assert all(sent_to(f"slow{n}") == 0 for n in range(HOT_THREADS))  # still held
        release.set()
        assert wait_for(lambda: all(sent_to(f"slow{n}") == 1 for n in range(HOT_THREADS)))
    assert sent_to("quick") == 1


def test_a_retry_while_the_first_claim_is_being_stored_gets_the_same_answer(
    app_client: TestClient, wecom: WeComClient, counter: CountingRuntime
) -> None:
    """The claim of a text runs in its handler thread; a retry arriving before it is stored
    waits for it instead of reading "no claim" and answering an empty 200."""
    callback = app_client.app.state.callback  # type: ignore[attr-defined]
    claiming, release = threading.Event(), threading.Event()
    # a text message is claimed together with its sender's read (Inbox.claim_reading)
    original = callback.inbox.claim_reading

    def slow_claim(*args, **kwargs):  # type: ignore[no-untyped-def]
        claiming.set()
        release.wait(30)
        return original(*args, **kwargs)

    callback.inbox.claim_reading = slow_claim
    entered: list[int] = []
    handle = callback._handle_post

    async def counted(*args):  # type: ignore[no-untyped-def]
        entered.append(1)
        return await handle(*args)

    callback._handle_post = counted
    query, body = wecom.envelope(wecom.text_xml("u1", "帮助", 565656))
    answers: list[str] = []

    def deliver() -> None:
        response = app_client.post(f"/wecom/callback?{query}", content=body)
        assert response.status_code == 200
        answers.append(response.text)

    first = threading.Thread(target=deliver)
    first.start()
    assert claiming.wait(30)
    retry = threading.Thread(target=deliver)
    retry.start()
    assert wait_for(lambda: len(entered) == 2)  # the retry is in while the claim waits
    release.set()
    first.join(30)
    retry.join(30)
    assert counter.runs == ["565656"]
    assert len(answers) == 2 and answers[0] and answers[0] == answers[1]
