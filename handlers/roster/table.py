"""Reading office spreadsheets: xlsx, xls, CSV in any of the encodings offices use.

Offices keep rosters the way they print them: a merged title row ("合浦县计生协会员名册
（2026年）"), a blank row, sometimes a two-level header ("所属地区" over 省/市/县), township
cells merged down over their villages, numbers stored as numbers. This module turns such a
file into numbered rows and finds the header row; it knows nothing about what the columns mean
beyond the header words it is given.

Formats: ``.xlsx``/``.xlsm`` (openpyxl), ``.xls`` (Excel 97-2003, read with xlrd), ``.csv`` /
``.txt`` / ``.tsv`` (UTF-8 with or without BOM, UTF-16 as Excel's "Unicode text", GBK/GB18030;
comma or tab separated). The format is recognised from the content, so a renamed file still
reads. Anything unreadable raises :class:`TableError` with a Chinese explanation.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any

from handlers.core.errors import DomainError

#: How many rows from the top are searched for the header.
HEADER_SCAN_ROWS = 15
SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".txt", ".tsv")
RESAVE_HINT = "请用 Excel 或 WPS 打开后“另存为”Excel 工作簿（.xlsx）再导入。"

#: Called as rows are read: (rows done, rows in the sheet).
Progress = Callable[[int, int], None]


class TableError(DomainError):
    """The file cannot be read as a table; ``message`` says why, in Chinese."""


@dataclass(frozen=True)
class Sheet:
    """One sheet's non-empty rows as (row number as the office program shows it, cells)."""

    name: str
    rows: list[tuple[int, list[str]]]


@dataclass
class Header:
    """Where the header is and which column holds which field."""

    sheet: str
    rows: tuple[int, ...]  # the header's row number(s): two for a two-level header
    columns: dict[str, int]  # field -> column index
    labels: dict[str, str]  # field -> the header text as written in the file
    ignored: list[str] = field(default_factory=list)  # header texts that mean nothing to us
    conflicts: list[tuple[str, list[str]]] = field(default_factory=list)  # field, texts
    data: list[tuple[int, list[str]]] = field(default_factory=list)  # rows below the header


def normalise_header(text: str) -> str:
    """Header text compared loosely: no spaces or required-marks, half-width brackets."""
    text = text.replace("（", "(").replace("）", ")").replace("＊", "*")
    text = re.sub(r"[(（]\s*必填\s*[)）]|\*|:|：|\s+", "", text)
    return text.lower()


