"""Scores the parser against a hand-labelled set (``xiehui activities eval``).

Field accuracy is end to end: a report the detector misses counts as wrong on every field it
should have given. An item's ``reporter`` (the sender's registered region) is handed to the
parser as the webhook hands it the roster's, so 村委会 / 本村 resolve to the reporter's village.
``kind`` is scored only on items that label it (the labelling rules make it optional). Items match as in the conversation replay: quantity, approximation and unit
equal and one name containing the other ("宣传资料" matches "资料", "宣传册" does not). Items
labelled ``style`` (formal / phone) are also scored per style.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from handlers.activity.parser import (
    REPORT_THRESHOLD,
    ActivityDraft,
    looks_like_report,
    parse_activity,
)
from handlers.activity.replay import ItemValue, items_equal, parse_item
from handlers.activity.store import home_village
from handlers.core.members import REGION_LEVELS, RegionPath
from handlers.core.messages import SHANGHAI

FIELDS = ("date", "place", "participants", "items")
#: Also scored and printed, but not one of the targets.
EXTRA_FIELDS = ("kind",)


@dataclass
class EvalResult:
    reports: int = 0
    questions: int = 0
    correct: Counter[str] = field(default_factory=Counter)
    reports_missed: int = 0
    questions_claimed: int = 0
    failures: list[str] = field(default_factory=list)
    #: style -> (correct per field, total per field)
    by_style: defaultdict[str, tuple[Counter[str], Counter[str]]] = field(
        default_factory=lambda: defaultdict(lambda: (Counter(), Counter()))
    )

    #: how many items label each field (every item labels the target fields; kind is optional)
    labelled: Counter[str] = field(default_factory=Counter)

    def accuracy(self, name: str) -> float:
        total = self.labelled[name] or self.reports
        return self.correct[name] / total if total else 0.0

    @property
    def false_claim_rate(self) -> float:
        return self.questions_claimed / self.questions if self.questions else 0.0

    @property
    def miss_rate(self) -> float:
        return self.reports_missed / self.reports if self.reports else 0.0


def _sent(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def expected_date(value: Any) -> tuple[date, date] | None:
    if value is None:
        return None
    if isinstance(value, list):
        return _as_date(value[0]), _as_date(value[1])
    day = _as_date(value)
    return day, day


def expected_people(value: Any) -> tuple[int, bool] | None:
    if value is None:
        return None
    text = str(value)
    return int(text.rstrip("+")), text.endswith("+")


def expected_items(values: list[str]) -> list[ItemValue]:
    return [parse_item(str(value)) for value in values or []]


def draft_items(draft: ActivityDraft) -> list[ItemValue]:
    return [ItemValue(i.name, i.quantity, i.approximate, i.unit) for i in draft.items]


def reporter_region(path: Any) -> RegionPath:
    """'广西/北海市/合浦县/廉州镇/江口村' → a RegionPath, level by level (as the roster reads)."""
    parts = [part.strip() for part in str(path or "").split("/") if part.strip()]
    values = dict(zip(REGION_LEVELS, parts, strict=False))
    return RegionPath(**values)


def score(labelled: list[dict[str, Any]], questions: list[str]) -> EvalResult:
    result = EvalResult(reports=len(labelled), questions=len(questions))
    for case in labelled:
        sent = _sent(case["sent"])
        home = home_village(reporter_region(case.get("reporter")))
        draft = parse_activity(case["text"], sent, home)
        if draft is None:
            result.reports_missed += 1
            result.failures.append(f"missed report: {case['text']}")
            draft = ActivityDraft(text=case["text"])
        got: dict[str, Any] = {
            "date": (draft.date.start, draft.date.end) if draft.date else None,
            "place": draft.place,
            "participants": (
                (draft.participants, draft.participants_approx)
                if draft.participants is not None
                else None
            ),
            "items": draft_items(draft),
            "kind": draft.kind,
        }
        want: dict[str, Any] = {
            "date": expected_date(case.get("date")),
            "place": case.get("place"),
            "participants": expected_people(case.get("participants")),
            "items": expected_items(case.get("items") or []),
            "kind": case.get("kind"),
        }
        style = str(case.get("style") or "")
        for name in FIELDS + EXTRA_FIELDS:
            if want[name] is None and name == "kind":
                continue
            result.labelled[name] += 1
            if name == "items":
                same = items_equal(want["items"], got["items"])
            else:
                same = got[name] == want[name]
            if style:
                result.by_style[style][1][name] += 1
            if same:
                result.correct[name] += 1
                if style:
                    result.by_style[style][0][name] += 1
            else:
                result.failures.append(
                    f"{name}: want {want[name]} got {got[name]} | {case['text']}"
                )
    noon = datetime(2026, 5, 27, 12, 0, tzinfo=SHANGHAI)
    for question in questions:
        if looks_like_report(question, noon) >= REPORT_THRESHOLD:
            result.questions_claimed += 1
            result.failures.append(f"question taken as report: {question}")
    return result


def load_questions(path: Path) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    out: list[str] = []
    for entry in data:
        if isinstance(entry, str):
            out.append(entry)
        elif isinstance(entry, dict) and "q" in entry:
            out.append(str(entry["q"]))
    return out


def load_labelled(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [entry for entry in data if isinstance(entry, dict) and "text" in entry]
