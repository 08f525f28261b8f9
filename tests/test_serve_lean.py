"""A serving process frees jieba's process-wide dictionary once its segmenter has a copy.

That dictionary is only the clean source of each knowledge-base build's private copy, and its
table is about 15 MB of a worker's RSS. ``xiehui serve`` (and every worker of ``--workers N``)
calls :func:`knowledge.matcher.serve_lean` before building the knowledge base; a rebuild after
the knowledge files change loads jieba's dictionary again and segments as before. Run in a
fresh interpreter: the switch is process-wide, and the tests build many knowledge bases.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import json, jieba
from pathlib import Path
from knowledge.base import KnowledgeBase
from knowledge.matcher import serve_lean

questions = ["育儿补贴怎么领", "柳州二胎产假多少天 育儿补贴怎么领", "失毒家庭有什么补助"]
def decisions(kb):
    out = []
    for q in questions:
        hit = kb.match(q)
        out.append([hit.outcome.value, hit.entry.id if hit.entry else None, round(hit.confidence, 6)])
    return out

kept = KnowledgeBase.from_directory(Path("knowledge/data"))
before = decisions(kept)
kept_loaded = bool(jieba.dt.FREQ)
serve_lean()
first = KnowledgeBase.from_directory(Path("knowledge/data"))
after_first = bool(jieba.dt.FREQ)
rebuilt = KnowledgeBase.from_directory(Path("knowledge/data"))
print(json.dumps({
    "kept_loaded": kept_loaded,
    "freed": not after_first and not jieba.dt.FREQ,
    "same": before == decisions(first) == decisions(rebuilt),
}))
"""


def test_serve_lean_frees_the_shared_dictionary_and_rebuilds_segment_alike() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["kept_loaded"] is True  # tests and tools keep it
    assert result["freed"] is True
    assert result["same"] is True
