"""The coordinators' web console at ``/console`` (Chinese, server-rendered, phone first).

Who gets in: coordinators and admins who may act (:mod:`handlers.core.permissions`), signed in
with a one-time link the bot sends for "工作台", or through WeCom's OAuth when the page is opened
inside WeCom. A session is an HttpOnly, SameSite=Lax cookie (Secure under https) valid for 12 h;
every page sees only the viewer's region. Nothing trusts the client's address, and no secret
travels in a URL that reaches a log (sign-in codes are redacted from the access log).

Layout:

- ``web.py`` — the Jinja2 templates, the signed-in viewer, CSRF, flash messages, the route class
  that times every page (``Server-Timing``) and turns expected errors into Chinese pages;
- ``signin.py`` — the one-time link, WeCom OAuth and sign-out;
- ``overview.py``, ``activities.py``, ``tickets.py``, ``notices.py``, ``reminders.py``,
  ``roster.py`` — one module per page, each calling the same services as the chat commands;
- ``charts.py`` — bar and line charts drawn as SVG on the server (no JavaScript, no CDN);
- ``templates/``, ``static/`` — the pages and the one stylesheet;
- ``bench.py`` — page timings with 300 groups × 12 months of records.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from bot.settings import Settings
from bot.web.console import activities, notices, overview, reminders, roster, signin, tickets
from bot.web.console.web import STATIC_DIR, install_log_redaction

PAGE_MODULES = (signin, overview, activities, tickets, notices, reminders, roster)


def install(app: FastAPI, settings: Settings) -> None:
    """Mount the console's pages and static files on ``app``."""
    install_log_redaction()
    app.state.console_settings = settings
    app.mount("/console/static", StaticFiles(directory=STATIC_DIR), name="console-static")
    for module in PAGE_MODULES:
        app.include_router(module.router)
