"""Evaluation of the matcher over labelled question sets, and the rapidfuzz baseline.

Two set formats. Entry-id sets (YAML list), written from the knowledge base::

    - q: 生头胎国家给钱不
      expect: [t1.subsidy.amount.national]   # any one counts; or the word reject / illegal
      region: 广西                            # optional: the asker's registered region

Required-facts sets, written blind from the policy fact sheet (see ``FactItem``)::

    - q: 柳州二胎产假多少天 育儿补贴怎么领
      region: 广西
      type: answer            # answer | out_of_scope | illegal
      style: two_part
      facts: [["188天"], ["3600"]]   # every fact, each a list of accepted spellings
      wrong: ["158天"]                # strings that would be a wrong fact for this asker
"""

from __future__ import annotations

import math
import re
import statistics
import time
import unicodedata
from collections import Counter
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


def best_latencies(
    kb: KnowledgeBase, items: Sequence[EvalItem], rounds: int = 3
) -> tuple[list[float], list[float]]:
    """Per question, the fastest of ``rounds`` matches (what the code costs, without the
    pauses another process on a busy machine causes), and the same for the plain rapidfuzz
    baseline as a reference measured in the same run."""
    baseline = Baseline(kb)
    for item in items[:10]:
        kb.matcher.match(item.question, item.asker_region)
        baseline.raw(item.question)
    ours: list[float] = []
    reference: list[float] = []
    for item in items:
        best = best_ref = math.inf
        for _ in range(rounds):
            started = time.perf_counter()
            kb.matcher.match(item.question, item.asker_region)
            middle = time.perf_counter()
            baseline.raw(item.question)
            ended = time.perf_counter()
            best = min(best, (middle - started) * 1000)
            best_ref = min(best_ref, (ended - middle) * 1000)
        ours.append(best)
        reference.append(best_ref)
    return ours, reference


def percentile(values: Sequence[float], pct: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(pct) - 1]


# -- required-facts sets -----------------------------------------------------------------------
#
# A blind set written from the fact sheet alone cannot name knowledge-base entries, so it names
# the facts a complete answer must state (each as a list of accepted spellings) and strings that
# would be a wrong fact for the asker. The answer is the text the user would see, produced by
# the same router the webhook uses (the caller supplies ``ask``).

ANSWER = "answer"
OUT_OF_SCOPE = "out_of_scope"
FACT_KINDS = (ANSWER, OUT_OF_SCOPE, ILLEGAL)
#: What the bot did with a question, as seen by the asker.
CONFIDENT = "confident"  # one direct answer (or one per part)
DECLINED = frozenset({"reject", "illegal", "none"})  # said no / out of scope / handed over


@dataclass(frozen=True)
class FactItem:
    question: str
    kind: str  # answer / out_of_scope / illegal
    region: str = ""
    style: str = ""
    facts: tuple[tuple[str, ...], ...] = ()
    wrong: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    label: str  # confident / unsure / none / reject / illegal / other (another capability)
    text: str


def is_fact_set(path: Path) -> bool:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return bool(data) and isinstance(data[0], dict) and ("type" in data[0] or "facts" in data[0])


def load_fact_set(path: Path) -> list[FactItem]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    items = []
    for raw in data:
        kind = str(raw.get("type") or ANSWER)
        if kind not in FACT_KINDS:
            raise ValueError(f"{path}: unknown type {kind!r} for {raw.get('q')!r}")
        facts = tuple(
            tuple(str(spelling) for spelling in (fact if isinstance(fact, list) else [fact]))
            for fact in raw.get("facts") or []
        )
        items.append(
            FactItem(
                question=str(raw["q"]),
                kind=kind,
                region=str(raw.get("region") or ""),
                style=str(raw.get("style") or ""),
                facts=facts,
                wrong=tuple(str(w) for w in raw.get("wrong") or []),
            )
        )
    return items


_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3})")
_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Width, case, spaces and thousands separators do not matter when looking for a fact."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return _SPACE.sub("", _THOUSANDS.sub("", folded))


def states(text: str, spellings: Sequence[str]) -> bool:
    plain = normalise_text(text)
    return any(normalise_text(s) in plain for s in spellings if s.strip())


