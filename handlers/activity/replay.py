"""Replays labelled multi-turn conversations through the real router and scores the records.

``xiehui activities eval --conversations FILE`` feeds each conversation's messages, at their
send times, through the same router the webhook uses, on a clean database, then compares the
live (saved, not undone) activity records with the ones the file says must exist. It counts:

- conversations ending with exactly the right records;
- records with a wrong field (a saved record matched to an expected one, some field differs),
  and among them records with a field *taken from another message* (the wrong value is the
  value of another expected record in the conversation, or text of a message labelled for
  another record or for none, and not text of the record's own messages);
- records lost (expected, never saved) and records that should not exist (saved, not expected).

Records are compared on the fields the file labels: date, place, participants, items, and kind
when given. Items match when quantity, approximation and unit are equal and one name contains
the other. The scorer is transport-free: the caller supplies a factory that builds clean
``Services`` for one conversation.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import col, select

from handlers.activity.models import ActivityItem, ActivityRecord
from handlers.activity.store import normalise_place
from handlers.core.db import session_scope
from handlers.core.members import REGION_LEVELS, Member, MemberGroup
from handlers.core.messages import SHANGHAI, IncomingMessage, parse_role
from handlers.core.router import Router
from handlers.core.services import Services

_ITEM_LABEL = re.compile(r"^(?P<name>.+?)\s+(?P<qty>\d+)(?P<approx>\+?)\s*(?P<unit>\S+)$")
CATEGORIES = ("correction", "interruption", "catchup", "undo", "plain")

ServicesFactory = Callable[[datetime], AbstractContextManager[Services]]


@dataclass(frozen=True)
class ItemValue:
    name: str
    quantity: int
    approximate: bool
    unit: str

    def matches(self, other: ItemValue) -> bool:
        if (self.quantity, self.approximate, self.unit) != (
            other.quantity,
            other.approximate,
            other.unit,
        ):
            return False
        a, b = _plain(self.name), _plain(other.name)
        return bool(a and b) and (a in b or b in a)

    def text(self) -> str:
        return f"{self.name} {self.quantity}{'+' if self.approximate else ''} {self.unit}"


@dataclass
class RecordValue:
    """The comparable fields of one record (expected or saved)."""

    date: tuple[date, date] | None
    place: str | None
    participants: tuple[int, bool] | None
    items: list[ItemValue]
    kind: str | None = None

    def field_texts(self, name: str) -> list[str]:
        """Text forms of a field value, for finding where a wrong value came from."""
        if name == "place":
            return [self.place] if self.place else []
        if name == "participants":
            return [str(self.participants[0])] if self.participants else []
        if name == "items":
            return [text for item in self.items for text in (item.name, str(item.quantity))]
        return []


@dataclass
class RecordDiff:
    conversation: str
    wrong: dict[str, tuple[Any, Any]]  # field -> (want, got)
    foreign: list[str]  # fields whose wrong value came from another message


@dataclass
class ConversationOutcome:
    id: str
    category: str
    expected: int
    saved: int
    exact: bool
    diffs: list[RecordDiff] = field(default_factory=list)
    lost: list[RecordValue] = field(default_factory=list)
    extra: list[RecordValue] = field(default_factory=list)
    transcript: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ReplayResult:
    outcomes: list[ConversationOutcome] = field(default_factory=list)

    @property
    def conversations(self) -> int:
        return len(self.outcomes)

    @property
    def exact(self) -> int:
        return sum(1 for outcome in self.outcomes if outcome.exact)

    @property
    def expected_records(self) -> int:
        return sum(outcome.expected for outcome in self.outcomes)

    @property
    def wrong_records(self) -> int:
        return sum(len(outcome.diffs) for outcome in self.outcomes)

    @property
    def foreign_records(self) -> int:
        return sum(1 for o in self.outcomes for diff in o.diffs if diff.foreign)

    @property
    def lost_records(self) -> int:
        return sum(len(outcome.lost) for outcome in self.outcomes)

    @property
    def extra_records(self) -> int:
        return sum(len(outcome.extra) for outcome in self.outcomes)

    def by_category(self) -> dict[str, tuple[int, int]]:
        """category -> (exact, total)."""
        totals: Counter[str] = Counter()
        exact: Counter[str] = Counter()
        for outcome in self.outcomes:
            totals[outcome.category] += 1
            exact[outcome.category] += outcome.exact
        return {name: (exact[name], totals[name]) for name in totals}

    def wrong_fields(self) -> Counter[str]:
        return Counter(name for o in self.outcomes for diff in o.diffs for name in diff.wrong)


# -- reading the file --------------------------------------------------------------------------


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _sent(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def parse_item(label: str) -> ItemValue:
    match = _ITEM_LABEL.match(label.strip())
    if match is None:
        raise ValueError(f"bad item label {label!r} (want 'name quantity[+] unit')")
    return ItemValue(
        match.group("name").strip(),
        int(match.group("qty")),
        bool(match.group("approx")),
        match.group("unit"),
    )


def expected_record(data: dict[str, Any]) -> RecordValue:
    raw_date = data.get("date")
    when: tuple[date, date] | None = None
    if isinstance(raw_date, list):
        when = (_as_date(raw_date[0]), _as_date(raw_date[1]))
    elif raw_date is not None:
        when = (_as_date(raw_date), _as_date(raw_date))
    people = data.get("participants")
    participants = None
    if people is not None:
        text = str(people)
        participants = (int(text.rstrip("+")), text.endswith("+"))
    place = data.get("place")
    return RecordValue(
        date=when,
        place=normalise_place(str(place)) if place else None,
        participants=participants,
        items=[parse_item(str(label)) for label in data.get("items") or []],
        kind=data.get("kind"),
    )


def load_conversations(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not isinstance(data.get("conversations"), list):
        raise ValueError(f"{path}: expected a mapping with a 'conversations' list")
    return data


def roster_member(entry: dict[str, Any]) -> Member:
    member = Member(
        user_id=str(entry["user"]),
        name=str(entry.get("name") or ""),
        role=parse_role(str(entry.get("role") or "群众")).value,
        group_code=str(entry.get("group") or ""),
    )
    _set_region(member, entry.get("region"))
    return member


def _set_region(target: Member | MemberGroup, path: Any) -> None:
    parts = [part.strip() for part in str(path or "").split("/") if part.strip()]
    for level, part in zip(REGION_LEVELS, parts, strict=False):
        setattr(target, level, part)


class _Clock:
    """A settable clock: each replayed message happens at its labelled send time."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = moment


