"""The knowledge base in Excel and back (``xiehui kb export`` / ``xiehui kb import``).

Coordinators edit answers in a spreadsheet with Chinese column names. Importing it back
compares every row with the topic files and rewrites only the entries that changed: the files
are loaded and written with ruamel.yaml's round-trip mode, so comments, key order, flow lists
(``[T1-01, T1-02]``), block answers and every untouched entry stay byte for byte as they were.
``plan_import`` works out the differences (shown to the user before anything is written);
``apply_import`` writes them, each file atomically, so the service's hot reload never reads a
half-written file. Rows missing from the sheet are left alone: an import never deletes.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from handlers.core.errors import DomainError
from knowledge.base import (
    Entry,
    Issue,
    load_directory,
    parse_entry,
    topic_files,
    validate,
)

#: (field, Chinese column, other accepted column names) in the order of the sheet.
COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("file", "文件", ("file",)),
    ("topic", "主题", ("topic",)),
    ("id", "编号", ("id",)),
    ("group", "分组", ("group",)),
    ("region", "地区", ("region",)),
    ("status", "状态", ("status",)),
    ("facts", "事实依据", ("facts",)),
    ("questions", "问法", ("questions", "问题")),
    ("keywords", "关键词", ("keywords",)),
    ("answer", "答案", ("answer", "回答")),
    ("source", "来源", ("source", "出处")),
    ("reviewed", "复核日期", ("reviewed", "更新日期")),
    ("review_days", "复核周期（天）", ("review_days", "复核周期(天)", "复核周期")),
)
LABELS = {key: label for key, label, _ in COLUMNS}
STATUS_LABELS = {
    "solid": "可靠",
    "secondary": "二手来源",
    "unconfirmed": "未核实",
    "historical": "已废止",
}
_STATUS_WORDS = {
    **{label: code for code, label in STATUS_LABELS.items()},
    **{code: code for code in STATUS_LABELS},
}
#: Keys of an entry in a topic file, in the order SCHEMA.md gives them.
KEY_ORDER = (
    "id", "group", "region", "status", "facts", "questions", "keywords", "answer", "source",
    "reviewed", "review_days",
)  # fmt: skip
LIST_FIELDS = ("facts", "questions", "keywords")
OPTIONAL = ("group", "keywords", "review_days")


class RoundTripError(DomainError):
    """The sheet or a topic file cannot be handled; ``message`` says why in Chinese."""


# -- export -----------------------------------------------------------------------------------


def export_workbook(directory: Path) -> tuple[bytes, int, list[Issue]]:
    """All entries as an xlsx sheet with Chinese headers; returns (bytes, entries, issues)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    files, issues = load_directory(directory)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "知识库"
    sheet.append([label for _, label, _ in COLUMNS])
    count = 0
    for topic_file in files:
        for entry in topic_file.entries:
            sheet.append(
                [
                    topic_file.path.name, entry.topic, entry.id, entry.group, entry.region,
                    STATUS_LABELS.get(entry.status, entry.status), "\n".join(entry.facts),
                    "\n".join(entry.questions), "\n".join(entry.keywords), entry.answer,
                    entry.source, entry.reviewed, entry.review_days,
                ]
            )  # fmt: skip
            count += 1
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                cell.data_type = "s"  # text, never a formula
                cell.quotePrefix = True
        row[11].number_format = "yyyy-mm-dd"
    widths = (16, 6, 34, 22, 10, 10, 12, 36, 20, 60, 36, 12, 10)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "D2"
    notes = workbook.create_sheet("说明")
    notes.append(["列", "怎么填"])
    for line in (
        ("编号", "条目的固定编号，不要改；新增条目用新编号（小写字母、数字、点和短横线）"),
        ("状态", "可靠、二手来源、未核实（答案里不能当成事实说）、已废止（旧规定）"),
        ("问法、关键词、事实依据", "一行一个（单元格里按 Alt+回车 换行）"),
        ("复核日期", "最后核对这条答案的日期，如 2026-11-23"),
        ("文件、主题", "新增条目写在哪个文件（或哪个主题 T1-T4）"),
        ("删除", "导入不会删除条目；要删除请直接改知识库文件"),
    ):
        notes.append(list(line))
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), count, issues


