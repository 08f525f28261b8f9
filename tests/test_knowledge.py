"""Knowledge-base loading, validation and hot reload."""

from __future__ import annotations

import shutil
import threading
from datetime import date
from pathlib import Path

import pytest

from knowledge.base import Entry, KnowledgeStore, load_directory, source_issues, validate
from knowledge.matcher import Segmenter

FIXTURE = Path(__file__).parent / "data" / "kb_fixture"
REAL = Path(__file__).resolve().parent.parent / "knowledge" / "data"


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter()


def entry(**overrides: object) -> Entry:
    values: dict[str, object] = {
        "id": "t1.x",
        "topic": "T1",
        "region": "全国",
        "status": "solid",
        "questions": ("问题一", "问题二", "问题三"),
        "answer": "答案",
        "source": "来源文件（2026年）",
        "reviewed": date(2026, 11, 1),
    }
    values.update(overrides)
    return Entry(**values)  # type: ignore[arg-type]


def errors(issues: list) -> list[str]:  # type: ignore[type-arg]
    return [i.message for i in issues if i.level == "error"]


def test_fixture_loads_with_fields_and_defaults() -> None:
    files, issues = load_directory(FIXTURE)
    assert issues == []
    entries = {e.id: e for f in files for e in f.entries}
    national = entries["t1.subsidy.amount.national"]
    assert national.group_key == "subsidy.amount"
    assert national.keywords == ("育儿补贴", "3600元")
    assert national.review_days == 180  # the file's default
    assert entries["t1.birth.registration.deadline"].review_days == 365
    assert entries["t1.birth.registration.deadline"].group_key == "t1.birth.registration.deadline"
    assert (
        national.source_line()
        == "来源：国务院《育儿补贴制度实施方案》（2025年7月）（更新于 2026-11）"
    )


def test_validate_reports_each_kind_of_error() -> None:
    entries = [
        entry(id="t1.a"),
        entry(id="t1.a", questions=("别的问题", "再一个", "第三个")),
        entry(id="t1.b", questions=("问题一！", "b2", "b3")),  # same variant as t1.a
        entry(id="t1.c", questions=("c1", "c2", "c3"), answer="长\n" * 600),  # > 2048 bytes
        entry(id="t1.d", questions=("d1", "d2", "d3"), region="火星"),
        entry(id="t1.e", questions=("e1", "e2", "e3"), status="maybe"),
        entry(id="T1 bad", questions=("f1", "f2", "f3")),
    ]
    found = errors(validate(entries))
    assert any("duplicate id" in m for m in found)
    assert any("'问题一！' also in t1.a" in m for m in found)
    assert any("bytes (> 2048)" in m for m in found)
    assert any("unknown region '火星'" in m for m in found)
    assert any("unknown status 'maybe'" in m for m in found)
    assert len(found) == 5  # the bad id is caught at parse time, not here


def test_missing_fields_and_bad_ids_are_parse_errors(tmp_path: Path) -> None:
    (tmp_path / "t1_policy.yaml").write_text(
        "topic: T1\nentries:\n"
        "  - id: t1.ok\n    region: 全国\n    status: solid\n    questions: [a, b, c]\n"
        "    answer: x\n    source: y\n    reviewed: 2026-01-01\n"
        "  - id: t1.nosource\n    region: 全国\n    status: solid\n    questions: [d]\n"
        "    answer: x\n    reviewed: 2026-01-01\n"
        "  - id: Bad Id\n    region: 全国\n    status: solid\n    questions: [e, f, g]\n"
        "    answer: x\n    source: y\n    reviewed: 2026-01-01\n",
        encoding="utf-8",
    )
    files, issues = load_directory(tmp_path)
    assert [e.id for e in files[0].entries] == ["t1.ok", "Bad Id"]
    assert any("missing required field(s): source" in m for m in errors(issues))
    assert any("lowercase ascii" in m for m in errors(issues))


def test_overdue_entries_are_warnings_not_errors() -> None:
    old = entry(id="t1.old", reviewed=date(2020, 1, 1), review_days=365)
    fresh = entry(id="t1.new", questions=("n1", "n2", "n3"))
    issues = validate([old, fresh], today=date(2026, 11, 23))
    assert errors(issues) == []
    overdue = [i for i in issues if "overdue" in i.message]
    assert [i.where for i in overdue] == [":t1.old"]


def test_the_real_knowledge_base_has_no_errors() -> None:
    files, issues = load_directory(REAL)
    entries = [e for f in files for e in f.entries]
    assert len(entries) >= 150
    assert errors(issues + validate(entries)) == []


