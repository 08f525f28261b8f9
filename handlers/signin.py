"""Signing staff in to the web console: one-time links ("工作台") and console sessions.

- A coordinator or admin who may act (:mod:`handlers.core.permissions`) sends "工作台" and gets
  a link ``{public URL}/console/login?code=…``: the code is random, stored only as a hash,
  single use and valid for ten minutes.
- Redeeming a code (or a WeCom OAuth sign-in on the console's side) opens a session: a random
  token (only its hash is stored) valid for twelve hours, with its own CSRF token for forms.
- The console checks the member's role and region again on every request, so a roster change
  takes effect at once.

The public URL comes from ``Services.extras["public_url"]`` (``XIEHUI_PUBLIC_URL``).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Field, SQLModel, col

from handlers.core.db import session_scope, utcnow
from handlers.core.errors import DomainError
from handlers.core.messages import IncomingMessage, Kind, Reply
from handlers.core.permissions import Actor
from handlers.core.router import STAFF, Route, Router
from handlers.core.services import Context, Services

logger = logging.getLogger(__name__)

CODE_TTL = timedelta(minutes=10)
SESSION_TTL = timedelta(hours=12)
SIGN_IN_ACTION = "登录工作台"
WORDS = frozenset({"工作台", "登录工作台", "打开工作台", "网页工作台"})


class LoginCode(SQLModel, table=True):
    """A one-time sign-in code (only its SHA-256 is stored)."""

    __tablename__ = "console_login_code"

    code_hash: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(max_length=64, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None


class ConsoleSession(SQLModel, table=True):
    """A signed-in browser (only the SHA-256 of the cookie's token is stored)."""

    __tablename__ = "console_session"

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(max_length=64, index=True)
    csrf: str = Field(max_length=64)
    via: str = Field(default="link", max_length=16)  # link / wecom
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue_code(services: Services, actor: Actor) -> str:
    """A fresh one-time code for ``actor`` (who must be able to act as staff)."""
    actor.scope(SIGN_IN_ACTION)
    code = secrets.token_urlsafe(24)
    now = utcnow()
    with session_scope(services.engine) as session:
        session.exec(delete(LoginCode).where(col(LoginCode.expires_at) < now))  # type: ignore[call-overload]
        session.add(
            LoginCode(code_hash=digest(code), user_id=actor.user_id, expires_at=now + CODE_TTL)
        )
    logger.info("console sign-in link issued for %s", actor.user_id)
    return code


def code_is_valid(services: Services, code: str) -> bool:
    """Whether ``code`` could be redeemed now (without using it up)."""
    if not code or len(code) > 128:
        return False
    with session_scope(services.engine) as session:
        row = session.get(LoginCode, digest(code))
    return row is not None and row.used_at is None and row.expires_at > utcnow()


def redeem_code(services: Services, code: str) -> str | None:
    """Use up ``code``; returns its user id, or None when it is unknown, used or expired.

    The update is conditional, so two concurrent redemptions of one code succeed once.
    """
    if not code or len(code) > 128:
        return None
    now = utcnow()
    key = digest(code)
    with session_scope(services.engine) as session:
        result: Any = session.exec(
            update(LoginCode)  # type: ignore[call-overload]
            .where(
                col(LoginCode.code_hash) == key,
                col(LoginCode.used_at).is_(None),
                col(LoginCode.expires_at) > now,
            )
            .values(used_at=now)
        )
        if result.rowcount != 1:
            return None
        row = session.get(LoginCode, key)
        return row.user_id if row is not None else None


@dataclass(frozen=True)
class OpenedSession:
    token: str  # goes into the HttpOnly cookie, nowhere else
    row: ConsoleSession


def open_session(services: Services, user_id: str, *, via: str) -> OpenedSession:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = ConsoleSession(
        token_hash=digest(token),
        user_id=user_id,
        csrf=secrets.token_urlsafe(24),
        via=via,
        expires_at=now + SESSION_TTL,
    )
    with session_scope(services.engine) as session:
        session.exec(delete(ConsoleSession).where(col(ConsoleSession.expires_at) < now))  # type: ignore[call-overload]
        session.add(row)
    logger.info("console session opened for %s via %s", user_id, via)
    return OpenedSession(token, row)


def find_session(services: Services, token: str) -> ConsoleSession | None:
    """The live session for a cookie token, if any."""
    if not token or len(token) > 128:
        return None
    with session_scope(services.engine) as session:
        row = session.get(ConsoleSession, digest(token))
    if row is None or row.expires_at <= utcnow():
        return None
    return row


def close_session(services: Services, token: str) -> None:
    with session_scope(services.engine) as session:
        session.exec(delete(ConsoleSession).where(col(ConsoleSession.token_hash) == digest(token)))  # type: ignore[call-overload]


def login_link(services: Services, code: str) -> str:
    base = str(services.extras.get("public_url") or "").rstrip("/")
    if not base:
        raise DomainError("工作台的网址还没有配置（XIEHUI_PUBLIC_URL），请联系管理员。")
    return f"{base}/console/login?code={code}"


def routes(_router: Router) -> list[Route[Any]]:
    def match(message: IncomingMessage, _ctx: Context) -> bool | None:
        if message.kind is not Kind.TEXT:
            return None
        return True if message.text.strip() in WORDS else None

    def handle(_message: IncomingMessage, _match: object, ctx: Context) -> Sequence[Reply]:
        """协会工作人员、管理员发“工作台”：回复一个10分钟内有效、只能用一次的网页工作台登录链接。"""
        actor = ctx.actor
        actor.scope(SIGN_IN_ACTION)
        link = login_link(ctx.services, issue_code(ctx.services, actor))
        return [
            Reply(
                "网页工作台登录链接（10分钟内有效，只能用一次，请勿转发）：\n"
                f"{link}\n在手机或电脑浏览器里打开即可。"
            )
        ]

    return [
        Route(
            "signin.console",
            match,
            handle,
            help="工作台：获取网页工作台的登录链接",
            audience=STAFF,
        )
    ]
