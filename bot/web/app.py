"""The FastAPI application: the WeCom callback, health check and the delivery worker."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
import importlib
import logging
import os
import queue
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar, cast
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse
from sqlalchemy import text

from bot.container import Runtime, build_runtime
from bot.settings import Settings
from bot.web import console, metrics
from bot.web.delivery import DeliveryWorker
from bot.wecom.crypto import (
    CallbackError,
    MalformedCallback,
    ParsedCallback,
    WeComCrypto,
    check_fresh,
    parse_callback,
    render_text_reply,
)
from handlers.core import asker, hotsql
from handlers.core.db import utcnow
from handlers.core.inbox import OUTBOX, PASSIVE, UNDECIDED, ClaimView, Inbox
from handlers.core.messages import Kind, Reply, Target, utf8_len
from handlers.core.router import Dispatch
from handlers.core.state import purge_expired as purge_conversations

logger = logging.getLogger(__name__)
T = TypeVar("T")
#: ASGI's types (as Starlette spells them), for the callback's fast path.
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

#: While a handler runs, its claim's heartbeat is refreshed this often.
HEARTBEAT_SECONDS = 2.0
#: How often the sweeper looks for claims whose owner died, and re-runs them.
SWEEP_SECONDS = 2.0
#: Threads for text messages (see CallbackService._hot_pool); when all of them have been busy
#: this long without finishing anything, the text messages waiting for them go to the general
#: handler pool.
HOT_THREADS = 4
HOT_STUCK_SECONDS = 0.5
#: A claim that failed this many runs is given up (logged as an error).
MAX_CLAIM_ATTEMPTS = 5
#: Finished claims are kept this long: retries and replays inside the signature window are
#: recognised, and anything older is refused by the timestamp check anyway.
CLAIM_RETENTION = timedelta(hours=48)
PURGE_EVERY_SECONDS = 3600.0
#: A retry waiting for a handler in another process polls the claim this often.
POLL_SECONDS = 0.05
#: The handler's passive reply is only offered while this much of the window is left, so it
#: is never settled for a response that is about to be sent empty.
PASSIVE_MARGIN_SECONDS = 0.05
EventHook = Callable[[ParsedCallback], None]

#: Modules started with the web service; each has
#: ``start(runtime: Runtime, callback: CallbackService) -> Callable[[], None]`` returning a stopper.
APP_PLUGINS: tuple[str, ...] = (
    "bot.web.scheduler_plugin",
    "bot.wecom.kf",
    "bot.web.kb_plugin",
    "bot.web.gc_plugin",  # last: after everything loaded at start-up
)


_XML_TYPE = (b"content-type", b"text/xml; charset=utf-8")


class _Answer(Response):
    """A 200 answer to a callback, built without Starlette's header logic: exactly the
    headers ``PlainTextResponse(body, media_type="text/xml")`` has, for a fraction of the
    cost (every callback makes one)."""

    def __init__(self, body: bytes) -> None:
        self.status_code = 200
        self.media_type = "text/xml"
        self.background = None
        self.body = body
        self.raw_headers = [(b"content-length", b"%d" % len(body)), _XML_TYPE]


def _xml(body: str) -> Response:
    return _Answer(body.encode("utf-8"))


@dataclass(eq=False)
class _Job:
    """A handler running in this process for one message."""

    msg_id: str
    #: When its claim was last refreshed (monotonic seconds).
    beat_at: float
    #: Set by the handler thread once the claim is stored: True (ours) or False (claimed
    #: before, by anyone); None until then. A job started on a claim it holds starts True.
    claimed: bool | None
    #: The handler's future: its passive reply, or None.
    work: asyncio.Future[str | None] = field(init=False)
    #: What the handler thread runs.
    call: Callable[[], str | None] = field(init=False)
    #: A text message (counted against the text threads).
    hot: bool = False
    #: The requests waiting for it (see CallbackService._wait), woken when it settles.
    waiters: list[asyncio.Future[None]] = field(default_factory=list)
    #: Held by the thread that runs it (a spilled job is queued in two pools).
    taken: threading.Lock = field(default_factory=threading.Lock)


def _wake(waiter: asyncio.Future[None], *_done: object) -> None:
    if not waiter.done():
        waiter.set_result(None)


class _Skipped:
    """What a thread returns for a job another thread already took."""


SKIPPED = _Skipped()


class _TextThreads:
    """A fixed set of threads fed from one queue, for the text messages.

    What ``loop.run_in_executor`` does per call (a concurrent future with its condition, an
    asyncio future chained to it, two callbacks) costs the event loop's thread more than a
    third of what the rest of a callback's hand-off does; here a job goes into a C queue and
    comes back with one ``call_soon_threadsafe``. The threads start with the first job and
    are daemons (a thread stuck in a handler never holds up the process's exit).
    """

    def __init__(
        self,
        count: int,
        prefix: str,
        run: Callable[[_Job], object],
        done: Callable[[_Job, object, BaseException | None], None],
    ) -> None:
        self._count = count
        self._prefix = prefix
        self._run = run
        self._done = done
        self._queue: queue.SimpleQueue[tuple[asyncio.AbstractEventLoop, _Job] | None] = (
            queue.SimpleQueue()
        )
        self._threads: list[threading.Thread] = []
        self._closed = False

    def submit(self, loop: asyncio.AbstractEventLoop, job: _Job) -> None:
        if self._closed:
            raise RuntimeError("the text threads are shut down")
        self._queue.put((loop, job))
        if not self._threads:
            for index in range(self._count):
                thread = threading.Thread(
                    target=self._serve, name=f"{self._prefix}_{index}", daemon=True
                )
                self._threads.append(thread)
                thread.start()

    def _serve(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            loop, job = item
            error: BaseException | None = None
            result: object = None
            try:
                result = self._run(job)
            except BaseException as exc:  # handed to the job's future, as an executor does
                error = exc
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
                loop.call_soon_threadsafe(self._done, job, result, error)
            del item, loop, job, result, error

    def shutdown(self) -> list[_Job]:
        """Stop the threads once they finish what they run; returns the jobs still queued
        (never started), for the caller to cancel."""
        self._closed = True
        left: list[_Job] = []
        with contextlib.suppress(queue.Empty):
            while True:
                item = self._queue.get_nowait()
                if item is not None:
                    left.append(item[1])
        for _thread in self._threads:
            self._queue.put(None)
        return left


class CallbackService:
    """Verify, decrypt, claim and answer WeCom callbacks without blocking on slow work.

    The claim is a database row (:class:`handlers.core.inbox.Inbox`), written before any
    answer; Redis is not on this path at all. See the README's "Failure guarantees".
    """

    def __init__(self, runtime: Runtime, worker: DeliveryWorker) -> None:
        self.runtime = runtime
        self.worker = worker
        settings = runtime.settings
        self.crypto = (
            WeComCrypto(
                settings.wecom_token.get_secret_value(),
                settings.wecom_aes_key.get_secret_value(),
                settings.wecom_corp_id,
            )
            if settings.callback_enabled
            else None
        )
        self.inbox = Inbox(runtime.services.engine)
        self.owner = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.stale_seconds = settings.claim_stale_seconds
        # several heartbeats fit in the stale time, so one late heartbeat is never a takeover
        self.heartbeat_seconds = min(HEARTBEAT_SECONDS, self.stale_seconds / 4)
        #: Event name -> hook run instead of the router (e.g. kf_msg_or_event for 微信客服).
        self.event_hooks: dict[str, EventHook] = {}
        #: Claims this process is running: key -> its job.
        self._running: dict[str, _Job] = {}
        # Handlers get their own threads, so a burst of slow handlers never delays the
        # retries' database reads (those use the default executor).
        self._pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="handler")
        # New text messages (nearly all traffic) run on a few threads of their own: with
        # more threads than cores they mostly wait for the GIL and for each other, and a
        # callback costs several times the CPU. Slow work spills over to the pool above.
        self._hot_pool = _TextThreads(HOT_THREADS, "text", self._run, self._settle)
        #: Text jobs handed to the text threads, oldest first (pruned as they start).
        self._text_queued: collections.deque[_Job] = collections.deque()
        #: Text jobs not finished yet.
        self._text_busy = 0
        #: When a text thread last started or finished a message (monotonic seconds).
        self._text_progress_at = 0.0
        self._purged_at = 0.0

    @property
    def redis(self) -> Any:
        return self.runtime.services.redis

    @property
    def tasks(self) -> set[asyncio.Future[str | None]]:
        """The handlers this process is running now."""
        return {job.work for job in self._running.values()}

    async def _db(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.to_thread(fn, *args)

    # -- the request ----------------------------------------------------------------------
    async def handle_post(
        self, body: bytes, msg_signature: str, timestamp: str, nonce: str
    ) -> Response:
        """Answer one callback POST (counted in the metrics by outcome and time)."""
        started = time.perf_counter()
        response, outcome = await self._handle_post(body, msg_signature, timestamp, nonce)
        if outcome in ("new", "retry"):
            passive = bool(getattr(response, "body", b""))
            outcome = "retry" if outcome == "retry" else "passive" if passive else "outbox"
        metrics.record_callback(outcome, started)
        return response

    async def _handle_post(
        self, body: bytes, msg_signature: str, timestamp: str, nonce: str
    ) -> tuple[Response, str]:
        assert self.crypto is not None
        deadline = time.monotonic() + self.runtime.settings.passive_reply_seconds
        try:
            plaintext = self.crypto.decrypt_envelope(body, msg_signature, timestamp, nonce)
            check_fresh(timestamp, self.runtime.settings.signature_max_age_seconds, time.time())
        except CallbackError as exc:
            logger.warning("callback rejected: %s", exc)
            return PlainTextResponse("forbidden", status_code=403), "rejected"
        except MalformedCallback as exc:
            logger.warning("bad callback request: %s", exc)
            return PlainTextResponse("bad request", status_code=400), "bad_request"
        try:
            parsed = parse_callback(plaintext)
        except MalformedCallback as exc:
            # Signed by WeCom, so answer 200 (anything else is retried) and drop it loudly.
            logger.warning("signed callback with an unusable payload ignored: %s", exc)
            return PlainTextResponse(""), "ignored"
        key = parsed.dedupe_key
        job = self._running.get(key)
        if job is not None and job.claimed is None:
            # An earlier delivery's claim is being stored in this process: its outcome
            # decides (a retry must never read "no claim" and answer an empty 200).
            await self._claim_settled(job)
            if job.claimed is None:  # that claim failed (a 500): this delivery claims afresh
                job = None
        if job is None:
            if parsed.passive_allowed:
                # One trip to a handler thread claims the message and runs the handler.
                job = self._start(parsed, key, nonce, timestamp, deadline, claim=plaintext)
                await self._wait(job, deadline)
                if job.claimed:
                    return self._reply_of(job) or await self._give_up(key), "new"
                # claimed before (by anyone): a retry
            elif await self._db(self.inbox.claim, key, self.owner, plaintext, OUTBOX):
                # no passive reply possible: nothing to wait for once the claim is stored
                self._start(parsed, key, nonce, timestamp, deadline)
                return PlainTextResponse(""), "new"
        logger.debug("msg=%s is a retry", parsed.message.msg_id)
        return await self._retry(parsed, key, nonce, timestamp, deadline), "retry"

    async def _retry(
        self, parsed: ParsedCallback, key: str, nonce: str, timestamp: str, deadline: float
    ) -> Response:
        """A delivery of a message already claimed: replay, wait, or take over a dead claim."""
        view = await self._db(self.inbox.get, key)
        if view is None:  # purged long ago: a replay that passed the timestamp window
            logger.warning("msg=%s: claim expired, not handled again", parsed.message.msg_id)
            return PlainTextResponse("")
        if view.route == PASSIVE:
            return _xml(view.reply)
        if view.done:
            return PlainTextResponse("")  # the outbox carries the answer
        job = self._running.get(key)
        if job is not None and not job.claimed:
            job = None  # it found the claim taken before, as this delivery did
        if (
            job is None
            and self._is_stale(view)
            and await self._db(self.inbox.take_over, view, self.owner, self.stale_seconds)
        ):
            logger.warning("msg=%s: claim of a dead worker taken over", parsed.message.msg_id)
            job = self._start(parsed, key, nonce, timestamp, deadline)
        if view.route == OUTBOX:
            return PlainTextResponse("")
        if job is not None:
            await self._wait(job, deadline)
            reply = self._reply_of(job)
            if reply is not None:
                return reply
        else:  # the handler runs in another process: watch its claim
            while time.monotonic() < deadline:
                view = await self._db(self.inbox.get, key)
                if view is None or view.route != UNDECIDED:
                    break
                await asyncio.sleep(POLL_SECONDS)
        return await self._give_up(key)

    def _is_stale(self, view: ClaimView) -> bool:
        return (utcnow() - view.heartbeat_at).total_seconds() > self.stale_seconds

    async def _wait(self, job: _Job, deadline: float) -> None:
        """Wait for the handler until ``deadline``, and in any case until its claim is stored:
        nothing is answered for a message before its claim is (a crash would lose it)."""
        work = job.work
        remaining = deadline - time.monotonic()
        if remaining > 0 and not work.done():
            # what asyncio.wait({work}, timeout=remaining) does, without its sets and checks;
            # _settle wakes the waiter itself, not through a done callback of the work (which
            # the loop would run one iteration later)
            loop = asyncio.get_running_loop()
            waiter = loop.create_future()
            timer = loop.call_later(remaining, _wake, waiter)
            job.waiters.append(waiter)
            try:
                await waiter
            finally:
                timer.cancel()
                job.waiters.remove(waiter)
        await self._claim_settled(job)
        if job.claimed is None:  # the claim itself failed: a 500, and WeCom sends it again
            raise work.exception() or RuntimeError("claim failed")

    @staticmethod
    async def _claim_settled(job: _Job) -> None:
        """Until the job's claim is stored or refused (or the job failed before that)."""
        while job.claimed is None and not job.work.done():
            await asyncio.sleep(POLL_SECONDS)

    @staticmethod
    def _reply_of(job: _Job) -> Response | None:
        """The handler's answer when it finished in time (its passive reply, or an empty
        response when the outbox carries the answer); None while it still runs."""
        work = job.work
        if not job.claimed or not work.done() or work.cancelled() or work.exception():
            return None
        reply = work.result()
        return _xml(reply) if reply else PlainTextResponse("")

    async def _give_up(self, key: str) -> Response:
        """Stop waiting: the outbox decides, unless the reply was settled meanwhile."""
        view = await self._db(self.inbox.give_up_waiting, key)
        if view is not None and view.route == PASSIVE and view.reply:
            return _xml(view.reply)
        return PlainTextResponse("")

    # -- the work -------------------------------------------------------------------------
    def _start(
        self,
        parsed: ParsedCallback,
        key: str,
        nonce: str,
        timestamp: str,
        deadline: float,
        *,
        claim: str | None = None,
    ) -> _Job:
        """Run the handler in a handler thread; with ``claim`` (the payload), claim the
        message there first (``job.claimed`` says how that went)."""
        loop = asyncio.get_running_loop()
        job = _Job(parsed.message.msg_id, time.monotonic(), None if claim is not None else True)
        job.work = loop.create_future()
        job.call = functools.partial(
            self._claim_and_work, job, parsed, key, nonce, timestamp, deadline, claim
        )
        self._running[key] = job
        job.work.add_done_callback(functools.partial(self._finished, key, job))
        if parsed.message.kind is Kind.TEXT:
            job.hot = True
            if self._text_busy < HOT_THREADS:  # a text thread starts it at once
                self._text_progress_at = time.monotonic()
            self._text_busy += 1
            self._text_queued.append(job)
            self._hot_pool.submit(loop, job)
        else:
            self._submit(job, self._pool)
        return job

    def _submit(self, job: _Job, pool: ThreadPoolExecutor) -> None:
        done = asyncio.get_running_loop().run_in_executor(pool, self._run, job)
        done.add_done_callback(functools.partial(self._ran, job))

    @staticmethod
    def _run(job: _Job) -> str | None | _Skipped:
        """In a handler thread: run the job unless another thread took it first."""
        if not job.taken.acquire(blocking=False):
            return SKIPPED
        return job.call()

    def _ran(self, job: _Job, done: asyncio.Future[str | None | _Skipped]) -> None:
        """A thread of the general pool finished ``job``: pass the outcome on."""
        if done.cancelled():
            self._settle(job, None, None, cancelled=True)
        else:
            error = done.exception()
            self._settle(job, done.result() if error is None else None, error)

    def _settle(
        self, job: _Job, result: object, error: BaseException | None, *, cancelled: bool = False
    ) -> None:
        """In the event loop: a thread finished (or will never run) ``job``."""
        if not cancelled and error is None and result is SKIPPED:
            return  # the other pool's thread ran it
        if job.hot:
            self._text_busy -= 1
            self._text_progress_at = time.monotonic()
        if job.work.done():
            return
        if cancelled:
            job.work.cancel()
        elif error is not None:
            job.work.set_exception(error)
        else:
            job.work.set_result(cast("str | None", result))
        for waiter in job.waiters:
            _wake(waiter)

    def _spill(self) -> None:
        """When slow handlers have held every text thread for a while, the text messages
        queued behind them are offered to the general pool too (whichever thread comes first
        runs each one)."""
        queued = self._text_queued
        while queued and queued[0].taken.locked():
            queued.popleft()
        stuck = time.monotonic() - self._text_progress_at
        if not queued or stuck < HOT_STUCK_SECONDS:
            return
        logger.warning(
            "text handlers busy for %.1f s; %d queued messages go to the general pool",
            stuck,
            len(queued),
        )
        while queued:
            job = queued.popleft()
            if not job.taken.locked():
                self._submit(job, self._pool)

    def _finished(self, key: str, job: _Job, work: asyncio.Future[str | None]) -> None:
        if self._running.get(key) is job:
            del self._running[key]
        if work.cancelled() or work.exception() is None:
            return
        if job.claimed is None:
            logger.error("msg %s could not be claimed", job.msg_id, exc_info=work.exception())
            return
        logger.error(
            "msg %s failed; it is retried after %.0f s",
            job.msg_id,
            self.stale_seconds,
            exc_info=work.exception(),
        )

    async def watch_forever(self) -> None:
        """Refresh the claims of the handlers still running, however long they take, and
        move text messages away from text threads that slow handlers hold."""
        tick = min(self.heartbeat_seconds, HOT_STUCK_SECONDS) / 2
        while True:
            await asyncio.sleep(tick)
            self._spill()
            now = time.monotonic()
            due = [
                (key, job)
                for key, job in self._running.items()
                if job.claimed and now - job.beat_at >= self.heartbeat_seconds
            ]
            for _key, job in due:
                job.beat_at = now
            if due:
                await self._db(self._heartbeat, due)

    def _heartbeat(self, due: list[tuple[str, _Job]]) -> None:
        for key, job in due:
            try:
                self.inbox.heartbeat(key, self.owner)
            except Exception:
                logger.exception("heartbeat for msg %s failed", job.msg_id)

    def _claim_and_work(
        self,
        job: _Job,
        parsed: ParsedCallback,
        key: str,
        nonce: str,
        timestamp: str,
        deadline: float,
        claim: str | None,
    ) -> str | None:
        read_ahead: list[Any] = []
        if claim is not None:
            message = parsed.message
            if message.user_id and not message.event:
                # the sender's statement, which the router runs first, goes with the claim
                # (one round trip on PostgreSQL; see Inbox.claim_reading)
                job.claimed, read_ahead = self.inbox.claim_reading(
                    key,
                    self.owner,
                    claim,
                    UNDECIDED,
                    *asker.statement(message.channel.value, message.user_id),
                )
            else:
                job.claimed = self.inbox.claim(key, self.owner, claim, UNDECIDED)
            if not job.claimed:
                return None
        if not read_ahead:
            return self._work(parsed, key, nonce, timestamp, deadline)
        with hotsql.read_ahead(self.runtime.services.engine, read_ahead):
            return self._work(parsed, key, nonce, timestamp, deadline)

    def _work(
        self, parsed: ParsedCallback, key: str, nonce: str, timestamp: str, deadline: float
    ) -> str | None:
        """Run the handler (in a worker thread); returns the passive reply when it settled one.

        The passive reply wins only while the claim's route is undecided (a request is still
        waiting); otherwise the replies go to the outbox, keyed by the message, so that a
        re-run after a crash stores nothing twice.
        """
        message = parsed.message
        hook = self.event_hooks.get(message.event) if message.event else None
        if hook is not None:
            hook(parsed)
            self.inbox.finish(key, self.owner, route=OUTBOX)
            return None
        dispatch = self.runtime.router.dispatch(message, self.runtime.services)
        metrics.record_dispatch(dispatch)
        if nonce and time.monotonic() < deadline - PASSIVE_MARGIN_SECONDS:
            passive = self._passive(parsed, dispatch, nonce, timestamp)
            if passive is not None and self.inbox.settle_passive(key, self.owner, passive):
                return passive
        if not self.inbox.route_to_outbox(key, self.owner):
            logger.warning("msg=%s: claim lost while handling; answer left to its owner", key)
            return None
        enqueue_replies(self.runtime, key, message.user_id, dispatch.replies)
        self.inbox.finish(key, self.owner)
        self.worker.wake()
        return None

    def _passive(
        self, parsed: ParsedCallback, dispatch: Dispatch, nonce: str, timestamp: str
    ) -> str | None:
        """An encrypted passive reply when the answer is one short text back to the sender."""
        replies = dispatch.replies
        if not parsed.passive_allowed or len(replies) != 1 or replies[0].to is not None:
            return None
        content = replies[0].text
        if not content or utf8_len(content) > 2048:
            return None
        assert self.crypto is not None
        plain = render_text_reply(
            parsed.message.user_id, self.runtime.settings.wecom_corp_id, content, int(time.time())
        )
        return self.crypto.encrypt_reply(plain, nonce, timestamp)

    # -- catching up ----------------------------------------------------------------------
    async def sweep(self) -> int:
        """Re-run claims whose owner died (no heartbeat for the stale time); returns how many."""
        started = 0
        for view in await self._db(self.inbox.stale, self.stale_seconds):
            if view.key in self._running:
                continue
            if not await self._db(self.inbox.take_over, view, self.owner, self.stale_seconds):
                continue
            if view.attempts >= MAX_CLAIM_ATTEMPTS:
                logger.error("claim %s failed %d times; given up", view.key, view.attempts)
                await self._db(self.inbox.finish, view.key, self.owner)
                continue
            payload = await self._db(self.inbox.payload, view.key)
            try:
                parsed = parse_callback(payload)
            except MalformedCallback:
                await self._db(self.inbox.finish, view.key, self.owner)
                continue
            logger.warning("msg=%s: re-running a claim left by a dead worker", view.key)
            self._start(parsed, view.key, "", "", 0.0)  # no request waits: the outbox answers
            started += 1
        if time.monotonic() - self._purged_at > PURGE_EVERY_SECONDS:
            self._purged_at = time.monotonic()
            await self._db(self.inbox.purge, CLAIM_RETENTION)
            await self._db(purge_conversations, self.runtime.services.engine)
        return started

    async def sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            try:
                await self.sweep()
            except Exception:
                logger.exception("inbox sweep failed")

    async def close(self, timeout: float = 5.0) -> None:
        running = self.tasks
        if running:
            await asyncio.wait(running, timeout=timeout)
        self._pool.shutdown(wait=False, cancel_futures=True)
        for job in self._hot_pool.shutdown():
            if not job.taken.locked() and not job.work.done():  # nor run by the general pool
                self._settle(job, None, None, cancelled=True)


def enqueue_replies(runtime: Runtime, key: str, user_id: str, replies: list[Reply]) -> None:
    """Put replies into the outbox; the key makes a re-run of the same message a no-op."""
    for index, reply in enumerate(replies):
        target = reply.to or Target.user(user_id)
        if not all(target.ids) or not target.ids:
            logger.warning("reply %d to msg %s has no recipient; not sent", index, key)
            continue
        runtime.services.outbox.enqueue(target, reply.text, key=f"reply:{key}:{index}")


class _CallbackFastPath(FastAPI):
    """FastAPI, except that ``POST /wecom/callback`` is served straight from ASGI.

    That one route carries all of WeCom's traffic and takes nothing FastAPI offers (no
    validation, no dependencies, no JSON); its middleware stack, routing and parameter
    solving cost more than the rest of the request, so the callback skips them. The same
    route is still declared on the app (and answers identically) for docs and tests.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"] == CALLBACK_PATH
            and getattr(self.state, "callback", None) is not None
        ):
            try:
                response = await _fast_callback(self.state.callback, scope, receive)
            except Exception:  # what ServerErrorMiddleware does for the declared route
                logger.exception("callback failed")
                response = PlainTextResponse("Internal Server Error", status_code=500)
            # what Response.__call__ does for an HTTP scope, without its extra frame
            await send(
                {
                    "type": "http.response.start",
                    "status": response.status_code,
                    "headers": response.raw_headers,
                }
            )
            await send({"type": "http.response.body", "body": response.body})
            if response.background is not None:
                await response.background()
            return
        await super().__call__(scope, receive, send)


CALLBACK_PATH = "/wecom/callback"


async def _fast_callback(callback: CallbackService, scope: Scope, receive: Receive) -> Response:
    if callback.crypto is None:
        metrics.record_callback("disabled", time.perf_counter())
        return PlainTextResponse("callback disabled (local mode)", status_code=503)
    limit = callback.runtime.settings.max_body_bytes
    for name, value in scope["headers"]:
        if name == b"content-length" and value.isdigit() and int(value) > limit:
            metrics.record_callback("too_large", time.perf_counter())
            return PlainTextResponse("payload too large", status_code=413)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away
            return PlainTextResponse("")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            metrics.record_callback("too_large", time.perf_counter())
            return PlainTextResponse("payload too large", status_code=413)
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    # The last value of a repeated parameter wins, as with FastAPI's query parameters.
    query = dict(parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True))
    return await callback.handle_post(
        b"".join(chunks),
        query.get("msg_signature", ""),
        query.get("timestamp", ""),
        query.get("nonce", ""),
    )


def create_app(
    settings: Settings, *, runtime_factory: Callable[[Settings], Runtime] | None = None
) -> FastAPI:
    """The web application; ``runtime_factory`` lets tests supply their own container."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = (runtime_factory or build_runtime)(settings)
        runtime.services.guard.on_failure(metrics.record_redis_error)
        metrics.count_db_errors(runtime.services.engine)
        worker = DeliveryWorker(
            runtime.services.outbox, runtime.sender, gate=runtime.extras.get("rate_gate")
        )  # type: ignore[arg-type]
        worker.start()
        callback = CallbackService(runtime, worker)
        stoppers = [importlib.import_module(name).start(runtime, callback) for name in APP_PLUGINS]
        app.state.runtime = runtime
        app.state.callback = callback
        sweeper = asyncio.create_task(callback.sweep_forever())
        heartbeats = asyncio.create_task(callback.watch_forever())
        if not settings.callback_enabled:
            logger.warning(
                "local mode: WeCom callback disabled (set WECOM_CORP_ID, WECOM_TOKEN and "
                "WECOM_AES_KEY to enable it)"
            )
        if not settings.api_enabled:
            logger.warning(
                "WeCom sending disabled (set WECOM_CORP_ID, WECOM_SECRET and WECOM_AGENT_ID to "
                "enable it); outbound messages are written to %s",
                settings.data_dir / "sent.log",
            )
        try:
            yield
        finally:
            sweeper.cancel()
            heartbeats.cancel()
            await callback.close()
            for stop in reversed(stoppers):
                stop()
            worker.stop()
            runtime.close()

    docs = settings.api_docs  # /docs and /openapi.json only when XIEHUI_API_DOCS is set
    app = _CallbackFastPath(
        title="协会助手 xiehui",
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
    )
    console.install(app, settings)

    @app.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse("/console")

    @app.get("/wecom/callback")
    async def verify_url(
        msg_signature: str = "", timestamp: str = "", nonce: str = "", echostr: str = ""
    ) -> Response:
        callback: CallbackService = app.state.callback
        if callback.crypto is None:
            return PlainTextResponse("callback disabled (local mode)", status_code=503)
        try:
            plain = callback.crypto.verify_url(msg_signature, timestamp, nonce, echostr)
            check_fresh(timestamp, settings.signature_max_age_seconds, time.time())
        except CallbackError as exc:
            logger.warning("URL verification rejected: %s", exc)
            return PlainTextResponse("forbidden", status_code=403)
        return PlainTextResponse(plain)

    @app.post("/wecom/callback")
    async def receive(
        request: Request, msg_signature: str = "", timestamp: str = "", nonce: str = ""
    ) -> Response:
        callback: CallbackService = app.state.callback
        if callback.crypto is None:
            metrics.record_callback("disabled", time.perf_counter())
            return PlainTextResponse("callback disabled (local mode)", status_code=503)
        limit = settings.max_body_bytes
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            metrics.record_callback("too_large", time.perf_counter())
            return PlainTextResponse("payload too large", status_code=413)
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                metrics.record_callback("too_large", time.perf_counter())
                return PlainTextResponse("payload too large", status_code=413)
        return await callback.handle_post(body, msg_signature, timestamp, nonce)

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        """Database (required), Redis (optional: fallbacks cover it) and the knowledge base."""
        runtime: Runtime = app.state.runtime
        status: dict[str, Any] = {}

        def database() -> None:
            with runtime.services.engine.connect() as connection:
                connection.execute(text("SELECT 1"))

        try:
            await asyncio.wait_for(asyncio.to_thread(database), timeout=2.0)
            status["database"] = "ok"
        except Exception as exc:
            status["database"] = f"error: {type(exc).__name__}"
        guard = runtime.services.guard
        try:
            answered = await asyncio.wait_for(asyncio.to_thread(guard.ping), timeout=1.0)
        except TimeoutError:
            answered = False
        status["redis"] = (
            "ok" if answered else f"down {guard.down_for():.0f}s (running on fallbacks)"
        )
        store = runtime.services.knowledge
        errors = store.load_errors if store is not None else []
        status["knowledge"] = "ok" if not errors else "error: " + "; ".join(errors)
        status["mode"] = "local" if settings.local_mode else "wecom"
        healthy = status["database"] == "ok"
        return JSONResponse(status, status_code=200 if healthy else 503)

    return app


def app_from_environment() -> FastAPI:
    """The app of one worker of ``xiehui serve --workers N``: settings from the environment,
    logging as ``serve`` configures it (uvicorn's supervisor starts each worker afresh)."""
    from bot.cli.main import VERBOSE_ENV, configure_logging
    from bot.settings import load_settings

    configure_logging("serve", bool(os.environ.get(VERBOSE_ENV)))
    return create_app(load_settings())
