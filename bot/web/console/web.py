"""What every console page shares: templates, the signed-in viewer, CSRF, flash messages and
the route class that times pages and turns expected problems into Chinese pages."""

from __future__ import annotations

import hmac
import logging
import re
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from bot.container import Runtime
from bot.settings import Settings
from handlers.activity.stats import MonthError, parse_month
from handlers.core.errors import DomainError
from handlers.core.members import Member, RegionPath
from handlers.core.messages import SHANGHAI
from handlers.core.permissions import Actor
from handlers.core.services import Services
from handlers.signin import ConsoleSession, find_session

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"

SESSION_COOKIE = "xiehui_console"
FLASH_COOKIE = "xiehui_flash"
COOKIE_PATH = "/console"
ACTION = "使用工作台"

NAV: tuple[tuple[str, str], ...] = (
    ("/console/", "概览"),
    ("/console/activities", "活动"),
    ("/console/tickets", "待答问题"),
    ("/console/notices", "通知"),
    ("/console/reminders", "提醒"),
    ("/console/roster", "名册"),
)

#: Headers on every console page: no caching of personal data, no framing, nothing but our
#: own files (the pages use no inline script or style at all).
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


def _when(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    return value.astimezone(SHANGHAI).strftime(fmt)


def _region(value: RegionPath | str) -> str:
    if isinstance(value, RegionPath):
        return "全部地区" if value.is_empty else value.display()
    return value or "未登记地区"


def _relative(text: str, scope: RegionPath) -> str:
    """A '/'-joined region without the levels the viewer's scope already says."""
    parts = [p for p in text.split("/") if p]
    known = [p for p in scope.parts() if p]
    while known and parts and parts[0] == known[0]:
        parts, known = parts[1:], known[1:]
    return "/".join(parts) or (text if not known else "")


templates = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(["html"], default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.filters["when"] = _when
templates.filters["region"] = _region
templates.filters["relative"] = _relative


class ConsoleProblem(Exception):
    """An expected problem shown as a Chinese page with ``status``."""

    status = 400
    title = "无法完成"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotSignedIn(ConsoleProblem):
    status = 401
    title = "请先登录工作台"


class Forbidden(ConsoleProblem):
    status = 403
    title = "不能这样操作"


class NotFound(ConsoleProblem):
    status = 404
    title = "找不到"


@dataclass(frozen=True)
class Viewer:
    """The signed-in person, with the region every page is limited to."""

    member: Member
    actor: Actor
    scope: RegionPath
    session: ConsoleSession

    @property
    def csrf(self) -> str:
        return self.session.csrf

    @property
    def role_label(self) -> str:
        return self.actor.role.label

    @property
    def scope_label(self) -> str:
        return _region(self.scope)


def runtime(request: Request) -> Runtime:
    value: Runtime = request.app.state.runtime
    return value


def services(request: Request) -> Services:
    return runtime(request).services


def settings(request: Request) -> Settings:
    value: Settings = request.app.state.console_settings
    return value


def wake_delivery(request: Request) -> None:
    """Ask the outbox worker to send now rather than at its next round."""
    worker = getattr(getattr(request.app.state, "callback", None), "worker", None)
    if worker is not None and hasattr(worker, "wake"):
        worker.wake()


def current_viewer(request: Request) -> Viewer:
    """The FastAPI dependency every page uses: the signed-in staff member, checked again
    against the roster (a role or region changed since sign-in applies at once)."""
    token = request.cookies.get(SESSION_COOKIE, "")
    svc = services(request)
    session = find_session(svc, token) if token else None
    if session is None:
        raise NotSignedIn("")
    member = svc.members.get(session.user_id)
    if member is None:
        raise NotSignedIn("名册里已经没有您的账号，请联系管理员。")
    actor = Actor.of(member)
    try:
        scope = actor.scope(ACTION)
    except DomainError as exc:
        raise Forbidden(exc.message) from None
    return Viewer(member, actor, scope, session)


def check_form(request: Request, viewer: Viewer, token: str) -> None:
    """CSRF: the form's token must be the session's, and a browser's Origin must be ours."""
    if not token or not hmac.compare_digest(token.encode(), viewer.csrf.encode()):
        raise Forbidden("页面已过期或来源不明，请刷新页面后再提交一次。")
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
        raise Forbidden("这个请求不是从工作台页面发出的，已拒绝。")


def number(text: str) -> int:
    """A record number from a URL or form (digits only, at most 9 of them)."""
    if not re.fullmatch(r"\d{1,9}", text or ""):
        raise NotFound("编号不对，请从列表里点进去。")
    return int(text)


def month_param(text: str | None, now: datetime) -> tuple[tuple[int, int], str]:
    """(year, month) from ``?month=2026-05`` (read like the chat command reads months) and a
    Chinese note when it could not be read."""
    local = now.astimezone(SHANGHAI)
    if not text:
        return (local.year, local.month), ""
    try:
        return parse_month(text[:40], now), ""
    except MonthError as exc:
        return (local.year, local.month), f"“{text[:20]}”：{exc.message}；下面显示的是本月。"


def month_options(now: datetime, count: int = 24) -> list[str]:
    local = now.astimezone(SHANGHAI)
    year, month = local.year, local.month
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out


def page_url(path: str, **params: object) -> str:
    """``path`` with the non-empty ``params`` as its query."""
    query = urlencode([(k, str(v)) for k, v in params.items() if v not in (None, "")])
    return f"{path}?{query}" if query else path


def render(
    request: Request,
    template: str,
    *,
    viewer: Viewer | None,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    raw = request.cookies.get(FLASH_COOKIE, "")
    kind, _, text = unquote(raw).partition(":") if raw else ("", "", "")
    html = templates.get_template(template).render(
        viewer=viewer,
        nav=NAV,
        path=request.url.path,
        flash=text[:300],
        flash_kind="error" if kind == "error" else "ok",
        **context,
    )
    response = HTMLResponse(html, status_code=status)
    if raw:
        response.delete_cookie(FLASH_COOKIE, path=COOKIE_PATH)
    return response


def redirect(url: str, *, done: str = "", error: str = "") -> RedirectResponse:
    """303 to ``url`` with a one-time message shown at the top of the next page."""
    response = RedirectResponse(url, status_code=303)
    text = f"error:{error}" if error else f"ok:{done}" if done else ""
    if text:
        response.set_cookie(
            FLASH_COOKIE,
            quote(text[:300]),
            max_age=60,
            path=COOKIE_PATH,
            httponly=True,
            samesite="lax",
        )
    return response


def safe_back(request: Request, fallback: str) -> str:
    """Where to go back to after a refused form: the page it came from, if it is ours."""
    referer = request.headers.get("referer", "")
    parts = urlsplit(referer)
    if parts.netloc == request.headers.get("host") and parts.path.startswith("/console"):
        query = urlencode(parse_qsl(parts.query))
        return f"{parts.path}?{query}" if query else parts.path
    return fallback


def svg(markup: str) -> Markup:
    """SVG built by :mod:`bot.web.console.charts` (which escapes every text it draws)."""
    return Markup(markup)


Endpoint = Callable[[Request], Coroutine[Any, Any, Response]]


class ConsoleRoute(APIRoute):
    """Times every page (``Server-Timing: app;dur=…``), adds the security headers and turns
    expected problems into Chinese pages: not signed in (with the way to get a link, or
    straight to WeCom's sign-in inside WeCom), refused, not found, a polite domain error."""

    def get_route_handler(self) -> Endpoint:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            started = time.perf_counter()
            try:
                response = await original(request)
            except NotSignedIn as problem:
                response = _signed_out(request, problem)
            except ConsoleProblem as problem:
                response = render(
                    request,
                    "problem.html",
                    viewer=None,
                    status=problem.status,
                    title=problem.title,
                    message=problem.message,
                )
            except DomainError as exc:
                if request.method == "POST":
                    response = redirect(safe_back(request, "/console/"), error=exc.message)
                else:
                    response = render(
                        request,
                        "problem.html",
                        viewer=None,
                        status=400,
                        title="无法完成",
                        message=exc.message,
                    )
            millis = (time.perf_counter() - started) * 1000
            response.headers["Server-Timing"] = f"app;dur={millis:.1f}"
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
            return response

        return handler


def in_wecom(request: Request) -> bool:
    """Opened inside the WeCom client (its user agent says wxwork)."""
    return "wxwork" in request.headers.get("user-agent", "").lower()


def _signed_out(request: Request, problem: NotSignedIn) -> Response:
    config = settings(request)
    if request.method == "GET" and in_wecom(request) and config.api_enabled:
        target = page_url("/console/oauth/start", next=request.url.path)
        return RedirectResponse(target, status_code=302)
    # The page people land on every morning: a plain 200 for a browser's GET (no console
    # error in the phone's browser), 401 for anything else.
    response = render(
        request,
        "signed_out.html",
        viewer=None,
        status=200 if request.method == "GET" else 401,
        message=problem.message,
        wecom=config.api_enabled,
    )
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)
    return response


_SECRET_PARAMS = frozenset({"code", "state", "token", "access_token", "key", "corpsecret"})


def redact_url(path: str) -> str:
    """``path`` with the values of secret query parameters replaced by ``***``."""
    base, sep, query = path.partition("?")
    if not sep:
        return path
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(name in _SECRET_PARAMS for name, _ in pairs):
        return path
    cleaned = [(name, "***" if name in _SECRET_PARAMS else value) for name, value in pairs]
    return f"{base}?{urlencode(cleaned, safe='*')}"


class RedactSecrets(logging.Filter):
    """Keeps sign-in codes, OAuth states and tokens out of uvicorn's access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_url(args[2]), *args[3:])
        return True


def install_log_redaction() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactSecrets) for f in access.filters):
        access.addFilter(RedactSecrets())