# -- replaying ---------------------------------------------------------------------------------


def saved_records(services: Services, user_id: str) -> list[RecordValue]:
    with session_scope(services.engine) as session:
        records = list(
            session.exec(
                select(ActivityRecord)
                .where(
                    ActivityRecord.reporter_id == user_id,
                    col(ActivityRecord.revoked_at).is_(None),
                )
                .order_by(col(ActivityRecord.id))
            )
        )
        ids = [record.id for record in records]
        items = list(
            session.exec(select(ActivityItem).where(col(ActivityItem.record_id).in_(ids)))
        )
    by_record: dict[int, list[ItemValue]] = {}
    for item in items:
        by_record.setdefault(item.record_id, []).append(
            ItemValue(item.name, item.quantity, item.approximate, item.unit)
        )
    return [
        RecordValue(
            date=(record.date_start, record.date_end),
            place=normalise_place(record.place) if record.place else None,
            participants=(
                (record.participants, record.participants_approx)
                if record.participants is not None
                else None
            ),
            items=by_record.get(record.id or 0, []),
            kind=record.kind,
        )
        for record in records
    ]


def items_equal(want: list[ItemValue], got: list[ItemValue]) -> bool:
    if len(want) != len(got):
        return False
    remaining = list(got)
    for item in want:
        for index, candidate in enumerate(remaining):
            if item.matches(candidate):
                del remaining[index]
                break
        else:
            return False
    return True


def compare(want: RecordValue, got: RecordValue) -> dict[str, tuple[Any, Any]]:
    """Fields that differ (only fields the expected record labels; kind when given)."""
    wrong: dict[str, tuple[Any, Any]] = {}
    if want.date != got.date:
        wrong["date"] = (want.date, got.date)
    if want.place != got.place:
        wrong["place"] = (want.place, got.place)
    if want.participants != got.participants:
        wrong["participants"] = (want.participants, got.participants)
    if not items_equal(want.items, got.items):
        wrong["items"] = ([i.text() for i in want.items], [i.text() for i in got.items])
    if want.kind is not None and want.kind != got.kind:
        wrong["kind"] = (want.kind, got.kind)
    return wrong


def _pair(
    expected: list[RecordValue], saved: list[RecordValue]
) -> Iterator[tuple[int | None, int | None]]:
    """Pair expected and saved records, fewest differing fields first (greedy)."""
    candidates = sorted(
        (len(compare(want, got)), i, j)
        for i, want in enumerate(expected)
        for j, got in enumerate(saved)
    )
    used_want: set[int] = set()
    used_got: set[int] = set()
    for cost, i, j in candidates:
        if i in used_want or j in used_got or cost >= 4:
            continue
        used_want.add(i)
        used_got.add(j)
        yield i, j
    for i in range(len(expected)):
        if i not in used_want:
            yield i, None
    for j in range(len(saved)):
        if j not in used_got:
            yield None, j


def _foreign_fields(
    index: int,
    wrong: dict[str, tuple[Any, Any]],
    got: RecordValue,
    expected: list[RecordValue],
    messages: Sequence[dict[str, Any]],
) -> list[str]:
    """Wrong fields whose value came from another message or another expected record."""
    own = "".join(str(m.get("text", "")) for m in messages if index + 1 in _feeds(m))
    others = [str(m.get("text", "")) for m in messages if index + 1 not in _feeds(m)]
    foreign = []
    for name in wrong:
        other_values = [getattr(record, name) for k, record in enumerate(expected) if k != index]
        value = getattr(got, name)
        if name != "items" and value is not None and value in other_values:
            foreign.append(name)
            continue
        texts = [text for text in got.field_texts(name) if len(text) >= 2 or text.isdigit()]
        if any(text not in own and any(text in other for other in others) for text in texts):
            foreign.append(name)
    return foreign


