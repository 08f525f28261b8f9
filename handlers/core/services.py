"""The typed service container handed to every handler, and the per-message context."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from redis import Redis
from sqlalchemy.engine import Engine

from handlers.core.errors import PermissionDenied
from handlers.core.members import Member, MemberRegistry, RegionPath
from handlers.core.messages import SHANGHAI, Channel, IncomingMessage, Role
from handlers.core.outbox import Outbox
from handlers.core.permissions import Actor
from handlers.core.redisguard import RedisGuard
from handlers.core.state import Conversation

if TYPE_CHECKING:
    from knowledge.base import KnowledgeBase, KnowledgeStore


class MediaFetcher(Protocol):
    """Downloads an inbound image or voice by media id (WeCom media/get)."""

    def fetch(self, media_id: str) -> tuple[bytes, str]:
        """Return (content, file extension such as '.jpg')."""
        ...


def shanghai_now() -> datetime:
    return datetime.now(SHANGHAI)


@dataclass
class Services:
    """Everything a handler may use, built once at start-up (FastAPI lifespan or the CLI)."""

    engine: Engine
    redis: Redis
    outbox: Outbox
    data_dir: Path
    knowledge: KnowledgeStore | None = None
    media: MediaFetcher | None = None
    clock: Callable[[], datetime] = shanghai_now
    extras: dict[str, object] = field(default_factory=dict)

    @cached_property
    def guard(self) -> RedisGuard:
        """The breaker every Redis caller goes through (see handlers.core.redisguard)."""
        return RedisGuard(self.redis)

    @cached_property
    def members(self) -> MemberRegistry:
        return MemberRegistry(self.engine)

    def now(self) -> datetime:
        """Current time, timezone-aware, Asia/Shanghai."""
        value = self.clock()
        return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)


@dataclass
class Context:
    """What a handler knows about the current message: the services and who sent it."""

    services: Services
    message: IncomingMessage
    member: Member | None
    #: The sender's live conversation values when they were read with the member (the
    #: router does, handlers.core.asker); None: read at the first ``conversation.get``.
    conversation_values: dict[str, str] | None = None

    @property
    def role(self) -> Role:
        if self.message.channel is Channel.KF or self.member is None:
            return Role.FAMILY
        return self.member.role_enum

    @property
    def region(self) -> RegionPath:
        return self.member.region if self.member else RegionPath()

    @property
    def actor(self) -> Actor:
        """The sender as an :class:`Actor` (a 微信客服 customer is always a family)."""
        name = self.member.name if self.member else ""
        return Actor(self.message.user_id, self.role, self.region, name)

    def staff_scope(self, action: str) -> RegionPath:
        """The region the sender may act in as staff; raises a polite PermissionDenied."""
        return self.actor.scope(action)

    @cached_property
    def knowledge_base(self) -> KnowledgeBase | None:
        """The knowledge base snapshot this message is answered from (checked once per
        message, so every route of one message sees the same snapshot)."""
        store = self.services.knowledge
        return store.current() if store is not None else None

    @cached_property
    def conversation(self) -> Conversation:
        return Conversation(
            self.services.engine,
            self.message.channel.value,
            self.message.user_id,
            snapshot=True,
            preloaded=self.conversation_values,
        )

    def require(self, allowed: bool, why: str) -> None:
        """Raise a polite PermissionDenied unless ``allowed``."""
        if not allowed:
            raise PermissionDenied(why)
