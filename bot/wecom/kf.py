"""微信客服 (WeChat customer service): families on ordinary WeChat talk to the bot.

How it works
- WeCom posts an encrypted ``kf_msg_or_event`` callback (``Token`` valid 10 minutes,
  ``OpenKfId``). The webhook dedupes it and runs :meth:`KfChannel.on_event` in a thread.
- Under a Redis lock per customer-service account (open_kfid) the channel pulls
  ``kf/sync_msg`` from the saved cursor (the event token goes along), page by page while
  ``has_more``, saving ``next_cursor`` after each page. Several workers therefore never process
  a message twice, and a restart resumes where the last saved cursor points. A message is
  marked done (by msgid) only after it was handled, so a crash mid-page re-reads the page and
  the done marks and the outbox keys (``kf:<msgid>:<n>``) keep the re-run from repeating
  anything.
- Customer messages (origin 3) become ``IncomingMessage(channel=Channel.KF, ...)`` and go
  through the same router as app messages (Context.role is FAMILY on this channel, so
  families cannot log activities or broadcast). Replies go to the outbox as
  ``Target(TargetKind.KF, (external_userid,), account=open_kfid)``.
- WeCom's limits: a reply only within 48 hours of the customer's message, and at most 5
  messages per customer message. Replies are merged (and, if still too long, truncated) to
  fit; the count sent per customer msgid is recorded in Redis.
- Hand-off: when the dispatch of a customer's message forwards it to a WeCom member (the
  hand-off route replies ``to=Target.user(coordinator)``), the session is transferred with
  ``kf/service_state/trans`` (state 3, ``servicer_userid`` = that coordinator), who also gets
  the question and the bot's best guesses in the app. The customer's acknowledgement goes out
  with the ``msg_code`` the transfer returns.
- Events (origin 4): ``enter_session`` gets a short welcome through ``kf/send_msg_on_event``
  with its ``welcome_code``; ``session_status_change`` records whether a human servicer holds
  the session. While a human serves (also inferred from servicer messages, origin 5) the bot
  stays silent.

What is kept about a customer (external_userid), and for how long
- ``xiehui:kf:cust:<external_userid>:done:<msgid>``: handled-message marks, 3 days (WeCom
  re-delivers at most the last few days through sync_msg).
- ``xiehui:kf:cust:<external_userid>:quota:<msgid>``: replies sent for that message, 48 hours.
- ``xiehui:kf:cust:<external_userid>:human:<open_kfid>``: the servicer holding the session,
  48 hours after the last sign of a human serving (refreshed by each message meanwhile).
- the router's conversation scratch state (minutes; ``conversation_state`` rows, channel kf).
- Outbox rows addressed to the customer or about them (``origin = kf:<external_userid>``), the
  hand-off tickets they raised and the region they told the FAQ (handlers.profiles): deleted
  after RETENTION_DAYS (30 days; finished outbox rows only) by :func:`purge_expired`, which
  the service runs once a day (``xiehui privacy purge --days N`` runs it by hand).
- The cursor per open_kfid (``xiehui:kf:cursor:<open_kfid>``, 30 days from the last pull)
  holds nothing personal.
``xiehui privacy forget EXTERNAL_USERID`` (:func:`forget_customer`) deletes all of the above
at once. Logs carry msgids and open_kfid, never message text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

import httpx
from redis import Redis
from redis.exceptions import LockError, RedisError
from sqlalchemy import delete, or_
from sqlmodel import Session, col

from handlers.core.db import utcnow
from handlers.core.messages import (
    MAX_TEXT_BYTES,
    SHANGHAI,
    Channel,
    IncomingMessage,
    Kind,
    Role,
    Target,
    TargetKind,
    split_text,
    utf8_len,
)
from handlers.core.outbox import FAILED, SENT, OutboxMessage
from handlers.core.router import Dispatch, Router
from handlers.core.services import Services
from handlers.core.state import Conversation
from handlers.handoff import HandoffTicket
from handlers.profiles import FamilyProfile, forget

if TYPE_CHECKING:
    from bot.container import Runtime
    from bot.web.app import CallbackService
    from bot.wecom.crypto import ParsedCallback

logger = logging.getLogger(__name__)

EVENT_NAME = "kf_msg_or_event"
PREFIX = "xiehui:kf"
#: WeCom: a reply is allowed within 48 hours of the customer's message ...
REPLY_WINDOW = timedelta(hours=48)
#: ... minus a margin, so a reply still waiting in the outbox does not arrive too late.
WINDOW_MARGIN = timedelta(minutes=10)
#: ... and at most this many messages per customer message.
MAX_REPLIES = 5
DONE_TTL = 3 * 24 * 3600
#: Renewed by every pull. Should an account stay quiet this long, the next pull starts over
#: from what WeCom still holds; the 48-hour check keeps that from answering stale messages.
CURSOR_TTL = 30 * 24 * 3600
QUOTA_TTL = 48 * 3600
HUMAN_TTL = 48 * 3600
LOCK_SECONDS = 120.0  # lease of the pull lock; renewed after every message
LOCK_WAIT_SECONDS = 60.0
PAGE_LIMIT = 1000  # sync_msg's maximum
MAX_PAGES = 1000  # a safety stop for a misbehaving cursor
WELCOME_MAX_BYTES = 600
#: Database rows about customers (outbox rows, hand-off tickets, remembered regions) older
#: than this are deleted; a reply is impossible after 48 hours anyway.
RETENTION_DAYS = 30
PURGE_EVERY_SECONDS = 24 * 3600
TRUNCATED = "……（内容较长，未发完。可以换个问法，或发送“人工”咨询工作人员。）"

ORIGIN_CUSTOMER = 3
ORIGIN_EVENT = 4
ORIGIN_SERVICER = 5
SERVICE_STATE_HUMAN = 3
#: session_status_change change_type: 1 taken from the queue, 2 transferred, 3 ended,
#: 4 re-opened by a servicer.
HUMAN_CHANGE_TYPES = frozenset({1, 2, 4})
ENDED_CHANGE_TYPE = 3

_KINDS = {"text": Kind.TEXT, "image": Kind.IMAGE, "voice": Kind.VOICE, "location": Kind.LOCATION}


class KfApi(Protocol):
    """Access-token WeCom API calls (bot.wecom.sender.WeComSender.call)."""

    def call(
        self,
        path: str,
        payload: dict[str, Any] | None = None,
        *,
        method: str = "POST",
        params: dict[str, str] | None = None,
    ) -> dict[str, Any]: ...


def _glob_escape(value: str) -> str:
    return "".join("\\" + ch if ch in "*?[]\\" else ch for ch in value)


def cursor_key(open_kfid: str) -> str:
    return f"{PREFIX}:cursor:{open_kfid}"


def customer_prefix(external_userid: str) -> str:
    return f"{PREFIX}:cust:{external_userid}"


def done_key(external_userid: str, msgid: str) -> str:
    return f"{customer_prefix(external_userid)}:done:{msgid}"


def quota_key(external_userid: str, msgid: str) -> str:
    return f"{customer_prefix(external_userid)}:quota:{msgid}"


def human_key(external_userid: str, open_kfid: str) -> str:
    return f"{customer_prefix(external_userid)}:human:{open_kfid}"


def origin_for(external_userid: str) -> str:
    return f"kf:{external_userid}"


def fit_messages(texts: Sequence[str], slots: int, limit: int = MAX_TEXT_BYTES) -> list[str]:
    """At most ``slots`` messages of at most ``limit`` bytes carrying ``texts`` in order.

    Replies stay separate while there are slots enough; otherwise the shortest neighbours are
    merged (joined by a blank line) while they fit, and what still does not fit in the last
    slot is cut and marked as truncated.
    """
    if slots <= 0:
        return []
    packed = [p for text in texts if text.strip() for p in split_text(text.strip(), limit)]
    while len(packed) > slots:
        sizes = [
            (utf8_len(packed[i]) + utf8_len(packed[i + 1]) + 2, i) for i in range(len(packed) - 1)
        ]
        size, index = min(sizes)
        if size > limit:
            break
        packed[index : index + 2] = [packed[index] + "\n\n" + packed[index + 1]]
    if len(packed) <= slots:
        return packed
    kept = packed[:slots]
    room = limit - utf8_len(TRUNCATED)
    last = kept[-1]
    while utf8_len(last) > room:
        last = last[: max(0, len(last) - max(1, (utf8_len(last) - room) // 3))]
    kept[-1] = last.rstrip() + TRUNCATED
    return kept


def welcome_text(router: Router) -> str:
    """A short welcome for families: the help menu's first lines and how to reach a person."""
    lines = router.help_text(Role.FAMILY).splitlines()
    if not lines:
        return "您好，我是协会助手。"
    head, tail = lines[0], lines[-1]
    body: list[str] = []
    for line in lines[1:-1]:
        candidate = "\n".join([head, *body, line, tail])
        if utf8_len(candidate) > WELCOME_MAX_BYTES:
            break
        body.append(line)
    return "\n".join([head, *body, tail])


