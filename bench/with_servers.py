"""``make bench-postgres``: the callback benchmark with PostgreSQL + redis-server as well.

Starts the same private servers the tests use (``tests/servers.py``: a throw-away PostgreSQL
cluster from the system's binaries and a redis-server on a loopback port), points
``REDIS_URL`` and ``DATABASE_URL`` at them and runs ``xiehui bench callback``, which then
measures the embedded defaults with 1 worker and PostgreSQL + Redis with 1 and 2 workers in
one run (``python -m bench.with_servers cost``: ``xiehui bench cost`` on them, the statements,
Redis commands and CPU per callback). The cluster runs with ``fsync=off`` like the tests' (say so next to any figure). The
empty database is brought to the current schema with ``xiehui db upgrade`` first, as an
operator would before starting workers.

A server already running elsewhere is used instead when both variables are set.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys

from tests.servers import postgres_server, redis_server


def main() -> int:
    # ``python -m bench.with_servers cost`` runs ``xiehui bench cost`` on them instead
    arguments = sys.argv[1:]
    which = arguments.pop(0) if arguments[:1] == ["cost"] else "callback"
    command = [sys.executable, "-m", "bot.cli", "bench", which, *arguments]
    if os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL"):
        return subprocess.call(command)
    with contextlib.ExitStack() as stack:
        postgres = stack.enter_context(postgres_server())
        redis = stack.enter_context(redis_server())
        env = {
            **os.environ,
            "DATABASE_URL": postgres.create_database("xiehui_bench"),
            "REDIS_URL": redis.url,
        }
        subprocess.run([sys.executable, "-m", "bot.cli", "db", "upgrade"], env=env, check=True)
        print(
            f"private PostgreSQL (fsync off) on port {postgres.port}, redis-server on {redis.url}",
            flush=True,
        )
        return subprocess.call(command, env=env)


if __name__ == "__main__":
    sys.exit(main())
