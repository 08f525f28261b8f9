"""Train the scope model (``knowledge.scope``) and write ``dict/scope_model.txt``.

Development only: it needs scikit-learn (the ``dev`` extra) and a source checkout, whose
``tests/data/faq_*.yaml`` hold the labelled questions. Run it after the knowledge base or the
evaluation sets change::

    python -m bench.scope_train                      # all sets
    python -m bench.scope_train --exclude faq_blind7 --out /tmp/model.txt

scikit-learn because it is the standard, well-tested implementation of both halves (the
character n-gram tf-idf and a multinomial logistic regression with class weights) and of the
cross-validation that sets the thresholds; the service itself does not import it, it reads the
exported weights.

Training data: every labelled question of the evaluation sets (answer -> in scope,
out_of_scope / reject -> out, illegal -> illegal), every question variant of the knowledge
base (in scope) and the lawful questions in the words of illegal requests of
``tests/data/scope_lawful_train.yaml`` (in scope).

Thresholds (``knowledge.scope.THRESHOLDS``), in two steps:

1. Out-of-fold probabilities (5 folds) of the sets' in-scope questions, each read with the
   matcher's own outcome for it (the matcher without the model): each threshold is the lowest
   that declines at most ``--false-decline`` of the in-scope questions (the menu and
   no-answer thresholds) or ``--confident-false-decline`` (default none at all) of those the
   matcher answers confidently (the thresholds that override a confident answer, which is right
   far more often than a menu).
2. The calibration set ``tests/data/scope_lawful_calibration.yaml``: lawful questions that
   sound close to illegal ones, never trained on. Each threshold that would decline one of them
   (with the final model) is raised just above it.

Leave-one-set-out (``--exclude SET``) keeps a set out of both the training data and step 1, so
its figures are those of a set the thresholds never saw.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from knowledge.base import KnowledgeBase
from knowledge.matcher import POLICY, Matcher, Outcome
from knowledge.regions import Region
from knowledge.scope import CLASSES, MODEL_FILE, ScopeModel, Verdict, write_model

REPO = Path(__file__).resolve().parents[1]
SETS = REPO / "tests" / "data"
KB_DIR = REPO / "knowledge" / "data"
#: Sets that are not questions people wrote (a fixture of the tests).
SKIP = frozenset({"faq_fixture_eval"})
#: Lawful questions that sound close to illegal ones: thresholds are set so none is declined.
CALIBRATION = SETS / "scope_lawful_calibration.yaml"
#: Lawful questions in the words of illegal requests, trained on as in scope.
CONTRAST = SETS / "scope_lawful_train.yaml"
#: A confident answer at or above this confidence is never declined as illegal-sounding.
WELL_ANSWERED = 0.6
#: How far above a calibration question's probability a raised threshold goes.
MARGIN = 0.02


def calibration_questions(path: Path = CALIBRATION) -> list[str]:
    return [str(raw["q"]) for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or []]


def labelled(path: Path) -> list[tuple[str, Verdict]]:
    """(question, class) of one evaluation set, of either format."""
    out: list[tuple[str, Verdict]] = []
    for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
        question = str(raw["q"])
        if "type" in raw or "facts" in raw:
            kind = str(raw.get("type") or "answer")
            verdict = {"out_of_scope": Verdict.OUT, "illegal": Verdict.ILLEGAL}.get(
                kind, Verdict.IN
            )
        else:
            expect = raw.get("expect")
            ids = [expect] if isinstance(expect, str) else list(expect or [])
            verdict = (
                Verdict.OUT
                if ids == ["reject"]
                else Verdict.ILLEGAL
                if ids == ["illegal"]
                else Verdict.IN
            )
        out.append((question, verdict))
    return out


def _pipeline(c: float) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(
            analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2, lowercase=False
        ),
        LogisticRegression(C=c, max_iter=3000, class_weight="balanced"),
    )


def _threshold(values: list[float], share: float) -> float:
    """The lowest threshold that ``share`` of ``values`` at most reach."""
    ranked = sorted(values, reverse=True)
    return ranked[min(int(len(ranked) * share), len(ranked) - 1)] + 1e-6


def train(
    exclude: frozenset[str],
    out: Path,
    c: float = 4.0,
    false_decline: float = 0.003,
    confident_false_decline: float = 0.0,
) -> str:
    """Train on every set but ``exclude``, write the model to ``out``; a summary line."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    kb = KnowledgeBase.from_directory(KB_DIR)
    matcher = kb.matcher
    texts: list[str] = []
    questions: list[str] = []
    labels: list[int] = []
    from_sets = 0
    used: list[str] = []
    for path in sorted(SETS.glob("faq_*.yaml")):
        if path.stem in SKIP or path.stem in exclude:
            continue
        used.append(path.stem)
        for question, verdict in labelled(path):
            texts.append(matcher.scope_text(question))
            questions.append(question)
            labels.append(CLASSES.index(verdict))
    from_sets = len(texts)
    for question in calibration_questions(CONTRAST):
        texts.append(matcher.scope_text(question))
        labels.append(CLASSES.index(Verdict.IN))
    for entry in kb.entries:
        for question in entry.questions:
            texts.append(matcher.scope_text(question))
            labels.append(CLASSES.index(Verdict.IN))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    probabilities = cross_val_predict(
        _pipeline(c), texts, labels, cv=folds, method="predict_proba"
    )
    # step 1: out of fold, each in-scope set question with the matcher's outcome for it
    plain = _without_model(matcher)
    inside = [i for i in range(from_sets) if labels[i] == 0]
    confident = {i: _confidence(plain, questions[i]) for i in inside}
    answered = [i for i in inside if confident[i] is not None]
    poorly = [i for i in answered if (confident[i] or 0.0) < WELL_ANSWERED]
    illegal_at = _threshold([float(probabilities[i][2]) for i in inside], false_decline)
    out_at = _threshold(
        [float(probabilities[i][1] + probabilities[i][2]) for i in inside], false_decline
    )
    thresholds = {
        "illegal_at": illegal_at,
        "out_at": out_at,
        "confident_illegal_at": max(
            illegal_at,
            _threshold([float(probabilities[i][2]) for i in poorly], confident_false_decline),
        ),
        "well_answered": WELL_ANSWERED,
        "confident_out_at": max(
            out_at,
            _threshold([float(probabilities[i][1]) for i in answered], confident_false_decline),
        ),
    }
    pipeline = _pipeline(c).fit(texts, labels)
    vectorizer, regression = pipeline.steps[0][1], pipeline.steps[1][1]
    idf = vectorizer.idf_
    coef = regression.coef_
    grams = {
        gram: (float(idf[j]), float(coef[0][j]), float(coef[1][j]), float(coef[2][j]))
        for gram, j in vectorizer.vocabulary_.items()
    }
    bias = tuple(float(b) for b in regression.intercept_)
    write_model(out, grams, (bias[0], bias[1], bias[2]), thresholds, "")
    # step 2: no lawful calibration question is declined by the final model
    raised = _calibrate(ScopeModel.read(out), plain, calibration_questions(), thresholds)
    counts = Counter(CLASSES[label].value for label in labels)
    header = (
        "Scope model (knowledge/scope.py): character 1-3-gram tf-idf + multinomial logistic\n"
        "regression. Generated by `python -m bench.scope_train`; do not edit by hand.\n"
        f"Trained on {from_sets} labelled questions of {len(used)} evaluation sets and "
        f"{len(texts) - from_sets} knowledge-base variants and lawful questions of {CONTRAST.name}\n"
        f"({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}); C={c}; thresholds "
        f"decline at most {false_decline:.1%} of the sets' in-scope questions out of fold\n"
        f"({confident_false_decline:.1%} of the confidently answered ones), "
        f"then raised so that no question of {CALIBRATION.name} is declined "
        f"({raised} raised).\n"
        f"Sets: {' '.join(used)}"
    )
    write_model(out, grams, (bias[0], bias[1], bias[2]), thresholds, header)
    # The plain-Python scorer must give what scikit-learn gives.
    model = ScopeModel.read(out)
    expected = pipeline.predict_proba(texts[:200])
    for text, row in zip(texts[:200], expected, strict=True):
        got = model.scores(text)
        if abs(got.out - row[1]) > 1e-3 or abs(got.illegal - row[2]) > 1e-3:
            raise RuntimeError(f"exported model disagrees with scikit-learn on {text!r}")
    settings = ", ".join(f"{k} {v:.3f}" for k, v in thresholds.items())
    return (
        f"{out}: {len(grams)} n-grams, {settings}; {raised} raised by the calibration set; "
        f"{from_sets} set questions + {len(texts) - from_sets} variants"
    )


