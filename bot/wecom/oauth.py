"""Signing a member in to a web page through WeCom (网页授权, scope snsapi_base).

Inside the WeCom client (or the WeChat plugin) a page sends the browser to WeCom's authorize
URL; WeCom comes back to ``redirect_uri?code=CODE&state=STATE`` without asking anything, and
the server exchanges the code (single use, five minutes) with ``/cgi-bin/auth/getuserinfo``
for the member's user id. Non-members come back with ``openid``/``external_userid`` instead:
they are refused. ``state`` is random per attempt and checked against a cookie (CSRF).
"""

from __future__ import annotations

import logging
import re
from typing import Any, Protocol
from urllib.parse import urlencode

from bot.settings import Settings

logger = logging.getLogger(__name__)

_STATE = re.compile(r"^[A-Za-z0-9]{1,128}$")


class OAuthError(Exception):
    """The sign-in could not be completed; ``reason`` is Chinese, for the page."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ApiCaller(Protocol):
    """The part of :class:`bot.wecom.sender.WeComSender` this module needs."""

    def call(
        self,
        path: str,
        payload: dict[str, Any] | None = None,
        *,
        method: str = "POST",
        params: dict[str, str] | None = None,
    ) -> dict[str, Any]: ...


def valid_state(state: str) -> bool:
    return bool(_STATE.match(state))


def authorize_url(settings: Settings, redirect_uri: str, state: str) -> str:
    """WeCom's authorize URL for a silent (snsapi_base) sign-in of the app's members."""
    if not valid_state(state):
        raise ValueError("state must be 1-128 letters or digits")
    query = urlencode(
        {
            "appid": settings.wecom_corp_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": "snsapi_base",
            "state": state,
            "agentid": str(settings.wecom_agent_id or ""),
        }
    )
    return f"{settings.wecom_oauth_base}/connect/oauth2/authorize?{query}#wechat_redirect"


def user_id_for_code(api: ApiCaller, code: str) -> str:
    """Exchange an OAuth code for the member's user id; raises :class:`OAuthError`."""
    if not code or len(code) > 512:
        raise OAuthError("登录信息不完整，请从企业微信里重新打开工作台。")
    try:
        data = api.call("auth/getuserinfo", method="GET", params={"code": code})
    except Exception as exc:  # network errors, WeComAPIError from the token cache, bad JSON
        logger.warning("auth/getuserinfo failed: %s", type(exc).__name__)
        raise OAuthError("暂时连不上企业微信，请稍后再试。") from exc
    errcode = int(data.get("errcode", 0) or 0)
    if errcode != 0:
        logger.info("auth/getuserinfo refused: errcode=%s", errcode)
        raise OAuthError("企业微信登录已过期，请从企业微信里重新打开工作台。")
    user_id = str(data.get("userid") or data.get("UserId") or "")
    if not user_id:
        raise OAuthError("只有本单位企业微信里的成员才能登录工作台。")
    return user_id
