"""The WeCom callback served by uvicorn's HTTP protocol itself, off the ASGI stack.

``POST /wecom/callback`` carries all of WeCom's traffic. Through ASGI every callback costs
uvicorn a scope, a request-response cycle with its event, a task running the app, two
``receive``/``send`` round trips with their header checks, and the app's own dispatch; a
profile under load put that at about a third of the event loop's time, which is itself most
of the process's. :class:`CallbackProtocol` is uvicorn's httptools protocol with one change:
a POST to exactly the callback path (and no other request) is answered by
:meth:`bot.web.app.CallbackService.handle_post` directly, and its response is written to the
socket in one ``write``. Everything about the connection stays uvicorn's: parsing,
keep-alive and its timeout, pipelining (a pipelined request waits for the one before it),
flow control, ``Expect: 100-continue``, graceful shutdown, the concurrency limit and the
default ``date``/``server`` headers. Every other request, and a callback before the
application has started, goes to the FastAPI app unchanged.

The answers are the same as the ASGI route's (``_CallbackFastPath`` in ``bot.web.app``,
which still serves the callback under any other ASGI server and in the tests' client), and
the same metrics are recorded.

This subclasses uvicorn's ``HttpToolsProtocol`` and uses its request-cycle contract (the
attributes the protocol reads and writes on ``self.cycle``); pyproject.toml bounds the uvicorn
version it was written against, and a test drives it over real sockets.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qsl

from fastapi.responses import PlainTextResponse, Response
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from bot.web import metrics

if TYPE_CHECKING:
    from bot.web.app import CallbackService

logger = logging.getLogger(__name__)

CALLBACK_PATH = b"/wecom/callback"
_CLOSE = b"connection: close\r\n"
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
_INTERNAL_ERROR = (
    b"HTTP/1.1 500 Internal Server Error\r\n"
    b"content-type: text/plain; charset=utf-8\r\n"
    b"content-length: 21\r\n"
    b"connection: close\r\n\r\n"
    b"Internal Server Error"
)


class _Wakeup:
    """What the protocol calls ``message_event``: ``set()`` when body arrives, the
    connection is lost or (for a pipelined request) reading may resume. Cheaper than an
    ``asyncio.Event``: one future, made only when the cycle actually has to wait."""

    __slots__ = ("waiter",)

    def __init__(self) -> None:
        self.waiter: asyncio.Future[None] | None = None

    def set(self) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def wait(self, loop: asyncio.AbstractEventLoop) -> None:
        self.waiter = loop.create_future()
        try:
            await self.waiter
        finally:
            self.waiter = None


class _CallbackCycle:
    """One callback request on a connection, in place of uvicorn's RequestResponseCycle."""

    __slots__ = (
        "protocol",
        "query",
        "declared_length",
        "keep_alive",
        "waiting_for_100_continue",
        "body",
        "more_body",
        "disconnected",
        "response_complete",
        "message_event",
        "on_response",
    )

    def __init__(
        self,
        protocol: CallbackProtocol,
        query: bytes,
        declared_length: int | None,
        keep_alive: bool,
        expect_100_continue: bool,
    ) -> None:
        self.protocol = protocol
        self.query = query
        #: Read when the headers arrive: a pipelined cycle runs after later requests' headers.
        self.declared_length = declared_length
        self.keep_alive = keep_alive
        self.waiting_for_100_continue = expect_100_continue
        self.body = bytearray()
        self.more_body = True
        self.disconnected = False
        self.response_complete = False
        self.message_event = _Wakeup()
        self.on_response: Callable[[], None] = protocol.on_response_complete

    async def run_asgi(self, _app: Any) -> None:
        """Answer the callback (the name is what the protocol starts a cycle with)."""
        protocol = self.protocol
        try:
            response = await self._respond(protocol)
            if response is not None and not self.disconnected:
                self._write(protocol, response)
        except BaseException as exc:  # what uvicorn does for an app that raised
            logger.error("callback failed", exc_info=exc)
            if not self.disconnected and not self.response_complete:
                self.response_complete = True
                protocol.transport.write(_INTERNAL_ERROR)
                protocol.transport.close()
            if not isinstance(exc, Exception):
                raise
        finally:
            self.on_response = _nothing
            self.protocol = None  # type: ignore[assignment]

    async def _respond(self, protocol: CallbackProtocol) -> Response | None:
        callback = protocol.callback_service()
        if callback is None or callback.crypto is None:
            metrics.record_callback("disabled", time.perf_counter())
            return PlainTextResponse("callback disabled (local mode)", status_code=503)
        limit = callback.runtime.settings.max_body_bytes
        declared = self.declared_length
        if declared is not None and declared > limit:
            metrics.record_callback("too_large", time.perf_counter())
            return PlainTextResponse("payload too large", status_code=413)
        if self.waiting_for_100_continue and not protocol.transport.is_closing():
            protocol.transport.write(_CONTINUE)
            self.waiting_for_100_continue = False
        while self.more_body and not self.disconnected:
            if len(self.body) > limit:
                break
            protocol.flow.resume_reading()
            await self.message_event.wait(protocol.loop)
        if self.disconnected:
            return None  # the client went away: nobody to answer
        if len(self.body) > limit:
            metrics.record_callback("too_large", time.perf_counter())
            return PlainTextResponse("payload too large", status_code=413)
        query = _query(self.query)
        return await callback.handle_post(
            bytes(self.body),
            query.get("msg_signature", ""),
            query.get("timestamp", ""),
            query.get("nonce", ""),
        )

    def _write(self, protocol: CallbackProtocol, response: Response) -> None:
        """Status line, uvicorn's default headers, the response's own, the body: one write."""
        parts = [STATUS_LINE[response.status_code]]
        for name, value in protocol.server_state.default_headers:
            parts += (name, b": ", value, b"\r\n")
        for name, value in response.raw_headers:
            parts += (name, b": ", value, b"\r\n")
        if not self.keep_alive:
            parts.append(_CLOSE)
        parts += (b"\r\n", cast(bytes, response.body))
        self.response_complete = True
        transport = protocol.transport
        transport.write(b"".join(parts))
        if not self.keep_alive:
            transport.close()
        self.on_response()


