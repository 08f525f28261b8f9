"""The persistent outbox: every outbound message is a row, sent once, surviving restarts.

Producers (reply paths, reminders, broadcasts) call :meth:`Outbox.enqueue` with an idempotency
key, so enqueueing the same logical message twice stores it once. A delivery loop
(:meth:`Outbox.deliver_due`) claims due rows with a lease, sends them through a
:class:`Sender`, and records the outcome; rows whose lease expired (the sending process died)
are claimed again.

Crash semantics (what "exactly once" means here). A row moves pending -> sending (claimed with
a lease) -> sent/failed. Enqueueing is idempotent on the key, so a producer that crashes and
re-runs stores nothing twice. Sends within one process are sequential and every outcome is
committed before the next send starts, so the only at-least-once window is one row per
process: the HTTP request has left but ``mark_sent`` has not committed. If the process dies
there, the row is claimed again after its lease and sent a second time. For app messages
(message/send) reminders and broadcasts set ``duplicate_check``, so WeCom's own duplicate check
(``enable_duplicate_check``, 1800 s) swallows that repeat; robot and appchat sends have no such
check, so at most one of their messages per crashed process can arrive twice. Rows claimed in
the same batch but not yet attempted when a process dies are not at risk: they are simply sent
after the lease lapses (``lease_seconds``, 60 s by default). A live worker stops starting sends
once three quarters of its lease is gone and puts the rest back, so a slow batch does not
outlive its lease and race a second worker for the same rows.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from handlers.core.db import session_scope, utcnow
from handlers.core.messages import Target, TargetKind, split_text

logger = logging.getLogger(__name__)

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
CANCELLED = "cancelled"  # withdrawn before sending (a scheduled notice called off)

#: Errors worth retrying (system busy, frequency and concurrency limits).
RETRYABLE_ERRCODES = frozenset({-1, 45009, 45033})
#: Back-off delays in seconds for successive retries.
RETRY_DELAYS = (2.0, 10.0, 60.0, 300.0, 900.0)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


class OutboxMessage(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(index=True, unique=True, max_length=255)
    origin: str = Field(
        default="reply", index=True, max_length=128
    )  # reply / reminder:3 / broadcast:12
    target_kind: str
    target_ids: str  # '|' separated
    account: str = ""
    text: str
    duplicate_check: bool = False
    status: str = Field(default=PENDING, index=True)
    attempts: int = 0
    not_before: datetime = Field(default_factory=utcnow, index=True)
    lease_until: datetime | None = None
    last_error: str = ""
    errcode: int = 0
    result: str = ""  # JSON: invalid users etc.
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None

    @property
    def target(self) -> Target:
        ids = tuple(i for i in self.target_ids.split("|") if i)
        return Target(TargetKind(self.target_kind), ids, self.account)


@dataclass(frozen=True)
class SendResult:
    """What the platform said about one send."""

    ok: bool
    errcode: int = 0
    errmsg: str = ""
    invalid: tuple[str, ...] = ()  # recipients WeCom rejected (invaliduser etc.)
    retry_after: float | None = None  # seconds to wait before retrying, when known

    @property
    def retryable(self) -> bool:
        return not self.ok and self.errcode in RETRYABLE_ERRCODES


class Sender(Protocol):
    """Sends one text to one target. Production: WeCom; tests: a recording fake."""

    def send(self, target: Target, text: str, *, duplicate_check: bool = False) -> SendResult: ...


class RateGate(Protocol):
    """Decides whether a target may receive a message now; returns seconds to wait, or 0."""

    def wait_seconds(self, target: Target) -> float: ...

    def record(self, target: Target) -> None: ...


@dataclass
class DeliveryStats:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    deferred: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.failed + self.retried + self.deferred


class Outbox:
    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        self._clock = clock

    def now(self) -> datetime:
        value = self._clock()
        if value.tzinfo is None:
            raise ValueError("the outbox clock must return timezone-aware datetimes")
        return value

    def enqueue(
        self,
        target: Target,
        text: str,
        *,
        key: str,
        origin: str = "reply",
        not_before: datetime | None = None,
        duplicate_check: bool = False,
    ) -> list[OutboxMessage]:
        """Store a message (split at 2048 bytes into parts keyed ``key#n``); idempotent on key."""
        if not target.ids:
            raise ValueError("outbound message without recipients")
        if not_before is not None and not_before.tzinfo is None:
            raise ValueError("not_before must be timezone-aware")
        parts = split_text(text)
        rows: list[OutboxMessage] = []
        for index, part in enumerate(parts, start=1):
            part_key = key if len(parts) == 1 else f"{key}#{index}"
            # keep the parts in order: each part becomes due a moment after the last
            due = (not_before or self.now()) + timedelta(milliseconds=index - 1)
            rows.append(
                self._insert_once(_row(target, part, part_key, origin, due, duplicate_check))
            )
        return rows

    def enqueue_many(
        self,
        items: Sequence[tuple[Target, str, str]],
        *,
        origin: str,
        not_before: datetime | None = None,
        duplicate_check: bool = False,
        chunk: int = 500,
    ) -> int:
        """Store many (target, text, key) messages in a few transactions; idempotent on key.

        For broadcasts to thousands of groups: one commit per ``chunk`` rows instead of one per
        row. Texts longer than one message fall back to :meth:`enqueue` (split parts). Returns
        how many rows were newly stored.
        """
        if not_before is not None and not_before.tzinfo is None:
            raise ValueError("not_before must be timezone-aware")
        due = not_before or self.now()
        stored = 0
        for start in range(0, len(items), chunk):
            rows: list[OutboxMessage] = []
            for target, text, key in items[start : start + chunk]:
                if len(split_text(text)) > 1:
                    self.enqueue(
                        target,
                        text,
                        key=key,
                        origin=origin,
                        not_before=not_before,
                        duplicate_check=duplicate_check,
                    )
                elif target.ids:
                    rows.append(_row(target, text, key, origin, due, duplicate_check))
            with Session(self.engine, expire_on_commit=False) as session:
                keys = [row.key for row in rows]
                existing = set(
                    session.exec(
                        select(OutboxMessage.key).where(col(OutboxMessage.key).in_(keys))
                    ).all()
                )
                fresh = [row for row in rows if row.key not in existing]
                session.add_all(fresh)
                try:
                    session.commit()
                    stored += len(fresh)
                except IntegrityError:  # a concurrent producer stored some: go row by row
                    session.rollback()
                    for row in fresh:
                        if self._insert_once(row) is row:
                            stored += 1
        return stored

    def _insert_once(self, row: OutboxMessage) -> OutboxMessage:
        with Session(self.engine, expire_on_commit=False) as session:
            existing = session.exec(
                select(OutboxMessage).where(OutboxMessage.key == row.key)
            ).first()
            if existing is not None:
                return existing
            session.add(row)
            try:
                session.commit()
            except IntegrityError:  # another process inserted the same key first
                session.rollback()
                found = session.exec(
                    select(OutboxMessage).where(OutboxMessage.key == row.key)
                ).first()
                assert found is not None
                return found
            session.refresh(row)
            return row

    def get(self, message_id: int) -> OutboxMessage | None:
        with session_scope(self.engine) as session:
            return session.get(OutboxMessage, message_id)

    def by_origin(self, origin: str) -> list[OutboxMessage]:
        with session_scope(self.engine) as session:
            return list(
                session.exec(
                    select(OutboxMessage)
                    .where(OutboxMessage.origin == origin)
                    .order_by(col(OutboxMessage.id))
                )
            )

    def counts(self) -> dict[str, int]:
        with session_scope(self.engine) as session:
            rows = session.exec(select(OutboxMessage.status)).all()
        counts: dict[str, int] = {}
        for status in rows:
            counts[status] = counts.get(status, 0) + 1
        return counts

    def claim_due(self, limit: int = 50, lease_seconds: float = 60.0) -> list[OutboxMessage]:
        """Claim up to ``limit`` due rows for this process (atomic per row; safe across processes)."""
        now = self.now()
        lease = now + timedelta(seconds=lease_seconds)
        claimed: list[OutboxMessage] = []
        with Session(self.engine, expire_on_commit=False) as session:
            candidates = session.exec(
                select(OutboxMessage)
                .where(
                    or_(
                        col(OutboxMessage.status) == PENDING,
                        (col(OutboxMessage.status) == SENDING)
                        & (col(OutboxMessage.lease_until) < now),
                    ),
                    col(OutboxMessage.not_before) <= now,
                )
                .order_by(col(OutboxMessage.not_before), col(OutboxMessage.id))
                .limit(limit)
                # PostgreSQL: lock the candidates, skipping rows another worker is claiming,
                # so N workers take N different batches instead of racing for the same one
                # (SQLite has no row locks and ignores this; its writes are serialised).
                .with_for_update(skip_locked=True)
            ).all()
            # One transaction for the batch (one commit, not one per row); the per-row
            # compare-and-set on (status, lease_until) still means two processes never both
            # claim a row.
            for row in candidates:
                result = session.execute(
                    update(OutboxMessage)
                    .where(
                        col(OutboxMessage.id) == row.id,
                        col(OutboxMessage.status) == row.status,
                        or_(
                            col(OutboxMessage.lease_until).is_(None),
                            col(OutboxMessage.lease_until) == row.lease_until,
                        ),
                    )
                    .values(status=SENDING, lease_until=lease, attempts=row.attempts + 1)
                    # keep the loaded rows as they were; they are updated below, once
                    .execution_options(synchronize_session=False)
                )
                if result.rowcount == 1:  # type: ignore[attr-defined]
                    claimed.append(row)
            session.commit()
        for row in claimed:
            row.status = SENDING
            row.lease_until = lease
            row.attempts += 1
        return claimed

    def _finish(self, row: OutboxMessage, **values: object) -> None:
        with Session(self.engine) as session:
            session.execute(
                update(OutboxMessage).where(col(OutboxMessage.id) == row.id).values(**values)
            )
            session.commit()

    def mark_sent(self, row: OutboxMessage, result: SendResult) -> None:
        payload = json.dumps({"invalid": list(result.invalid)}, ensure_ascii=False)
        self._finish(row, status=SENT, sent_at=self.now(), lease_until=None, result=payload)

    def cancel_pending(self, origin: str) -> int:
        """Withdraw every not-yet-claimed row of ``origin``; returns how many were withdrawn.

        Rows already claimed by a sender (status sending) are left alone: they may be on the
        wire, and withdrawing them could not stop WeCom delivering.
        """
        with Session(self.engine) as session:
            result = session.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.origin) == origin, col(OutboxMessage.status) == PENDING)
                .values(status=CANCELLED, lease_until=None)
            )
            session.commit()
        return int(result.rowcount)  # type: ignore[attr-defined]

    def mark_failed(self, row: OutboxMessage, result: SendResult) -> None:
        self._finish(
            row,
            status=FAILED,
            lease_until=None,
            errcode=result.errcode,
            last_error=result.errmsg[:500],
        )

    def defer(self, row: OutboxMessage, seconds: float, *, count_attempt: bool = False) -> None:
        """Put a claimed row back for later (rate limit or retry)."""
        self._finish(
            row,
            status=PENDING,
            lease_until=None,
            not_before=self.now() + timedelta(seconds=seconds),
            attempts=row.attempts if count_attempt else row.attempts - 1,
        )

    def deliver_due(
        self,
        sender: Sender,
        *,
        limit: int = 50,
        gate: RateGate | None = None,
        lease_seconds: float = 60.0,
    ) -> DeliveryStats:
        """Send what is due now; returns what happened. Never raises for a send failure."""
        stats = DeliveryStats()
        # Rows the rate gate refuses are put back together at the end of the round (one
        # commit, not one per row): under a binding limit most of a batch is refused.
        refused: list[tuple[OutboxMessage, float]] = []
        claimed = self.claim_due(limit=limit, lease_seconds=lease_seconds)
        # Stop starting sends well before the batch's lease lapses: after that another worker
        # may claim the same rows, and a row both of us send would arrive twice (slow WeCom:
        # 50 rows x a 10 s timeout outlast a 60 s lease). Unstarted rows go back at once.
        stop_at = self.now() + timedelta(seconds=lease_seconds * 0.75)
        position = 0
        on_the_wire = False  # the current row's send has started: its outcome is unknown
        try:
            for position, row in enumerate(claimed):
                on_the_wire = False
                if self.now() >= stop_at:
                    refused.extend((rest, 0.0) for rest in claimed[position:])
                    stats.deferred += len(claimed) - position
                    logger.warning("lease nearly over: %d rows put back", len(claimed) - position)
                    break
                target = row.target
                if gate is not None:
                    wait = gate.wait_seconds(target)
                    if wait > 0:
                        refused.append((row, wait))
                        stats.deferred += 1
                        continue
                on_the_wire = True
                try:
                    result = sender.send(target, row.text, duplicate_check=row.duplicate_check)
                except Exception as exc:  # network errors: treat like "system busy"
                    logger.warning("send to %s raised %s", target.describe(), type(exc).__name__)
                    result = SendResult(
                        ok=False, errcode=-1, errmsg=f"{type(exc).__name__}: {exc}"
                    )
                if gate is not None:
                    gate.record(target)
                if result.ok:
                    self.mark_sent(row, result)
                    stats.sent += 1
                elif result.retryable and row.attempts < MAX_ATTEMPTS:
                    delay = (
                        result.retry_after
                        or RETRY_DELAYS[min(row.attempts, len(RETRY_DELAYS)) - 1]
                    )
                    self.defer(row, delay, count_attempt=True)
                    self._finish(row, errcode=result.errcode, last_error=result.errmsg[:500])
                    stats.retried += 1
                else:
                    self.mark_failed(row, result)
                    stats.failed += 1
                    stats.errors.append(f"{row.key}: {result.errcode} {result.errmsg}")
                    logger.warning(
                        "outbox %s to %s failed: %s %s",
                        row.id,
                        target.describe(),
                        result.errcode,
                        result.errmsg,
                    )
        except BaseException:
            # A failed round (the database or the rate gate raised) must not leave the rest
            # of the batch in "sending" for the whole lease: rows not yet on the wire go back
            # now. A row whose send had started stays under its lease (it may have arrived).
            rest = claimed[position + 1 :] if on_the_wire else claimed[position:]
            done = {id(row) for row, _wait in refused}
            back = [(row, wait) for row, wait in refused] + [
                (row, 0.0) for row in rest if id(row) not in done
            ]
            if back:
                try:
                    self._put_back(back)
                    logger.warning("delivery round failed: %d claimed rows released", len(back))
                except Exception:
                    logger.exception("could not release rows after a failed delivery round")
            raise
        if refused:
            self._put_back(refused)
        return stats

    def _put_back(self, rows: list[tuple[OutboxMessage, float]]) -> None:
        """Return claimed rows to pending, each due after its wait, in one transaction.

        Only rows still under this worker's lease: a row another worker has re-claimed is
        left alone.
        """
        now = self.now()
        with Session(self.engine) as session:
            for row, wait in rows:
                session.execute(
                    update(OutboxMessage)
                    .where(
                        col(OutboxMessage.id) == row.id,
                        col(OutboxMessage.status) == SENDING,
                        col(OutboxMessage.lease_until) == row.lease_until,
                    )
                    .values(
                        status=PENDING,
                        lease_until=None,
                        not_before=now + timedelta(seconds=wait),
                        attempts=row.attempts - 1,
                    )
                    .execution_options(synchronize_session=False)
                )
            session.commit()

    def drain(self, sender: Sender, *, gate: RateGate | None = None, timeout: float = 30.0) -> int:
        """Deliver until nothing is due or ``timeout`` passes; returns how many were sent."""
        deadline = time.monotonic() + timeout
        sent = 0
        while time.monotonic() < deadline:
            stats = self.deliver_due(sender, gate=gate)
            sent += stats.sent
            if stats.handled == 0:
                break
        return sent


def _row(
    target: Target, text: str, key: str, origin: str, due: datetime, duplicate_check: bool
) -> OutboxMessage:
    return OutboxMessage(
        key=key,
        origin=origin,
        target_kind=target.kind.value,
        target_ids="|".join(target.ids),
        account=target.account,
        text=text,
        duplicate_check=duplicate_check,
        not_before=due,
    )
