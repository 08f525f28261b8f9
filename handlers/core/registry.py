"""Builds the one router used by the webhook, 微信客服 and the terminal chat."""

from __future__ import annotations

import importlib
from typing import Any

from handlers import menu
from handlers.core.router import Route, Router

#: Capability modules in dispatch order; each exposes ``routes(router) -> list[Route]``.
#: Commands first, then pending conversations and activity reports, the FAQ last.
CAPABILITY_MODULES: tuple[str, ...] = (
    "handlers.signin",
    "handlers.broadcast",
    "handlers.reminders",
    "handlers.groups",
    "handlers.handoff",
    "handlers.activity",
    "handlers.faq",
)


def build_router() -> Router:
    router = Router()
    routes: list[Route[Any]] = list(menu.routes(router))
    for name in CAPABILITY_MODULES:
        module = importlib.import_module(name)
        routes.extend(module.routes(router))
    routes.extend(menu.fallback_routes())
    for route in routes:
        router.add(route)
    return router
