"""The FastAPI application: the WeCom callback, health check and the delivery worker."""

from __future__ import annotations

import asyncio
import importlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy import text

from bot.container import Runtime, build_runtime
from bot.settings import Settings
from bot.web import console
from bot.web.delivery import DeliveryWorker
from bot.wecom.crypto import (
    CallbackError,
    MalformedCallback,
    ParsedCallback,
    WeComCrypto,
    parse_callback,
    render_text_reply,
)
from handlers.core.messages import Reply, Target, utf8_len
from handlers.core.router import Dispatch

logger = logging.getLogger(__name__)

DEDUPE_SECONDS = 3600
DONE = "done"
#: A claim this old belongs to a worker that died mid-message (handling takes well under 5 s).
STALE_CLAIM_SECONDS = 10.0
# Atomically replace a stale "processing:<t>" claim; returns 1 when taken over.
_TAKE_OVER = """
local value = redis.call('GET', KEYS[1])
if not value then return 0 end
local started = string.match(value, '^processing:(.+)$')
if started and tonumber(started) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
  return 1
end
return 0
"""
EventHook = Callable[[ParsedCallback], None]

#: Modules started with the web service; each has
#: ``start(runtime: Runtime, callback: CallbackService) -> Callable[[], None]`` returning a stopper.
APP_PLUGINS: tuple[str, ...] = (
    "bot.web.scheduler_plugin",
    "bot.wecom.kf",
    "bot.web.kb_plugin",
    "bot.web.gc_plugin",  # last: after everything loaded at start-up
)


class CallbackService:
    """Verify, decrypt, dedupe and answer WeCom callbacks without blocking on slow work."""

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
        self.tasks: set[asyncio.Task[Any]] = set()
        #: Event name -> hook run instead of the router (e.g. kf_msg_or_event for 微信客服).
        self.event_hooks: dict[str, EventHook] = {}

    @property
    def redis(self) -> Any:
        return self.runtime.services.redis

    def _track(self, task: asyncio.Task[Any]) -> None:
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def handle_post(
        self, body: bytes, msg_signature: str, timestamp: str, nonce: str
    ) -> Response:
        assert self.crypto is not None
        try:
            plaintext = self.crypto.decrypt_envelope(body, msg_signature, timestamp, nonce)
        except CallbackError as exc:
            logger.warning("callback rejected: %s", exc)
            return PlainTextResponse("forbidden", status_code=403)
        except MalformedCallback as exc:
            logger.warning("malformed callback body ignored: %s", exc)
            return PlainTextResponse("")
        try:
            parsed = parse_callback(plaintext)
        except MalformedCallback as exc:
            logger.warning("undecodable callback payload ignored: %s", exc)
            return PlainTextResponse("")
        key = f"xiehui:cb:{parsed.dedupe_key}"
        if not self._claim(key):
            cached = self.redis.get(f"{key}:reply")
            logger.info("msg=%s retry deduplicated", parsed.message.msg_id)
            return PlainTextResponse(cached.decode() if cached else "", media_type="text/xml")
        hook = self.event_hooks.get(parsed.message.event) if parsed.message.event else None
        if hook is not None:
            self._track(asyncio.create_task(asyncio.to_thread(hook, parsed)))
            return PlainTextResponse("")
        task = asyncio.create_task(
            asyncio.to_thread(self.runtime.router.dispatch, parsed.message, self.runtime.services)
        )
        self._track(task)
        done, _ = await asyncio.wait({task}, timeout=self.runtime.settings.passive_reply_seconds)
        if task in done and not task.cancelled() and task.exception() is None:
            passive = self._passive(parsed, task.result(), nonce, timestamp)
            if passive is not None:
                self.redis.set(f"{key}:reply", passive, ex=DEDUPE_SECONDS)
                self.redis.set(key, DONE, ex=DEDUPE_SECONDS)
                return PlainTextResponse(passive, media_type="text/xml")
            self._enqueue(parsed, task.result())
        else:
            task.add_done_callback(lambda t: self._enqueue_done(parsed, t))
        return PlainTextResponse("")

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

    def _enqueue_done(self, parsed: ParsedCallback, task: asyncio.Task[Dispatch]) -> None:
        if task.cancelled() or task.exception() is not None:
            logger.error("dispatch task for msg %s failed", parsed.message.msg_id)
            return
        self._enqueue(parsed, task.result())

    def _enqueue(self, parsed: ParsedCallback, dispatch: Dispatch) -> None:
        enqueue_replies(self.runtime, parsed.dedupe_key, parsed.message.user_id, dispatch.replies)
        self.redis.set(f"xiehui:cb:{parsed.dedupe_key}", DONE, ex=DEDUPE_SECONDS)
        self.worker.wake()

    def _claim(self, key: str) -> bool:
        """Claim a message for processing: new, or left half-done by a worker that died.

        The first delivery stores "processing:<time>"; when the answer is out (passive reply
        cached, or replies in the outbox) it becomes "done". A retry that finds a claim older
        than STALE_CLAIM_SECONDS takes it over, so a crash mid-handling loses nothing; the
        outbox keys make a second run's replies collapse into the first run's.
        """
        now = time.time()
        if self.redis.set(key, f"processing:{now}", nx=True, ex=DEDUPE_SECONDS):
            return True
        return bool(
            self.redis.eval(
                _TAKE_OVER, 1, key, str(now - STALE_CLAIM_SECONDS), f"processing:{now}"
            )
        )


