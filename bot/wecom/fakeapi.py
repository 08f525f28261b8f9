"""A fake WeCom API server on loopback, for tests and benchmarks (never used in production).

It implements the endpoints the bot calls (gettoken, message/send, appchat/*, webhook/send,
media/get, kf/*, and the web sign-in pair: the OAuth authorize page and auth/getuserinfo)
faithfully enough to test token expiry, error codes and rate limits, and records every request.
Failures are injected per path with :meth:`FakeWeCom.fail_next`.

Web sign-in: ``oauth_user`` is the member signed in to the (imaginary) WeCom client. Opening
``/connect/oauth2/authorize?...`` redirects at once to ``redirect_uri?code=…&state=…`` as WeCom
does inside its client (scope snsapi_base); ``/cgi-bin/auth/getuserinfo`` exchanges the code
once, within five minutes, for ``userid`` (or ``openid`` when ``oauth_user`` is None: someone
outside the corp).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

#: WeCom OAuth codes are single use and expire after five minutes.
OAUTH_CODE_SECONDS = 300.0

Handler = Callable[["FakeWeCom", dict[str, str], dict[str, Any]], dict[str, Any]]


@dataclass
class Recorded:
    path: str
    query: dict[str, str]
    body: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    delivered: bool = True  # False when WeCom's duplicate check swallowed the message


class FakeWeCom:
    """Start with ``with FakeWeCom() as fake: fake.base_url``."""

    def __init__(self, corp_id: str = "wwcorp", secret: str = "s3cret", expires_in: int = 7200):
        self.corp_id = corp_id
        self.secret = secret
        self.expires_in = expires_in
        self.lock = threading.Lock()
        self.requests: list[Recorded] = []
        self.valid_tokens: set[str] = set()
        self.token_counter = 0
        self.failures: dict[str, deque[dict[str, Any]]] = defaultdict(deque)
        self.handlers: dict[str, Handler] = {}
        self.revoked_robot_keys: set[str] = set()
        self.invalid_users: set[str] = set()
        self.media: dict[str, tuple[bytes, str]] = {}
        self.robot_limit_per_minute: int | None = None  # enforce 45009 like WeCom when set
        self._robot_times: dict[str, deque[float]] = defaultdict(deque)
        self.latency = 0.0
        self.agent_id: int | None = None  # when set, authorize checks agentid
        self.oauth_user: str | None = None  # the member signed in to the WeCom client
        self._oauth_codes: dict[str, tuple[str | None, float]] = {}
        self._recent: dict[tuple[str, str, str, str], float] = {}  # enable_duplicate_check
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeWeCom:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- test controls ---------------------------------------------------------------------
    def fail_next(self, path: str, errcode: int, errmsg: str = "injected", times: int = 1) -> None:
        for _ in range(times):
            self.failures[path].append({"errcode": errcode, "errmsg": errmsg})

    def expire_tokens(self) -> None:
        """WeCom may invalidate a token before its expires_in."""
        with self.lock:
            self.valid_tokens.clear()

    def calls(self, path: str) -> list[Recorded]:
        with self.lock:
            return [r for r in self.requests if r.path == path]

    def deliveries(self, path: str) -> list[Recorded]:
        """Calls that reached people (excluding ones the duplicate check swallowed)."""
        return [r for r in self.calls(path) if r.delivered]

    def texts(self, path: str) -> list[str]:
        return [r.body.get("text", {}).get("content", "") for r in self.calls(path)]

    def issue_oauth_code(self, user_id: str | None) -> str:
        """A code as WeCom's authorize step hands out (``None``: a non-member)."""
        code = secrets.token_hex(16)
        with self.lock:
            self._oauth_codes[code] = (user_id, time.monotonic())
        return code

    def authorize(self, query: dict[str, str]) -> tuple[int, str]:
        """The authorize page: (status, Location or error text)."""
        with self.lock:
            self.requests.append(Recorded("/connect/oauth2/authorize", query, {}))
        if query.get("appid") != self.corp_id:
            return 400, "appid mismatch"
        if query.get("scope") != "snsapi_base" or query.get("response_type") != "code":
            return 400, "bad scope"
        if self.agent_id is not None and query.get("agentid") != str(self.agent_id):
            return 400, "agentid mismatch"
        state = query.get("state", "")
        if len(state) > 128 or not state.isalnum():
            return 400, "bad state"
        redirect = query.get("redirect_uri", "")
        if not redirect.startswith(("http://", "https://")):
            return 400, "bad redirect_uri"
        code = self.issue_oauth_code(self.oauth_user)
        glue = "&" if "?" in redirect else "?"
        return 302, f"{redirect}{glue}{urlencode({'code': code, 'state': state})}"

    def _getuserinfo(self, query: dict[str, str]) -> dict[str, Any]:
        with self.lock:
            found = self._oauth_codes.pop(query.get("code", ""), None)
        if found is None or time.monotonic() - found[1] > OAUTH_CODE_SECONDS:
            return {"errcode": 40029, "errmsg": "invalid code"}
        user_id = found[0]
        if user_id is None:
            return {"errcode": 0, "errmsg": "ok", "openid": "oOutsider" + secrets.token_hex(4)}
        return {"errcode": 0, "errmsg": "ok", "userid": user_id}

    # -- endpoint logic --------------------------------------------------------------------
    def _dispatch(self, path: str, query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        record = Recorded(path, query, body)
        with self.lock:
            self.requests.append(record)
            injected = self.failures[path].popleft() if self.failures[path] else None
        if self.latency:
            time.sleep(self.latency)
        if path == "/cgi-bin/gettoken":
            if query.get("corpid") != self.corp_id or query.get("corpsecret") != self.secret:
                return {"errcode": 40001, "errmsg": "invalid credential"}
            if injected:
                return injected
            with self.lock:
                self.token_counter += 1
                token = f"token-{self.token_counter}"
                self.valid_tokens.add(token)
            return {
                "errcode": 0,
                "errmsg": "ok",
                "access_token": token,
                "expires_in": self.expires_in,
            }
        if path == "/cgi-bin/webhook/send":
            key = query.get("key", "")
            if key in self.revoked_robot_keys:
                return {"errcode": 93000, "errmsg": "invalid webhook url"}
            if injected:
                return injected
            if self.robot_limit_per_minute is not None:
                now = time.monotonic()
                with self.lock:
                    window = self._robot_times[key]
                    while window and now - window[0] > 60:
                        window.popleft()
                    if len(window) >= self.robot_limit_per_minute:
                        return {"errcode": 45009, "errmsg": "api freq out of limit"}
                    window.append(now)
            return {"errcode": 0, "errmsg": "ok"}
        token = query.get("access_token", "")
        if token not in self.valid_tokens:
            return {"errcode": 40014, "errmsg": "invalid access_token"}
        if injected:
            return injected
        custom = self.handlers.get(path)
        if custom is not None:
            return custom(self, query, body)
        if path in ("/cgi-bin/auth/getuserinfo", "/cgi-bin/user/getuserinfo"):
            return self._getuserinfo(query)
        if path == "/cgi-bin/message/send":
            users = [u for u in str(body.get("touser", "")).split("|") if u]
            invalid = [u for u in users if u in self.invalid_users]
            if (
                users
                and len(invalid) == len(users)
                and not body.get("toparty")
                and not body.get("totag")
            ):
                return {
                    "errcode": 81013,
                    "errmsg": "user & party & tag all invalid",
                    "invaliduser": "|".join(invalid),
                }
            if body.get("enable_duplicate_check"):
                # WeCom: same content to the same recipients within the interval is not sent.
                content = json.dumps(body.get("text", {}), sort_keys=True, ensure_ascii=False)
                dup_key = (
                    str(body.get("touser", "")),
                    str(body.get("toparty", "")),
                    str(body.get("totag", "")),
                    content,
                )
                interval = float(body.get("duplicate_check_interval", 1800))
                now = time.monotonic()
                with self.lock:
                    seen = self._recent.get(dup_key)
                    if seen is not None and now - seen < interval:
                        record.delivered = False
                    else:
                        self._recent[dup_key] = now
            return {
                "errcode": 0,
                "errmsg": "ok",
                "invaliduser": "|".join(invalid),
                "msgid": f"m{len(self.requests)}",
            }
        if path == "/cgi-bin/appchat/create":
            return {"errcode": 0, "errmsg": "ok", "chatid": body.get("chatid") or "chat1"}
        if path in (
            "/cgi-bin/appchat/send",
            "/cgi-bin/kf/send_msg",
            "/cgi-bin/kf/send_msg_on_event",
            "/cgi-bin/kf/service_state/trans",
        ):
            return {"errcode": 0, "errmsg": "ok", "msgid": f"m{len(self.requests)}"}
        return {"errcode": 404, "errmsg": f"fake has no {path}"}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class _Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
                pass

            def _query(self) -> tuple[str, dict[str, str]]:
                parsed = urlparse(self.path)
                return parsed.path, {k: v[0] for k, v in parse_qs(parsed.query).items()}

            def _reply(self, data: dict[str, Any]) -> None:
                raw = json.dumps(data, ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self) -> None:
                path, query = self._query()
                if path == "/connect/oauth2/authorize":
                    status, where = fake.authorize(query)
                    self.send_response(status)
                    if status == 302:
                        self.send_header("Location", where)
                    raw = where.encode()
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                    return
                if path == "/cgi-bin/media/get" and query.get("access_token") in fake.valid_tokens:
                    media = fake.media.get(query.get("media_id", ""))
                    if media is not None:
                        content, kind = media
                        self.send_response(200)
                        self.send_header("Content-Type", kind)
                        self.send_header("Content-Length", str(len(content)))
                        self.end_headers()
                        self.wfile.write(content)
                        return
                    self._reply({"errcode": 40007, "errmsg": "invalid media_id"})
                    return
                self._reply(fake._dispatch(path, query, {}))

            def do_POST(self) -> None:
                path, query = self._query()
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    self._reply({"errcode": 47001, "errmsg": "data format error"})
                    return
                self._reply(fake._dispatch(path, query, body))

        return _Handler