# -- reading the sheet ------------------------------------------------------------------------


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_sheet(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """The sheet's rows as (row number, {field: text}); raises RoundTripError."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError) as exc:
        raise RoundTripError(f"不是有效的 Excel 文件（{type(exc).__name__}）。") from None
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    lookup = {name.lower(): key for key, label, aliases in COLUMNS for name in (label, *aliases)}
    headers = [{i: lookup.get(_text(v).lower()) for i, v in enumerate(row)} for row in rows[:5]]
    index = next((i for i, header in enumerate(headers) if "id" in header.values()), None)
    if index is None:
        raise RoundTripError("第一个工作表的前 5 行里没有“编号”列：这不是 kb export 导出的表格。")
    header = headers[index]
    out: list[tuple[int, dict[str, str]]] = []
    for number, row in enumerate(rows[index + 1 :], start=index + 2):
        values = {key: _text(v) for i, v in enumerate(row) if (key := header.get(i))}
        if any(values.values()):
            out.append((number, values))
    return out


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# -- planning ---------------------------------------------------------------------------------


@dataclass
class EntryChange:
    """One entry the import adds or rewrites."""

    file: str
    id: str
    fields: list[str]  # Chinese column names that changed; empty for a new entry
    values: dict[str, Any]  # the entry in topic-file form
    row: int

    @property
    def is_new(self) -> bool:
        return not self.fields


@dataclass
class ImportPlan:
    """What ``apply_import`` would write; ``errors`` block it entirely."""

    directory: Path
    changes: list[EntryChange] = field(default_factory=list)
    unchanged: int = 0
    not_in_sheet: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[str]:
        return sorted({change.file for change in self.changes})

    def summary(self) -> list[str]:
        """Chinese lines: per file, the entries added and changed (and which columns)."""
        lines: list[str] = []
        for name in self.files:
            mine = [c for c in self.changes if c.file == name]
            lines.append(f"{name}：")
            for change in mine:
                what = "新增" if change.is_new else "修改 " + "、".join(change.fields)
                lines.append(f"  {change.id}（第 {change.row} 行）：{what}")
        modified = sum(1 for c in self.changes if not c.is_new)
        added = len(self.changes) - modified
        lines.append(
            f"合计：修改 {modified} 个条目，新增 {added} 个，未变 {self.unchanged} 个"
            "（只改写这些条目，其它内容、注释和顺序不变）。"
        )
        if self.not_in_sheet:
            lines.append(
                f"表格里没有的 {len(self.not_in_sheet)} 个条目保持原样（导入不会删除条目）。"
            )
        return lines


def _entry_values(raw: dict[str, str], default_days: int) -> tuple[dict[str, Any], list[str]]:
    """A sheet row in topic-file form, plus problems found in it."""
    problems: list[str] = []
    values: dict[str, Any] = {"id": raw.get("id", "")}
    for key in ("group", "region", "source"):
        if raw.get(key):
            values[key] = raw[key]
    status = raw.get("status", "")
    values["status"] = _STATUS_WORDS.get(status, status)
    if status and status not in _STATUS_WORDS:
        problems.append(f"状态“{status}”无法识别（可填：{'、'.join(STATUS_LABELS.values())}）")
    for key in LIST_FIELDS:
        items = _lines(raw.get(key, ""))
        if items or key == "facts":
            values[key] = items
    if raw.get("answer"):
        values["answer"] = raw["answer"].replace("\r\n", "\n").strip() + "\n"
    reviewed = raw.get("reviewed", "")[:10]
    try:
        values["reviewed"] = date.fromisoformat(reviewed)
    except ValueError:
        problems.append(f"复核日期“{reviewed}”不是日期（写成 2026-11-23）")
    days = raw.get("review_days", "")
    if days:
        try:
            number = int(float(days))
        except ValueError:
            problems.append(f"复核周期“{days}”不是天数")
        else:
            if number != default_days:
                values["review_days"] = number
    return values, problems


def _comparable(entry: Entry) -> dict[str, Any]:
    return {
        "group": entry.group,
        "region": entry.region,
        "status": entry.status,
        "facts": tuple(entry.facts),
        "questions": tuple(entry.questions),
        "keywords": tuple(entry.keywords),
        "answer": entry.answer.strip(),
        "source": entry.source,
        "reviewed": entry.reviewed,
        "review_days": entry.review_days,
    }


def plan_import(directory: Path, data: bytes) -> ImportPlan:
    """Compare the sheet with the topic files in ``directory``; nothing is written."""
    plan = ImportPlan(directory)
    try:
        rows = read_sheet(data)
    except RoundTripError as exc:
        plan.errors.append(exc.message)
        return plan
    files, load_issues = load_directory(directory)
    plan.errors += [
        f"知识库文件有错误：{issue}" for issue in load_issues if issue.level == "error"
    ]
    by_id = {entry.id: (topic_file, entry) for topic_file in files for entry in topic_file.entries}
    by_topic = {topic_file.topic: topic_file for topic_file in files}
    by_name = {topic_file.path.name: topic_file for topic_file in files}
    seen: dict[str, int] = {}
    final: dict[str, Entry] = {entry.id: entry for _, entry in by_id.values()}
    for number, raw in rows:
        entry_id = raw.get("id", "")
        if not entry_id:
            plan.errors.append(f"第 {number} 行：没有编号")
            continue
        if entry_id in seen:
            plan.errors.append(f"第 {number} 行：编号 {entry_id} 和第 {seen[entry_id]} 行重复")
            continue
        seen[entry_id] = number
        known = by_id.get(entry_id)
        topic_file = (
            known[0]
            if known is not None
            else by_name.get(raw.get("file", "")) or by_topic.get(raw.get("topic", ""))
        )
        if topic_file is None:
            plan.errors.append(f"第 {number} 行：新条目 {entry_id} 要写明“文件”或“主题”（T1-T4）")
            continue
        values, problems = _entry_values(raw, topic_file.review_days)
        plan.errors += [f"第 {number} 行（{entry_id}）：{p}" for p in problems]
        issues: list[Issue] = []
        parsed = parse_entry(
            values,
            topic=topic_file.topic,
            file=topic_file.path.name,
            default_review_days=topic_file.review_days,
            issues=issues,
        )
        plan.errors += [f"第 {number} 行（{entry_id}）：{i.message}" for i in issues]
        if parsed is None or problems:
            continue
        final[entry_id] = parsed
        if known is None:
            plan.changes.append(EntryChange(topic_file.path.name, entry_id, [], values, number))
            continue
        before, after = _comparable(known[1]), _comparable(parsed)
        changed = [LABELS[key] for key in before if before[key] != after[key]]
        if changed:
            plan.changes.append(
                EntryChange(topic_file.path.name, entry_id, changed, values, number)
            )
        else:
            plan.unchanged += 1
    plan.not_in_sheet = sorted(set(by_id) - set(seen))
    if not plan.errors:
        for issue in validate(list(final.values())):
            if issue.level == "error":
                plan.errors.append(f"{issue.where}：{issue.message}")
    return plan


# -- writing ----------------------------------------------------------------------------------


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap long answers or sources
    return yaml


def _styled(key: str, value: Any, original: Any) -> Any:
    from ruamel.yaml.comments import CommentedSeq
    from ruamel.yaml.scalarstring import LiteralScalarString

    if key == "answer":
        return LiteralScalarString(str(value))
    if isinstance(value, list):
        seq = CommentedSeq(value)
        flow = getattr(getattr(original, "fa", None), "flow_style", lambda: None)()
        if flow or (original is None and key in ("facts", "keywords")):
            seq.fa.set_flow_style()
        return seq
    return value


def _update(mapping: Any, values: dict[str, Any]) -> None:
    """Set, insert (in schema order) or remove keys of one entry's mapping in place."""
    for key in KEY_ORDER:
        if key == "id":
            continue
        if key not in values:
            if key in mapping and key in OPTIONAL:
                del mapping[key]
            continue
        new = _styled(key, values[key], mapping.get(key))
        if key in mapping:
            if _plain(mapping[key]) != _plain(new):
                mapping[key] = new
            continue
        earlier = [k for k in KEY_ORDER[: KEY_ORDER.index(key)] if k in mapping]
        position = list(mapping).index(earlier[-1]) + 1 if earlier else 0
        mapping.insert(position, key, new)


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str):
        return value.strip()
    return value