def enqueue_replies(runtime: Runtime, key: str, user_id: str, replies: list[Reply]) -> None:
    """Put replies into the outbox; the key makes a re-run of the same message a no-op."""
    for index, reply in enumerate(replies):
        target = reply.to or Target.user(user_id)
        runtime.services.outbox.enqueue(target, reply.text, key=f"reply:{key}:{index}")


def create_app(
    settings: Settings, *, runtime_factory: Callable[[Settings], Runtime] | None = None
) -> FastAPI:
    """The web application; ``runtime_factory`` lets tests supply their own container."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = (runtime_factory or build_runtime)(settings)
        worker = DeliveryWorker(
            runtime.services.outbox, runtime.sender, gate=runtime.extras.get("rate_gate")
        )  # type: ignore[arg-type]
        worker.start()
        callback = CallbackService(runtime, worker)
        stoppers = [importlib.import_module(name).start(runtime, callback) for name in APP_PLUGINS]
        app.state.runtime = runtime
        app.state.callback = callback
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
            if callback.tasks:
                await asyncio.wait(callback.tasks, timeout=5)
            for stop in reversed(stoppers):
                stop()
            worker.stop()
            runtime.close()

    app = FastAPI(title="协会助手 xiehui", lifespan=lifespan)
    console.install(app, settings)

    @app.get("/wecom/callback")
    async def verify_url(
        msg_signature: str = "", timestamp: str = "", nonce: str = "", echostr: str = ""
    ) -> Response:
        callback: CallbackService = app.state.callback
        if callback.crypto is None:
            return PlainTextResponse("callback disabled (local mode)", status_code=503)
        try:
            plain = callback.crypto.verify_url(msg_signature, timestamp, nonce, echostr)
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
            return PlainTextResponse("callback disabled (local mode)", status_code=503)
        limit = settings.max_body_bytes
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            return PlainTextResponse("payload too large", status_code=413)
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                return PlainTextResponse("payload too large", status_code=413)
        return await callback.handle_post(body, msg_signature, timestamp, nonce)

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        runtime: Runtime = app.state.runtime
        status: dict[str, str] = {}
        try:
            with runtime.services.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            status["database"] = "ok"
        except Exception as exc:
            status["database"] = f"error: {type(exc).__name__}"
        try:
            runtime.services.redis.ping()
            status["redis"] = "ok"
        except Exception as exc:
            status["redis"] = f"error: {type(exc).__name__}"
        status["mode"] = "local" if settings.local_mode else "wecom"
        healthy = status["database"] == "ok" and status["redis"] == "ok"
        return JSONResponse(status, status_code=200 if healthy else 503)

    return app