@dataclass
class PullStats:
    """What one pull did (for logs and tests)."""

    pages: int = 0
    messages: int = 0
    dispatched: int = 0
    duplicates: int = 0
    silenced: int = 0
    expired: int = 0
    events: int = 0
    handoffs: int = 0
    errors: list[str] = field(default_factory=list)


class KfChannel:
    """Pulls 微信客服 messages and answers them through the router and the outbox."""

    def __init__(
        self,
        services: Services,
        router: Router,
        api: KfApi,
        *,
        wake: Callable[[], None] = lambda: None,
        page_limit: int = PAGE_LIMIT,
    ) -> None:
        self.services = services
        self.router = router
        self.api = api
        self.wake = wake
        self.page_limit = max(1, min(page_limit, PAGE_LIMIT))

    @property
    def redis(self) -> Redis:
        return self.services.redis

    # -- the callback hook ----------------------------------------------------------------
    def on_event(self, parsed: ParsedCallback) -> None:
        """CallbackService hook for ``kf_msg_or_event``: pull what is new for that account."""
        open_kfid = str(parsed.raw.get("OpenKfId") or "")
        token = str(parsed.raw.get("Token") or "")
        if not open_kfid:
            logger.warning("kf_msg_or_event without OpenKfId ignored")
            return
        try:
            self.pull(open_kfid, token)
        except RedisError:
            # Redis down: raising leaves the callback's claim unfinished, so the service's
            # sweeper runs this event again; the cursor makes the second pull resume.
            logger.warning("kf pull for %s: redis unavailable, retried later", open_kfid)
            raise
        except Exception:
            logger.exception("kf pull for %s failed", open_kfid)
        # Retention runs by itself: at most once a day, from whichever worker gets here first.
        if self.redis.set(f"{PREFIX}:purged", "1", nx=True, ex=PURGE_EVERY_SECONDS):
            try:
                purge_expired(self.services)
            except Exception:
                logger.exception("kf retention purge failed")

    # -- pulling --------------------------------------------------------------------------
    def pull(self, open_kfid: str, token: str = "") -> PullStats:
        """Pull and handle everything new for ``open_kfid``; safe to call from many workers.

        A worker that finds the lock taken leaves an "again" flag, so the holder pulls once
        more before letting go, then waits for the lock itself (and normally finds nothing).
        """
        stats = PullStats()
        again = f"{PREFIX}:again:{open_kfid}"
        self.redis.set(again, "1", ex=int(LOCK_SECONDS))
        lock = self.redis.lock(
            f"{PREFIX}:lock:{open_kfid}",
            timeout=LOCK_SECONDS,
            blocking_timeout=LOCK_WAIT_SECONDS,
            thread_local=False,
        )
        if not lock.acquire():
            logger.warning("kf pull for %s: lock busy, left to the holder", open_kfid)
            return stats
        try:
            while self.redis.delete(again):
                if not self._pull_pages(open_kfid, token, lock, stats):
                    break
        finally:
            try:
                lock.release()
            except LockError:
                logger.warning("kf pull lock for %s expired before release", open_kfid)
        logger.info(
            "kf pull account=%s pages=%d messages=%d dispatched=%d duplicates=%d "
            "silenced=%d expired=%d events=%d handoffs=%d",
            open_kfid,
            stats.pages,
            stats.messages,
            stats.dispatched,
            stats.duplicates,
            stats.silenced,
            stats.expired,
            stats.events,
            stats.handoffs,
        )
        return stats

    def _pull_pages(self, open_kfid: str, token: str, lock: Any, stats: PullStats) -> bool:
        """Page through sync_msg from the saved cursor; False when a call failed."""
        for _ in range(MAX_PAGES):
            saved = self.redis.get(cursor_key(open_kfid))
            cursor = saved.decode() if isinstance(saved, bytes) else (saved or "")
            payload: dict[str, Any] = {"open_kfid": open_kfid, "limit": self.page_limit}
            if cursor:
                payload["cursor"] = cursor
            if token:
                payload["token"] = token
            try:
                data = self.api.call("kf/sync_msg", payload)
            except (httpx.HTTPError, ValueError) as exc:
                stats.errors.append(type(exc).__name__)
                logger.warning("kf/sync_msg for %s failed: %s", open_kfid, type(exc).__name__)
                return False
            code = int(data.get("errcode", 0))
            if code != 0:
                stats.errors.append(str(code))
                logger.warning(
                    "kf/sync_msg for %s refused: %s %s", open_kfid, code, data.get("errmsg", "")
                )
                return False
            stats.pages += 1
            for item in data.get("msg_list") or []:
                if isinstance(item, dict):
                    self._handle(item, stats)
                    lock.reacquire()
            next_cursor = str(data.get("next_cursor") or "")
            if next_cursor:
                self.redis.set(cursor_key(open_kfid), next_cursor, ex=CURSOR_TTL)
            if not int(data.get("has_more") or 0) or not next_cursor:
                return True
        logger.warning("kf pull for %s stopped after %d pages", open_kfid, MAX_PAGES)
        return True

    # -- one message ----------------------------------------------------------------------
    def _handle(self, item: dict[str, Any], stats: PullStats) -> None:
        stats.messages += 1
        msgid = str(item.get("msgid") or "")
        origin = int(item.get("origin") or 0)
        event = item.get("event") if isinstance(item.get("event"), dict) else {}
        user = str(item.get("external_userid") or (event or {}).get("external_userid") or "")
        if not msgid or not user:
            return
        done = done_key(user, msgid)
        if self.redis.exists(done):
            stats.duplicates += 1
            return
        try:
            if origin == ORIGIN_CUSTOMER:
                self._customer(item, user, msgid, stats)
            elif origin == ORIGIN_EVENT:
                stats.events += 1
                self._event(event or {}, item, user)
            elif origin == ORIGIN_SERVICER:
                servicer = str(item.get("servicer_userid") or "")
                self._mark_human(user, str(item.get("open_kfid") or ""), servicer or "servicer")
        except Exception:
            # One bad message must not stall the account's cursor; the error is logged.
            logger.exception("kf message %s failed", msgid)
            stats.errors.append(msgid)
        self.redis.set(done, "1", ex=DONE_TTL)

    def _customer(self, item: dict[str, Any], user: str, msgid: str, stats: PullStats) -> None:
        open_kfid = str(item.get("open_kfid") or "")
        sent_at = datetime.fromtimestamp(int(item.get("send_time") or 0), UTC).astimezone(SHANGHAI)
        human = self._human(user, open_kfid)
        if human:
            self._mark_human(user, open_kfid, human)  # still with the person: keep silent
            stats.silenced += 1
            return
        if self.services.now() - sent_at > REPLY_WINDOW - WINDOW_MARGIN:
            stats.expired += 1  # WeCom would refuse a reply now
            logger.info("kf msg %s older than the reply window; not answered", msgid)
            return
        message = self._incoming(item, user, open_kfid, msgid, sent_at)
        dispatch = self.router.dispatch(message, self.services)
        stats.dispatched += 1
        self._deliver(message, dispatch, stats)

    @staticmethod
    def _incoming(
        item: dict[str, Any], user: str, open_kfid: str, msgid: str, sent_at: datetime
    ) -> IncomingMessage:
        msgtype = str(item.get("msgtype") or "")
        kind = _KINDS.get(msgtype, Kind.OTHER)
        body = item.get(msgtype) if isinstance(item.get(msgtype), dict) else {}
        body = body or {}
        location = None
        if kind is Kind.LOCATION:
            try:
                location = (float(body["latitude"]), float(body["longitude"]))
            except (KeyError, TypeError, ValueError):
                location = None
        return IncomingMessage(
            user_id=user,
            text=str(body.get("content") or "") if kind is Kind.TEXT else "",
            kind=kind,
            channel=Channel.KF,
            sent_at=sent_at,
            msg_id=msgid,
            media_id=str(body.get("media_id") or ""),
            location=location,
            account=open_kfid,
        )

    # -- replies --------------------------------------------------------------------------
    def _deliver(self, message: IncomingMessage, dispatch: Dispatch, stats: PullStats) -> None:
        user, open_kfid, msgid = message.user_id, message.account, message.msg_id
        origin = origin_for(user)
        target = Target(TargetKind.KF, (user,), account=open_kfid)
        own = [r.text for r in dispatch.replies if r.to is None or r.to == target]
        others = [r for r in dispatch.replies if r.to is not None and r.to != target]
        for index, reply in enumerate(others):
            assert reply.to is not None
            self.services.outbox.enqueue(
                reply.to, reply.text, key=f"kf:{msgid}:fwd:{index}", origin=origin
            )
        servicer = next(
            (r.to.ids[0] for r in others if r.to and r.to.kind is TargetKind.USER and r.to.ids),
            "",
        )
        msg_code = ""
        if servicer:
            stats.handoffs += 1
            msg_code = self._transfer(open_kfid, user, servicer)
        if msg_code:
            # After the transfer the bot may speak once more, with the transfer's msg_code.
            texts = self._within_quota(user, msgid, own, slots=1)
            if texts and self._send_on_event(msg_code, texts[0]):
                own = []
        for index, text in enumerate(self._within_quota(user, msgid, own)):
            self.services.outbox.enqueue(target, text, key=f"kf:{msgid}:{index}", origin=origin)
        self.wake()

    def _within_quota(
        self, user: str, msgid: str, texts: list[str], *, slots: int = MAX_REPLIES
    ) -> list[str]:
        key = quota_key(user, msgid)
        used = int(self.redis.get(key) or 0)
        fitted = fit_messages(texts, min(slots, MAX_REPLIES - used))
        if fitted:
            pipe = self.redis.pipeline()
            pipe.incrby(key, len(fitted))
            pipe.expire(key, QUOTA_TTL)
            pipe.execute()
        if len(fitted) < len([t for t in texts if t.strip()]):
            logger.info("kf msg %s: replies merged or cut to %d messages", msgid, len(fitted))
        return fitted

    def _transfer(self, open_kfid: str, user: str, servicer: str) -> str:
        """Hand the session to ``servicer``; returns the msg_code for one last message."""
        payload = {
            "open_kfid": open_kfid,
            "external_userid": user,
            "service_state": SERVICE_STATE_HUMAN,
            "servicer_userid": servicer,
        }
        try:
            data = self.api.call("kf/service_state/trans", payload)
        except (httpx.HTTPError, ValueError) as exc:
            logger.warning("kf/service_state/trans failed: %s", type(exc).__name__)
            return ""
        code = int(data.get("errcode", 0))
        if code != 0:
            logger.warning("kf/service_state/trans refused: %s %s", code, data.get("errmsg", ""))
            return ""
        self._mark_human(user, open_kfid, servicer)
        return str(data.get("msg_code") or "")

    def _send_on_event(self, code: str, text: str) -> bool:
        payload = {"code": code, "msgtype": "text", "text": {"content": text}}
        try:
            data = self.api.call("kf/send_msg_on_event", payload)
        except (httpx.HTTPError, ValueError) as exc:
            logger.warning("kf/send_msg_on_event failed: %s", type(exc).__name__)
            return False
        code_back = int(data.get("errcode", 0))
        if code_back != 0:
            logger.warning("kf/send_msg_on_event refused: %s %s", code_back, data.get("errmsg"))
            return False
        return True

    # -- events and session state ---------------------------------------------------------
    def _event(self, event: dict[str, Any], item: dict[str, Any], user: str) -> None:
        kind = str(event.get("event_type") or "")
        open_kfid = str(event.get("open_kfid") or item.get("open_kfid") or "")
        if kind == "enter_session":
            code = str(event.get("welcome_code") or "")
            if code and not self._human(user, open_kfid):
                self._send_on_event(code, welcome_text(self.router))
        elif kind == "session_status_change":
            change = int(event.get("change_type") or 0)
            if change in HUMAN_CHANGE_TYPES:
                servicer = str(event.get("new_servicer_userid") or "servicer")
                self._mark_human(user, open_kfid, servicer)
            elif change == ENDED_CHANGE_TYPE:
                self.redis.delete(human_key(user, open_kfid))

    def _human(self, user: str, open_kfid: str) -> str:
        raw = self.redis.get(human_key(user, open_kfid))
        return raw.decode() if isinstance(raw, bytes) else (raw or "")

    def _mark_human(self, user: str, open_kfid: str, servicer: str) -> None:
        self.redis.set(human_key(user, open_kfid), servicer, ex=HUMAN_TTL)