@dataclass
class FactMiss:
    item: FactItem
    answer: Answer
    why: str


@dataclass
class FactReport:
    name: str
    answerable: int = 0
    complete: int = 0  # confident, every required fact, no wrong fact
    incomplete: int = 0  # confident, no wrong fact, a required fact missing
    wrong: int = 0  # any answer stating a wrong fact
    not_confident: Counter[str] = field(default_factory=Counter)
    out_of_scope: int = 0
    handled: int = 0
    illegal: int = 0
    illegal_named: int = 0
    by_style: dict[str, list[int]] = field(default_factory=dict)  # style -> [complete, total]
    by_region: dict[str, list[int]] = field(default_factory=dict)
    misses: list[FactMiss] = field(default_factory=list)

    def lines(self, worst: int = 15) -> list[str]:
        pct = EvalReport._pct
        out = [
            f"== {self.name} ==",
            f"answerable questions: {self.answerable}",
            f"  confident with every required fact: {pct(self.complete, self.answerable)}"
            f" ({self.complete})",
            f"  confident but missing a fact:       {pct(self.incomplete, self.answerable)}"
            f" ({self.incomplete})",
            f"  wrong fact stated:                  {pct(self.wrong, self.answerable)}"
            f" ({self.wrong})",
            "  not confident: "
            + (", ".join(f"{k} {v}" for k, v in self.not_confident.most_common()) or "0"),
            f"out-of-scope + illegal questions: {self.out_of_scope}",
            f"  out-of-scope handled:               {pct(self.handled, self.out_of_scope)}"
            f" ({self.handled})",
            f"  illegal refused as illegal:         {pct(self.illegal_named, self.illegal)}"
            f" of {self.illegal}",
        ]
        for title, table in (("style", self.by_style), ("region", self.by_region)):
            parts = [f"{k or '-'} {pct(v[0], v[1])} of {v[1]}" for k, v in sorted(table.items())]
            if parts:
                out.append(f"  complete by {title}: " + "; ".join(parts))
        if worst and self.misses:
            out.append(f"misses (first {min(worst, len(self.misses))} of {len(self.misses)}):")
            for miss in self.misses[:worst]:
                region = f" [{miss.item.region}]" if miss.item.region else ""
                shown = miss.answer.text.replace("\n", " ")[:120]
                out.append(
                    f"  {miss.item.question}{region} -> {miss.answer.label}: {miss.why} | {shown}"
                )
        return out


def score_facts(
    name: str, items: Sequence[FactItem], ask: Callable[[FactItem], Answer]
) -> FactReport:
    report = FactReport(name)
    wrong_misses: list[FactMiss] = []
    other_misses: list[FactMiss] = []
    for item in items:
        answer = ask(item)
        if item.kind != ANSWER:
            report.out_of_scope += 1
            handled = (
                answer.label in ("reject", "illegal")
                if item.kind == ILLEGAL
                else answer.label in DECLINED
            )
            report.handled += handled
            if item.kind == ILLEGAL:
                report.illegal += 1
                report.illegal_named += answer.label == "illegal"
            if not handled:
                wrong_misses.append(FactMiss(item, answer, f"{item.kind} not declined"))
            continue
        report.answerable += 1
        stated_wrong = [w for w in item.wrong if states(answer.text, [w])]
        missing = [fact[0] for fact in item.facts if not states(answer.text, fact)]
        complete = answer.label == CONFIDENT and not stated_wrong and not missing
        province = find_region(item.region).province if item.region else ""
        for table, key in ((report.by_style, item.style), (report.by_region, province)):
            row = table.setdefault(key, [0, 0])
            row[0] += complete
            row[1] += 1
        if stated_wrong:
            report.wrong += 1
            why = "wrong fact " + "/".join(stated_wrong)
            wrong_misses.append(FactMiss(item, answer, why))
        elif answer.label != CONFIDENT:
            report.not_confident[answer.label] += 1
            other_misses.append(FactMiss(item, answer, "not confident"))
        elif missing:
            report.incomplete += 1
            other_misses.append(FactMiss(item, answer, "missing " + "/".join(missing)))
        else:
            report.complete += 1
    report.misses = wrong_misses + other_misses
    return report
