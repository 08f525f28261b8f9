"""An import previewed by one person and confirmed later (the console's 名册 upload).

- :func:`limit_to_region` refuses, row by row, what the uploader may not change: records
  outside their region (where they are now, or where the file would put them), members put
  into another region's group, and the 管理员 role unless the uploader is an admin. New
  records whose file has no column for the upper region levels (a county's file listing only
  乡镇 and 村) take those levels from the uploader's region, as "登记小组" does in chat.
- :func:`dump_plan` / :func:`load_plan` keep the previewed plan (not the file) between the
  preview and the confirmation, so exactly what was shown is applied;
  :meth:`~handlers.roster.importer.RosterImporter.apply` still skips any row whose record
  changed in between.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from handlers.core.members import REGION_LEVELS, RegionPath
from handlers.core.messages import Role
from handlers.core.permissions import Actor
from handlers.roster.importer import MEMBERS, Action, Change, ImportPlan, PlanRow

ACTION = "导入名册"
_WRITES = (Action.ADD, Action.UPDATE, Action.HOLD)


def _region(values: Mapping[str, str]) -> RegionPath:
    return RegionPath(*(values.get(level, "") for level in REGION_LEVELS))


def _refuse(row: PlanRow, reason: str) -> None:
    row.action = Action.REFUSE
    row.reasons.append(reason)


def limit_to_region(
    plan: ImportPlan, actor: Actor, groups: Mapping[str, RegionPath]
) -> ImportPlan:
    """Refuse the rows of ``plan`` that ``actor`` may not write (in place; returns the plan).

    ``groups`` maps every existing group code to its region.
    """
    scope = actor.scope(ACTION)
    where = scope.display() if not scope.is_empty else "全部地区"
    in_file = set(plan.columns)
    for row in plan.rows:
        if row.action not in _WRITES:
            continue
        if row.before is not None and not scope.contains(_region(row.before)):
            _refuse(
                row,
                f"这条记录现在属于{_region(row.before).display()}，不在您负责的地区（{where}）",
            )
            continue
        if row.before is None:
            for level, value in zip(REGION_LEVELS, scope.parts(), strict=True):
                if value and level not in in_file and not row.values.get(level):
                    row.values[level] = value
        after = _region({**(row.before or {}), **row.values})
        if not scope.contains(after):
            shown = after.display() if not after.is_empty else "没有写地区"
            _refuse(row, f"地区“{shown}”不在您负责的地区（{where}）")
            continue
        if plan.kind == MEMBERS:
            if row.values.get("role") == Role.ADMIN.value and actor.role is not Role.ADMIN:
                _refuse(row, "只有管理员可以登记管理员")
                continue
            code = row.values.get("group_code", "")
            if code and code in groups and not scope.contains(groups[code]):
                _refuse(row, f"会员小组“{code}”不在您负责的地区")
                continue
    codes = {r.values.get("group_code", "") for r in plan.applicable} - {""}
    plan.new_groups = [c for c in plan.new_groups if c in codes]
    return plan


def dump_plan(plan: ImportPlan) -> str:
    return json.dumps(asdict(plan), ensure_ascii=False)


def load_plan(text: str) -> ImportPlan:
    data: dict[str, Any] = json.loads(text)
    rows = [
        PlanRow(
            row=r["row"],
            key=r["key"],
            name=r["name"],
            action=Action(r["action"]),
            values=dict(r["values"]),
            changes=[Change(**c) for c in r["changes"]],
            reasons=list(r["reasons"]),
            before=r["before"],
        )
        for r in data.pop("rows")
    ]
    data["header_rows"] = tuple(data["header_rows"])
    return ImportPlan(**data, rows=rows)