def _without_model(matcher: Matcher) -> Matcher:
    """``matcher`` with an empty scope model: the outcomes the model is asked to judge."""
    matcher.segmenter.scope = ScopeModel()
    return matcher


def _confidence(matcher: Matcher, question: str) -> float | None:
    """The matcher's confidence when it answers ``question`` confidently, else None."""
    hit = matcher.match(question, Region())
    return hit.confidence if hit.outcome is Outcome.CONFIDENT else None


def _calibrate(
    model: ScopeModel, matcher: Matcher, questions: list[str], thresholds: dict[str, float]
) -> int:
    """Raise ``thresholds`` until ``model`` declines none of ``questions``; how many were
    raised."""
    raised = 0
    for question in questions:
        hit = matcher.match(question, Region())
        if hit.outcome not in POLICY:
            continue  # the phrase lists decide it, not the model
        scores = model.scores(matcher.scope_text(question))
        if hit.outcome is Outcome.CONFIDENT:
            pairs = [("confident_out_at", scores.out)]
            if hit.confidence < thresholds["well_answered"]:
                pairs.append(("confident_illegal_at", scores.illegal))
        elif hit.outcome is Outcome.NONE:
            pairs = [("illegal_at", scores.illegal)]
        else:
            pairs = [("illegal_at", scores.illegal), ("out_at", scores.declined)]
        for name, value in pairs:
            if value >= thresholds[name]:
                thresholds[name] = min(value + MARGIN, 1.0)
                raised += 1
    return raised


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--exclude", action="append", default=[], help="a set name to leave out")
    parser.add_argument("--out", default=str(MODEL_FILE))
    parser.add_argument("--c", type=float, default=4.0, help="inverse regularisation strength")
    parser.add_argument("--false-decline", type=float, default=0.003)
    parser.add_argument("--confident-false-decline", type=float, default=0.0)
    args = parser.parse_args(argv)
    print(
        train(
            frozenset(args.exclude),
            Path(args.out),
            args.c,
            args.false_decline,
            args.confident_false_decline,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
