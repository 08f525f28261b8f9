"""Outbound sending over WeCom's HTTP APIs: one Sender for every target kind.

- access_token cached in Redis per (corp, agent), refreshed 5 minutes before expiry,
  fetched single-flight under a Redis lock, invalidated and refetched once on 40014/42001;
- app messages (message/send), app group chats (appchat/send), group robots (webhook/send)
  and 微信客服 (kf/send_msg);
- plain text only (WeChat-plugin users see no markdown); the outbox splits at 2048 bytes.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from redis import Redis

from bot.settings import Settings
from handlers.core.messages import SHANGHAI, Target, TargetKind
from handlers.core.outbox import SendResult
from handlers.core.redisguard import RedisGuard, RedisUnavailable
from handlers.groups import ChatCreateFailed

logger = logging.getLogger(__name__)

TOKEN_INVALID = frozenset({40014, 42001})
REFRESH_MARGIN = 300  # seconds before expiry at which the token is refreshed


class WeComAPIError(Exception):
    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"{errcode} {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class TokenCache:
    """access_token in Redis, single-flight across processes; in-process when Redis is down.

    Every Redis call goes through the guard: with Redis unavailable the token is kept in this
    process and refreshed under a local lock (one gettoken per process instead of per corp,
    well inside WeCom's limits), and written back to Redis once it answers again.
    """

    def __init__(
        self, settings: Settings, redis: Redis, http: httpx.Client, guard: RedisGuard | None = None
    ) -> None:
        self.settings = settings
        self.redis = redis
        self.http = http
        self.guard = guard or RedisGuard(redis)
        scope = f"{settings.wecom_corp_id}:{settings.wecom_agent_id}"
        self.key = f"xiehui:wecom:token:{scope}"
        self.lock_key = f"xiehui:wecom:token-lock:{scope}"
        self.fetches = 0  # how many times this process called gettoken
        self._local: tuple[str, float] | None = None  # (token, valid until, monotonic)
        self._local_lock = threading.Lock()

    def _cached(self) -> str | None:
        raw = self.guard.call(lambda r: r.get(self.key), lambda: None)
        if raw:
            return raw.decode() if isinstance(raw, bytes) else str(raw)
        local = self._local
        if local is not None and time.monotonic() < local[1]:
            return local[0]
        return None

    def get(self) -> str:
        return self._cached() or self._refresh()

    def invalidate(self, stale: str) -> None:
        """Drop the cached token, but only if it is still the one that failed."""
        if self._local is not None and self._local[0] == stale:
            self._local = None

        def drop(redis: Redis) -> None:
            current = redis.get(self.key)
            if (
                current is not None
                and (current.decode() if isinstance(current, bytes) else current) == stale
            ):
                redis.delete(self.key)

        self.guard.call(drop, lambda: None)

    def _refresh(self) -> str:
        owner = uuid.uuid4().hex
        deadline = time.monotonic() + 15
        try:
            while time.monotonic() < deadline:
                if self.guard.run(lambda r: r.set(self.lock_key, owner, nx=True, px=10_000)):
                    try:
                        cached = self._cached()
                        if cached:  # another process refreshed while we waited for the lock
                            return cached
                        return self._fetch()
                    finally:

                        def release(redis: Redis) -> None:
                            if redis.get(self.lock_key) == owner.encode():
                                redis.delete(self.lock_key)

                        self.guard.call(release, lambda: None)
                time.sleep(0.05)
                cached = self._cached()
                if cached:
                    return cached
        except RedisUnavailable:
            return self._refresh_locally()
        raise WeComAPIError(-1, "timed out waiting for access_token refresh")

    def _refresh_locally(self) -> str:
        with self._local_lock:
            local = self._local
            if local is not None and time.monotonic() < local[1]:
                return local[0]
            return self._fetch()

    def _fetch(self) -> str:
        self.fetches += 1
        response = self.http.get(
            f"{self.settings.wecom_api_base}/cgi-bin/gettoken",
            params={
                "corpid": self.settings.wecom_corp_id,
                "corpsecret": self.settings.wecom_secret.get_secret_value(),
            },
        )
        data = response.json()
        if data.get("errcode", 0) != 0:
            raise WeComAPIError(int(data["errcode"]), str(data.get("errmsg", "")))
        token = str(data["access_token"])
        ttl = max(60, int(data.get("expires_in", 7200)) - REFRESH_MARGIN)
        self._local = (token, time.monotonic() + ttl)
        self.guard.call(lambda r: r.set(self.key, token, ex=ttl), lambda: None)
        logger.info("fetched a new access_token (valid %ss)", ttl)
        return token


class WeComSender:
    """Sends text through WeCom; used by the outbox delivery loop."""

    def __init__(
        self,
        settings: Settings,
        redis: Redis,
        *,
        timeout: float = 10.0,
        guard: RedisGuard | None = None,
    ) -> None:
        self.settings = settings
        self.http = httpx.Client(timeout=timeout)
        self.tokens = TokenCache(settings, redis, self.http, guard)

    def close(self) -> None:
        self.http.close()

    # -- low level -----------------------------------------------------------------------
    def call(
        self,
        path: str,
        payload: dict[str, Any] | None = None,
        *,
        method: str = "POST",
        params: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """Call an access_token API; on 40014/42001 refetch the token once and replay once."""
        for attempt in (1, 2):
            token = self.tokens.get()
            query = {"access_token": token, **(params or {})}
            url = f"{self.settings.wecom_api_base}/cgi-bin/{path}"
            if method == "GET":
                response = self.http.get(url, params=query)
            else:
                response = self.http.post(url, params=query, json=payload or {})
            data: dict[str, Any] = response.json()
            code = int(data.get("errcode", 0))
            if code in TOKEN_INVALID and attempt == 1:
                self.tokens.invalidate(token)
                continue
            return data
        return data

    def download(self, media_id: str) -> tuple[bytes, str]:
        """media/get: returns (content, extension)."""
        for attempt in (1, 2):
            token = self.tokens.get()
            response = self.http.get(
                f"{self.settings.wecom_api_base}/cgi-bin/media/get",
                params={"access_token": token, "media_id": media_id},
            )
            kind = response.headers.get("content-type", "")
            if "json" in kind or "text/plain" in kind:
                data = response.json()
                code = int(data.get("errcode", 0))
                if code in TOKEN_INVALID and attempt == 1:
                    self.tokens.invalidate(token)
                    continue
                raise WeComAPIError(code, str(data.get("errmsg", "")))
            extension = ".png" if "png" in kind else ".amr" if "amr" in kind else ".jpg"
            return response.content, extension
        raise WeComAPIError(-1, "media download failed")

    # -- app group chats (handlers.groups.ChatCreator) --------------------------------------
    def appchat_create(self, name: str, owner: str, user_ids: Sequence[str], chat_id: str) -> str:
        """appchat/create: a group chat of ``user_ids`` owned by ``owner``; returns its chat id.

        WeCom requires the app's visible scope to be the root department, 2-2000 members and
        at most 1000 creations an hour; refusals become a Chinese ChatCreateFailed.
        """
        payload = {"name": name, "owner": owner, "userlist": list(user_ids), "chatid": chat_id}
        try:
            data = self.call("appchat/create", payload)
        except (httpx.HTTPError, ValueError, WeComAPIError) as exc:
            logger.warning("appchat/create failed: %s", type(exc).__name__)
            raise ChatCreateFailed("建群时连不上企业微信，请稍后再试。") from exc
        code = int(data.get("errcode", 0))
        if code != 0:
            logger.warning("appchat/create refused: %s %s", code, data.get("errmsg", ""))
            reason = {
                60011: "应用没有权限（应用可见范围需要设为根部门）",
                86001: "成员数量不符合要求（需要2到2000人）",
                86004: "群聊 ID 已存在或无效",
                45009: "建群太频繁，请稍后再试",
            }.get(code, f"企业微信返回错误 {code}")
            raise ChatCreateFailed(f"建群失败：{reason}。")
        return str(data.get("chatid") or chat_id)

    # -- the Sender protocol -------------------------------------------------------------
    def send(self, target: Target, text: str, *, duplicate_check: bool = False) -> SendResult:
        try:
            data = self._send(target, text, duplicate_check)
        except (httpx.HTTPError, ValueError) as exc:
            return SendResult(ok=False, errcode=-1, errmsg=f"{type(exc).__name__}: {exc}")
        except WeComAPIError as exc:
            return SendResult(ok=False, errcode=exc.errcode, errmsg=exc.errmsg)
        code = int(data.get("errcode", 0))
        invalid = tuple(
            i
            for field in ("invaliduser", "invalidparty", "invalidtag")
            for i in str(data.get(field) or "").split("|")
            if i
        )
        if code != 0:
            return SendResult(
                ok=False, errcode=code, errmsg=str(data.get("errmsg", "")), invalid=invalid
            )
        return SendResult(ok=True, invalid=invalid)

    def _send(self, target: Target, text: str, duplicate_check: bool) -> dict[str, Any]:
        if target.kind is TargetKind.ROBOT:
            response = self.http.post(
                f"{self.settings.wecom_api_base}/cgi-bin/webhook/send",
                params={"key": target.ids[0]},
                json={"msgtype": "text", "text": {"content": text}},
            )
            result: dict[str, Any] = response.json()
            return result
        if target.kind is TargetKind.APPCHAT:
            return self.call(
                "appchat/send",
                {"chatid": target.ids[0], "msgtype": "text", "text": {"content": text}, "safe": 0},
            )
        if target.kind is TargetKind.KF:
            return self.call(
                "kf/send_msg",
                {
                    "touser": target.ids[0],
                    "open_kfid": target.account,
                    "msgtype": "text",
                    "text": {"content": text},
                },
            )
        field = {TargetKind.USER: "touser", TargetKind.PARTY: "toparty", TargetKind.TAG: "totag"}[
            target.kind
        ]
        payload: dict[str, Any] = {
            field: "|".join(target.ids),
            "msgtype": "text",
            "agentid": self.settings.wecom_agent_id,
            "text": {"content": text},
            "safe": 0,
        }
        if duplicate_check:
            payload["enable_duplicate_check"] = 1
            payload["duplicate_check_interval"] = 1800
        return self.call("message/send", payload)


class LocalSender:
    """Local mode (no WeCom account): writes each outbound message to a log file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, target: Target, text: str, *, duplicate_check: bool = False) -> SendResult:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(f"[{stamp}] -> {target.describe()}\n{text}\n\n")
        return SendResult(ok=True)
