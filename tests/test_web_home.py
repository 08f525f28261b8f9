"""The service's front door: / leads to the console; API docs are off unless configured."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from redis import Redis

from bot.web.app import create_app
from tests.conftest import make_settings


def test_home_redirects_to_the_console_and_docs_are_off(tmp_path: Path, redis: Redis) -> None:
    with TestClient(create_app(make_settings(tmp_path, redis))) as client:
        home = client.get("/", follow_redirects=False)
        assert home.status_code == 307 and home.headers["location"] == "/console"
        assert "工作台" in client.get("/").text
        for path in ("/docs", "/redoc", "/openapi.json"):
            assert client.get(path).status_code == 404, path


def test_docs_can_be_switched_on(tmp_path: Path, redis: Redis) -> None:
    settings = make_settings(tmp_path, redis, XIEHUI_API_DOCS=True)
    with TestClient(create_app(settings)) as client:
        assert client.get("/openapi.json").status_code == 200
        assert client.get("/docs").status_code == 200