def test_store_reloads_when_a_file_changes(tmp_path: Path, segmenter: Segmenter) -> None:
    shutil.copy(FIXTURE / "t3_health.yaml", tmp_path / "t3_health.yaml")
    store = KnowledgeStore(tmp_path, segmenter=segmenter)
    first = store.current()
    assert store.current() is first  # unchanged files: same snapshot, no rebuild
    assert "t1.leave.maternity.national" not in first.by_id
    shutil.copy(FIXTURE / "t1_policy.yaml", tmp_path / "t1_policy.yaml")
    second = store.current()
    assert second is not first
    assert "t1.leave.maternity.national" in second.by_id
    hit = second.matcher.match("法定产假几天")
    assert hit.entry is not None and hit.entry.id == "t1.leave.maternity.national"


def test_store_pending_file_is_not_indexed(tmp_path: Path, segmenter: Segmenter) -> None:
    shutil.copy(FIXTURE / "t3_health.yaml", tmp_path / "t3_health.yaml")
    (tmp_path / "pending.yaml").write_text("entries: []\n", encoding="utf-8")
    store = KnowledgeStore(tmp_path, segmenter=segmenter)
    assert len(store.current().entries) == 3


def test_store_is_safe_under_concurrent_first_use(tmp_path: Path, segmenter: Segmenter) -> None:
    shutil.copy(FIXTURE / "t3_health.yaml", tmp_path / "t3_health.yaml")
    store = KnowledgeStore(tmp_path, segmenter=segmenter)
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(store.current())) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 6
    assert len({id(s) for s in seen}) == 1  # built once, shared by everyone


def test_check_fails_on_sources_notes_numbers_and_answer_shape() -> None:
    """kb check: a source part without a year or 年份不详, a working note in user text, a phone
    number the fact sheet does not record, two disclaimers, a long lead paragraph."""
    bad = [
        entry(id="t1.a", source="某县计生保险理赔说明（示例）；公开资料"),
        entry(id="t1.b", answer="请打12393咨询。", source="说明（年份不详）"),
        entry(id="t1.c", answer="报案打95519。", source="说明（年份不详）"),
        entry(id="t1.d", answer="待核实（政策事实底稿第7节待补项）"),
        entry(id="t1.e", answer="以单位为准。也以当地为准。"),
        entry(id="t1.f", answer="长" * 201 + "\n细节"),
    ]
    issues = [i for e in bad for i in source_issues(e)]
    found = {i.where.split(":")[1]: i.message for i in issues}
    messages = [i.message for i in issues]
    assert "source without a year: '公开资料'" in messages
    assert "internal note in source: '示例'" in messages
    assert found["t1.b"] == "phone number 12393 has no recorded source"
    assert found["t1.c"] == "phone number 95519 needs fact T2-26"
    assert any(m == "internal note in answer: '待核实'" for m in messages)
    assert found["t1.e"].startswith("more than one disclaimer")
    assert found["t1.f"] == "first paragraph is 201 characters (> 200)"
    good = [
        entry(id="t2.a", answer="报案打95519。", facts=("T2-26",), source="说明（年份不详）"),
        entry(id="t2.b", answer="育儿补贴每年3600元，三年10800元，以当地为准。"),
    ]
    assert [i for e in good for i in source_issues(e)] == []


def test_check_wants_ranges_written_as_the_fact_sheet_writes_them() -> None:
    """kb check: a range of figures is written N—M like the fact sheet (孕前4—6个月), so the
    figure a reader looks for is there as the fact sheet states it; 至 between two different
    units (满3个月至64周岁) or two dates is how the fact sheet writes those too."""
    bad = [
        entry(id="t3.a", answer="一般在计划怀孕前4至6个月做。"),
        entry(id="t3.b", answer="按每人1000元至5000元罚款。"),
    ]
    messages = [i.message for e in bad for i in source_issues(e)]
    assert messages == [
        "range '4至6': write it as the fact sheet does (N—M)",
        "range '1000元至5000元': write it as the fact sheet does (N—M)",
    ]
    good = [
        entry(id="t3.c", answer="一般在计划怀孕前4—6个月做。"),
        entry(id="t3.d", answer="出生满3个月至64周岁的家庭成员可以参保。"),
        entry(id="t3.e", answer="最小子女在1980年1月1日至2015年12月31日期间出生。"),
    ]
    assert [i for e in good for i in source_issues(e)] == []


def test_knowledge_base_writes_ranges_and_app_names_as_the_fact_sheet() -> None:
    """The shipped answers give 4—6个月 and 个人所得税App as the fact sheet has them."""
    files, _ = load_directory(Path(__file__).parent.parent / "knowledge" / "data")
    answers = "".join(e.answer for f in files for e in f.entries)
    assert "4—6个月" in answers and "4至6个月" not in answers
    assert "个人所得税App" in answers and "“个人所得税”App" not in answers
