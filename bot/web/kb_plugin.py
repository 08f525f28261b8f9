"""App plugin: load the knowledge base at start-up so the first question is answered fast.

Building the index (jieba dictionary plus the entries) takes about a second; doing it in the
lifespan keeps it out of the first webhook's passive-reply window. Later file edits are picked
up by ``KnowledgeStore.current()`` within a second: the service checks the folder at most once
a second (``CHECK_SECONDS``), not for every question. A check stats the folder and every topic
file, and each ``stat`` lets go of the GIL, a hand-off to another thread in a busy worker; a
``kb import`` or an editor's save is still served a second later at most.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from bot.container import Runtime

logger = logging.getLogger(__name__)

#: How often the web service looks for changed knowledge files (seconds).
CHECK_SECONDS = 1.0


def start(runtime: Runtime, _callback: Any) -> Callable[[], None]:
    store = runtime.services.knowledge
    if store is not None:
        store.check_interval = CHECK_SECONDS
        kb = store.current()
        errors = [i for i in kb.issues if i.level == "error"]
        if errors:
            logger.warning("knowledge base has %d errors; run xiehui kb check", len(errors))
    return lambda: None
