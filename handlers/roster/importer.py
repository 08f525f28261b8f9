"""The roster and member-group importer: file in, plan out; ``apply(plan)`` writes it.

Rules, the same for the command line and the console:

- The header row is found wherever it is in the first rows (title rows, blank rows, merged
  cells, two-level headers); both files use the same header words (``会员小组`` is the group
  code in either). A missing required column is reported once, by name, and nothing is
  imported.
- Each row is added, changed, left alone, held back or refused, with its row number and the
  reason in Chinese. Refused rows (a bad account, an unknown role, a malformed robot key ...)
  never go in; the other rows do.
- Held back unless ``force``: a change of an existing member's role or region (or of a
  group's region), and an id that appears on several rows with different contents. With
  ``force`` the change is made and, for duplicates, the last row wins. Filling in region
  levels that were empty is not a change of region. Identical duplicate rows count once.
- A column absent from the file leaves that field alone; a column present is the truth, so an
  emptied cell empties the field (and shows as a change).
- ``apply`` re-reads each record and skips a row whose record changed since the plan was
  made, so a preview shown long ago cannot overwrite newer edits.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import PurePath
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy.engine import Engine
from sqlmodel import select

from handlers.core.db import session_scope, utcnow
from handlers.core.errors import DomainError
from handlers.core.members import (
    REGION_LEVELS,
    Member,
    MemberGroup,
    RegionPath,
    normalise_province,
)
from handlers.core.messages import Role, parse_role
from handlers.roster.table import Header, TableError, find_header, read_sheets

logger = logging.getLogger(__name__)

#: (stage, done, total): stages are 读取 (reading the file), 检查 (checking rows), 写入.
ProgressCallback = Callable[[str, int, int], None]

MEMBERS = "members"
GROUPS = "groups"

#: WeCom user ids: letters, digits and _-@. , starting with a letter or digit, at most 64.
USER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")
ROBOT_KEY = re.compile(r"[0-9A-Za-z-]{8,64}")
CHAT_ID = re.compile(r"[0-9A-Za-z]{1,32}")
ROLE_WORDS = (
    "群众、志愿者、小组长（会员小组长、组长）、协会工作人员（工作人员、专干、协调员）、管理员"
)
_YES = ("是", "1", "yes", "y", "true", "值班", "√", "✓")
_NO = ("", "否", "0", "no", "n", "false", "×")
_LIST_SPLIT = re.compile(r"[|,，、;；\s]+")

#: The canonical header word of each field (what the sample files and the summary use).
LABELS: dict[str, str] = {
    "user_id": "企业微信账号",
    "name": "姓名",
    "role": "角色",
    "province": "省",
    "city": "市",
    "county": "县(区)",
    "township": "乡镇",
    "village": "村(社区)",
    "group_code": "会员小组",
    "phone": "电话",
    "on_duty": "值班",
    "group_name": "小组名称",
    "leader_id": "组长账号",
    "robot_key": "机器人key",
    "chat_id": "群聊ID",
    "user_ids": "成员账号",
}

_REGION_HEADERS: dict[str, tuple[str, ...]] = {
    "province": ("省", "省份", "省(区)", "省(自治区)", "省区", "province"),
    "city": ("市", "地市", "市(盟)", "市(州)", "地级市", "city"),
    "county": (
        "县(区)", "县", "县区", "区县", "县(市、区)", "县(市区)", "县(市)", "县(旗)", "旗县",
        "县市区", "county",
    ),
    "township": ("乡镇", "镇", "乡", "乡镇(街道)", "乡镇(苏木)", "苏木", "街道", "township"),
    "village": ("村(社区)", "村", "社区", "村(嘎查)", "嘎查", "村居", "village"),
}  # fmt: skip
_GROUP_CODE = ("会员小组", "小组", "小组编号", "会员小组编号", "小组代码", "group", "group_code")

#: Header words of the roster (``xiehui members import``).
MEMBER_HEADERS: dict[str, tuple[str, ...]] = {
    "user_id": (
        "企业微信账号", "企业微信帐号", "企微账号", "账号", "帐号", "成员账号", "userid",
        "user_id", "用户id",
    ),
    "name": ("姓名", "名字", "name"),
    "role": ("角色", "身份", "人员类别", "role"),
    **_REGION_HEADERS,
    "group_code": _GROUP_CODE,
    "phone": ("电话", "手机", "手机号", "手机号码", "联系电话", "phone"),
    "on_duty": ("值班", "是否值班", "on_duty"),
}  # fmt: skip
MEMBER_REQUIRED = ("user_id", "name", "role")

#: Header words of the group list (``xiehui groups import``); 会员小组 is the code here too.
GROUP_HEADERS: dict[str, tuple[str, ...]] = {
    "group_code": (*_GROUP_CODE, "编号", "code"),
    "group_name": ("小组名称", "会员小组名称", "名称", "name"),
    **_REGION_HEADERS,
    "leader_id": ("组长账号", "小组长账号", "组长", "小组长", "leader", "leader_id"),
    "robot_key": (
        "机器人key", "群机器人key", "机器人", "群机器人", "机器人地址", "webhook", "robot_key",
        "robot",
    ),
    "chat_id": ("群聊ID", "群聊", "群聊编号", "chat_id", "chatid"),
    "user_ids": ("成员账号", "成员", "成员名单", "user_ids"),
}  # fmt: skip
GROUP_REQUIRED = ("group_code",)

_MEMBER_FIELDS = (
    "name", "role", *REGION_LEVELS, "group_code", "phone", "on_duty",
)  # fmt: skip
_GROUP_FIELDS = (
    "name", *REGION_LEVELS, "leader_id", "channel", "robot_key", "chat_id", "user_ids",
)  # fmt: skip
_CHANNEL_LABELS = {"robot": "群机器人", "appchat": "应用群聊", "members": "逐人消息"}


class Action(StrEnum):
    """What happens to one row."""

    ADD = "add"
    UPDATE = "update"
    SAME = "same"
    MERGED = "merged"  # a repeat of another row: counted once
    HOLD = "hold"  # needs force (role/region change, differing duplicates)
    REFUSE = "refuse"

    @property
    def label(self) -> str:
        return _ACTION_LABELS[self]


_ACTION_LABELS = {
    Action.ADD: "新增",
    Action.UPDATE: "修改",
    Action.SAME: "不变",
    Action.MERGED: "重复（合并）",
    Action.HOLD: "暂不修改",
    Action.REFUSE: "拒绝",
}


@dataclass(frozen=True)
class Change:
    """One field that an import changes: label, old and new value as shown to people."""

    label: str
    old: str
    new: str
    sensitive: bool = False  # a role or region change

    def __str__(self) -> str:
        return f"{self.label}：{self.old or '（空）'} → {self.new or '（空）'}"


@dataclass
class PlanRow:
    """One row of the file and what the import does with it."""

    row: int  # the row number the office program shows
    key: str  # user id or group code
    name: str
    action: Action
    values: dict[str, str] = field(default_factory=dict)  # model attributes to write
    changes: list[Change] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # why refused / held, or a remark
    before: dict[str, str] | None = None  # the record as it was when the plan was made

    @property
    def sensitive(self) -> bool:
        return any(change.sensitive for change in self.changes)

    @property
    def explanation(self) -> str:
        return "；".join([*self.reasons, *(str(c) for c in self.changes)])


@dataclass
class ImportPlan:
    """What an import would do; nothing is written until ``RosterImporter.apply``."""

    kind: str  # MEMBERS or GROUPS
    filename: str
    force: bool = False
    sheet: str = ""
    header_rows: tuple[int, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)  # field -> header text in the file
    rows: list[PlanRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # file-level: nothing can be imported
    notes: list[str] = field(default_factory=list)
    new_groups: list[str] = field(default_factory=list)

    @property
    def noun(self) -> str:
        return "人" if self.kind == MEMBERS else "个小组"

    def having(self, *actions: Action) -> list[PlanRow]:
        return [row for row in self.rows if row.action in actions]

    def count(self, action: Action) -> int:
        return sum(1 for row in self.rows if row.action is action)

    @property
    def applicable(self) -> list[PlanRow]:
        return self.having(Action.ADD, Action.UPDATE)

    @property
    def clean(self) -> bool:
        """Readable, and every row can go in as it is (nothing refused or held)."""
        return not self.errors and not self.having(Action.REFUSE, Action.HOLD)

    def summary(self) -> str:
        """One Chinese sentence: how many rows are added, changed, held, refused."""
        if self.errors:
            return "文件有问题，不能导入：" + "；".join(self.errors)
        noun = self.noun
        sensitive = sum(1 for row in self.having(Action.UPDATE) if row.sensitive)
        parts = [
            f"新增 {self.count(Action.ADD)} {noun}",
            f"修改 {self.count(Action.UPDATE)} {noun}",
        ]
        if sensitive:
            parts[-1] += f"（其中 {sensitive} {noun}的角色或地区有变化）"
        parts.append(f"不变 {self.count(Action.SAME)} {noun}")
        if self.count(Action.MERGED):
            parts.append(f"重复行合并 {self.count(Action.MERGED)} 行")
        if self.count(Action.HOLD):
            parts.append(f"暂不修改 {self.count(Action.HOLD)} 行（需要 --force）")
        parts.append(f"拒绝 {self.count(Action.REFUSE)} 行")
        return "，".join(parts) + "。"


@dataclass
class ApplyResult:
    """What ``apply`` wrote."""

    added: int = 0
    updated: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, reason)
    groups_created: list[str] = field(default_factory=list)


# -- helpers ----------------------------------------------------------------------------------


def _aliases(vocabulary: Mapping[str, Sequence[str]], key: str) -> str:
    words = [w for w in vocabulary[key] if not w.isascii() and w != LABELS[key]]
    return "、".join(f"“{w}”" for w in words[:4])


def parse_on_duty(text: str) -> bool | None:
    value = text.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    return None


def robot_key_from(text: str) -> str:
    """The key itself, also when the whole webhook address was pasted."""
    text = text.strip()
    if "key=" in text:
        keys = parse_qs(urlsplit(text).query).get("key") or parse_qs(text.split("?")[-1]).get(
            "key"
        )
        return (keys or [""])[0].strip()
    return text


def split_ids(text: str) -> list[str]:
    return [part for part in _LIST_SPLIT.split(text.strip()) if part]


def _region_text(values: Mapping[str, str]) -> str:
    return RegionPath(*(values.get(level, "") for level in REGION_LEVELS)).display()


def region_changes(before: Mapping[str, str], after: Mapping[str, str]) -> Change | None:
    """The region change of a record, or None; filling empty levels is not sensitive."""
    levels = [level for level in REGION_LEVELS if level in after]
    if all(before.get(level, "") == after[level] for level in levels):
        return None
    merged = {level: after.get(level, before.get(level, "")) for level in REGION_LEVELS}
    sensitive = any(
        before.get(level, "") and before.get(level, "") != after[level] for level in levels
    )
    return Change("地区", _region_text(before), _region_text(merged), sensitive=sensitive)


def member_snapshot(member: Member) -> dict[str, str]:
    values = {name: str(getattr(member, name) or "") for name in _MEMBER_FIELDS}
    values["on_duty"] = "是" if member.on_duty else ""
    return values


def group_snapshot(group: MemberGroup) -> dict[str, str]:
    return {name: str(getattr(group, name) or "") for name in _GROUP_FIELDS}


# -- the service ------------------------------------------------------------------------------


class RosterImporter:
    """Plans and applies roster (members) and group-list imports for one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # planning ---------------------------------------------------------------------------------

    def plan(
        self,
        kind: str,
        data: bytes,
        filename: str,
        *,
        force: bool = False,
        progress: ProgressCallback | None = None,
    ) -> ImportPlan:
        """Plan an import of ``kind`` (MEMBERS or GROUPS) from a file's bytes."""
        if kind == MEMBERS:
            return self.plan_members(data, filename, force=force, progress=progress)
        if kind == GROUPS:
            return self.plan_groups(data, filename, force=force, progress=progress)
        raise ValueError(f"unknown import kind {kind!r}")

    def plan_members(
        self,
        data: bytes,
        filename: str,
        *,
        force: bool = False,
        progress: ProgressCallback | None = None,
    ) -> ImportPlan:
        plan = ImportPlan(MEMBERS, PurePath(filename).name, force)
        header = self._read(plan, data, filename, MEMBER_HEADERS, MEMBER_REQUIRED, progress)
        if header is None:
            return plan
        with session_scope(self.engine) as session:
            existing = {m.user_id: member_snapshot(m) for m in session.exec(select(Member))}
            groups = set(session.exec(select(MemberGroup.code)))
        rows = self._rows(plan, header, progress, self._member_row)
        self._resolve(plan, rows, existing, self._member_changes)
        codes = {r.values.get("group_code", "") for r in plan.applicable} - {""}
        plan.new_groups = sorted(codes - groups)
        return plan

    def plan_groups(
        self,
        data: bytes,
        filename: str,
        *,
        force: bool = False,
        progress: ProgressCallback | None = None,
    ) -> ImportPlan:
        plan = ImportPlan(GROUPS, PurePath(filename).name, force)
        header = self._read(plan, data, filename, GROUP_HEADERS, GROUP_REQUIRED, progress)
        if header is None:
            return plan
        with session_scope(self.engine) as session:
            existing = {g.code: group_snapshot(g) for g in session.exec(select(MemberGroup))}
        rows = self._rows(plan, header, progress, self._group_row)
        self._resolve(plan, rows, existing, self._group_changes)
        return plan

    def _read(
        self,
        plan: ImportPlan,
        data: bytes,
        filename: str,
        vocabulary: Mapping[str, Sequence[str]],
        required: Sequence[str],
        progress: ProgressCallback | None,
    ) -> Header | None:
        what = "名册" if plan.kind == MEMBERS else "小组表"
        try:
            sheets = read_sheets(
                data, filename, (lambda d, t: progress("读取", d, t)) if progress else None
            )
        except TableError as exc:
            plan.errors.append(exc.message)
            return None
        header = find_header(sheets, vocabulary)
        if header is None:
            expected = (
                "“企业微信账号”“姓名”“角色”"
                if plan.kind == MEMBERS
                else "“会员小组”“小组名称”“机器人key”"
            )
            plan.errors.append(
                f"没有找到表头：前 15 行里没有一行写着 {expected} 等列名。"
                f"请确认这是{what}，或对照样例文件修改表头"
                f"（xiehui {plan.kind} template 可以生成样例）。"
            )
            return None
        plan.sheet, plan.header_rows = header.sheet, header.rows
        plan.columns = dict(header.labels)
        for key, texts in header.conflicts:
            names = "”和“".join(texts)
            plan.errors.append(f"表头里“{names}”都表示{LABELS[key]}，请删掉或改名其中一列。")
        missing = [k for k in required if k not in header.columns]
        if missing:
            where = "、".join(str(r) for r in header.rows)
            described = "；".join(
                f"“{LABELS[k]}”（也可写作{_aliases(vocabulary, k)}）" for k in missing
            )
            plan.errors.append(f"缺少必需的列：{described}。表头在第 {where} 行。")
            # A group list given to the roster import (or the other way round)?
            other, other_vocabulary, telling = (
                (GROUPS, GROUP_HEADERS, ("group_name", "leader_id", "robot_key", "chat_id"))
                if plan.kind == MEMBERS
                else (MEMBERS, MEMBER_HEADERS, ("user_id", "role"))
            )
            guess = find_header(sheets, other_vocabulary)
            if guess is not None and sum(k in guess.columns for k in telling) >= 2:
                label = "小组表" if other == GROUPS else "名册"
                plan.errors.append(f"这个文件看起来是{label}：请用 xiehui {other} import 导入。")
        if header.ignored:
            plan.notes.append("这些列不会导入：" + "、".join(header.ignored))
        return None if plan.errors else header

    def _rows(
        self,
        plan: ImportPlan,
        header: Header,
        progress: ProgressCallback | None,
        build: Callable[[int, dict[str, str], set[str]], PlanRow],
    ) -> list[PlanRow]:
        rows: list[PlanRow] = []
        skipped: list[int] = []
        footers: list[str] = []
        total = len(header.data)
        present = set(header.columns)
        for index, (number, cells) in enumerate(header.data):
            values = {
                key: cells[col] if col < len(cells) else "" for key, col in header.columns.items()
            }
            key_field = "user_id" if plan.kind == MEMBERS else "group_code"
            name_field = "name" if plan.kind == MEMBERS else "group_name"
            if not any(values.values()):
                skipped.append(number)  # only a 序号 or a remark: not a roster row
            elif not values.get(key_field) and not values.get(name_field):
                # "填表人：… 审核人：…" under the table: no id and no name, so not a record.
                text = " ".join(c for c in cells if c)[:40]
                footers.append(f"第 {number} 行“{text}”")
            else:
                rows.append(build(number, values, present))
            if progress is not None and (index % 200 == 199 or index == total - 1):
                progress("检查", index + 1, total)
        if skipped:
            plan.notes.append(
                f"{len(skipped)} 行只有序号或备注、没有要导入的内容，已跳过（第 {_ranges(skipped)} 行）"
            )
        if footers:
            what = "账号和姓名" if plan.kind == MEMBERS else "小组编号和名称"
            plan.notes.append(
                f"{len(footers)} 行没有{what}，看作表格说明，已跳过：" + "、".join(footers[:5])
            )
        return rows

    # one row ----------------------------------------------------------------------------------

    def _member_row(self, number: int, raw: dict[str, str], present: set[str]) -> PlanRow:
        user_id, name = raw.get("user_id", ""), raw.get("name", "")
        row = PlanRow(number, user_id, name, Action.ADD)
        if not user_id:
            row.reasons.append("缺少企业微信账号")
        elif not USER_ID.fullmatch(user_id):
            row.reasons.append(
                f"企业微信账号“{user_id}”格式不对（只能有字母、数字和 _ - @ .，最长 64 位；"
                "是不是填成了姓名或手机号？）"
            )
        if not name:
            row.reasons.append("没有填姓名")
        role_text = raw.get("role", "")
        if not role_text:
            row.reasons.append(f"没有填角色（可填：{ROLE_WORDS}）")
        else:
            try:
                row.values["role"] = parse_role(role_text).value
            except ValueError:
                row.reasons.append(f"角色“{role_text}”无法识别（可填：{ROLE_WORDS}）")
        row.values["name"] = name
        for level in REGION_LEVELS:
            if level in present:
                value = raw.get(level, "")
                row.values[level] = normalise_province(value) if level == "province" else value
        for key in ("group_code", "phone"):
            if key in present:
                row.values[key] = raw.get(key, "")
        if len(row.values.get("group_code", "")) > 64:
            row.reasons.append("会员小组编号太长（最多 64 个字）")
        if "on_duty" in present:
            duty = parse_on_duty(raw.get("on_duty", ""))
            if duty is None:
                row.reasons.append(f"值班“{raw.get('on_duty')}”无法识别（填“是”或留空）")
            row.values["on_duty"] = "是" if duty else ""
        if row.reasons:
            row.action = Action.REFUSE
        return row

    def _group_row(self, number: int, raw: dict[str, str], present: set[str]) -> PlanRow:
        code = raw.get("group_code", "")
        row = PlanRow(number, code, raw.get("group_name", ""), Action.ADD)
        if not code:
            row.reasons.append("缺少会员小组编号")
        elif len(code) > 64:
            row.reasons.append("会员小组编号太长（最多 64 个字）")
        if "group_name" in present:
            row.values["name"] = raw.get("group_name", "") or code
        for level in REGION_LEVELS:
            if level in present:
                value = raw.get(level, "")
                row.values[level] = normalise_province(value) if level == "province" else value
        leader = raw.get("leader_id", "")
        if "leader_id" in present:
            if leader and not USER_ID.fullmatch(leader):
                row.reasons.append(f"组长账号“{leader}”格式不对（应是企业微信账号）")
            row.values["leader_id"] = leader
        key = robot_key_from(raw.get("robot_key", ""))
        chat = raw.get("chat_id", "")
        if key and not ROBOT_KEY.fullmatch(key):
            # The key is a credential: it is not repeated in the report.
            row.reasons.append(
                "机器人key格式不对：请复制群机器人 webhook 地址里 key= 后面的部分"
                "（8 到 64 位字母、数字和短横线）"
            )
        if chat and not CHAT_ID.fullmatch(chat):
            row.reasons.append(f"群聊ID“{chat}”格式不对（只能是字母和数字，最多 32 位）")
        if key and chat:
            row.reasons.append("机器人key和群聊ID都填了：一个小组只用一种通知方式，请删掉一个")
        if "robot_key" in present or "chat_id" in present:
            row.values["channel"] = "robot" if key else "appchat" if chat else "members"
            if "robot_key" in present:
                row.values["robot_key"] = key
            if "chat_id" in present:
                row.values["chat_id"] = chat
        if "user_ids" in present:
            ids = split_ids(raw.get("user_ids", ""))
            bad = [i for i in ids if not USER_ID.fullmatch(i)]
            if bad:
                row.reasons.append("成员账号格式不对：" + "、".join(bad[:5]))
            row.values["user_ids"] = "|".join(ids)
        if row.reasons:
            row.action = Action.REFUSE
        return row

    # comparing with what is stored ------------------------------------------------------------

    def _member_changes(self, before: dict[str, str], values: dict[str, str]) -> list[Change]:
        changes: list[Change] = []
        for key in ("name", "role", "group_code", "phone", "on_duty"):
            if key in values and before.get(key, "") != values[key]:
                old, new = before.get(key, ""), values[key]
                if key == "role":
                    old, new = Role(old).label if old else "", Role(new).label
                changes.append(Change(LABELS[key], old, new, sensitive=key == "role"))
        region = region_changes(before, values)
        if region is not None:
            changes.append(region)
        return changes

    def _group_changes(self, before: dict[str, str], values: dict[str, str]) -> list[Change]:
        changes: list[Change] = []
        if "name" in values and before.get("name", "") != values["name"]:
            changes.append(Change("小组名称", before.get("name", ""), values["name"]))
        region = region_changes(before, values)
        if region is not None:
            changes.append(region)
        if "leader_id" in values and before.get("leader_id", "") != values["leader_id"]:
            changes.append(Change("组长账号", before.get("leader_id", ""), values["leader_id"]))
        if "channel" in values and before.get("channel", "") != values["channel"]:
            old = _CHANNEL_LABELS.get(before.get("channel", ""), before.get("channel", ""))
            changes.append(Change("通知方式", old, _CHANNEL_LABELS[values["channel"]]))
        if "robot_key" in values and before.get("robot_key", "") != values["robot_key"]:
            old = "已登记" if before.get("robot_key") else ""
            new = "新的key" if values["robot_key"] else ""
            changes.append(Change("机器人key", old, new))
        if "chat_id" in values and before.get("chat_id", "") != values["chat_id"]:
            changes.append(Change("群聊ID", before.get("chat_id", ""), values["chat_id"]))
        if "user_ids" in values and before.get("user_ids", "") != values["user_ids"]:
            changes.append(
                Change(
                    "成员账号",
                    before.get("user_ids", "").replace("|", "、"),
                    values["user_ids"].replace("|", "、"),
                )
            )
        return changes

    def _resolve(
        self,
        plan: ImportPlan,
        rows: list[PlanRow],
        existing: dict[str, dict[str, str]],
        compare: Callable[[dict[str, str], dict[str, str]], list[Change]],
    ) -> None:
        """Duplicates, then each remaining row against the stored record."""
        by_key: dict[str, list[PlanRow]] = {}
        for row in rows:
            if row.key:
                by_key.setdefault(row.key, []).append(row)
        word = "企业微信账号" if plan.kind == MEMBERS else "会员小组编号"
        for key, same in by_key.items():
            if len(same) < 2:
                continue
            first = same[0]
            numbers = "、".join(str(r.row) for r in same)
            if all(r.values == first.values and r.action == first.action for r in same[1:]):
                for repeat in same[1:]:
                    repeat.action = Action.MERGED
                    repeat.reasons = [f"与第 {first.row} 行完全相同，只算一次"]
                continue
            if plan.force and same[-1].action is not Action.REFUSE:
                last = same[-1]
                for earlier in same[:-1]:
                    earlier.action = Action.MERGED
                    earlier.reasons = [f"{word} {key} 重复，按 --force 以第 {last.row} 行为准"]
                continue
            for row in same:
                row.action = Action.HOLD if row.action is not Action.REFUSE else Action.REFUSE
                row.reasons.insert(
                    0,
                    f"{word} {key} 在第 {numbers} 行重复出现、内容不同，这几行都没有导入"
                    "（改正后重新导入，或加 --force 以最后一行为准）",
                )
        for row in rows:
            if row.action is not Action.ADD:
                continue
            before = existing.get(row.key)
            if before is None:
                continue
            row.before = before
            row.changes = compare(before, row.values)
            if not row.changes:
                row.action = Action.SAME
            elif row.sensitive and not plan.force:
                row.action = Action.HOLD
                row.reasons.append("角色或地区有变化，需要加 --force 才会修改")
            else:
                row.action = Action.UPDATE
        plan.rows = rows

    # applying ---------------------------------------------------------------------------------

    def apply(self, plan: ImportPlan, progress: ProgressCallback | None = None) -> ApplyResult:
        """Write the plan's added and changed rows in one transaction."""
        if plan.errors:
            raise DomainError("文件有问题，没有导入任何内容：" + "；".join(plan.errors))
        result = ApplyResult()
        rows = plan.applicable
        with session_scope(self.engine) as session:
            applied: list[Member] = []
            for index, row in enumerate(rows):
                if plan.kind == MEMBERS:
                    current: Any = session.get(Member, row.key)
                    snapshot = member_snapshot(current) if current is not None else None
                else:
                    current = session.get(MemberGroup, row.key)
                    snapshot = group_snapshot(current) if current is not None else None
                if snapshot != row.before:
                    result.skipped.append(
                        (row.row, "预览之后这条记录已被改动，没有导入；请重新预览后再导入")
                    )
                    continue
                if current is None:
                    current = (
                        Member(user_id=row.key)
                        if plan.kind == MEMBERS
                        else MemberGroup(code=row.key, name=row.key)
                    )
                    result.added += 1
                else:
                    result.updated += 1
                for name, value in row.values.items():
                    setattr(current, name, value == "是" if name == "on_duty" else value)
                current.updated_at = utcnow()
                session.add(current)
                if plan.kind == MEMBERS:
                    applied.append(current)
                if progress is not None and (index % 200 == 199 or index == len(rows) - 1):
                    progress("写入", index + 1, len(rows))
            session.flush()
            if plan.kind == MEMBERS:
                result.groups_created = _ensure_groups(session, applied)
        logger.info(
            "%s import %s: added=%d updated=%d skipped=%d",
            plan.kind,
            plan.filename,
            result.added,
            result.updated,
            len(result.skipped),
        )
        return result


def _ensure_groups(session: Any, members: Sequence[Member]) -> list[str]:
    """Create the groups members name; a leader becomes their group's leader.

    A new group takes its leader's (else its first member's) region; an existing group's
    region is not changed by a roster (the group list owns it).
    """
    created: list[str] = []
    for member in sorted(members, key=lambda m: m.role != Role.LEADER.value):
        if not member.group_code:
            continue
        group = session.get(MemberGroup, member.group_code)
        if group is None:
            group = MemberGroup(code=member.group_code, name=member.group_code)
            for level in REGION_LEVELS:
                setattr(group, level, getattr(member, level))
            created.append(member.group_code)
        if member.role == Role.LEADER.value:
            group.leader_id = member.user_id
        session.add(group)
        session.flush()
    return created


def _ranges(numbers: Sequence[int]) -> str:
    """[3, 4, 5, 9] -> '3-5、9'."""
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return "、".join(parts)
