"""Whether a message is about what the assistant covers, judged from how it is written.

The phrase lists of ``dict/out_of_scope.txt`` and ``dict/illegal.txt`` recognise the wordings
they were written from; a new wording of the same request (天然气费咋交, 给乡镇工作人员一点辛苦费
能不能纳入奖扶名单) slips past them and gets a confident policy answer built on the words it
shares with an entry. This module adds a decision that does not depend on exact wording: a
linear model over the character 1-3-grams of the message (after the matcher's own cleaning,
typo correction and synonym pass), with three classes: in scope, out of scope, illegal.

- It is trained offline (``python -m bench.scope_train``, scikit-learn, a development
  dependency only) on the labelled questions of the evaluation sets and on every question
  variant of the knowledge base, and its thresholds are set on cross-validated scores so that
  almost no in-scope question of those sets would be declined. The service reads only the
  weights (``dict/scope_model.txt``) and scores in plain Python: one dictionary look-up per
  n-gram, a few microseconds.
- It only declines, and never accuses: whichever class is likely (out of scope or illegal),
  the verdict is the polite "not something I cover" (``Verdict.OUT``). Only the phrase rules of
  ``dict/illegal.txt`` tell a family that a request is prohibited; a statistical model must not,
  because the worst failure of this feature is telling a family that a lawful question
  (出生证明上名字写错了能改吗, 三代试管能不能查出遗传病) is illegal.
- Its thresholds are raised until no question of a calibration set of lawful questions that
  sound close to illegal ones (``tests/data/scope_lawful_calibration.yaml``, never trained on)
  would be declined.
"""

from __future__ import annotations

import logging
import math
from array import array
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

logger = logging.getLogger(__name__)

MODEL_FILE = Path(__file__).resolve().parent / "dict" / "scope_model.txt"


class Verdict(StrEnum):
    """A class of the model; ``ScopeModel.verdict`` answers only IN or OUT."""

    IN = "in"
    OUT = "out"  # a topic the assistant does not cover: declined politely
    ILLEGAL = "illegal"  # a training label only (requests the law prohibits)


#: The classes of the model file, in the order of its weight columns.
CLASSES = (Verdict.IN, Verdict.OUT, Verdict.ILLEGAL)


@dataclass(frozen=True)
class Scores:
    """The model's probabilities for one message."""

    out: float
    illegal: float

    @property
    def declined(self) -> float:
        """How likely the message is one the assistant must not answer (either class)."""
        return self.out + self.illegal