def _nothing() -> None:
    return None


def _content_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    """The declared Content-Length (uvicorn lowercases header names), when it is a number."""
    for name, value in headers:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


def _query(raw: bytes) -> dict[str, str]:
    """The query parameters, as ``dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=
    True))`` gives them (the last value of a repeated name wins, as with FastAPI's query
    parameters). WeCom's three are digits and hex: without ``%`` or ``+`` nothing needs
    unquoting, and a plain split gives the same pairs for less."""
    text = raw.decode("latin-1")
    if "%" in text or "+" in text:
        return dict(parse_qsl(text, keep_blank_values=True))
    pairs: dict[str, str] = {}
    for part in text.split("&"):
        if part:
            name, _, value = part.partition("=")
            pairs[name] = value
    return pairs


class CallbackProtocol(HttpToolsProtocol):  # type: ignore[misc]
    """uvicorn's httptools protocol, answering ``POST /wecom/callback`` itself.

    Made per application by :func:`callback_protocol` (uvicorn takes a class and builds one
    per connection).
    """

    #: The FastAPI app whose ``state.callback`` answers (set on the subclass).
    fastapi_app: Any = None

    def callback_service(self) -> CallbackService | None:
        return cast("CallbackService | None", getattr(self.fastapi_app.state, "callback", None))

    def on_message_begin(self) -> None:
        # uvicorn builds the ASGI scope here; only a request handed to the app needs one,
        # so it is built in on_headers_complete (what uvicorn's on_message_begin does).
        self.url = b""
        self.expect_100_continue = False
        self.headers = []
        self.scope = None  # type: ignore[assignment]

    def _build_scope(self) -> None:
        self.scope = {  # type: ignore[typeddict-item]
            "type": "http",
            "asgi": {"version": self.asgi_version, "spec_version": "2.3"},
            "http_version": "1.1",
            "server": self.server,
            "client": self.client,
            "scheme": self.scheme,  # type: ignore[typeddict-item]
            "root_path": self.root_path,
            "headers": self.headers,
            "state": self.app_state.copy(),
        }

    def on_headers_complete(self) -> None:
        url: bytes = self.url
        path, _, query = url.partition(b"?")
        parser = self.parser
        if (
            path != CALLBACK_PATH
            or b"#" in query
            or parser.get_method() != b"POST"
            or parser.should_upgrade()
            or self.callback_service() is None
            or (
                self.limit_concurrency is not None
                and (
                    len(self.connections) >= self.limit_concurrency
                    or len(self.tasks) >= self.limit_concurrency
                )
            )
        ):
            self._build_scope()
            super().on_headers_complete()
            return
        http_version = parser.get_http_version()
        existing = self.cycle
        self.cycle = _CallbackCycle(  # type: ignore[assignment]
            self,
            query,
            _content_length(self.headers),
            http_version != "1.0" and parser.should_keep_alive(),
            self.expect_100_continue,
        )
        if existing is None or existing.response_complete:
            self._start_asgi_task(self.cycle, self.app)
        else:  # pipelined behind a request still being answered: uvicorn's queue
            self.flow.pause_reading()
            self.pipeline.appendleft((self.cycle, self.app))


def callback_protocol(app: Any) -> type[CallbackProtocol]:
    """The protocol class for ``uvicorn.Config(http=...)`` serving ``app``'s callback."""
    return type("CallbackProtocol", (CallbackProtocol,), {"fastapi_app": app})
