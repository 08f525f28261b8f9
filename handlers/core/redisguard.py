"""A circuit breaker in front of Redis, so a dead or frozen Redis costs milliseconds, not seconds.

Redis is a cache and a coordinator here, never the system of record: every caller has an
in-process fallback (a local lock, a local rate window, a local token cache). The client is
built with short socket timeouts and no retries (``bot.container.connect_redis``); this guard
adds the rest:

- a call that fails with a connection or timeout error opens the breaker for ``cooldown``
  seconds, during which every call goes straight to its fallback without touching the socket;
- after the cooldown one caller at a time probes Redis again (half-open); success closes the
  breaker and runs the ``on_recovery`` hooks (e.g. the rate gate copies the sends it counted
  locally back into Redis), failure opens it again.

A frozen Redis (SIGSTOP) therefore costs one socket timeout per cooldown, for one caller.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Errors that mean "Redis is unreachable or stuck", not "the command was wrong".
UNAVAILABLE: tuple[type[BaseException], ...] = (
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionError,
    TimeoutError,
    OSError,
)


class RedisUnavailable(Exception):
    """Raised by :meth:`RedisGuard.run` when Redis cannot be used right now."""


class RedisGuard:
    """Run Redis calls through a breaker; ``call(fn, fallback)`` never raises for an outage."""

    def __init__(
        self,
        redis: Redis,
        *,
        cooldown: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.redis = redis
        self.cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._down_since: float | None = None
        self._probing = False
        self._hooks: list[Callable[[], None]] = []
        self._failure_hooks: list[Callable[[], None]] = []
        self.failures = 0  # outages seen since start (for health and tests)

    @property
    def available(self) -> bool:
        """False while the breaker is open (Redis failed within the last cooldown)."""
        return self._down_since is None

    def down_for(self) -> float:
        """Seconds since Redis became unavailable (0 when it is up)."""
        since = self._down_since
        return 0.0 if since is None else self._clock() - since

    def on_recovery(self, hook: Callable[[], None]) -> None:
        """Run ``hook`` (in the caller's thread) when Redis answers again after an outage."""
        self._hooks.append(hook)

    def _admit(self) -> bool:
        """May this caller use the socket now?"""
        with self._lock:
            if self._down_since is None:
                return True
            if self._probing or self._clock() < self._open_until:
                return False
            self._probing = True  # half-open: this caller probes, the others fall back
            return True

    def on_failure(self, hook: Callable[[], None]) -> None:
        """Run ``hook`` (in the caller's thread) on every failed Redis call (e.g. a metric)."""
        self._failure_hooks.append(hook)

    def _failed(self, exc: BaseException) -> None:
        for hook in self._failure_hooks:
            try:
                hook()
            except Exception:
                logger.exception("redis failure hook failed")
        with self._lock:
            self._probing = False
            self._open_until = self._clock() + self.cooldown
            if self._down_since is None:
                self._down_since = self._clock()
                self.failures += 1
                logger.warning(
                    "redis unavailable (%s): using in-process fallbacks", type(exc).__name__
                )

    def _succeeded(self) -> None:
        if self._down_since is None:
            return
        with self._lock:
            since = self._down_since
            self._down_since = None
            self._probing = False
        if since is not None:
            logger.warning("redis is back after %.1f s", self._clock() - since)
            for hook in list(self._hooks):
                try:
                    hook()
                except UNAVAILABLE:
                    logger.warning("redis recovery hook failed; it will run on the next recovery")
                except Exception:
                    logger.exception("redis recovery hook failed")

    def run(self, fn: Callable[[Redis], T]) -> T:
        """``fn(redis)``, or RedisUnavailable when the breaker is open or the call fails."""
        if not self._admit():
            raise RedisUnavailable("redis circuit open")
        try:
            result = fn(self.redis)
        except UNAVAILABLE as exc:
            self._failed(exc)
            raise RedisUnavailable(type(exc).__name__) from exc
        except BaseException:
            with self._lock:
                self._probing = False
            raise
        self._succeeded()
        return result

    def call(self, fn: Callable[[Redis], T], fallback: Callable[[], T]) -> T:
        """``fn(redis)``, or ``fallback()`` when Redis is unavailable."""
        try:
            return self.run(fn)
        except RedisUnavailable:
            return fallback()

    def ping(self) -> bool:
        """Probe Redis now (ignores the breaker's cooldown); True when it answered."""
        try:
            self.redis.ping()
        except UNAVAILABLE as exc:
            self._failed(exc)
            return False
        self._succeeded()
        return True
