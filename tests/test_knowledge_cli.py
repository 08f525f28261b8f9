"""``xiehui kb ...`` and ``xiehui ask``: evaluation arithmetic, check, Excel round trip."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli.main import main
from knowledge.evaluation import EvalItem, Prediction, load_set, percentile, score
from knowledge.matcher import Outcome

DATA = Path(__file__).parent / "data"
FIXTURE = DATA / "kb_fixture"
FIXTURE_SET = DATA / "faq_fixture_eval.yaml"


@pytest.fixture(autouse=True)
def _settings_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XIEHUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XIEHUI_KNOWLEDGE_DIR", str(FIXTURE))


def test_score_counts_each_outcome_correctly() -> None:
    items = [
        EvalItem("a", ("x.1",)),
        EvalItem("b", ("x.2", "x.3")),
        EvalItem("c", ("x.4",)),
        EvalItem("d", ("x.5",)),
        EvalItem("e", ("x.6",)),
        EvalItem("f", ("reject",)),
        EvalItem("g", ("reject",)),
        EvalItem("h", ("illegal",)),
    ]
    scripted = {
        "a": Prediction(Outcome.CONFIDENT, "x.1"),  # right
        "b": Prediction(Outcome.CONFIDENT, "x.3"),  # right (any listed id counts)
        "c": Prediction(Outcome.CONFIDENT, "x.9"),  # wrong
        "d": Prediction(Outcome.UNSURE, "x.5"),  # unsure, right one first
        "e": Prediction(Outcome.NONE, "x.1"),  # not answered
        "f": Prediction(Outcome.REJECT),  # rejected
        "g": Prediction(Outcome.UNSURE, "x.1"),  # policy choices offered: not rejected
        "h": Prediction(Outcome.ILLEGAL),  # rejected and recognised
    }
    report = score("test", items, lambda item: scripted[item.question])
    assert (report.answerable, report.top1) == (5, 3)
    assert (report.confident_right, report.confident_wrong) == (2, 1)
    assert (report.unsure, report.unsure_right, report.no_match) == (1, 1, 1)
    assert (report.out_of_scope, report.rejected) == (3, 2)
    assert (report.illegal, report.illegal_flagged) == (1, 1)
    # confident mistakes come first among the worst misses
    assert [m.item.question for m in report.misses] == ["c", "g", "e"]
    lines = "\n".join(report.lines())
    assert "top-1 accuracy:          60.0% (3)" in lines
    assert "unsure rate:             20.0%" in lines
    assert "rejection rate:          66.7% (2)" in lines


def test_load_set_reads_ids_reject_and_region() -> None:
    items = load_set(FIXTURE_SET)
    assert items[0].expect == ("t1.subsidy.amount.national",)
    assert items[2].region == "广西" and items[2].asker_region.province == "广西"
    assert [i.kind for i in items[-2:]] == ["reject", "illegal"]


def test_percentile() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 99) == pytest.approx(99.01)


def test_kb_eval_runs_on_a_fixture_set(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["kb", "eval", "--dir", str(FIXTURE), "--set", str(FIXTURE_SET), "--dev", str(FIXTURE_SET)]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "evaluation set:" in out and "(6 questions)" in out
    assert "answerable questions: 4" in out
    assert "out-of-scope + illegal questions: 2" in out
    assert "illegal recognised:      100.0% of 1" in out
    # the fixture set labels 叶酸吃好久 with a wrong id on purpose: one confident miss
    assert "叶酸吃好久 -> confident t3.folic.duration; expected t3.precheck.items" in out
    assert "== baseline: rapidfuzz WRatio over variants, threshold" in out


def test_kb_bench_prints_latency(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["kb", "bench", "--dir", str(FIXTURE), "--set", str(FIXTURE_SET), "--rounds", "1"])
    out = capsys.readouterr().out
    assert code == 0
    assert "index build:" in out and "p50" in out and "p99" in out


def test_kb_check_passes_the_fixture_and_fails_on_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["kb", "check", "--dir", str(FIXTURE)]) == 0
    out = capsys.readouterr().out
    assert "t1.birth.registration.deadline: review overdue since 2020-12-31" in out
    assert "0 errors" in out
    broken = tmp_path / "kb"
    shutil.copytree(FIXTURE, broken)
    path = broken / "t3_health.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("id: t3.folic.dose", "id: t3.folic.duration"),
        encoding="utf-8",
    )
    assert main(["kb", "check", "--dir", str(broken)]) == 1
    assert "duplicate id" in capsys.readouterr().out


def test_ask_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "育儿补贴多少钱", "--region", "包头", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["entry_id"] == "t1.subsidy.amount.baotou"
    assert payload["confident"] is True
    assert payload["answer"].startswith("包头市：")
    assert set(payload) >= {"answer", "entry_id", "confident", "candidates"}


def test_kb_unanswered_lists_the_queue(capsys: pytest.CaptureFixture[str]) -> None:
    # Reading commands refuse a data folder without a database; create it first.
    from bot.container import build_runtime
    from bot.settings import load_settings

    build_runtime(load_settings()).close()
    assert main(["kb", "unanswered"]) == 0
    assert "0 question(s)" in capsys.readouterr().out
