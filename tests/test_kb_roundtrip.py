"""``xiehui kb export`` / ``kb import``: Chinese headers, only edited entries rewritten."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli.main import main
from bot.settings import PACKAGED_KNOWLEDGE, Settings, resolve_knowledge_dir
from knowledge.base import load_directory
from knowledge.roundtrip import export_workbook, plan_import

FIXTURE = Path(__file__).parent / "data" / "kb_fixture"


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XIEHUI_DATA_DIR", str(tmp_path / "data"))
    directory = tmp_path / "kb"
    shutil.copytree(FIXTURE, directory)
    path = directory / "t3_health.yaml"
    text = path.read_text(encoding="utf-8")
    # A reviewer's comments must survive an import.
    text = text.replace(
        "  - id: t3.folic.dose\n", "  # 剂量：2026年复核过\n  - id: t3.folic.dose\n"
    )
    path.write_text(text.replace("status: solid\n", "status: solid   # 国家文件\n", 1), "utf-8")
    monkeypatch.setenv("XIEHUI_KNOWLEDGE_DIR", str(directory))
    return directory


def snapshot(directory: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(directory.glob("*.yaml"))}


def edit(sheet_path: Path, entry_id: str, **cells: str) -> None:
    workbook = load_workbook(sheet_path)
    sheet = workbook["知识库"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[header.index("编号")].value == entry_id)
    for name, value in cells.items():
        row[header.index(name)].value = value
    workbook.save(sheet_path)


def test_export_has_chinese_headers_and_status_words(kb: Path) -> None:
    content, count, issues = export_workbook(kb)
    assert count == sum(len(f.entries) for f in load_directory(kb)[0]) and issues == []
    sheet_path = kb.parent / "kb.xlsx"
    sheet_path.write_bytes(content)
    workbook = load_workbook(sheet_path)
    assert workbook.sheetnames == ["知识库", "说明"]
    header = [c.value for c in workbook["知识库"][1]]
    assert header == [
        "文件", "主题", "编号", "分组", "地区", "状态", "事实依据", "问法", "关键词", "答案",
        "来源", "复核日期", "复核周期（天）",
    ]  # fmt: skip
    statuses = {row[5] for row in workbook["知识库"].iter_rows(min_row=2, values_only=True)}
    assert statuses <= {"可靠", "二手来源", "未核实", "已废止"} and "可靠" in statuses


def test_one_edited_cell_rewrites_one_entry_and_keeps_comments(
    kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet_path = kb.parent / "知识库.xlsx"
    assert main(["kb", "export", str(sheet_path)]) == 0
    assert "个条目导出到" in capsys.readouterr().out
    edit(
        sheet_path,
        "t3.folic.dose",
        答案="全国：每天0.4毫克（1片），备孕和孕早期都要吃。",
        问法="叶酸一天吃多少\n叶酸每天吃几毫克\n叶酸一次吃几片\n叶酸吃几颗",
    )
    before = snapshot(kb)

    assert main(["kb", "import", str(sheet_path)]) == 0  # a preview
    out = capsys.readouterr().out
    assert "t3_health.yaml：\n  t3.folic.dose（第 12 行）：修改 问法、答案" in out
    assert "合计：修改 1 个条目，新增 0 个，未变" in out
    assert "这是预览，没有写入任何文件" in out
    assert snapshot(kb) == before

    assert main(["kb", "import", str(sheet_path), "--apply"]) == 0
    assert "已写入 1 个文件：t3_health.yaml" in capsys.readouterr().out
    after = snapshot(kb)
    assert after["t1_policy.yaml"] == before["t1_policy.yaml"]
    diff = [
        line
        for line in difflib.unified_diff(
            before["t3_health.yaml"].splitlines(), after["t3_health.yaml"].splitlines(), n=0
        )
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
    ]
    assert diff == [
        "+      - 叶酸吃几颗",
        "-      全国：一般每天0.4毫克（1片）。",
        "+      全国：每天0.4毫克（1片），备孕和孕早期都要吃。",
    ]
    assert "  # 剂量：2026年复核过\n" in after["t3_health.yaml"]
    assert "status: solid   # 国家文件\n" in after["t3_health.yaml"]
    entries = {e.id: e for f in load_directory(kb)[0] for e in f.entries}
    assert entries["t3.folic.dose"].questions[-1] == "叶酸吃几颗"

    # importing the same sheet again changes nothing
    assert main(["kb", "import", str(sheet_path), "--apply"]) == 0
    assert "没有需要写入的改动" in capsys.readouterr().out
    assert snapshot(kb) == after


def test_an_invalid_sheet_is_refused_and_nothing_written(
    kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet_path = kb.parent / "知识库.xlsx"
    sheet_path.write_bytes(export_workbook(kb)[0])
    edit(sheet_path, "t3.folic.duration", 地区="火星", 状态="大概对")
    before = snapshot(kb)
    assert main(["kb", "import", str(sheet_path), "--apply"]) == 1
    out = capsys.readouterr().out
    assert "没有写入任何文件" in out and "状态“大概对”无法识别" in out
    assert snapshot(kb) == before
    edit(sheet_path, "t3.folic.duration", 状态="可靠")
    assert main(["kb", "import", str(sheet_path), "--apply"]) == 1
    assert "unknown region '火星'" in capsys.readouterr().out
    assert snapshot(kb) == before
    garbage = kb.parent / "坏的.xlsx"
    garbage.write_bytes(b"not a workbook")
    assert main(["kb", "import", str(garbage)]) == 1
    assert "不是有效的 Excel 文件" in capsys.readouterr().out


def test_a_new_row_becomes_a_new_entry_at_the_end_of_its_file(kb: Path) -> None:
    sheet_path = kb.parent / "知识库.xlsx"
    sheet_path.write_bytes(export_workbook(kb)[0])
    workbook = load_workbook(sheet_path)
    workbook["知识库"].append(
        [
            "t3_health.yaml", "T3", "t3.folic.food", "", "全国", "可靠", "T3-01",
            "哪些食物含叶酸\n吃什么补叶酸\n叶酸食补", "", "全国：绿叶蔬菜、豆类含叶酸，但备孕仍建议每天补充0.4毫克。",
            "原卫生部增补叶酸预防神经管缺陷项目（2009年起）", "2026-11-20", 180,
        ]
    )  # fmt: skip
    workbook.save(sheet_path)
    plan = plan_import(kb, sheet_path.read_bytes())
    assert plan.errors == []
    assert [(c.id, c.is_new) for c in plan.changes] == [("t3.folic.food", True)]
    assert main(["kb", "import", str(sheet_path), "--apply"]) == 0
    files = {f.path.name: f for f in load_directory(kb)[0]}
    assert files["t3_health.yaml"].entries[-1].id == "t3.folic.food"
    assert (
        "facts: [T3-01]"
        in (kb / "t3_health.yaml").read_text(encoding="utf-8").split("t3.folic.food")[1]
    )


def test_the_whole_knowledge_base_round_trips_unchanged(tmp_path: Path) -> None:
    directory = tmp_path / "kb"
    shutil.copytree(PACKAGED_KNOWLEDGE, directory)
    content, count, _ = export_workbook(directory)
    plan = plan_import(directory, content)
    assert plan.errors == [] and plan.changes == [] and plan.unchanged == count


def test_knowledge_folder_is_never_the_installed_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.settings

    settings = Settings(XIEHUI_DATA_DIR=tmp_path / "data")  # type: ignore[call-arg]
    assert resolve_knowledge_dir(settings) == PACKAGED_KNOWLEDGE  # a source checkout
    monkeypatch.setattr(bot.settings, "source_checkout", lambda: None)  # installed
    assert resolve_knowledge_dir(settings) == tmp_path / "data" / "knowledge"
    chosen = Settings(XIEHUI_DATA_DIR=tmp_path, XIEHUI_KNOWLEDGE_DIR="kb")  # type: ignore[call-arg]
    assert resolve_knowledge_dir(chosen) == Path.cwd() / "kb"

    from bot.container import knowledge_dir

    seeded = knowledge_dir(settings)
    assert sorted(p.name for p in seeded.glob("*.yaml")) == sorted(
        p.name for p in PACKAGED_KNOWLEDGE.glob("*.yaml")
    )
    edited = seeded / "t1_policy.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# 本地修改\n", encoding="utf-8")
    knowledge_dir(settings)  # seeding again never overwrites local edits
    assert edited.read_text(encoding="utf-8").endswith("# 本地修改\n")
