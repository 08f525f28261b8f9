"""Real servers for the tests: a private PostgreSQL cluster and a private redis-server.

Both are started from the system's binaries (Debian: ``postgresql`` and ``redis-server``) in a
temporary folder, listen on loopback on a free port, and are stopped by the code that started
them. A machine without the binaries gets ``None`` from the finders, and the tests that need a
server skip with the reason.

PostgreSQL refuses to run as root, so when the tests run as root (as CI does) the cluster is
initialised and run as an unprivileged system user (``postgres`` when the Debian package
created it, else ``nobody``) by dropping privileges in the child process.
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text

from bot.web.faultbench import RedisProcess, free_port


def _die_with_parent(signum: int) -> None:
    """In the child before exec: get ``signum`` when the test process dies (Linux), so a
    killed test run leaves no server behind. Set after any change of user: that clears it."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signum)  # PR_SET_PDEATHSIG


def wait_for_port(
    port: int, timeout: float = 30.0, process: subprocess.Popen[bytes] | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before listening")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


# -- PostgreSQL ---------------------------------------------------------------------------


def postgres_bin_dir() -> Path | None:
    """The folder holding initdb/pg_ctl/postgres (newest Debian version first), or None."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: int(Path(p).parent.name),
        reverse=True,
    )
    for folder in candidates:
        if (Path(folder) / "initdb").is_file() and (Path(folder) / "postgres").is_file():
            return Path(folder)
    initdb = shutil.which("initdb")
    if initdb is not None:
        folder = Path(os.path.realpath(initdb)).parent
        if (folder / "postgres").is_file():
            return folder
    return None


def _unprivileged_user() -> pwd.struct_passwd | None:
    """The user to run PostgreSQL as when we are root; None when we are not root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise RuntimeError("running as root and no unprivileged user (postgres/nobody) exists")


class PostgresServer:
    """A throw-away PostgreSQL cluster: ``start()``, ``url(database)``, ``create_database``,
    ``stop()``. Durability is switched off (fsync, full pages): the data is disposable and the
    tests create many databases."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="xiehui-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "sock"
        self.port = free_port()
        self.user = "xiehui"
        self._account = _unprivileged_user()
        self._process: subprocess.Popen[bytes] | None = None

    def _run_as(self) -> dict[str, object]:
        account = self._account

        def prepare() -> None:
            if account is not None:
                os.setgid(account.pw_gid)
                os.setgroups([])
                os.setuid(account.pw_uid)
            _die_with_parent(signal.SIGINT)  # PostgreSQL's fast shutdown

        return {"preexec_fn": prepare}

    def start(self) -> PostgresServer:
        self.socket_dir.mkdir(parents=True)
        if self._account is not None:
            # the unprivileged user needs to reach and own its folders
            os.chmod(self.root, 0o755)
            for path in (self.root, self.socket_dir):
                os.chown(path, self._account.pw_uid, self._account.pw_gid)
        env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "TZ": "UTC"}
        subprocess.run(
            [
                str(self.bin_dir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                self.user,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            cwd=self.root,
            **self._run_as(),  # type: ignore[arg-type]
        )
        self._process = subprocess.Popen(
            [
                str(self.bin_dir / "postgres"),
                "-D",
                str(self.data),
                "-p",
                str(self.port),
                "-h",
                "127.0.0.1",
                "-k",
                str(self.socket_dir),
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=300",
                "-c",
                "shared_buffers=64MB",
                "-c",
                "log_min_messages=warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=self.root,
            start_new_session=True,
            **self._run_as(),  # type: ignore[arg-type]
        )
        wait_for_port(self.port, process=self._process)
        # The port answers a moment before the server accepts logins.
        deadline = time.monotonic() + 30
        while True:
            try:
                self.execute("postgres", "SELECT 1")
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        return self

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def execute(self, database: str, *statements: str) -> None:
        engine = create_engine(self.url(database), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                for statement in statements:
                    connection.execute(text(statement))
        finally:
            engine.dispose()

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create database ``name`` (a copy of ``template`` when given); returns its URL."""
        clause = f' TEMPLATE "{template}"' if template else ""
        self.execute("postgres", f'CREATE DATABASE "{name}"{clause}')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.execute("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        process = self._process
        if process is not None and process.poll() is None:
            # SIGINT: PostgreSQL's "fast" shutdown (disconnects clients, no waiting)
            process.send_signal(signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._process = None
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """A running private cluster for the ``with`` block (RuntimeError when none installed)."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed (Debian: apt-get install -y postgresql)")
    server = PostgresServer(bin_dir).start()
    try:
        yield server
    finally:
        server.stop()


# -- Redis --------------------------------------------------------------------------------


def redis_server_binary() -> str | None:
    """The system's redis-server (Debian package ``redis-server``), or None."""
    return shutil.which("redis-server")


class RedisServer(RedisProcess):
    """A private redis-server on a loopback port, no persistence, gone with the test process."""

    def __init__(self, binary: str) -> None:
        super().__init__(
            binary,
            Path(tempfile.mkdtemp(prefix="xiehui-redis-")),
            extra_args=("--maxclients", "1000"),
            preexec_fn=lambda: _die_with_parent(signal.SIGTERM),
        )

    def start(self) -> RedisServer:  # type: ignore[override]
        super().start()
        return self

    def stop(self) -> None:
        super().stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@contextlib.contextmanager
def redis_server() -> Iterator[RedisServer]:
    binary = redis_server_binary()
    if binary is None:
        raise RuntimeError(
            "redis-server is not installed (Debian: apt-get install -y redis-server)"
        )
    server = RedisServer(binary).start()
    try:
        yield server
    finally:
        server.stop()