# -- privacy ---------------------------------------------------------------------------------
@dataclass
class ForgetReport:
    redis_keys: int = 0
    outbox_rows: int = 0
    tickets: int = 0
    profiles: int = 0

    def summary(self) -> str:
        return (
            f"已删除：Redis 记录 {self.redis_keys} 条，待发/已发消息 {self.outbox_rows} 条，"
            f"转人工记录 {self.tickets} 条，地区记录 {self.profiles} 条。"
        )


def forget_customer(services: Services, external_userid: str) -> ForgetReport:
    """Erase everything stored about one 微信客服 customer (see the module docstring)."""
    if not external_userid.strip():
        raise ValueError("external_userid is empty")
    report = ForgetReport()
    redis = services.redis
    patterns = (
        f"{_glob_escape(customer_prefix(external_userid))}:*",
        f"xiehui:conv:{Channel.KF.value}:{_glob_escape(external_userid)}:*",
    )
    for pattern in patterns:
        keys = list(redis.scan_iter(match=pattern, count=500))
        if keys:
            report.redis_keys += int(redis.delete(*keys))
    # the conversation scratch state lives in the database (handlers.core.state)
    report.redis_keys += Conversation.forget(services.engine, Channel.KF.value, external_userid)
    with Session(services.engine) as session:
        result = session.execute(
            delete(OutboxMessage).where(
                or_(
                    col(OutboxMessage.origin) == origin_for(external_userid),
                    (col(OutboxMessage.target_kind) == TargetKind.KF.value)
                    & (col(OutboxMessage.target_ids) == external_userid),
                )
            )
        )
        report.outbox_rows = int(result.rowcount)  # type: ignore[attr-defined]
        session.commit()
    report.tickets = _forget_tickets(services, external_userid)
    report.profiles = int(_forget_profile(services, external_userid))
    logger.info(
        "kf customer forgotten: redis=%d outbox=%d tickets=%d profiles=%d",
        report.redis_keys,
        report.outbox_rows,
        report.tickets,
        report.profiles,
    )
    return report


