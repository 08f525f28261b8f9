"""Held-out figures of the scope model (``knowledge.scope``): each evaluation set scored by
``xiehui kb eval`` with a model whose training data and thresholds never saw that set.

The sets ``tests/data/faq_*.yaml`` are split into ``--groups`` groups (sorted by name, dealt
round-robin); for each group a model is trained on every other set (``bench.scope_train``
with ``--exclude``), and each set of the group is scored with it. ``--baseline`` scores every
set with no model at all (only the phrase lists decline), which is the matcher of the main
branch. Development only (scikit-learn)::

    python -m bench.scope_heldout --groups 4
    python -m bench.scope_heldout --baseline
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.scope_train import SETS, SKIP, train
from bot.cli.main import main as cli
from knowledge import scope
from knowledge.scope import ScopeModel

#: The figures of ``kb eval`` output reported per set.
FIGURES = (
    ("complete", r"confident with every required fact:\s+(\S+ \(\d+\))"),
    ("missing", r"confident but missing a fact:\s+(\S+ \(\d+\))"),
    ("wrong", r"wrong fact stated:\s+(\S+ \(\d+\))"),
    ("handled", r"out-of-scope handled:\s+(\S+ \(\d+\))"),
    ("illegal named", r"illegal refused as illegal:\s+(\S+ of \d+)"),
    ("top-1", r"top-1 accuracy:\s+(\S+ \(\d+\))"),
    ("rejection", r"rejection rate:\s+(\S+ \(\d+\))"),
    ("illegal recognised", r"illegal recognised:\s+(\S+ of \d+)"),
)


@contextlib.contextmanager
def model_file(path: Path | None) -> Iterator[None]:
    """Every scope model read meanwhile is ``path`` (None: an empty model)."""
    original: Any = scope.ScopeModel.__dict__["read"]

    def read(cls: type[ScopeModel], _: Path = scope.MODEL_FILE) -> ScopeModel:
        return original.__func__(cls, path) if path else cls()

    scope.ScopeModel.read = classmethod(read)  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        scope.ScopeModel.read = original  # type: ignore[method-assign]


def evaluate(path: Path) -> str:
    """One line of figures of ``xiehui kb eval --set path``."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        cli(["kb", "eval", "--set", str(path), "--worst", "0"])
    text = out.getvalue()
    found = []
    for name, pattern in FIGURES:
        match = re.search(pattern, text)
        if match:
            found.append(f"{name} {match.group(1)}")
    return f"{path.stem}: " + "; ".join(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--groups", type=int, default=4)
    parser.add_argument("--baseline", action="store_true", help="no model: the phrase lists")
    args = parser.parse_args(argv)
    sets = [p for p in sorted(SETS.glob("faq_*.yaml")) if p.stem not in SKIP]
    if args.baseline:
        with model_file(None):
            for path in sets:
                print(evaluate(path), flush=True)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        for group in range(args.groups):
            held = sets[group :: args.groups]
            out = Path(folder) / f"model{group}.txt"
            print(train(frozenset(p.stem for p in held), out), flush=True)
            with model_file(out):
                for path in held:
                    print(evaluate(path), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
