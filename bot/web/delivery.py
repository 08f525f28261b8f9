"""The outbox delivery worker: a background thread that drains due messages."""

from __future__ import annotations

import logging
import threading

from bot.web import metrics
from handlers.core.outbox import Outbox, RateGate, Sender

logger = logging.getLogger(__name__)


class DeliveryWorker:
    """Drains the outbox every ``interval`` seconds, or at once when woken."""

    def __init__(
        self,
        outbox: Outbox,
        sender: Sender,
        *,
        gate: RateGate | None = None,
        interval: float = 1.0,
        lease_seconds: float = 60.0,
    ) -> None:
        self.outbox = outbox
        self.sender = sender
        self.gate = gate
        self.interval = interval
        self.lease_seconds = lease_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="outbox-delivery", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                stats = self.outbox.deliver_due(
                    self.sender, gate=self.gate, lease_seconds=self.lease_seconds
                )
            except Exception:
                logger.exception("outbox delivery round failed")
                stats = None
            if stats is not None:
                metrics.record_deliveries(stats.sent, stats.failed, stats.retried, stats.deferred)
            if stats is not None and stats.handled:
                continue  # more may be due right away
            self._wake.wait(self.interval)
            self._wake.clear()
