"""``xiehui serve --workers N``: N worker processes on one port, SO_REUSEPORT, one supervisor.

Each worker is a fresh process (spawned, not forked: no threads, connections or embedded
Redis are copied) that builds its app from the environment, opens its *own* listening socket
on the port with ``SO_REUSEPORT`` and runs uvicorn on it. The kernel then spreads incoming
connections evenly over the workers' sockets. With one socket shared by all workers (what
uvicorn's and gunicorn's masters do) the worker that wakes first takes the connections: WeCom
and nginx keep connections alive, and in our test one worker took all 16 of a client's
connections while the other idled.

This process only supervises: it restarts a worker that dies (giving up if workers keep dying
right at start-up, which is a configuration error), and on SIGTERM or SIGINT asks every worker
to stop (uvicorn's graceful shutdown: requests in flight finish, the lifespan shutdown stops
the scheduler, releasing its lease, and the delivery worker) and waits for them.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import signal
import socket
import threading
import time
from multiprocessing.context import SpawnProcess
from typing import Any

logger = logging.getLogger(__name__)

#: A worker that dies sooner than this after starting counts as a failed start.
START_SECONDS = 10.0
#: Failed starts in a row after which the supervisor gives up.
MAX_FAILED_STARTS = 3
#: How long stopping workers may take before they are killed.
STOP_SECONDS = 30.0


def reuseport_socket(host: str, port: int, *, listen: bool = True) -> socket.socket:
    """A TCP socket bound to ``host:port`` with SO_REUSEPORT (listening unless told not to)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
        if listen:
            sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


def worker_main(host: str, port: int, slot: int = 0) -> None:
    """One worker (in its own process): its own socket on the port, uvicorn on it; with
    ``XIEHUI_PIN_CPU`` its threads on the ``slot``-th CPU (see bot/web/cpu.py)."""
    import uvicorn

    from bot.settings import load_settings
    from bot.web.app import app_from_environment
    from bot.web.callback_http import callback_protocol
    from bot.web.cpu import pin_to_one_cpu
    from knowledge.matcher import serve_lean

    sock = reuseport_socket(host, port)
    serve_lean()
    app = app_from_environment()
    if load_settings().pin_cpu:
        pin_to_one_cpu(slot)
    config = uvicorn.Config(app, log_level="info", access_log=False, http=callback_protocol(app))
    uvicorn.Server(config).run(sockets=[sock])


class Supervisor:
    """Starts ``workers`` worker processes and keeps them running until told to stop."""

    def __init__(self, workers: int, host: str, port: int) -> None:
        self.count = workers
        self.host = host
        self.port = port
        self.processes: list[tuple[SpawnProcess, float]] = []
        self._stop = threading.Event()
        self._context = multiprocessing.get_context("spawn")

    def _start_one(self, slot: int) -> tuple[SpawnProcess, float]:
        process = self._context.Process(
            target=worker_main, args=(self.host, self.port, slot), name="xiehui-worker"
        )
        process.start()
        logger.info("worker %s started", process.pid)
        return process, time.monotonic()

    def run(self) -> int:
        """Until SIGTERM/SIGINT; returns the exit code (0 after a clean stop)."""
        # Holding the port (bound, not listening: the kernel never routes a connection to a
        # socket that does not listen) makes a port in use fail here, before any worker.
        guard = reuseport_socket(self.host, self.port, listen=False)
        previous: dict[signal.Signals, Any] = {}
        for stop_signal in (signal.SIGTERM, signal.SIGINT):
            previous[stop_signal] = signal.signal(stop_signal, lambda *_: self._stop.set())
        failed_starts = 0
        code = 0
        try:
            self.processes = [self._start_one(slot) for slot in range(self.count)]
            logger.info(
                "%d workers serving http://%s:%d (SO_REUSEPORT)", self.count, self.host, self.port
            )
            while not self._stop.wait(0.5):
                for index, (process, started) in enumerate(self.processes):
                    if process.is_alive():
                        continue
                    quick = time.monotonic() - started < START_SECONDS
                    failed_starts = failed_starts + 1 if quick else 0
                    logger.error("worker %s exited with %s", process.pid, process.exitcode)
                    if failed_starts >= MAX_FAILED_STARTS:
                        logger.error("workers keep failing at start-up; stopping")
                        self._stop.set()
                        code = 1
                        break
                    self.processes[index] = self._start_one(
                        index
                    )  # on the CPU of the one it replaces
        finally:
            self._stop_all()
            guard.close()
            for stop_signal, handler in previous.items():
                signal.signal(stop_signal, handler)
        return code

    def _stop_all(self) -> None:
        # Ctrl-C reaches the workers too (one process group): give them a moment to stop
        # on their own before SIGTERM, so a worker is not told twice (uvicorn would then
        # skip waiting for requests in flight).
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline and any(p.is_alive() for p, _ in self.processes):
            time.sleep(0.05)
        for process, _ in self.processes:
            if process.is_alive() and process.pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    process.terminate()
        deadline = time.monotonic() + STOP_SECONDS
        for process, _ in self.processes:
            process.join(max(0.1, deadline - time.monotonic()))
            if process.is_alive():
                logger.error("worker %s did not stop in time; killed", process.pid)
                process.kill()
                process.join(5)
        logger.info("all workers stopped")