def _forget_tickets(services: Services, external_userid: str) -> int:
    with Session(services.engine) as session:
        result = session.execute(
            delete(HandoffTicket).where(
                col(HandoffTicket.channel) == Channel.KF.value,
                col(HandoffTicket.asker_id) == external_userid,
            )
        )
        session.commit()
        return int(result.rowcount)  # type: ignore[attr-defined]


def _forget_profile(services: Services, external_userid: str) -> bool:
    return forget(services.engine, Channel.KF.value, external_userid)


def purge_expired(
    services: Services, *, days: int = RETENTION_DAYS, now: datetime | None = None
) -> ForgetReport:
    """Delete customers' database rows older than ``days`` (finished outbox rows, hand-off
    tickets and remembered regions of 微信客服 customers). Redis keys expire on their own."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    report = ForgetReport()
    with Session(services.engine) as session:
        result = session.execute(
            delete(OutboxMessage).where(
                or_(
                    col(OutboxMessage.origin).startswith("kf:"),
                    col(OutboxMessage.target_kind) == TargetKind.KF.value,
                ),
                col(OutboxMessage.status).in_([SENT, FAILED]),
                col(OutboxMessage.created_at) < cutoff,
            )
        )
        report.outbox_rows = int(result.rowcount)  # type: ignore[attr-defined]
        session.commit()
    with Session(services.engine) as session:
        result = session.execute(
            delete(HandoffTicket).where(
                col(HandoffTicket.channel) == Channel.KF.value,
                col(HandoffTicket.created_at) < cutoff,
            )
        )
        report.tickets = int(result.rowcount)  # type: ignore[attr-defined]
        result = session.execute(
            delete(FamilyProfile).where(
                col(FamilyProfile.channel) == Channel.KF.value,
                col(FamilyProfile.updated_at) < cutoff,
            )
        )
        report.profiles = int(result.rowcount)  # type: ignore[attr-defined]
        session.commit()
    logger.info(
        "kf retention purge: outbox=%d tickets=%d profiles=%d",
        report.outbox_rows,
        report.tickets,
        report.profiles,
    )
    return report


# -- the app plugin --------------------------------------------------------------------------
def start(runtime: Runtime, callback: CallbackService) -> Callable[[], None]:
    """Register the kf_msg_or_event hook (needs the WeCom API: an access-token sender)."""
    api = runtime.sender
    if not runtime.settings.api_enabled or not callable(getattr(api, "call", None)):
        logger.info("微信客服 channel off: no WeCom API sender")
        return lambda: None
    channel = KfChannel(runtime.services, runtime.router, api, wake=callback.worker.wake)  # type: ignore[arg-type]
    runtime.extras["kf_channel"] = channel
    callback.event_hooks[EVENT_NAME] = channel.on_event

    def stop() -> None:
        callback.event_hooks.pop(EVENT_NAME, None)

    return stop


__all__ = [
    "KfChannel",
    "PullStats",
    "fit_messages",
    "forget_customer",
    "purge_expired",
    "start",
    "welcome_text",
]
