"""An ordered router: the first route whose filter matches handles the message.

A route's ``match`` both decides and extracts (parsed command arguments, an activity draft, an
FAQ hit with its score), so filters are unit-testable on their own. ``handle`` turns the match
into replies. Order matters: commands, then pending conversations, then activity logging, then
the FAQ as the catch-all.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from handlers.core import hotsql
from handlers.core.asker import read_asker
from handlers.core.errors import DomainError
from handlers.core.messages import IncomingMessage, Reply, Role
from handlers.core.services import Context, Services

logger = logging.getLogger(__name__)

T = TypeVar("T")

APOLOGY = "抱歉，系统刚才出了点问题，请稍后再试一次。如果一直不行，请联系县计生协。"
ALL_ROLES = frozenset(Role)
STAFF = frozenset({Role.COORDINATOR, Role.ADMIN})
LOGGERS = frozenset({Role.VOLUNTEER, Role.LEADER, Role.COORDINATOR, Role.ADMIN})


@dataclass(frozen=True)
class Route(Generic[T]):
    """One capability entry point.

    ``help`` is the line shown in the help menu (empty: not listed); ``audience`` says which
    roles see that line. Permission checks themselves happen inside ``handle`` so a user who
    may not do something is told why instead of falling through to another route.
    """

    name: str
    match: Callable[[IncomingMessage, Context], T | None]
    handle: Callable[[IncomingMessage, T, Context], Sequence[Reply]]
    help: str = ""
    audience: frozenset[Role] = ALL_ROLES
    example: str = ""


@dataclass
class Dispatch:
    """The outcome of routing one message; ``extra["match"]`` is what the route's filter
    extracted (an FAQ hit, an activity draft …), for evaluations and logs."""

    replies: list[Reply]
    handler: str
    outcome: str
    millis: float
    extra: dict[str, Any] = field(default_factory=dict)


class Router:
    def __init__(self, routes: Sequence[Route[Any]] = ()) -> None:
        self.routes: list[Route[Any]] = list(routes)

    def add(self, route: Route[Any]) -> None:
        self.routes.append(route)

    def dispatch(self, message: IncomingMessage, services: Services) -> Dispatch:
        """Route one message; never raises (the single error boundary)."""
        started = time.perf_counter()
        handler = "none"
        outcome = "ok"
        replies: list[Reply] = []
        extra: dict[str, Any] = {}
        try:
            if message.user_id:  # who sent it: one statement (handlers.core.asker)
                asker = read_asker(services.engine, message.channel.value, message.user_id)
                ctx = Context(services, message, asker.member, asker.conversation)
                read = asker.read
            else:
                ctx = Context(services=services, message=message, member=None)
                read = []
            with hotsql.read_ahead(services.engine, read):
                for route in self.routes:
                    matched = route.match(message, ctx)
                    if matched is None:
                        continue
                    handler = route.name
                    extra["match"] = matched
                    replies = list(route.handle(message, matched, ctx))
                    break
                else:
                    outcome = "unhandled"
        except DomainError as exc:
            outcome = "refused"
            replies = [Reply(exc.message)]
        except Exception:
            outcome = "error"
            logger.exception("handler %s failed on msg %s", handler, message.msg_id or "-")
            replies = [Reply(APOLOGY)]
        millis = (time.perf_counter() - started) * 1000
        # DEBUG: a line per message at INFO costs the service more than routing it (the
        # metrics count outcomes; failures are logged above as errors)
        logger.debug(
            "msg=%s channel=%s handler=%s outcome=%s replies=%d ms=%.1f",
            message.msg_id or "-",
            message.channel.value,
            handler,
            outcome,
            len(replies),
            millis,
        )
        return Dispatch(
            replies=replies, handler=handler, outcome=outcome, millis=millis, extra=extra
        )

    def help_text(self, role: Role) -> str:
        """The help menu for ``role``, built from the routes' own descriptions."""
        lines = ["您好，我是协会助手，可以帮您："]
        number = 0
        for route in self.routes:
            if not route.help or role not in route.audience:
                continue
            number += 1
            line = f"{number}. {route.help}"
            if route.example:
                line += f"\n   例：{route.example}"
            lines.append(line)
        lines.append("发送“帮助”可随时查看本菜单；发送“人工”转人工服务。")
        return "\n".join(lines)
