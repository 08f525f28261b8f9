"""Activity logging by message: one sentence in, a confirmed record out (issue 4).

``routes(router)`` is the capability entry point registered in ``handlers.core.registry``.
"""

from handlers.activity.routes import routes

__all__ = ["routes"]
