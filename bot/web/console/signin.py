"""Signing in and out: the one-time link from "工作台", WeCom OAuth, sign-out.

- ``GET /console/login?code=…`` checks the code without using it and shows one button; the
  ``POST`` uses it up and opens the session. A link preview or a prefetch therefore never
  burns the code, and the code leaves the address bar at once.
- ``/console/oauth/start`` sends a browser inside WeCom to WeCom's authorize page with a random
  ``state`` kept in a short-lived cookie; ``/console/oauth/callback`` checks it, exchanges the
  code for the member's user id and opens the session.
- ``POST /console/logout`` ends the session.
"""

from __future__ import annotations

import asyncio
import logging
import secrets

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse

from bot.web.console.web import (
    COOKIE_PATH,
    SESSION_COOKIE,
    ConsoleRoute,
    Forbidden,
    Viewer,
    check_form,
    current_viewer,
    redirect,
    render,
    services,
    settings,
)
from bot.wecom.oauth import OAuthError, authorize_url, user_id_for_code, valid_state
from handlers.core.errors import DomainError
from handlers.core.permissions import Actor
from handlers.signin import (
    SESSION_TTL,
    close_session,
    code_is_valid,
    open_session,
    redeem_code,
)

logger = logging.getLogger(__name__)

router = APIRouter(route_class=ConsoleRoute)

OAUTH_COOKIE = "xiehui_oauth"
OAUTH_SECONDS = 300
EXPIRED = "这个登录链接已经用过或过期了（链接10分钟内有效，只能用一次）。"


def _secure(request: Request) -> bool:
    return settings(request).console_secure_cookies or request.url.scheme == "https"


def _safe_next(target: str) -> str:
    """Only our own console pages are followed after sign-in."""
    if target.startswith("/console") and not target.startswith("//") and "\\" not in target:
        return target
    return "/console/"


def _start_session(request: Request, user_id: str, via: str, next_page: str) -> Response:
    svc = services(request)
    member = svc.members.get(user_id)
    if member is None:
        raise Forbidden("名册里没有您的企业微信账号，不能登录工作台。请联系管理员。")
    try:
        Actor.of(member).scope("登录工作台")
    except DomainError as exc:
        raise Forbidden(exc.message) from None
    opened = open_session(svc, user_id, via=via)
    response = RedirectResponse(_safe_next(next_page), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        opened.token,
        max_age=int(SESSION_TTL.total_seconds()),
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )
    return response


@router.get("/console/login")
def login_page(request: Request, code: str = "") -> Response:
    """The one-time link: a button that signs in (the code is checked, not used, here)."""
    if not code_is_valid(services(request), code):
        return render(
            request,
            "signed_out.html",
            viewer=None,
            status=403,
            message=EXPIRED,
            wecom=settings(request).api_enabled,
        )
    return render(request, "login.html", viewer=None, code=code)


@router.post("/console/login")
def login(request: Request, code: str = Form("")) -> Response:
    user_id = redeem_code(services(request), code)
    if user_id is None:
        return render(
            request,
            "signed_out.html",
            viewer=None,
            status=403,
            message=EXPIRED,
            wecom=settings(request).api_enabled,
        )
    return _start_session(request, user_id, "link", "/console/")


@router.get("/console/oauth/start")
def oauth_start(request: Request, next: str = "/console/") -> Response:
    config = settings(request)
    if not config.api_enabled:
        raise Forbidden("这里没有接入企业微信，请在机器人里发“工作台”获取登录链接。")
    state = secrets.token_hex(16)
    redirect_uri = f"{config.console_base_url}/console/oauth/callback"
    response = RedirectResponse(authorize_url(config, redirect_uri, state), status_code=302)
    response.set_cookie(
        OAUTH_COOKIE,
        f"{state}|{_safe_next(next)}",
        max_age=OAUTH_SECONDS,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )
    return response


@router.get("/console/oauth/callback")
async def oauth_callback(request: Request, code: str = "", state: str = "") -> Response:
    remembered, _, next_page = request.cookies.get(OAUTH_COOKIE, "").partition("|")
    if not remembered or not valid_state(state) or not secrets.compare_digest(remembered, state):
        raise Forbidden("登录请求已过期或不是从本页面发起的，请从企业微信里重新打开工作台。")
    api = getattr(request.app.state.runtime, "sender", None)
    if not hasattr(api, "call"):
        raise Forbidden("这里没有接入企业微信，请在机器人里发“工作台”获取登录链接。")
    try:
        # the WeCom client is synchronous: keep it off the event loop
        user_id = await asyncio.to_thread(user_id_for_code, api, code)  # type: ignore[arg-type]
    except OAuthError as exc:
        raise Forbidden(exc.reason) from None
    response = await asyncio.to_thread(_start_session, request, user_id, "wecom", next_page)
    response.delete_cookie(OAUTH_COOKIE, path=COOKIE_PATH)
    return response


@router.post("/console/logout")
def logout(
    request: Request, csrf: str = Form(""), viewer: Viewer = Depends(current_viewer)
) -> Response:
    check_form(request, viewer, csrf)
    close_session(services(request), request.cookies.get(SESSION_COOKIE, ""))
    response = redirect("/console/signed-out")
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)
    return response


@router.get("/console/signed-out")
def signed_out(request: Request) -> Response:
    return render(
        request,
        "signed_out.html",
        viewer=None,
        message="您已退出工作台。",
        wecom=settings(request).api_enabled,
    )
