"""微信客服 through the real callback (real encryption) and a fake kf API on loopback."""

from __future__ import annotations

import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from redis import Redis
from sqlmodel import Session, select

from bot.container import Runtime, build_runtime
from bot.settings import Settings
from bot.web.app import create_app
from bot.wecom.client import WeComClient
from bot.wecom.fakeapi import FakeWeCom
from bot.wecom.kf import (
    MAX_REPLIES,
    TRUNCATED,
    KfChannel,
    fit_messages,
    forget_customer,
    purge_expired,
    welcome_text,
)
from bot.wecom.sender import WeComSender
from handlers.core.messages import Channel, IncomingMessage, Reply, Role, utf8_len
from handlers.core.outbox import OutboxMessage
from handlers.core.router import Route
from handlers.core.services import Context, Services
from tests.conftest import (
    TEST_AES_KEY,
    TEST_CORP,
    TEST_TOKEN,
    add_member,
    make_settings,
    text_message,
)

KFID = "wkTESTKF01"
HOUR = 3600


class KfFake:
    """The 微信客服 endpoints of the fake WeCom API, registered as per-path handlers.

    ``messages`` is the account's message stream; the cursor is "c<index>" so tests can see
    where a pull started. send_msg is refused (95018) while a human serves the customer, as
    WeCom does.
    """

    def __init__(self, fake: FakeWeCom, page_size: int = 1000) -> None:
        self.fake = fake
        self.page_size = page_size
        self.lock = threading.Lock()
        self.messages: list[dict[str, Any]] = []
        self.sync_bodies: list[dict[str, Any]] = []
        self.sent: dict[str, list[str]] = defaultdict(list)
        self.on_event: list[dict[str, Any]] = []
        self.transfers: list[dict[str, Any]] = []
        self.state: dict[str, int] = {}
        self.fail_sync_call: int | None = None  # 1-based sync call that fails with -1
        self._counter = 0
        fake.handlers["/cgi-bin/kf/sync_msg"] = self._sync
        fake.handlers["/cgi-bin/kf/send_msg"] = self._send
        fake.handlers["/cgi-bin/kf/send_msg_on_event"] = self._send_on_event
        fake.handlers["/cgi-bin/kf/service_state/trans"] = self._trans
        fake.handlers["/cgi-bin/kf/service_state/get"] = self._get

    # -- scripting ----------------------------------------------------------------------
    def _next_id(self) -> str:
        self._counter += 1
        return f"msg{self._counter:04d}"

    def customer(self, user: str, text: str, *, ago: float = 5.0) -> str:
        msgid = self._next_id()
        self.messages.append(
            {
                "msgid": msgid,
                "open_kfid": KFID,
                "external_userid": user,
                "send_time": int(time.time() - ago),
                "origin": 3,
                "msgtype": "text",
                "text": {"content": text},
            }
        )
        return msgid

    def other(self, user: str, msgtype: str, content: dict[str, Any]) -> str:
        msgid = self._next_id()
        self.messages.append(
            {
                "msgid": msgid,
                "open_kfid": KFID,
                "external_userid": user,
                "send_time": int(time.time()),
                "origin": 3,
                "msgtype": msgtype,
                msgtype: content,
            }
        )
        return msgid

    def event(self, user: str, event_type: str, **fields: Any) -> str:
        msgid = self._next_id()
        self.messages.append(
            {
                "msgid": msgid,
                "open_kfid": KFID,
                "send_time": int(time.time()),
                "origin": 4,
                "msgtype": "event",
                "event": {
                    "event_type": event_type,
                    "open_kfid": KFID,
                    "external_userid": user,
                    **fields,
                },
            }
        )
        return msgid

    def servicer(self, user: str, servicer: str, text: str) -> str:
        msgid = self._next_id()
        self.messages.append(
            {
                "msgid": msgid,
                "open_kfid": KFID,
                "external_userid": user,
                "send_time": int(time.time()),
                "origin": 5,
                "servicer_userid": servicer,
                "msgtype": "text",
                "text": {"content": text},
            }
        )
        return msgid

    # -- endpoints ----------------------------------------------------------------------
    def _sync(self, _fake: FakeWeCom, _q: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.sync_bodies.append(body)
            if self.fail_sync_call == len(self.sync_bodies):
                return {"errcode": -1, "errmsg": "system busy"}
        if body.get("open_kfid") != KFID:
            return {"errcode": 95000, "errmsg": "invalid open_kfid"}
        cursor = str(body.get("cursor") or "")
        start = int(cursor[1:]) if cursor else 0
        limit = min(int(body.get("limit") or 1000), 1000, self.page_size)
        page = self.messages[start : start + limit]
        end = start + len(page)
        return {
            "errcode": 0,
            "errmsg": "ok",
            "next_cursor": f"c{end}",
            "has_more": 1 if end < len(self.messages) else 0,
            "msg_list": page,
        }

    def _send(self, _fake: FakeWeCom, _q: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        user = str(body.get("touser"))
        if self.state.get(user) == 3:
            return {"errcode": 95018, "errmsg": "invalid session state"}
        assert body.get("open_kfid") == KFID and body.get("msgtype") == "text"
        with self.lock:
            self.sent[user].append(body["text"]["content"])
        return {"errcode": 0, "errmsg": "ok", "msgid": self._next_id()}

    def _send_on_event(
        self, _fake: FakeWeCom, _q: dict[str, str], body: dict[str, Any]
    ) -> dict[str, Any]:
        with self.lock:
            self.on_event.append(body)
        return {"errcode": 0, "errmsg": "ok", "msgid": self._next_id()}

    def _trans(self, _fake: FakeWeCom, _q: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.transfers.append(body)
            self.state[str(body["external_userid"])] = int(body["service_state"])
        return {"errcode": 0, "errmsg": "ok", "msg_code": f"code-{len(self.transfers)}"}

    def _get(self, _fake: FakeWeCom, _q: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        state = self.state.get(str(body.get("external_userid")), 0)
        return {"errcode": 0, "errmsg": "ok", "service_state": state, "servicer_userid": ""}


@pytest.fixture
def fake() -> Iterator[FakeWeCom]:
    with FakeWeCom(corp_id=TEST_CORP) as server:
        yield server


@pytest.fixture
def kf(fake: FakeWeCom) -> KfFake:
    return KfFake(fake)


@pytest.fixture
def wecom() -> WeComClient:
    return WeComClient(TEST_TOKEN, TEST_AES_KEY, TEST_CORP)


def wait_for(condition: Callable[[], bool], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


class Bot:
    """One app instance (one 'process'): posts kf callbacks and waits until all is handled."""

    def __init__(self, client: TestClient, wecom: WeComClient) -> None:
        self.client = client
        self.wecom = wecom
        self.callbacks = 0
        self.running = True

    def stop(self) -> None:
        """Shut the instance down (lifespan end: tasks awaited, plugins stopped)."""
        if self.running:
            self.running = False
            self.client.__exit__(None, None, None)

    @property
    def runtime(self) -> Runtime:
        runtime: Runtime = self.client.app.state.runtime  # type: ignore[attr-defined]
        return runtime

    def callback_xml(self, token: str) -> str:
        return (
            f"<xml><ToUserName><![CDATA[{TEST_CORP}]]></ToUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime>"
            "<MsgType><![CDATA[event]]></MsgType>"
            "<Event><![CDATA[kf_msg_or_event]]></Event>"
            f"<Token><![CDATA[{token}]]></Token>"
            f"<OpenKfId><![CDATA[{KFID}]]></OpenKfId></xml>"
        )

    def post(self, query: str, body: bytes) -> None:
        response = self.client.post(f"/wecom/callback?{query}", content=body)
        assert response.status_code == 200
        assert response.text == ""

    def notify(self, token: str | None = None) -> tuple[str, bytes]:
        """Post a kf_msg_or_event callback and wait until it is fully handled."""
        self.callbacks += 1
        query, body = self.wecom.envelope(self.callback_xml(token or f"tok{uuid.uuid4().hex}"))
        self.post(query, body)
        self.settle()
        return query, body

    def settle(self) -> None:
        callback = self.client.app.state.callback  # type: ignore[attr-defined]
        outbox = self.runtime.services.outbox
        assert wait_for(lambda: not callback.tasks)
        assert wait_for(lambda: not {"pending", "sending"} & set(outbox.counts()))


@pytest.fixture
def start_bot(
    tmp_path: Path, redis: Redis, fake: FakeWeCom, wecom: WeComClient
) -> Iterator[Callable[..., Bot]]:
    """Start app instances sharing one database and Redis (like restarts or workers)."""
    started: list[Bot] = []

    def start(factory: Callable[[Settings], Runtime] | None = None) -> Bot:
        settings = make_settings(tmp_path, redis, WECOM_API_BASE=fake.base_url)
        client = TestClient(create_app(settings, runtime_factory=factory))
        client.__enter__()
        started.append(Bot(client, wecom))
        return started[-1]

    yield start
    while started:
        started.pop().stop()


def with_route(route: Route[Any]) -> Callable[[Settings], Runtime]:
    """A runtime whose router tries ``route`` first."""

    def factory(settings: Settings) -> Runtime:
        runtime = build_runtime(settings)
        runtime.router.routes.insert(0, route)
        return runtime

    return factory


def with_handoff(runtime: Runtime) -> Runtime:
    """Make sure the hand-off routes are in the router (before the catch-all fallback)."""
    handoff = pytest.importorskip("handlers.handoff")
    router = runtime.router
    if not any(r.name.startswith("handoff") for r in router.routes):
        router.routes[-1:-1] = handoff.routes(router)
    return runtime


def counting(runs: list[str], *, handoff: bool = False) -> Callable[[Settings], Runtime]:
    if handoff:
        pytest.importorskip("handlers.handoff")  # its table must exist before init_db

    def factory(settings: Settings) -> Runtime:
        runtime = build_runtime(settings)
        if handoff:
            with_handoff(runtime)
        original = runtime.router.dispatch

        def dispatch(message: IncomingMessage, services: Services) -> Any:
            runs.append(message.msg_id)
            return original(message, services)

        runtime.router.dispatch = dispatch  # type: ignore[method-assign]
        return runtime

    return factory


# -- paging, restarts, duplicates -------------------------------------------------------------


def test_paging_with_has_more_answers_every_message_once(
    start_bot: Callable[..., Bot], kf: KfFake
) -> None:
    kf.page_size = 2
    ids = [kf.customer(f"wmUser{n}", "帮助") for n in range(5)]
    runs: list[str] = []
    bot = start_bot(counting(runs))
    bot.notify("tokA")
    assert [b.get("cursor") for b in kf.sync_bodies] == [None, "c2", "c4"]
    assert all(b["token"] == "tokA" and b["limit"] == 1000 for b in kf.sync_bodies)
    assert runs == ids
    assert wait_for(lambda: sum(len(v) for v in kf.sent.values()) == 5)
    assert all(len(kf.sent[f"wmUser{n}"]) == 1 for n in range(5))
    assert "您好，我是协会助手" in kf.sent["wmUser0"][0]
    redis = bot.runtime.services.redis
    assert redis.get(f"xiehui:kf:cursor:{KFID}") == b"c5"
    assert redis.ttl(f"xiehui:kf:cursor:{KFID}") > 0
    customer_keys = redis.keys("xiehui:kf:cust:*")
    assert customer_keys and all(redis.ttl(key) > 0 for key in customer_keys)


def test_restart_between_pulls_resumes_from_the_saved_cursor(
    start_bot: Callable[..., Bot], kf: KfFake
) -> None:
    kf.page_size = 2
    first = [kf.customer("wmA", "帮助"), kf.customer("wmB", "帮助"), kf.customer("wmC", "帮助")]
    runs: list[str] = []
    bot = start_bot(counting(runs))
    bot.notify()
    assert runs == first
    bot.stop()
    later = [kf.customer("wmD", "帮助"), kf.customer("wmA", "菜单")]
    kf.sync_bodies.clear()
    again = start_bot(counting(runs))  # a new process: nothing in memory
    again.notify()
    assert kf.sync_bodies[0]["cursor"] == "c3"
    assert runs == first + later  # nothing twice, nothing skipped
    assert wait_for(lambda: len(kf.sent["wmA"]) == 2 and len(kf.sent["wmD"]) == 1)
    assert len(kf.sent["wmB"]) == 1 and len(kf.sent["wmC"]) == 1


def test_failed_page_is_pulled_again_after_restart(
    start_bot: Callable[..., Bot], kf: KfFake
) -> None:
    kf.page_size = 2
    ids = [kf.customer(f"wmU{n}", "帮助") for n in range(4)]
    kf.fail_sync_call = 2  # the second page fails (system busy)
    runs: list[str] = []
    bot = start_bot(counting(runs))
    bot.notify()
    assert runs == ids[:2]
    bot.stop()
    kf.fail_sync_call = None
    start_bot(counting(runs)).notify()
    assert kf.sync_bodies[-1]["cursor"] == "c2"
    assert runs == ids
    assert wait_for(lambda: all(len(kf.sent[f"wmU{n}"]) == 1 for n in range(4)))


def test_duplicate_callbacks_and_redelivered_messages_are_handled_once(
    start_bot: Callable[..., Bot], kf: KfFake, redis: Redis
) -> None:
    msgid = kf.customer("wmDup", "帮助")
    runs: list[str] = []
    bot = start_bot(counting(runs))
    query, body = bot.notify("tokDup")
    bot.post(query, body)  # WeCom's retry of the same callback
    bot.settle()
    bot.notify("tokOther")  # a new callback with nothing new
    # WeCom hands the same message out again (e.g. after a cursor was lost)
    redis.delete(f"xiehui:kf:cursor:{KFID}")
    bot.notify("tokAgain")
    assert runs == [msgid]
    assert len(kf.sent["wmDup"]) == 1


def test_concurrent_pulls_never_process_a_message_twice(
    tmp_path: Path, services: Services, fake: FakeWeCom, kf: KfFake
) -> None:
    kf.page_size = 3
    ids = [kf.customer(f"wmC{n}", "帮助") for n in range(12)]
    settings = make_settings(tmp_path, services.redis, WECOM_API_BASE=fake.base_url)
    seen: list[str] = []
    runtime = build_runtime(settings)
    original = runtime.router.dispatch

    def slow_dispatch(message: IncomingMessage, svc: Services) -> Any:
        seen.append(message.msg_id)
        time.sleep(0.01)
        return original(message, svc)

    runtime.router.dispatch = slow_dispatch  # type: ignore[method-assign, assignment]
    senders = [WeComSender(settings, services.redis) for _ in range(4)]
    channels = [KfChannel(runtime.services, runtime.router, s) for s in senders]
    threads = [threading.Thread(target=c.pull, args=(KFID, "tok")) for c in channels]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for s in senders:
        s.close()
    runtime.close()
    assert sorted(seen) == ids


# -- WeCom's limits ---------------------------------------------------------------------------


def _many_replies(_m: IncomingMessage, _x: object, _c: Context) -> list[Reply]:
    return [Reply(f"第{n}段：" + "很长的政策说明。" * 90) for n in range(1, 9)]


def test_at_most_five_messages_per_customer_message(
    start_bot: Callable[..., Bot], kf: KfFake, redis: Redis
) -> None:
    route: Route[bool] = Route(
        "many", lambda m, _c: True if m.text == "说说全部" else None, _many_replies
    )
    bot = start_bot(with_route(route))
    msgid = kf.customer("wmLong", "说说全部")
    bot.notify()
    assert wait_for(lambda: len(kf.sent["wmLong"]) >= MAX_REPLIES)
    sent = kf.sent["wmLong"]
    assert len(sent) == MAX_REPLIES
    assert all(utf8_len(text) <= 2048 for text in sent)
    assert sent[0].startswith("第1段") and sent[-1].endswith(TRUNCATED)
    assert redis.get(f"xiehui:kf:cust:wmLong:quota:{msgid}") == b"5"
    kf.customer("wmLong", "帮助")  # a new customer message opens a new allowance
    bot.notify()
    assert wait_for(lambda: len(kf.sent["wmLong"]) == MAX_REPLIES + 1)


def test_voice_location_and_unknown_kinds_get_a_plain_answer(
    start_bot: Callable[..., Bot], kf: KfFake
) -> None:
    seen: list[IncomingMessage] = []

    def factory(settings: Settings) -> Runtime:
        runtime = build_runtime(settings)
        original = runtime.router.dispatch

        def dispatch(message: IncomingMessage, services: Services) -> Any:
            seen.append(message)
            return original(message, services)

        runtime.router.dispatch = dispatch  # type: ignore[method-assign]
        return runtime

    bot = start_bot(factory)
    kf.other("wmVoice", "voice", {"media_id": "MEDIA_V"})
    kf.other("wmLoc", "location", {"latitude": 21.66, "longitude": 109.2, "name": "合浦"})
    kf.other("wmLink", "link", {"title": "文章", "url": "https://example.com"})
    bot.notify()
    kinds = {m.user_id: (m.kind.value, m.media_id, m.location, m.account) for m in seen}
    assert kinds == {
        "wmVoice": ("voice", "MEDIA_V", None, KFID),
        "wmLoc": ("location", "", (21.66, 109.2), KFID),
        "wmLink": ("other", "", None, KFID),
    }
    assert all(m.channel is Channel.KF for m in seen)
    assert wait_for(lambda: all(len(kf.sent[u]) == 1 for u in kinds))
    assert "语音" in kf.sent["wmVoice"][0]


def test_fit_messages_packs_short_replies_and_cuts_long_ones() -> None:
    assert fit_messages(["一", "二", "三"], 5) == ["一", "二", "三"]
    packed = fit_messages(["短" * 10] * 8, 2)
    assert len(packed) == 2 and "".join(packed).count("短") == 80
    long = fit_messages(["长" * 3000], 1)
    assert len(long) == 1 and utf8_len(long[0]) <= 2048 and long[0].endswith(TRUNCATED)
    assert fit_messages(["x"], 0) == []


def test_no_reply_after_the_48_hour_window(start_bot: Callable[..., Bot], kf: KfFake) -> None:
    runs: list[str] = []
    bot = start_bot(counting(runs))
    old = kf.customer("wmOld", "帮助", ago=49 * HOUR)
    recent = kf.customer("wmRecent", "帮助", ago=47 * HOUR)
    bot.notify()
    assert runs == [recent]
    assert old not in runs
    assert wait_for(lambda: len(kf.sent["wmRecent"]) == 1)
    assert kf.sent["wmOld"] == []


# -- events, hand-off and silence --------------------------------------------------------------


def test_enter_session_gets_a_short_welcome(start_bot: Callable[..., Bot], kf: KfFake) -> None:
    bot = start_bot()
    kf.event("wmNew", "enter_session", welcome_code="WELCOME1", scene="poster")
    bot.notify()
    assert len(kf.on_event) == 1
    body = kf.on_event[0]
    assert body["code"] == "WELCOME1" and body["msgtype"] == "text"
    text = body["text"]["content"]
    assert text.startswith("您好") and "人工" in text and utf8_len(text) <= 600
    assert text == welcome_text(bot.runtime.router)
    assert kf.sent["wmNew"] == []  # the welcome is not a send_msg


def _register_coordinator(bot: Bot) -> None:
    add_member(
        bot.runtime.services,
        "coord1",
        # The association's office covers families whose region is unknown: an admin with no
        # region (a coordinator with no region may not act at all).
        Role.ADMIN,
        name="王专干",
        region=(),
        on_duty=True,
    )


def test_human_request_transfers_to_the_on_duty_servicer_then_bot_is_silent(
    start_bot: Callable[..., Bot], kf: KfFake, fake: FakeWeCom
) -> None:
    runs: list[str] = []
    bot = start_bot(counting(runs, handoff=True))
    _register_coordinator(bot)
    # a bare 人工 first asks for the question (delivered through the outbox while the
    # bot still serves the session: wait for it, as a family reads it before typing);
    # the question then goes to the servicer
    kf.customer("wmFam", "人工")
    bot.notify()
    assert wait_for(lambda: len(kf.sent["wmFam"]) >= 1)
    kf.customer("wmFam", "孩子上户口的事想找人问问")
    bot.notify()
    assert len(kf.transfers) == 1
    transfer = kf.transfers[0]
    assert transfer == {
        "open_kfid": KFID,
        "external_userid": "wmFam",
        "service_state": 3,
        "servicer_userid": "coord1",
    }
    # the servicer sees the question in the app; the customer hears it was passed on
    assert wait_for(lambda: len(fake.calls("/cgi-bin/message/send")) == 1)
    note = fake.calls("/cgi-bin/message/send")[0].body
    assert note["touser"] == "coord1" and "转人工" in note["text"]["content"]
    assert kf.on_event and kf.on_event[-1]["code"] == "code-1"
    assert "转给协会工作人员" in kf.on_event[-1]["text"]["content"]
    # while the person serves, the bot says nothing
    asked = list(kf.sent["wmFam"])
    assert len(asked) == 1 and "请先把您的问题发给我" in asked[0]
    runs.clear()
    kf.customer("wmFam", "生育补贴怎么领")
    kf.servicer("wmFam", "coord1", "您好，我来为您解答")
    kf.customer("wmFam", "好的谢谢")
    bot.notify()
    assert runs == []
    assert kf.sent["wmFam"] == asked
    # the servicer ends the session: the bot answers again
    kf.state["wmFam"] = 4
    kf.event("wmFam", "session_status_change", change_type=3, old_servicer_userid="coord1")
    kf.customer("wmFam", "帮助")
    bot.notify()
    assert len(runs) == 1
    assert wait_for(lambda: len(kf.sent["wmFam"]) == len(asked) + 1)


def test_unanswered_question_goes_to_the_servicer_with_the_bots_guesses(
    start_bot: Callable[..., Bot], kf: KfFake, fake: FakeWeCom
) -> None:
    handoff = pytest.importorskip("handlers.handoff")

    def not_found(message: IncomingMessage, _x: object, ctx: Context) -> list[Reply]:
        # What the FAQ does for a family's question it cannot answer.
        ticket = handoff.create_ticket(ctx, message.text, ["t3.folic.duration"])
        return [Reply("这个问题我暂时答不上来。"), *handoff.forward_ticket(ctx, ticket)]

    route: Route[bool] = Route(
        "faq", lambda m, _c: True if m.text.startswith("叶酸") else None, not_found
    )
    bot = start_bot(with_route(route))
    _register_coordinator(bot)
    kf.customer("wmAsk", "叶酸吃到几个月算够，医生没说清楚")
    bot.notify()
    assert [t["servicer_userid"] for t in kf.transfers] == ["coord1"]
    assert wait_for(lambda: len(fake.calls("/cgi-bin/message/send")) == 1)
    note = fake.calls("/cgi-bin/message/send")[0].body["text"]["content"]
    assert "叶酸吃到几个月算够" in note and "机器人猜测的相关条目" in note
    assert "t3.folic.duration" in note
    # both customer-facing lines go out as the one message the transfer's msg_code allows
    assert len(kf.on_event) == 1 and kf.sent["wmAsk"] == []
    text = kf.on_event[0]["text"]["content"]
    assert text.startswith("这个问题我暂时答不上来") and "转给协会工作人员" in text
    with Session(bot.runtime.services.engine) as session:
        ticket = session.exec(select(handoff.HandoffTicket)).one()
    assert (ticket.channel, ticket.asker_id, ticket.account) == ("kf", "wmAsk", KFID)


def test_when_the_transfer_is_refused_the_coordinator_answers_through_the_bot(
    start_bot: Callable[..., Bot], kf: KfFake, fake: FakeWeCom, wecom: WeComClient
) -> None:
    runs: list[str] = []
    bot = start_bot(counting(runs, handoff=True))
    _register_coordinator(bot)
    # e.g. the coordinator is not a servicer of this 微信客服 account
    fake.fail_next("/cgi-bin/kf/service_state/trans", 95014, "not a servicer")
    kf.customer("wmAlone", "人工")
    kf.customer("wmAlone", "孩子上户口要带什么")
    bot.notify()
    assert kf.transfers == [] and kf.on_event == []
    assert wait_for(lambda: len(kf.sent["wmAlone"]) == 2)
    assert "请先把您的问题发给我" in kf.sent["wmAlone"][0]
    assert "转给协会工作人员" in kf.sent["wmAlone"][1]
    note = fake.calls("/cgi-bin/message/send")[0].body["text"]["content"]
    number = note.split("编号")[1].split("】")[0]
    # the coordinator answers in the app; the bot relays it to the family on WeChat
    query, body = wecom.envelope(
        wecom.text_xml("coord1", f"回复 {number} 请带户口本到村委会", 7001)
    )
    bot.post(query, body)
    bot.settle()
    assert wait_for(lambda: len(kf.sent["wmAlone"]) == 3)
    assert "请带户口本到村委会" in kf.sent["wmAlone"][2]
    # nobody took the session, so the bot keeps answering
    kf.customer("wmAlone", "帮助")
    bot.notify()
    assert wait_for(lambda: len(kf.sent["wmAlone"]) == 4)


def test_servicer_taking_the_session_silences_the_bot(
    start_bot: Callable[..., Bot], kf: KfFake
) -> None:
    runs: list[str] = []
    bot = start_bot(counting(runs))
    kf.event("wmX", "session_status_change", change_type=1, new_servicer_userid="coord9")
    kf.customer("wmX", "帮助")
    kf.servicer("wmY", "coord9", "在吗")
    kf.customer("wmY", "在")
    bot.notify()
    assert runs == []
    assert kf.sent == {}


# -- families' permissions ---------------------------------------------------------------------


def test_family_gets_faq_answers_and_the_region_they_name_is_remembered(
    start_bot: Callable[..., Bot], kf: KfFake
) -> None:
    profiles = pytest.importorskip("handlers.profiles")
    bot = start_bot()
    if not any(r.name == "faq" for r in bot.runtime.router.routes):
        pytest.skip("the FAQ capability is not registered")
    kf.customer("wmMom", "生孩子有补贴吗")
    bot.notify()
    assert wait_for(lambda: len(kf.sent["wmMom"]) == 1)
    assert "育儿补贴" in kf.sent["wmMom"][0]
    kf.customer("wmMom", "广西")
    bot.notify()
    assert wait_for(lambda: len(kf.sent["wmMom"]) == 2)
    assert kf.sent["wmMom"][1].startswith("广西")
    region = profiles.remembered_region(bot.runtime.services.engine, "kf", "wmMom")
    assert region.province == "广西"


def test_kf_customers_are_families_even_with_a_staff_user_id(services: Services) -> None:
    from handlers.core.registry import build_router

    add_member(services, "wmStaff", Role.COORDINATOR)
    message = text_message("wmStaff", "通知 全体会员：明天上午开会", channel=Channel.KF)
    ctx = Context(services, message, services.members.get("wmStaff"))
    assert ctx.role is Role.FAMILY
    assert not ctx.role.can_log_activity and not ctx.role.can_broadcast
    dispatch = build_router().dispatch(message, services)
    assert dispatch.outcome == "refused"
    assert "只有协会工作人员" in dispatch.replies[0].text
    assert services.outbox.counts() == {}


def test_kf_customers_cannot_log_activities(services: Services) -> None:
    from handlers.core.registry import build_router

    router = build_router()
    if not any(r.name.startswith("activity") for r in router.routes):
        pytest.skip("the activity capability is not registered")
    add_member(services, "wmVol", Role.VOLUNTEER)
    report = "今天上午在江口村开展优生优育宣传活动，参加群众50人"
    on_app = router.dispatch(text_message("wmVol", report, msg_id="a1"), services)
    assert "请核对" in on_app.replies[0].text  # the same words from the app start a record
    services.redis.flushall()
    on_kf = router.dispatch(
        text_message("wmVol", report, msg_id="k1", channel=Channel.KF), services
    )
    confirm = router.dispatch(
        text_message("wmVol", "对", msg_id="k2", channel=Channel.KF), services
    )
    said = "\n".join(r.text for r in [*on_kf.replies, *confirm.replies])
    assert "请核对" not in said and "已登记" not in said


# -- privacy ----------------------------------------------------------------------------------


def test_privacy_forget_removes_everything_about_a_customer(
    start_bot: Callable[..., Bot],
    kf: KfFake,
    redis: Redis,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.cli.main import main

    bot = start_bot(counting([], handoff=True))
    _register_coordinator(bot)
    kf.customer("wmGone", "生孩子有补贴吗")
    kf.customer("wmGone", "广西")
    kf.customer("wmGone", "人工")
    kf.customer("wmGone", "补贴的事想找人问")
    kf.customer("wmStay", "帮助")
    bot.notify()
    engine = bot.runtime.services.engine
    assert any(b"wmGone" in key for key in redis.keys("*"))
    assert len(kf.transfers) == 1  # a ticket was raised and the session handed over
    remembered = _remembered(engine, "wmGone")
    has_faq = any(r.name == "faq" for r in bot.runtime.router.routes)
    assert remembered == ("广西" if has_faq else "")
    bot.stop()

    socket = redis.connection_pool.connection_kwargs["path"]
    monkeypatch.setenv("XIEHUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("REDIS_URL", f"unix://{socket}")
    if bot.runtime.settings.database_url:  # the suite runs on PostgreSQL
        monkeypatch.setenv("DATABASE_URL", bot.runtime.settings.database_url)
    assert main(["privacy", "forget", "wmGone"]) == 0
    assert "已删除" in capsys.readouterr().out

    assert not [key for key in redis.keys("*") if b"wmGone" in key]
    assert [key for key in redis.keys("*") if b"wmStay" in key]
    with Session(engine) as session:
        rows = list(session.exec(select(OutboxMessage)))
        assert rows and not [r for r in rows if "wmGone" in (r.target_ids + r.origin)]
        assert [r for r in rows if r.target_ids == "wmStay"]
        from handlers.handoff import HandoffTicket

        tickets = list(session.exec(select(HandoffTicket)))
        assert not [t for t in tickets if t.asker_id == "wmGone"]
    assert _remembered(engine, "wmGone") == ""


def _remembered(engine: Any, user: str) -> str:
    """The province remembered for a kf customer ("" without the FAQ capability)."""
    try:
        from handlers.profiles import remembered_region
    except ImportError:
        return ""
    return str(remembered_region(engine, "kf", user).province)


def test_forget_rejects_an_empty_id(services: Services) -> None:
    with pytest.raises(ValueError):
        forget_customer(services, " ")


def test_purge_deletes_only_old_finished_customer_records(services: Services) -> None:
    from datetime import timedelta

    from handlers.core.db import utcnow
    from handlers.core.messages import Target, TargetKind

    old = utcnow() - timedelta(days=40)
    outbox = services.outbox
    kf_target = Target(TargetKind.KF, ("wmOld",), account=KFID)
    outbox.enqueue(kf_target, "旧回复", key="kf:old:0", origin="kf:wmOld")
    outbox.enqueue(Target.user("coord1"), "旧转人工", key="kf:old:fwd:0", origin="kf:wmOld")
    outbox.enqueue(kf_target, "新回复", key="kf:new:0", origin="kf:wmOld")
    outbox.enqueue(Target.user("vol1"), "志愿者提醒", key="reminder:1", origin="reminder:1")
    with Session(services.engine) as session:
        for row in session.exec(select(OutboxMessage)):
            row.status = "sent"
            if row.key != "kf:new:0":
                row.created_at = old
            session.add(row)
        session.commit()
    report = purge_expired(services, days=30)
    assert report.outbox_rows == 2
    with Session(services.engine) as session:
        keys = sorted(r.key for r in session.exec(select(OutboxMessage)))
    assert keys == ["kf:new:0", "reminder:1"]


def test_purge_deletes_old_tickets_and_remembered_regions(services: Services) -> None:
    from datetime import timedelta

    from sqlmodel import SQLModel

    from handlers.core.db import utcnow

    handoff = pytest.importorskip("handlers.handoff")
    profiles = pytest.importorskip("handlers.profiles")
    SQLModel.metadata.create_all(services.engine)
    old = utcnow() - timedelta(days=40)
    with Session(services.engine) as session:
        session.add(handoff.HandoffTicket(channel="kf", asker_id="wmOld", created_at=old))
        session.add(handoff.HandoffTicket(channel="kf", asker_id="wmNew"))
        session.add(handoff.HandoffTicket(channel="app", asker_id="vol1", created_at=old))
        session.add(profiles.FamilyProfile(channel="kf", user_id="wmOld", updated_at=old))
        session.add(profiles.FamilyProfile(channel="kf", user_id="wmNew", province="广西"))
        session.commit()
    report = purge_expired(services, days=30)
    assert report.tickets == 1 and report.profiles == 1
    with Session(services.engine) as session:
        tickets = sorted(t.asker_id for t in session.exec(select(handoff.HandoffTicket)))
        kept = [p.user_id for p in session.exec(select(profiles.FamilyProfile))]
    assert tickets == ["vol1", "wmNew"] and kept == ["wmNew"]


def test_benchmark_pulls_every_scripted_message_once() -> None:
    from bot.wecom.kf_bench import run

    figures = run(20, 7)
    assert (figures["messages"], figures["pages"], figures["dispatched"]) == (20, 3, 20)
    assert figures["queued_replies"] == 20 and figures["repeat_messages"] == 0
