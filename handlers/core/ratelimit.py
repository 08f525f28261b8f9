"""WeCom's sending limits as a Redis-backed rate gate shared by every process.

Limits (WeCom's documented API frequency limits), all sliding windows:

- group robot: at most 20 messages a minute per robot key (WeCom answers 45009 beyond that);
- app messages (message/send): at most 30 a minute and 1000 an hour per member (WeCom drops the
  excess *silently*, so this gate is the only protection);
- appchat/send: at most 200 a minute and 10 000 a day per member across groups (WeCom drops
  the excess silently). The outbox row only names the chat, so the gate asks ``chat_members``
  (wired to the group registry) who is in it and counts every member, which matters for
  coordinators who sit in many group chats; without it, it counts per chat;
- any API per corp: 10 000 a minute per cgi (message/send and appchat/send each).

``wait_seconds`` is an atomic *reservation*: a Lua script checks every bucket the target
touches and, when all have room, records the send in all of them at once, so two processes
never both take the last slot. ``record`` is therefore a no-op. A reserved slot whose send then
fails still counts, which errs on the safe side.

``RateLimits.window_scale`` shrinks every window (0.01 turns a minute into 0.6 s) so the
benchmark can exercise the limits in seconds; production uses 1.0.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from redis import Redis

from handlers.core.messages import Target, TargetKind
from handlers.core.redisguard import RedisGuard, RedisUnavailable

logger = logging.getLogger(__name__)

MINUTE = 60.0
HOUR = 3600.0
DAY = 86400.0
MEMBERS_CACHE_SECONDS = 60.0

# KEYS: bucket keys. ARGV: now, member, then (limit, window) per key.
# Returns "0" after reserving a slot in every bucket, else the seconds to wait (as a string).
_RESERVE = """
local now = tonumber(ARGV[1])
local member = ARGV[2]
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[1 + 2 * i])
  local window = tonumber(ARGV[2 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local oldest = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    local until_free = tonumber(oldest[2]) + window - now
    if until_free > wait then wait = until_free end
  end
end
if wait > 0 then return tostring(wait) end
for i, key in ipairs(KEYS) do
  local window = tonumber(ARGV[2 + 2 * i])
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, math.ceil(window * 1000) + 1000)
end
return '0'
"""


@dataclass(frozen=True)
class RateLimits:
    """WeCom's documented limits; every field is configurable (the benchmark scales them)."""

    robot_per_minute: int = 20
    member_per_minute: int = 30
    member_per_hour: int = 1000
    appchat_per_minute: int = 200
    appchat_per_day: int = 10_000
    corp_per_minute: int = 10_000
    window_scale: float = 1.0

    def buckets(
        self, target: Target, chat_members: Sequence[str] = ()
    ) -> list[tuple[str, int, float]]:
        """(bucket name, limit, window seconds) for every bucket a send to ``target`` uses."""
        minute = MINUTE * self.window_scale
        hour = HOUR * self.window_scale
        if target.kind is TargetKind.ROBOT:
            # The key is a credential: only a digest of it goes into Redis key names.
            digest = hashlib.sha256(target.ids[0].encode()).hexdigest()[:20]
            return [(f"robot:{digest}", self.robot_per_minute, minute)]
        if target.kind is TargetKind.APPCHAT:
            chat: list[tuple[str, int, float]] = [("corp:appchat", self.corp_per_minute, minute)]
            if not chat_members:
                chat.append((f"appchat:{target.ids[0]}", self.appchat_per_minute, minute))
            day = DAY * self.window_scale
            for member in chat_members:
                chat.append((f"chatmember:{member}:m", self.appchat_per_minute, minute))
                chat.append((f"chatmember:{member}:d", self.appchat_per_day, day))
            return chat
        if target.kind is TargetKind.KF:
            return [("corp:kf", self.corp_per_minute, minute)]
        buckets: list[tuple[str, int, float]] = [("corp:message", self.corp_per_minute, minute)]
        prefix = target.kind.value  # user / party / tag: counted per recipient id
        for recipient in target.ids:
            buckets.append((f"{prefix}:{recipient}:m", self.member_per_minute, minute))
            buckets.append((f"{prefix}:{recipient}:h", self.member_per_hour, hour))
        return buckets

    def minimum_seconds(self, targets: list[Target]) -> float:
        """The least time in which ``targets`` (one message each) can go out under these limits."""
        counts: dict[tuple[str, int, float], int] = {}
        for target in targets:
            for bucket in self.buckets(target):
                counts[bucket] = counts.get(bucket, 0) + 1
        best = 0.0
        for (_name, limit, window), count in counts.items():
            best = max(best, ((count - 1) // limit) * window)
        return best


class LocalWindows:
    """The same sliding windows in this process: the fallback while Redis is unavailable.

    Every reservation is mirrored here (also those Redis granted), so the windows are warm
    when Redis fails; reservations made during an outage are copied into Redis when it
    answers again, so other processes see them.
    """

    PRUNE_EVERY = 5000  # reservations between sweeps of idle windows

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, deque[float]]] = {}
        self._ops = 0
        self.unsynced: list[tuple[str, float, str, float]] = []  # key, at, member, window

    def _times(self, key: str, window: float, now: float) -> deque[float]:
        entry = self._windows.get(key)
        if entry is None:
            entry = self._windows[key] = (window, deque())
        times = entry[1]
        while times and times[0] <= now - window:
            times.popleft()
        return times

    def _prune(self, now: float) -> None:
        self._ops += 1
        if self._ops % self.PRUNE_EVERY:
            return
        for key in [k for k, (w, t) in self._windows.items() if not t or t[-1] <= now - w]:
            del self._windows[key]

    def reserve(
        self, now: float, member: str, buckets: Sequence[tuple[str, int, float]], *, sync: bool
    ) -> float:
        with self._lock:
            self._prune(now)
            wait = 0.0
            for key, limit, window in buckets:
                times = self._times(key, window, now)
                if len(times) >= limit:
                    wait = max(wait, times[len(times) - limit] + window - now)
            if wait > 0:
                return wait
            for key, _limit, window in buckets:
                self._windows[key][1].append(now)
                if sync:
                    self.unsynced.append((key, now, member, window))
            return 0.0

    def mirror(self, now: float, buckets: Sequence[tuple[str, int, float]]) -> None:
        """Record a reservation Redis granted."""
        with self._lock:
            self._prune(now)
            for key, _limit, window in buckets:
                self._times(key, window, now).append(now)

    def take_unsynced(self) -> list[tuple[str, float, str, float]]:
        with self._lock:
            out, self.unsynced = self.unsynced, []
            return out

    def put_back(self, entries: list[tuple[str, float, str, float]]) -> None:
        with self._lock:
            self.unsynced = entries + self.unsynced


class RedisRateGate:
    """The :class:`handlers.core.outbox.RateGate` used in production, shared through Redis.

    With Redis unavailable (see :class:`handlers.core.redisguard.RedisGuard`) the limits are
    counted in this process instead, which is exact while one process delivers (the service's
    delivery worker) and per process otherwise.
    """

    PREFIX = "xiehui:rate"

    def __init__(
        self,
        redis: Redis,
        limits: RateLimits | None = None,
        *,
        clock: Callable[[], float] = time.time,
        chat_members: Callable[[str], Sequence[str]] | None = None,
        guard: RedisGuard | None = None,
    ) -> None:
        self.redis = redis
        self.limits = limits or RateLimits()
        self._clock = clock
        self._chat_members = chat_members
        # chat id -> (fetched at, members): a broadcast asks about each chat once, not per part
        self._members_cache: dict[str, tuple[float, Sequence[str]]] = {}
        self._script = redis.register_script(_RESERVE)
        self.guard = guard or RedisGuard(redis)
        self.local = LocalWindows()
        self.guard.on_recovery(self.sync_to_redis)

    def wait_seconds(self, target: Target) -> float:
        """Reserve a slot for ``target`` now and return 0, or return how long to wait."""
        members: Sequence[str] = ()
        if target.kind is TargetKind.APPCHAT and self._chat_members is not None:
            members = self._members(target.ids[0])
        buckets = self.limits.buckets(target, members)
        keyed = [(f"{self.PREFIX}:{name}", limit, window) for name, limit, window in buckets]
        now = self._clock()
        member = uuid.uuid4().hex
        args: list[str] = [repr(now), member]
        for _name, limit, window in buckets:
            args.extend((str(limit), repr(window)))
        try:
            raw = self.guard.run(lambda _r: self._script(keys=[k for k, _, _ in keyed], args=args))
        except RedisUnavailable:
            wait = self.local.reserve(now, member, keyed, sync=True)
        else:
            wait = float(raw.decode() if isinstance(raw, bytes) else raw)
            if wait == 0:
                self.local.mirror(now, keyed)
        if wait > 0:
            logger.debug("rate gate: %s must wait %.2fs", target.describe(), wait)
        return wait

    def sync_to_redis(self) -> None:
        """Copy the sends counted locally during an outage into Redis (recovery hook)."""
        entries = self.local.take_unsynced()
        if not entries:
            return
        now = self._clock()
        pipe = self.redis.pipeline(transaction=False)
        for key, at, member, window in entries:
            if at > now - window:
                pipe.zadd(key, {member: at})
                pipe.pexpire(key, int(window * 1000) + 1000)
        try:
            pipe.execute()
        except Exception:
            self.local.put_back(entries)  # copied on the next recovery instead
            raise
        logger.info("rate gate: %d sends counted during the outage copied to redis", len(entries))

    def _members(self, chat_id: str) -> Sequence[str]:
        assert self._chat_members is not None
        now = time.monotonic()
        cached = self._members_cache.get(chat_id)
        if cached is not None and now - cached[0] < MEMBERS_CACHE_SECONDS:
            return cached[1]
        members = self._chat_members(chat_id)
        self._members_cache[chat_id] = (now, members)
        return members

    def record(self, target: Target) -> None:
        """Nothing to do: :meth:`wait_seconds` already reserved the slot atomically."""
