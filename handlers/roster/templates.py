"""Sample roster and group-list files (``xiehui members template`` / ``groups template``).

The samples ship in the package as UTF-8 CSV (``samples/members.csv``, ``samples/groups.csv``)
so they can be read and reviewed as text; ``write_template`` writes them as an Excel workbook
(a title row, the header, the sample rows and a 填写说明 sheet) or as CSV with a BOM so that
Excel opens it as UTF-8.
"""

from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path

from handlers.roster.importer import (
    GROUP_HEADERS,
    GROUP_REQUIRED,
    GROUPS,
    LABELS,
    MEMBER_HEADERS,
    MEMBER_REQUIRED,
    MEMBERS,
    ROLE_WORDS,
)

TITLES = {MEMBERS: "某某县计生协会员名册（样例）", GROUPS: "某某县计生协会员小组（样例）"}
DEFAULT_NAMES = {MEMBERS: "会员名册样例.xlsx", GROUPS: "会员小组样例.xlsx"}

_NOTES: dict[str, dict[str, str]] = {
    MEMBERS: {
        "user_id": "成员在企业微信里的账号（管理后台“通讯录”里的账号），不是姓名或手机号",
        "role": f"可填：{ROLE_WORDS}",
        "province": "可写“广西”或“广西壮族自治区”",
        "group_code": "本人所在会员小组的编号，与小组表的“会员小组”一致",
        "on_duty": "填“是”的协会工作人员会接收群众转人工的问题",
    },
    GROUPS: {
        "group_code": "小组编号，与名册的“会员小组”列一致",
        "leader_id": "小组长的企业微信账号",
        "robot_key": "群机器人 webhook 地址里 key= 后面的部分（样例里的 key 要换成自己的）",
        "chat_id": "应用群聊的 ID；机器人key和群聊ID只填一个，都不填就逐人发消息",
        "user_ids": "不按名册、单独指定接收人时填，多个账号用 | 或逗号隔开",
    },
}


def sample_text(kind: str) -> str:
    """The packaged sample CSV of ``kind`` (MEMBERS or GROUPS)."""
    name = "members.csv" if kind == MEMBERS else "groups.csv"
    return resources.files("handlers.roster").joinpath("samples", name).read_text("utf-8")


def sample_rows(kind: str) -> list[list[str]]:
    return [row for row in csv.reader(io.StringIO(sample_text(kind))) if row]


def write_template(kind: str, path: Path) -> Path:
    """Write the sample as ``.xlsx`` (default) or ``.csv`` (by the file's extension)."""
    if path.suffix.lower() == ".csv":
        path.write_bytes(sample_text(kind).encode("utf-8-sig"))
        return path
    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(".xlsx")
    path.write_bytes(template_xlsx(kind))
    return path


def template_xlsx(kind: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    rows = sample_rows(kind)
    header, body = rows[0], rows[1:]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "名册" if kind == MEMBERS else "小组"
    sheet.append([TITLES[kind]])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet["A1"].font = Font(size=14, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in body:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            cell.number_format = "@"  # accounts and phone numbers stay text
    for index, title in enumerate(header, start=1):
        widest = max([len(title), *(len(r[index - 1]) for r in body if index <= len(r))])
        sheet.column_dimensions[get_column_letter(index)].width = min(40, 4 + widest * 2)
    sheet.freeze_panes = "A3"

    notes = workbook.create_sheet("填写说明")
    notes.append(["列名", "必填", "也可写作", "说明"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    vocabulary = MEMBER_HEADERS if kind == MEMBERS else GROUP_HEADERS
    required = MEMBER_REQUIRED if kind == MEMBERS else GROUP_REQUIRED
    for key, aliases in vocabulary.items():
        others = "、".join(a for a in aliases if a != LABELS[key])
        notes.append(
            [LABELS[key], "是" if key in required else "", others, _NOTES[kind].get(key, "")]
        )
    notes.append([])
    notes.append(
        [
            "表头可以不在第一行：上面可以有标题行、空行，合并单元格也可以；读取第一个有表头的工作表。"
        ]
    )
    for letter, width in zip("ABCD", (16, 6, 40, 70), strict=True):
        notes.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
