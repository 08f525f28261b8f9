"""Evaluation of the matcher over labelled question sets, and the rapidfuzz baseline.

Set format (YAML list)::

    - q: 生头胎国家给钱不
      expect: [t1.subsidy.amount.national]   # any one counts; or the word reject / illegal
      region: 广西                            # optional: the asker's registered region
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from knowledge.base import KnowledgeBase
from knowledge.matcher import FaqHit, Outcome
from knowledge.regions import Region, find_region

REJECT = "reject"
ILLEGAL = "illegal"
POLICY_OUTCOMES = frozenset({Outcome.CONFIDENT, Outcome.UNSURE})


@dataclass(frozen=True)
class EvalItem:
    question: str
    expect: tuple[str, ...]  # entry ids, or ("reject",) / ("illegal",)
    region: str = ""

    @property
    def kind(self) -> str:
        if self.expect in ((REJECT,), (ILLEGAL,)):
            return self.expect[0]
        return "answer"

    @property
    def asker_region(self) -> Region:
        return find_region(self.region) if self.region else Region()


def load_set(path: Path) -> list[EvalItem]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    items = []
    for raw in data:
        expect = raw.get("expect")
        ids = (expect,) if isinstance(expect, str) else tuple(str(x) for x in expect or ())
        items.append(EvalItem(str(raw["q"]), ids, str(raw.get("region") or "")))
    return items


@dataclass(frozen=True)
class Prediction:
    """What a system did with one question."""

    outcome: Outcome
    entry_id: str = ""  # the answer (confident) or the first candidate (unsure / none)


@dataclass
class Miss:
    item: EvalItem
    prediction: Prediction
    why: str


@dataclass
class EvalReport:
    name: str
    answerable: int = 0
    top1: int = 0  # best entry correct, whatever the outcome
    confident_right: int = 0
    confident_wrong: int = 0
    unsure: int = 0
    unsure_right: int = 0  # the right entry was among the numbered choices
    no_match: int = 0
    out_of_scope: int = 0  # reject + illegal items
    rejected: int = 0  # of those, how many got no policy answer
    illegal: int = 0
    illegal_flagged: int = 0
    misses: list[Miss] = field(default_factory=list)

    @staticmethod
    def _pct(part: int, whole: int) -> str:
        return f"{100 * part / whole:.1f}%" if whole else "n/a"

    def rate(self, part: int, whole: int) -> float:
        return part / whole if whole else 0.0

    def lines(self, worst: int = 15) -> list[str]:
        pct = self._pct
        out = [
            f"== {self.name} ==",
            f"answerable questions: {self.answerable}",
            f"  top-1 accuracy:          {pct(self.top1, self.answerable)} ({self.top1})",
            f"  confident and right:     {pct(self.confident_right, self.answerable)}",
            f"  confident but wrong:     {pct(self.confident_wrong, self.answerable)}",
            f"  unsure rate:             {pct(self.unsure, self.answerable)}"
            f" (right one listed in {self.unsure_right})",
            f"  no match (false reject): {pct(self.no_match, self.answerable)}",
            f"out-of-scope + illegal questions: {self.out_of_scope}",
            f"  rejection rate:          {pct(self.rejected, self.out_of_scope)} ({self.rejected})",
            f"  illegal recognised:      {pct(self.illegal_flagged, self.illegal)}"
            f" of {self.illegal}",
        ]
        if worst and self.misses:
            out.append(
                f"worst misses (first {min(worst, len(self.misses))} of {len(self.misses)}):"
            )
            for miss in self.misses[:worst]:
                region = f" [{miss.item.region}]" if miss.item.region else ""
                out.append(
                    f"  {miss.item.question}{region} -> {miss.prediction.outcome.value}"
                    f" {miss.prediction.entry_id or '-'}; expected {'/'.join(miss.item.expect)}"
                    f" ({miss.why})"
                )
        return out


def score(
    name: str, items: Sequence[EvalItem], predict: Callable[[EvalItem], Prediction]
) -> EvalReport:
    report = EvalReport(name)
    confident_misses: list[Miss] = []
    other_misses: list[Miss] = []
    for item in items:
        pred = predict(item)
        if item.kind == "answer":
            report.answerable += 1
            right = pred.entry_id in item.expect
            report.top1 += right
            if pred.outcome is Outcome.CONFIDENT:
                if right:
                    report.confident_right += 1
                else:
                    report.confident_wrong += 1
                    confident_misses.append(Miss(item, pred, "wrong answer"))
            elif pred.outcome is Outcome.UNSURE:
                report.unsure += 1
                report.unsure_right += right
                if not right:
                    other_misses.append(Miss(item, pred, "unsure, right one not first"))
            else:
                report.no_match += 1
                other_misses.append(Miss(item, pred, "not answered"))
            continue
        report.out_of_scope += 1
        if pred.outcome not in POLICY_OUTCOMES:
            report.rejected += 1
        else:
            confident_misses.append(Miss(item, pred, "policy answer to out-of-scope"))
        if item.kind == ILLEGAL:
            report.illegal += 1
            report.illegal_flagged += pred.outcome is Outcome.ILLEGAL
            if pred.outcome not in POLICY_OUTCOMES and pred.outcome is not Outcome.ILLEGAL:
                other_misses.append(Miss(item, pred, "declined, but not said to be illegal"))
    report.misses = confident_misses + other_misses
    return report


def matcher_predictor(kb: KnowledgeBase) -> Callable[[EvalItem], Prediction]:
    def predict(item: EvalItem) -> Prediction:
        hit: FaqHit = kb.matcher.match(item.question, item.asker_region)
        top = hit.top_entry
        return Prediction(hit.outcome, top.id if top else "")

    return predict


class Baseline:
    """Plain ``rapidfuzz.process.extractOne(..., scorer=fuzz.WRatio)`` over all variants."""

    def __init__(self, kb: KnowledgeBase, threshold: float = 0.0) -> None:
        self.variants: list[str] = []
        self.owners: list[str] = []
        for entry in kb.entries:
            for question in entry.questions:
                self.variants.append(question)
                self.owners.append(entry.id)
        self.threshold = threshold

    def raw(self, question: str) -> tuple[str, float]:
        found = process.extractOne(question, self.variants, scorer=fuzz.WRatio)
        if found is None:
            return "", 0.0
        _, value, index = found
        return self.owners[index], float(value)

    def predict(self, item: EvalItem) -> Prediction:
        entry_id, value = self.raw(item.question)
        if value < self.threshold:
            return Prediction(Outcome.NONE, entry_id)
        return Prediction(Outcome.CONFIDENT, entry_id)

    def tune(self, items: Sequence[EvalItem]) -> float:
        """Pick the threshold that gets the most dev questions right (answered or rejected)."""
        raws = [(item, self.raw(item.question)) for item in items]
        best_threshold, best_right = 0.0, -1
        for threshold in range(0, 101):
            right = 0
            for item, (entry_id, value) in raws:
                answered = value >= threshold
                if item.kind == "answer":
                    right += answered and entry_id in item.expect
                else:
                    right += not answered
            if right > best_right:
                best_threshold, best_right = float(threshold), right
        self.threshold = best_threshold
        return best_threshold


def latencies(kb: KnowledgeBase, items: Sequence[EvalItem], rounds: int = 3) -> list[float]:
    """Milliseconds per question (each question matched ``rounds`` times, after a warm-up)."""
    for item in items[:10]:
        kb.matcher.match(item.question, item.asker_region)
    out = []
    for _ in range(rounds):
        for item in items:
            started = time.perf_counter()
            kb.matcher.match(item.question, item.asker_region)
            out.append((time.perf_counter() - started) * 1000)
    return out


def percentile(values: Sequence[float], pct: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(pct) - 1]