def _feeds(message: dict[str, Any]) -> set[int]:
    """The expected records a message feeds: ``record: 2`` or ``record: [1, 2]`` (都对)."""
    value = message.get("record")
    if value is None:
        return set()
    values = value if isinstance(value, list) else [value]
    return {int(v) for v in values}


def replay_conversation(
    router: Router,
    services: Services,
    conversation: dict[str, Any],
    set_clock: Callable[[datetime], None],
) -> ConversationOutcome:
    user = str(conversation["user"])
    messages = list(conversation.get("messages") or [])
    transcript: list[tuple[str, str]] = []
    for number, message in enumerate(messages):
        sent = _sent(message["at"])
        set_clock(sent)
        incoming = IncomingMessage(
            user_id=user,
            text=str(message.get("text", "")),
            sent_at=sent,
            msg_id=f"{conversation.get('id', 'c')}-{number}",
        )
        dispatch = router.dispatch(incoming, services)
        transcript.append((incoming.text, "\n".join(reply.text for reply in dispatch.replies)))
    expected = [expected_record(record) for record in conversation.get("records") or []]
    saved = saved_records(services, user)
    outcome = ConversationOutcome(
        id=str(conversation.get("id", "?")),
        category=str(conversation.get("category", "plain")),
        expected=len(expected),
        saved=len(saved),
        exact=False,
        transcript=transcript,
    )
    for i, j in _pair(expected, saved):
        if i is None and j is not None:
            outcome.extra.append(saved[j])
        elif j is None and i is not None:
            outcome.lost.append(expected[i])
        elif i is not None and j is not None:
            wrong = compare(expected[i], saved[j])
            if wrong:
                foreign = _foreign_fields(i, wrong, saved[j], expected, messages)
                outcome.diffs.append(RecordDiff(outcome.id, wrong, foreign))
    outcome.exact = not (outcome.diffs or outcome.lost or outcome.extra)
    return outcome


def replay_file(
    path: Path,
    router: Router,
    make_services: ServicesFactory,
    *,
    only: str = "",
) -> ReplayResult:
    """Replay every conversation of ``path``, each on clean services from ``make_services``."""
    data = load_conversations(path)
    roster = list(data.get("roster") or [])
    groups = data.get("groups") or []
    result = ReplayResult()
    for conversation in data["conversations"]:
        if only and str(conversation.get("id")) != only:
            continue
        first = _sent(conversation["messages"][0]["at"]) if conversation.get("messages") else None
        with make_services(first or datetime.now(SHANGHAI)) as services:
            for entry in roster:
                services.members.upsert(roster_member(entry))
            for entry in groups:
                group = MemberGroup(
                    code=str(entry["code"]), name=str(entry.get("name") or entry["code"])
                )
                _set_region(group, entry.get("region"))
                services.members.save_group(group)
            clock = _Clock(first or datetime.now(SHANGHAI))
            services.clock = clock
            result.outcomes.append(replay_conversation(router, services, conversation, clock.set))
    return result


def report_lines(result: ReplayResult, *, verbose: bool = False) -> list[str]:
    """The figures as printed by the eval command (English, for developers)."""
    n = result.conversations
    lines = [
        f"conversations: {n}; exactly right: {result.exact} ({_pct(result.exact, n)})",
        f"expected records: {result.expected_records}",
        f"records with a wrong field: {result.wrong_records}"
        f" (a field taken from another message: {result.foreign_records})",
        f"records lost: {result.lost_records}",
        f"records that should not exist: {result.extra_records}",
    ]
    for name in CATEGORIES:
        exact, total = result.by_category().get(name, (0, 0))
        if total:
            lines.append(f"  {name:<12} {exact}/{total} exactly right ({_pct(exact, total)})")
    fields = result.wrong_fields()
    if fields:
        lines.append(
            "wrong fields: " + ", ".join(f"{name} {count}" for name, count in fields.most_common())
        )
    if verbose:
        for outcome in result.outcomes:
            if outcome.exact:
                continue
            lines.append(f"--- {outcome.id} ({outcome.category})")
            for said, answered in outcome.transcript:
                lines.append(f"  > {said}")
                for line in answered.splitlines():
                    lines.append(f"    {line}")
            for diff in outcome.diffs:
                for name, (want, got) in diff.wrong.items():
                    mark = " [from another message]" if name in diff.foreign else ""
                    lines.append(f"  wrong {name}: want {want} got {got}{mark}")
            for record in outcome.lost:
                lines.append(f"  lost: {record}")
            for record in outcome.extra:
                lines.append(f"  should not exist: {record}")
    return lines


def _pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "n/a"