@dataclass
class ScopeModel:
    """A tf-idf (sublinear tf, l2-normalised) character n-gram vector and a multinomial
    logistic regression over it: what scikit-learn's ``TfidfVectorizer(analyzer="char")`` and
    ``LogisticRegression`` compute, read from their exported weights."""

    low: int = 1
    high: int = 3
    bias: tuple[float, float, float] = (0.0, 0.0, 0.0)
    #: n-gram -> its offset in ``values``, where its idf and the weight of each class follow
    #: one another (four floats in one array: a tuple of float objects per n-gram took
    #: ~8 MB of every worker for 24,000 n-grams, the array under 1 MB).
    index: dict[str, int] = field(default_factory=dict)
    values: array[float] = field(default_factory=lambda: array("d"))
    #: Without a confident answer (a menu, or no answer): declined at an illegal probability
    #: at or above ``illegal_at``, or an out-of-scope + illegal probability at or above
    #: ``out_at`` (a menu only: a message with no answer is already handed over).
    illegal_at: float = 1.1
    out_at: float = 1.1
    #: A confident answer stands unless the evidence is stronger: declined at an illegal
    #: probability at or above ``confident_illegal_at`` while its confidence is below
    #: ``well_answered`` (an illegal plan shares a few words with an entry; a lawful question
    #: about 出生证 or 理赔 matches one well), or at an out-of-scope probability at or above
    #: ``confident_out_at``.
    confident_illegal_at: float = 1.1
    well_answered: float = 0.0
    confident_out_at: float = 1.1

    @property
    def empty(self) -> bool:
        return not self.index

    @classmethod
    def read(cls, path: Path = MODEL_FILE) -> ScopeModel:
        """The model in ``path``; an empty model (it declines nothing) when there is none."""
        if not path.exists():
            logger.warning("no scope model at %s: only the phrase lists decline questions", path)
            return cls()
        model = cls()
        for raw in path.read_text(encoding="utf-8").splitlines():
            if not raw or raw.startswith("#"):
                continue
            if raw.startswith("@"):
                key, *values = raw[1:].split("\t")
                if key == "ngrams":
                    model.low, model.high = int(values[0]), int(values[1])
                elif key == "bias":
                    b = [float(v) for v in values]
                    model.bias = (b[0], b[1], b[2])
                elif key in THRESHOLDS:
                    setattr(model, key, float(values[0]))
                else:
                    raise ValueError(f"{path}: unknown setting @{key}")
                continue
            gram, idf, w_in, w_out, w_illegal = raw.split("\t")
            model.index[gram] = len(model.values)
            model.values.extend((float(idf), float(w_in), float(w_out), float(w_illegal)))
        return model

    def grams(self, text: str) -> dict[str, int]:
        """How often each n-gram of ``text`` occurs, the shortest first, each length in the
        order they first occur (the order ``scores`` sums them in)."""
        return Counter(
            text[i : i + n]
            for n in range(self.low, self.high + 1)
            for i in range(len(text) - n + 1)
        )

    def scores(self, text: str) -> Scores:
        """The probabilities of ``text`` (the matcher's normalised form of a message)."""
        index, values = self.index, self.values
        norm = 0.0
        s_in, s_out, s_illegal = 0.0, 0.0, 0.0
        log = math.log
        for gram, count in self.grams(text).items():
            at = index.get(gram)
            if at is None:
                continue
            # sublinear tf: 1 + log(1) is 1.0, and 1.0 * idf is idf to the bit
            value = values[at] if count == 1 else (1.0 + log(count)) * values[at]
            norm += value * value
            s_in += value * values[at + 1]
            s_out += value * values[at + 2]
            s_illegal += value * values[at + 3]
        scale = 1.0 / math.sqrt(norm) if norm else 0.0
        logits = (
            s_in * scale + self.bias[0],
            s_out * scale + self.bias[1],
            s_illegal * scale + self.bias[2],
        )
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        total = sum(exps)
        return Scores(out=exps[1] / total, illegal=exps[2] / total)

    def verdict(self, text: str, confident: float | None = None, answered: bool = True) -> Verdict:
        """Declined (``Verdict.OUT``) or in scope (the default, and always for an empty model).

        ``confident``: the matcher's confidence when it has a confident answer; ``answered``:
        False when the matcher has no answer at all (only an illegal reading declines it then:
        an unanswered off-topic message is already handed over)."""
        if self.empty or not text:
            return Verdict.IN
        scores = self.scores(text)
        if confident is not None:
            declined = (
                confident < self.well_answered and scores.illegal >= self.confident_illegal_at
            ) or scores.out >= self.confident_out_at
        elif not answered:
            declined = scores.illegal >= self.illegal_at
        else:
            declined = scores.illegal >= self.illegal_at or scores.declined >= self.out_at
        return Verdict.OUT if declined else Verdict.IN


#: The threshold settings of a model file, in the order they are written.
THRESHOLDS = (
    "illegal_at",
    "out_at",
    "confident_illegal_at",
    "well_answered",
    "confident_out_at",
)


def write_model(
    path: Path,
    grams: dict[str, tuple[float, float, float, float]],
    bias: tuple[float, float, float],
    thresholds: dict[str, float],
    header: str,
) -> None:
    """Write a model file ``ScopeModel.read`` reads (``header``: comment lines; ``thresholds``:
    a value for each name of ``THRESHOLDS``)."""
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    lines.append("@ngrams\t1\t3")
    lines.append("@bias\t" + "\t".join(f"{b:.6f}" for b in bias))
    for name in THRESHOLDS:
        lines.append(f"@{name}\t{thresholds[name]:.6f}")
    for gram in sorted(grams):
        idf, *w = grams[gram]
        lines.append(f"{gram}\t{idf:.5f}\t" + "\t".join(f"{v:.5f}" for v in w))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
