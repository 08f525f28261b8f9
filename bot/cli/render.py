"""Terminal output for people: Chinese tables (CJK-width aware, via rich) and progress bars."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from handlers.core.members import REGION_LEVELS, RegionPath
from handlers.core.messages import Role
from handlers.roster.importer import MEMBERS, Action, ApplyResult, ImportPlan, PlanRow

#: Progress bars appear for files with at least this many rows.
PROGRESS_MIN_ROWS = 300
#: New rows listed one by one; more are counted.
MAX_LISTED_ADDS = 20


def console(stderr: bool = False) -> Console:
    """A console on the current stdout/stderr; wide when the output is not a terminal."""
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else 120
    return Console(file=stream, width=width, highlight=False, soft_wrap=True)


def table(title: str | None, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Table:
    result = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", show_lines=False)
    for name in header:
        result.add_column(name, overflow="fold")
    for row in rows:
        result.add_row(*(str(cell) for cell in row))
    return result


class ProgressBar:
    """A progress bar on stderr for the stages of an import (读取, 检查, 写入)."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console(stderr=True),
            transient=True,
        )
        self.tasks: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if total < PROGRESS_MIN_ROWS:
            return
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(f"{stage}行", total=total)
        self.progress.update(self.tasks[stage], completed=done, total=total)


@contextmanager
def progress_bar() -> Iterator[ProgressBar]:
    bar = ProgressBar()
    with bar.progress:
        yield bar


def _detail(plan: ImportPlan, row: PlanRow) -> str:
    if row.action is Action.ADD:
        values = row.values
        if plan.kind == MEMBERS:
            role = Role(values["role"]).label if values.get("role") else ""
            region = RegionPath(*(values.get(level, "") for level in REGION_LEVELS))
            parts = [
                role,
                region.display() if not region.is_empty else "",
                values.get("group_code", ""),
            ]
        else:
            region = RegionPath(*(values.get(level, "") for level in REGION_LEVELS))
            channel = {"robot": "群机器人", "appchat": "应用群聊"}.get(
                values.get("channel", ""), ""
            )
            parts = [region.display() if not region.is_empty else "", channel]
        return " · ".join(p for p in parts if p)
    return row.explanation


def print_plan(plan: ImportPlan) -> None:
    """The Chinese summary of a plan: where the header was, a table of rows, the totals."""
    out = console()
    what = "名册" if plan.kind == MEMBERS else "小组表"
    if plan.errors:
        out.print(f"{what}“{plan.filename}”没有导入：")
        for error in plan.errors:
            out.print(f"  {error}")
        for note in plan.notes:
            out.print(f"  {note}")
        return
    where = f"工作表“{plan.sheet}”，" if plan.sheet else ""
    rows = "、".join(str(r) for r in plan.header_rows)
    out.print(f"{what}“{plan.filename}”（{where}表头在第 {rows} 行，共 {len(plan.rows)} 行数据）")
    for note in plan.notes:
        out.print(f"  注意：{note}")
    order = (Action.REFUSE, Action.HOLD, Action.UPDATE, Action.MERGED, Action.ADD)
    listed: list[list[Any]] = []
    adds = 0
    for action in order:
        for row in plan.having(action):
            if action is Action.ADD:
                adds += 1
                if adds > MAX_LISTED_ADDS:
                    continue
            listed.append(
                [row.row, row.key or "—", row.name or "—", action.label, _detail(plan, row)]
            )
    key = "企业微信账号" if plan.kind == MEMBERS else "会员小组"
    name = "姓名" if plan.kind == MEMBERS else "小组名称"
    if listed:
        out.print(table(None, ["行号", key, name, "结果", "说明"], listed))
    if adds > MAX_LISTED_ADDS:
        out.print(f"  ……另有 {adds - MAX_LISTED_ADDS} 行新增没有逐行列出。")
    if plan.new_groups:
        shown = "、".join(plan.new_groups[:30]) + ("等" if len(plan.new_groups) > 30 else "")
        out.print(f"将新建 {len(plan.new_groups)} 个会员小组：{shown}")
    out.print("合计：" + plan.summary())


def print_outcome(plan: ImportPlan, result: ApplyResult | None) -> None:
    """The closing lines: what was written, or how to write it."""
    out = console()
    noun = plan.noun
    held = plan.count(Action.HOLD)
    refused = plan.count(Action.REFUSE)
    if result is None:
        if plan.errors:
            out.print("没有导入任何内容。请改正文件后重新运行。")
            return
        hint = "这是预览，没有写入任何内容。确认无误后加 --apply 导入"
        if held:
            hint += f"；暂不修改的 {held} 行（角色或地区有变化、或账号重复）还需要同时加 --force"
        out.print(hint + "。")
        return
    text = f"已导入：新增 {result.added} {noun}，修改 {result.updated} {noun}"
    if result.groups_created:
        text += f"，新建会员小组 {len(result.groups_created)} 个"
    out.print(text + "。")
    left_out = []
    if refused:
        left_out.append(f"被拒绝的 {refused} 行")
    if held:
        left_out.append(f"暂不修改的 {held} 行")
    if result.skipped:
        left_out.append(f"预览后被改动的 {len(result.skipped)} 行")
        for row, reason in result.skipped:
            out.print(f"  第 {row} 行：{reason}")
    if left_out:
        out.print("、".join(left_out) + "没有导入，其余各行都已导入。")
