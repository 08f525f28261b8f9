"""Run the test suite as a few pytest processes, one after the other (``make test``).

One pytest process over the whole suite grows to about 12 GB: every test builds an app with
its dictionaries and matcher, and the interpreter gives little of that memory back. Two such
runs side by side (SQLite and PostgreSQL, as CI runs them) exhausted a 24 GB machine. A fresh
process for each part of the test files keeps each one a fraction of that; a part's session
fixtures (the PostgreSQL cluster, the template database) are built once per part.

    python -m tests.run_parts [--parts N] [pytest options...]

The parts are contiguous runs of the sorted test files, balanced by file size. The exit status
is the first non-zero status of a part (pytest's own codes), else 0.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def parts(files: list[Path], count: int) -> list[list[Path]]:
    """``files`` in order, cut into at most ``count`` contiguous parts of similar total size."""
    sizes = [f.stat().st_size for f in files]
    total = sum(sizes) or 1
    result: list[list[Path]] = [[]]
    done = 0
    for file, size in zip(files, sizes, strict=True):
        if result[-1] and done >= total * len(result) / count and len(result) < count:
            result.append([])
        result[-1].append(file)
        done += size
    return [part for part in result if part]


def main(argv: list[str]) -> int:
    count = 4
    if argv[:1] == ["--parts"]:
        count, argv = int(argv[1]), argv[2:]
    files = sorted(TESTS.glob("test_*.py"))
    status = 0
    chunks = parts(files, count)
    for number, chunk in enumerate(chunks, 1):
        names = f"{chunk[0].name} .. {chunk[-1].name}"
        print(f"== part {number}/{len(chunks)}: {len(chunk)} files ({names})", flush=True)
        code = subprocess.call([sys.executable, "-m", "pytest", *argv, *map(str, chunk)])
        if code and not status:
            status = code
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