def _new_entry(values: dict[str, Any]) -> Any:
    from ruamel.yaml.comments import CommentedMap

    mapping = CommentedMap()
    for key in KEY_ORDER:
        if key in values:
            mapping[key] = _styled(key, values[key], None)
    return mapping


#: (mapping, sequence, offset) indentations tried, most common first.
_INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (2, 2, 2))


def _faithful_yaml(text: str, name: str) -> tuple[Any, Any]:
    """A YAML instance that writes ``text`` back unchanged, and the loaded document."""
    for mapping, sequence, offset in _INDENTS:
        yaml = _yaml()
        yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
        data = yaml.load(text)
        buffer = io.StringIO()
        yaml.dump(data, buffer)
        if buffer.getvalue() == text:
            return yaml, data
    raise RoundTripError(
        f"{name} 的排版比较特别，无法在不改动其它内容的情况下改写；请直接编辑这个文件。"
    )


def apply_import(plan: ImportPlan) -> list[Path]:
    """Write the planned changes; returns the files written.

    Each file is first checked to load and dump back byte for byte with the indentation
    chosen; a file that does not is not touched (RoundTripError), so an import never
    reformats what nobody edited.
    """
    if plan.errors:
        raise RoundTripError("表格有错误，没有写入任何文件。")
    paths = {path.name: path for path in topic_files(plan.directory)}
    prepared: list[tuple[Path, Any, Any]] = []
    for name in plan.files:
        path = paths[name]
        yaml, data = _faithful_yaml(path.read_text(encoding="utf-8"), name)
        entries = data["entries"]
        positions = {str(item.get("id")): i for i, item in enumerate(entries)}
        for change in (c for c in plan.changes if c.file == name):
            if change.id in positions:
                _update(entries[positions[change.id]], change.values)
            else:
                entries.append(_new_entry(change.values))
        prepared.append((path, yaml, data))
    written: list[Path] = []
    for path, yaml, data in prepared:
        buffer = io.StringIO()
        yaml.dump(data, buffer)
        _write_atomically(path, buffer.getvalue())
        written.append(path)
    return written


def _write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
