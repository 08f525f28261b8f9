"""Leader election with a Redis lease: exactly one scheduler runs across processes.

Why a lease rather than a dedicated ``xiehui scheduler`` process only: the web service may run
with several workers (and an operator may also start ``xiehui scheduler``); each of them can
start the scheduler and the lease makes all but one stand by. The holder renews the lease every
third of its TTL; if it dies or stalls, the lease lapses and a standby takes over within one
TTL. A stalled holder that wakes after losing the lease notices on its next renewal and stops.

While Redis is unavailable nothing can be elected: the holder keeps running (it cannot be
told otherwise, and its jobs are idempotent) and standbys stay standing by. When Redis comes
back empty the holder re-takes its lease on the next renewal.
In the short overlap that a stall can cause, two schedulers may fire the same job: the run
record keyed by (reminder, period) and the outbox keys make that harmless.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid

from redis import Redis

from handlers.core.redisguard import RedisGuard, RedisUnavailable

logger = logging.getLogger(__name__)

# Renew our lease; if Redis lost it (restarted empty) and nobody took it, take it back.
_RENEW = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
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

    def __init__(
        self,
        redis: Redis,
        name: str = "scheduler",
        *,
        ttl: float = 30.0,
        guard: RedisGuard | None = None,
    ) -> None:
        self.redis = redis
        self.guard = guard or RedisGuard(redis)
        self._holding = False  # what we last knew: used while Redis cannot be asked
        self.key = f"{self.PREFIX}:{name}"
        self.ttl = ttl
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)

    @property
    def ttl_ms(self) -> int:
        return max(1, int(self.ttl * 1000))

    def try_acquire(self) -> bool:
        """Take the lease if it is free (never while Redis is unavailable)."""
        self._holding = bool(
            self.guard.call(
                lambda r: r.set(self.key, self.owner, nx=True, px=self.ttl_ms), lambda: False
            )
        )
        return self._holding

    def renew(self) -> bool:
        """Extend the lease if this process still holds it (or, Redis down, believes so)."""
        self._holding = bool(
            self.guard.call(
                lambda _r: self._renew(keys=[self.key], args=[self.owner, self.ttl_ms]),
                lambda: self._holding,
            )
        )
        return self._holding

    def release(self) -> None:
        self._holding = False
        self.guard.call(lambda _r: self._release(keys=[self.key], args=[self.owner]), lambda: 0)

    def holder(self) -> str | None:
        value = self.guard.run(lambda r: r.get(self.key))
        if value is None:
            return None
        return value.decode() if isinstance(value, bytes) else str(value)

    def held(self) -> bool:
        try:
            return self.holder() == self.owner
        except RedisUnavailable:
            return self._holding
