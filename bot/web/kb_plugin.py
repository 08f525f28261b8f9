"""App plugin: load the knowledge base at start-up so the first question is answered fast.

Building the index (jieba dictionary plus the entries) takes about a second; doing it in the
lifespan keeps it out of the first webhook's passive-reply window. Later file edits are picked
up by ``KnowledgeStore.current()`` on the next question.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from bot.container import Runtime

logger = logging.getLogger(__name__)


def start(runtime: Runtime, _callback: Any) -> Callable[[], None]:
    store = runtime.services.knowledge
    if store is not None:
        kb = store.current()
        errors = [i for i in kb.issues if i.level == "error"]
        if errors:
            logger.warning("knowledge base has %d errors; run xiehui kb check", len(errors))
    return lambda: None
