"""Leader election with a Redis lease: exactly one scheduler runs across processes.

Why a lease rather than a dedicated ``xiehui scheduler`` process only: the web service may run
with several workers (and an operator may also start ``xiehui scheduler``); each of them can
start the scheduler and the lease makes all but one stand by. The holder renews the lease every
third of its TTL; if it dies or stalls, the lease lapses and a standby takes over within one
TTL. A stalled holder that wakes after losing the lease notices on its next renewal and stops.
In the short overlap that a stall can cause, two schedulers may fire the same job: the run
record keyed by (reminder, period) and the outbox keys make that harmless.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid

from redis import Redis

logger = logging.getLogger(__name__)

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class LeaderLease:
    """``try_acquire`` / ``renew`` / ``release`` a named lease; ``ttl`` in seconds."""

    PREFIX = "xiehui:leader"

    def __init__(self, redis: Redis, name: str = "scheduler", *, ttl: float = 30.0) -> None:
        self.redis = redis
        self.key = f"{self.PREFIX}:{name}"
        self.ttl = ttl
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)

    @property
    def ttl_ms(self) -> int:
        return max(1, int(self.ttl * 1000))

    def try_acquire(self) -> bool:
        return bool(self.redis.set(self.key, self.owner, nx=True, px=self.ttl_ms))

    def renew(self) -> bool:
        """Extend the lease if this process still holds it."""
        return bool(self._renew(keys=[self.key], args=[self.owner, self.ttl_ms]))

    def release(self) -> None:
        self._release(keys=[self.key], args=[self.owner])

    def holder(self) -> str | None:
        value = self.redis.get(self.key)
        if value is None:
            return None
        return value.decode() if isinstance(value, bytes) else str(value)

    def held(self) -> bool:
        return self.holder() == self.owner
