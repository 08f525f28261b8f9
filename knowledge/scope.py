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
- It only declines: an out-of-scope score over its threshold turns a policy answer or a menu
  into a polite "not something I cover"; an illegal score over its threshold turns any answer
  into the statement that the request is prohibited. It never chooses or changes an answer.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

logger = logging.getLogger(__name__)

MODEL_FILE = Path(__file__).resolve().parent / "dict" / "scope_model.txt"


#: A confident answer this well matched is never called illegal by the model; below it, the
#: answer accounts for the message too poorly to stand against an illegal reading. Set on the
#: leave-one-set-out probabilities of the evaluation sets: no in-scope question answered with
#: confidence at or above it was read as illegal, and no illegal one reached it.
WELL_ANSWERED = 0.6
#: ... and then only at this illegal probability (a lawful question about correcting a
#: certificate, 出生医学证明上的名字写错了怎么改, reads 0.5-0.65; the illegal plans the matcher
#: answered with a poor match in the evaluation sets read 0.8 and more).
SURELY_ILLEGAL = 0.75
#: The out-of-scope probability that overrides a confident answer (a menu or no answer is
#: declined at the model's own, lower threshold).
SURELY_OUT = 0.85


class Verdict(StrEnum):
    IN = "in"
    OUT = "out"  # a topic the assistant does not cover
    ILLEGAL = "illegal"  # a request for something prohibited by law


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
    #: n-gram -> (idf, weight of each class)
    weights: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)
    #: an illegal probability at or above this: illegal
    illegal_at: float = 1.1
    #: an out-of-scope + illegal probability at or above this: declined
    out_at: float = 1.1

    @property
    def empty(self) -> bool:
        return not self.weights

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
                elif key == "illegal_at":
                    model.illegal_at = float(values[0])
                elif key == "out_at":
                    model.out_at = float(values[0])
                else:
                    raise ValueError(f"{path}: unknown setting @{key}")
                continue
            gram, idf, w_in, w_out, w_illegal = raw.split("\t")
            model.weights[gram] = (float(idf), float(w_in), float(w_out), float(w_illegal))
        return model

    def grams(self, text: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for n in range(self.low, self.high + 1):
            for i in range(len(text) - n + 1):
                gram = text[i : i + n]
                counts[gram] = counts.get(gram, 0) + 1
        return counts

    def scores(self, text: str) -> Scores:
        """The probabilities of ``text`` (the matcher's normalised form of a message)."""
        weights = self.weights
        norm = 0.0
        s_in, s_out, s_illegal = 0.0, 0.0, 0.0
        for gram, count in self.grams(text).items():
            known = weights.get(gram)
            if known is None:
                continue
            idf, w_in, w_out, w_illegal = known
            value = (1.0 + math.log(count)) * idf
            norm += value * value
            s_in += value * w_in
            s_out += value * w_out
            s_illegal += value * w_illegal
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

    def verdict(self, text: str, confident: float | None = None) -> Verdict:
        """Illegal, out of scope, or in scope (the default, and always for an empty model).

        ``confident``: the matcher's confidence when it has a confident answer. An answer the
        matcher is sure of is overridden only on stronger evidence: an illegal reading only
        at ``SURELY_ILLEGAL`` and while the answer accounts for the message poorly (below
        ``WELL_ANSWERED``: an illegal plan shares a few words with an entry, a lawful question
        about 出生证 or 理赔 matches one well), an out-of-scope reading only when the out-of-scope class alone reaches
        ``SURELY_OUT``."""
        if self.empty or not text:
            return Verdict.IN
        scores = self.scores(text)
        if confident is None:
            illegal = scores.illegal >= max(self.illegal_at, SURELY_ILLEGAL)
        else:
            illegal = confident < WELL_ANSWERED and scores.illegal >= SURELY_ILLEGAL
        if illegal:
            return Verdict.ILLEGAL
        if confident is None:
            return Verdict.OUT if scores.declined >= self.out_at else Verdict.IN
        return Verdict.OUT if scores.out >= SURELY_OUT else Verdict.IN


def write_model(
    path: Path,
    grams: dict[str, tuple[float, float, float, float]],
    bias: tuple[float, float, float],
    illegal_at: float,
    out_at: float,
    header: str,
) -> None:
    """Write a model file ``ScopeModel.read`` reads (``header``: comment lines)."""
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    lines.append("@ngrams\t1\t3")
    lines.append("@bias\t" + "\t".join(f"{b:.6f}" for b in bias))
    lines.append(f"@illegal_at\t{illegal_at:.6f}")
    lines.append(f"@out_at\t{out_at:.6f}")
    for gram in sorted(grams):
        idf, *w = grams[gram]
        lines.append(f"{gram}\t{idf:.5f}\t" + "\t".join(f"{v:.5f}" for v in w))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
