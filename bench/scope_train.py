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
out_of_scope / reject -> out, illegal -> illegal) and every question variant of the knowledge
base (in scope). Thresholds: out-of-fold probabilities (5 folds) of the sets' in-scope
questions; each threshold is the lowest that declines at most ``--false-decline`` of them.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from knowledge.base import KnowledgeBase
from knowledge.scope import CLASSES, MODEL_FILE, ScopeModel, Verdict, write_model

REPO = Path(__file__).resolve().parents[1]
SETS = REPO / "tests" / "data"
KB_DIR = REPO / "knowledge" / "data"
#: Sets that are not questions people wrote (a fixture of the tests).
SKIP = frozenset({"faq_fixture_eval"})


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


def train(exclude: frozenset[str], out: Path, c: float = 4.0, false_decline: float = 0.003) -> str:
    """Train on every set but ``exclude``, write the model to ``out``; a summary line."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    kb = KnowledgeBase.from_directory(KB_DIR)
    matcher = kb.matcher
    texts: list[str] = []
    labels: list[int] = []
    from_sets = 0
    used: list[str] = []
    for path in sorted(SETS.glob("faq_*.yaml")):
        if path.stem in SKIP or path.stem in exclude:
            continue
        used.append(path.stem)
        for question, verdict in labelled(path):
            texts.append(matcher.scope_text(question))
            labels.append(CLASSES.index(verdict))
    from_sets = len(texts)
    for entry in kb.entries:
        for question in entry.questions:
            texts.append(matcher.scope_text(question))
            labels.append(CLASSES.index(Verdict.IN))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    probabilities = cross_val_predict(
        _pipeline(c), texts, labels, cv=folds, method="predict_proba"
    )
    inside = [i for i in range(from_sets) if labels[i] == 0]
    illegal_at = _threshold([float(probabilities[i][2]) for i in inside], false_decline)
    out_at = _threshold(
        [float(probabilities[i][1] + probabilities[i][2]) for i in inside], false_decline
    )
    pipeline = _pipeline(c).fit(texts, labels)
    vectorizer, regression = pipeline.steps[0][1], pipeline.steps[1][1]
    idf = vectorizer.idf_
    coef = regression.coef_
    grams = {
        gram: (float(idf[j]), float(coef[0][j]), float(coef[1][j]), float(coef[2][j]))
        for gram, j in vectorizer.vocabulary_.items()
    }
    bias = tuple(float(b) for b in regression.intercept_)
    counts = Counter(CLASSES[label].value for label in labels)
    header = (
        "Scope model (knowledge/scope.py): character 1-3-gram tf-idf + multinomial logistic\n"
        "regression. Generated by `python -m bench.scope_train`; do not edit by hand.\n"
        f"Trained on {from_sets} labelled questions of {len(used)} evaluation sets and "
        f"{len(texts) - from_sets} knowledge-base variants\n"
        f"({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}); C={c}; thresholds "
        f"decline at most {false_decline:.1%} of the sets' in-scope questions out of fold.\n"
        f"Sets: {' '.join(used)}"
    )
    write_model(out, grams, (bias[0], bias[1], bias[2]), illegal_at, out_at, header)
    # The plain-Python scorer must give what scikit-learn gives.
    model = ScopeModel.read(out)
    expected = pipeline.predict_proba(texts[:200])
    for text, row in zip(texts[:200], expected, strict=True):
        got = model.scores(text)
        if abs(got.out - row[1]) > 1e-3 or abs(got.illegal - row[2]) > 1e-3:
            raise RuntimeError(f"exported model disagrees with scikit-learn on {text!r}")
    return (
        f"{out}: {len(grams)} n-grams, illegal at {illegal_at:.3f}, declined at {out_at:.3f}, "
        f"{from_sets} set questions + {len(texts) - from_sets} variants"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--exclude", action="append", default=[], help="a set name to leave out")
    parser.add_argument("--out", default=str(MODEL_FILE))
    parser.add_argument("--c", type=float, default=4.0, help="inverse regularisation strength")
    parser.add_argument("--false-decline", type=float, default=0.003)
    args = parser.parse_args(argv)
    print(train(frozenset(args.exclude), Path(args.out), args.c, args.false_decline))
    return 0


if __name__ == "__main__":
    sys.exit(main())