def cell_text(value: Any) -> str:
    """A cell as text: integral numbers without '.0', dates as YYYY-MM-DD, spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").replace("\xa0", " ").strip()


# -- reading ----------------------------------------------------------------------------------


def read_sheets(data: bytes, filename: str, progress: Progress | None = None) -> list[Sheet]:
    """Every sheet of the file, each with its non-empty rows."""
    name = PurePath(filename).name or "文件"
    suffix = PurePath(filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "（没有扩展名）"
        raise TableError(
            f"不支持的文件类型 {shown}：请用 Excel 文件（.xlsx 或 .xls）或 CSV 文件（.csv）。"
        )
    if not data.strip():
        raise TableError(f"文件“{name}”是空的。")
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, name, progress)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return _read_xls(data, name, progress)
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"<meta")):
        raise TableError(
            f"文件“{name}”其实是网页或 XML 格式（常见于从网上系统导出的“Excel”），"
            f"不是真正的表格文件。{RESAVE_HINT}"
        )
    if suffix in (".xlsx", ".xlsm", ".xls"):
        raise TableError(
            f"文件“{name}”不是有效的 Excel 文件（可能已损坏，或是改了扩展名的其它文件）。"
            f"{RESAVE_HINT}"
        )
    return [Sheet("", _read_text(data, name))]


def _read_xlsx(data: bytes, name: str, progress: Progress | None) -> list[Sheet]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        # Not read-only: merged ranges are only known to a fully loaded workbook.
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except (BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise TableError(
            f"文件“{name}”打不开：不是有效的 Excel 工作簿（{type(exc).__name__}）。{RESAVE_HINT}"
        ) from None
    except Exception as exc:  # openpyxl raises its own exception types for broken parts
        raise TableError(
            f"文件“{name}”打不开：Excel 内容有损坏（{type(exc).__name__}）。{RESAVE_HINT}"
        ) from None
    sheets: list[Sheet] = []
    for worksheet in workbook.worksheets:
        if worksheet.sheet_state != "visible":
            continue
        grid = [list(row) for row in worksheet.iter_rows(values_only=True)]
        for merged in worksheet.merged_cells.ranges:
            _fill(
                grid,
                merged.min_row - 1,
                merged.max_row - 1,
                merged.min_col - 1,
                merged.max_col - 1,
            )
        sheets.append(Sheet(worksheet.title, _numbered(grid, progress)))
    workbook.close()
    return sheets


def _read_xls(data: bytes, name: str, progress: Progress | None) -> list[Sheet]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    except Exception as exc:  # xlrd raises XLRDError, struct.error, AssertionError ...
        raise TableError(
            f"文件“{name}”无法按 Excel 97-2003（.xls）格式读取（{type(exc).__name__}；"
            f"也可能设置了打开密码）。{RESAVE_HINT}"
        ) from None
    sheets: list[Sheet] = []
    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        if getattr(sheet, "visibility", 0) != 0:
            continue
        grid: list[list[Any]] = []
        for r in range(sheet.nrows):
            row: list[Any] = []
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                value: Any = cell.value
                if cell.ctype == xlrd.XL_CELL_DATE:
                    value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    value = bool(value)
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                    value = None
                row.append(value)
            grid.append(row)
        for top, bottom, left, right in sheet.merged_cells:
            _fill(grid, top, bottom - 1, left, right - 1)
        sheets.append(Sheet(sheet.name, _numbered(grid, progress)))
    return sheets


def _fill(grid: list[list[Any]], top: int, bottom: int, left: int, right: int) -> None:
    """Give every cell of a merged range the value of its top-left cell."""
    if top >= len(grid):
        return
    value = grid[top][left] if left < len(grid[top]) else None
    for r in range(top, min(bottom, len(grid) - 1) + 1):
        row = grid[r]
        while len(row) <= right:
            row.append(None)
        for c in range(left, right + 1):
            row[c] = value


def _numbered(
    grid: Sequence[Sequence[Any]], progress: Progress | None
) -> list[tuple[int, list[str]]]:
    rows: list[tuple[int, list[str]]] = []
    total = len(grid)
    for index, raw in enumerate(grid):
        cells = [cell_text(v) for v in raw]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            rows.append((index + 1, cells))
        if progress is not None and (index % 200 == 199 or index == total - 1):
            progress(index + 1, total)
    return rows


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data:
        for encoding in ("utf-8", "gb18030"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise TableError(
        f"文件“{name}”不是文本格式的表格，或编码无法识别（支持 UTF-8、GBK）。{RESAVE_HINT}"
    )


def _read_text(data: bytes, name: str) -> list[tuple[int, list[str]]]:
    text = _decode(data, name)
    if any(ch in text for ch in "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f"):
        raise TableError(f"文件“{name}”含有二进制内容，不是 CSV 表格。{RESAVE_HINT}")
    lines = text.splitlines()
    sample = lines[:30]
    delimiter = (
        "\t" if sum(s.count("\t") for s in sample) > sum(s.count(",") for s in sample) else ","
    )
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, row in enumerate(csv.reader(lines, delimiter=delimiter), start=1):
            cells = [cell_text(c) for c in row]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                rows.append((number, cells))
    except csv.Error as exc:
        raise TableError(f"文件“{name}”不是有效的 CSV 表格：{exc}") from None
    return rows


# -- finding the header -----------------------------------------------------------------------


def _lookup(vocabulary: Mapping[str, Sequence[str]]) -> dict[str, str]:
    return {
        normalise_header(alias): key for key, aliases in vocabulary.items() for alias in aliases
    }


def _recognised(cells: Sequence[str], lookup: Mapping[str, str]) -> dict[int, str]:
    return {
        i: lookup[key] for i, cell in enumerate(cells) if (key := normalise_header(cell)) in lookup
    }


def find_header(sheets: Sequence[Sheet], vocabulary: Mapping[str, Sequence[str]]) -> Header | None:
    """The first sheet's header among its first rows: the row naming the most known fields.

    A row right above or below it that names further fields in columns the header leaves
    blank or unknown is read as the second level of a two-level header. Needs at least two
    known fields; returns None when no sheet has such a row.
    """
    lookup = _lookup(vocabulary)
    for sheet in sheets:
        top = sheet.rows[:HEADER_SCAN_ROWS]
        scored = [
            (len(set(_recognised(cells, lookup).values())), i) for i, (_, cells) in enumerate(top)
        ]
        if not scored:
            continue
        best_score, best = max(scored, key=lambda pair: (pair[0], -pair[1]))
        if best_score < 2:
            continue
        return _header(sheet, best, lookup)
    return None


def _header(sheet: Sheet, index: int, lookup: Mapping[str, str]) -> Header:
    number, cells = sheet.rows[index]
    by_column = _recognised(cells, lookup)
    texts = {i: cells[i] for i in by_column}
    used_rows = [index]
    for other in (index - 1, index + 1):
        if not 0 <= other < len(sheet.rows):
            continue
        other_cells = sheet.rows[other][1]
        found = _recognised(other_cells, lookup)
        extra = {
            i: key
            for i, key in found.items()
            if i not in by_column and key not in by_column.values()
        }
        # The same words in the same columns: a header merged over two rows.
        agrees = any(by_column.get(i) == key for i, key in found.items())
        if extra or agrees:
            by_column.update(extra)
            texts.update({i: other_cells[i] for i in extra})
            used_rows.append(other)
    used_rows.sort()
    header_cells: dict[int, str] = {}
    for row_index in used_rows:
        for i, text in enumerate(sheet.rows[row_index][1]):
            if text and i not in header_cells:
                header_cells[i] = text
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    seen: dict[str, list[str]] = {}
    for i in sorted(by_column):
        key = by_column[i]
        seen.setdefault(key, []).append(texts[i])
        if key not in columns:
            columns[key], labels[key] = i, texts[i]
    conflicts = [(key, names) for key, names in seen.items() if len(set(names)) > 1]
    ignored = [text for i, text in sorted(header_cells.items()) if i not in by_column]
    last = max(used_rows)
    return Header(
        sheet=sheet.name,
        rows=tuple(sheet.rows[i][0] for i in used_rows),
        columns=columns,
        labels=labels,
        ignored=list(dict.fromkeys(ignored)),
        conflicts=conflicts,
        data=sheet.rows[last + 1 :],
    )
