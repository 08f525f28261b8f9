"""Short-lived conversation state (pending drafts, numbered choices) kept in Redis with a TTL."""

from __future__ import annotations

import json
from typing import Any

from redis import Redis


class Conversation:
    """Per-user scratch state: ``set("faq_choices", {...}, ttl=600)``, ``get``, ``pop``."""

    PREFIX = "xiehui:conv"

    def __init__(self, redis: Redis, channel: str, user_id: str) -> None:
        self._redis = redis
        self._base = f"{self.PREFIX}:{channel}:{user_id}"

    def _key(self, name: str) -> str:
        return f"{self._base}:{name}"

    def get(self, name: str) -> Any | None:
        raw = self._redis.get(self._key(name))
        if raw is None:
            return None
        return json.loads(raw)

    def set(self, name: str, value: Any, ttl: int) -> None:
        self._redis.set(self._key(name), json.dumps(value, ensure_ascii=False), ex=ttl)

    def pop(self, name: str) -> Any | None:
        pipe = self._redis.pipeline()
        pipe.get(self._key(name))
        pipe.delete(self._key(name))
        raw, _ = pipe.execute()
        return None if raw is None else json.loads(raw)

    def clear(self, name: str) -> None:
        self._redis.delete(self._key(name))
