"""Real-looking office roster and group files, built on demand (no opaque binaries in git).

Each builder writes one file the way county and township offices keep them: merged title rows,
two-level headers, township cells merged down, GBK CSV, Excel's UTF-16 "Unicode text", an old
.xls, pre-numbered blank rows, a 2,000-row roster, and broken files. ``build_all(folder)``
writes them all; ``python -m tests.office_files FOLDER`` does the same for a look by hand.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HEADER = ["序号", "企业微信账号", "姓名", "角色", "省", "市", "县(区)", "乡镇", "村(社区)", "会员小组", "手机号码"]  # fmt: skip
PEOPLE = [
    [
        "1",
        "zhaogang",
        "赵刚",
        "协会工作人员",
        "广西壮族自治区",
        "北海市",
        "合浦县",
        "",
        "",
        "",
        "13800000001",
    ],  # fmt: skip
    [
        "2",
        "lilan",
        "李兰",
        "小组长",
        "广西壮族自治区",
        "北海市",
        "合浦县",
        "廉州镇",
        "江口村",
        "JK01",
        "13800000002",
    ],  # fmt: skip
    [
        "3",
        "wangfang",
        "王芳",
        "志愿者",
        "广西壮族自治区",
        "北海市",
        "合浦县",
        "廉州镇",
        "江口村",
        "JK01",
        "",
    ],  # fmt: skip
    [
        "4",
        "chenmei",
        "陈梅",
        "群众",
        "广西壮族自治区",
        "北海市",
        "合浦县",
        "廉州镇",
        "江口村",
        "JK01",
        "",
    ],  # fmt: skip
    [
        "5",
        "huangli",
        "黄丽",
        "会员小组长",
        "广西壮族自治区",
        "北海市",
        "合浦县",
        "廉州镇",
        "文竹村",
        "WZ01",
        "",
    ],  # fmt: skip
    [
        "6",
        "liuqiang",
        "刘强",
        "组长",
        "广西壮族自治区",
        "北海市",
        "合浦县",
        "石湾镇",
        "大田村",
        "DT01",
        "",
    ],  # fmt: skip
]

Builder = Callable[[Path], Path]


def _save(book: Workbook, path: Path) -> Path:
    book.save(path)
    return path


def _sheet(book: Workbook, title: str = "Sheet1") -> Any:
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    return sheet


def title_rows(folder: Path) -> Path:
    """The usual layout: a merged title, a merged subtitle, a blank row, then the header."""
    book = Workbook()
    sheet = _sheet(book, "会员名册")
    sheet.append(["合浦县计生协会员名册（2026年）"])
    sheet.merge_cells("A1:K1")
    sheet["A1"].font = Font(size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(["填报单位：合浦县计生协（盖章）", None, None, None, None, None, None, None, "填报日期：2026年3月"])  # fmt: skip
    sheet.merge_cells("A2:H2")
    sheet.append([])
    sheet.append(HEADER)
    for row in PEOPLE:
        values: list[object] = list(row)
        values[0] = int(row[0])
        values[10] = int(row[10]) if row[10] else None  # phone numbers typed as numbers
        sheet.append(values)
    sheet.append([])
    sheet.append(["填表人：韦小红", None, None, "审核人：莫志强"])
    return _save(book, folder / "合浦县会员名册2026.xlsx")


def two_level_header(folder: Path) -> Path:
    """A two-level header ("所属地区" over 省…村) and township cells merged down."""
    book = Workbook()
    sheet = _sheet(book, "名册")
    sheet.append(["廉州镇计生协会员花名册"])
    sheet.merge_cells("A1:J1")
    sheet.append(["序号", "企业微信账号", "姓名", "角色", "所属地区", None, None, None, None, "会员小组"])  # fmt: skip
    sheet.append([None, None, None, None, "省", "市", "县(区)", "乡镇", "村(社区)", None])  # fmt: skip
    for column in "ABCDJ":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.merge_cells("E2:I2")
    rows = [
        ["1", "lilan", "李兰", "小组长", "广西", "北海市", "合浦县", "廉州镇", "江口村", "JK01"],
        ["2", "wangfang", "王芳", "志愿者", "广西", "北海市", "合浦县", None, "江口村", "JK01"],
        ["3", "chenmei", "陈梅", "群众", "广西", "北海市", "合浦县", None, "江口村", "JK01"],
        ["4", "huangli", "黄丽", "小组长", "广西", "北海市", "合浦县", None, "文竹村", "WZ01"],
    ]
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("H4:H7")  # 廉州镇 written once for its four people
    return _save(book, folder / "廉州镇花名册.xlsx")


def gbk_csv(folder: Path) -> Path:
    """CSV saved by Excel on a Chinese Windows: GBK, full-width brackets, a blank first line."""
    lines = [
        ",,,,,,,,",
        "企业微信账号,姓名,角色,省（区）,市,县（区）,乡镇,村（社区）,会员小组,值班",
        "zhaogang,赵刚,协会工作人员,广西,北海市,合浦县,,,,是",
        "lilan,李兰,会员小组长,广西,北海市,合浦县,廉州镇,江口村,JK01,",
        "wangfang,王芳,志愿者,广西,北海市,合浦县,廉州镇,江口村,JK01,否",
    ]
    path = folder / "名册GBK.csv"
    path.write_bytes("\r\n".join(lines).encode("gbk"))
    return path


def missing_role(folder: Path) -> Path:
    """No 角色 column at all: once everyone was imported as 群众 with exit 0."""
    book = Workbook()
    sheet = _sheet(book)
    sheet.append(["企业微信账号", "姓名", "乡镇", "村(社区)", "会员小组"])
    sheet.append(["lilan", "李兰", "廉州镇", "江口村", "JK01"])
    sheet.append(["wangfang", "王芳", "廉州镇", "江口村", "JK01"])
    return _save(book, folder / "没有角色列.xlsx")


def missing_account(folder: Path) -> Path:
    """No account column: reported once by name, not row by row."""
    path = folder / "没有账号列.csv"
    lines = ["姓名,角色,乡镇,村", *(f"成员{i},志愿者,廉州镇,江口村" for i in range(30))]
    path.write_text("\n".join(lines), encoding="utf-8-sig")
    return path


def duplicates(folder: Path) -> Path:
    """One account twice with different roles, another repeated identically."""
    book = Workbook()
    sheet = _sheet(book)
    sheet.append(["企业微信账号", "姓名", "角色", "县(区)", "乡镇", "会员小组"])
    sheet.append(["lilan", "李兰", "小组长", "合浦县", "廉州镇", "JK01"])  # row 2
    sheet.append(["wangfang", "王芳", "志愿者", "合浦县", "廉州镇", "JK01"])  # row 3
    sheet.append(["lilan", "李兰", "管理员", "", "", ""])  # row 4
    sheet.append(["wangfang", "王芳", "志愿者", "合浦县", "廉州镇", "JK01"])  # row 5
    sheet.append(["chenmei", "陈梅", "群众", "合浦县", "廉州镇", "JK01"])  # row 6
    return _save(book, folder / "重复账号.xlsx")


def odd_roles(folder: Path) -> Path:
    """Role words the bot does not know, an empty role, a name in the account column."""
    lines = [
        "企业微信账号,姓名,角色,乡镇,村(社区)",
        "lilan,李兰,小组长,廉州镇,江口村",
        "mowei,莫伟,村专干,廉州镇,江口村",
        "tangjie,唐杰,,廉州镇,江口村",
        "韦小红,韦小红,志愿者,廉州镇,江口村",
        "pangli,庞丽,Volunteer,廉州镇,江口村",
        "lumin,陆敏,会员,廉州镇,文竹村",
    ]
    path = folder / "角色五花八门.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def big_roster(folder: Path, rows: int = 2000) -> Path:
    """A county's whole roster: 2,000 people under a merged title."""
    book = Workbook()
    sheet = _sheet(book, "全县名册")
    sheet.append(["藤县计生协会员名册（2026年）"])
    sheet.merge_cells("A1:J1")
    sheet.append(HEADER[:10])
    roles = ["群众", "群众", "群众", "志愿者", "群众", "群众", "群众", "群众", "群众", "小组长"]
    for i in range(rows):
        town, village = f"镇{i // 400 + 1}", f"村{i // 40 + 1}"
        sheet.append(
            [
                i + 1,
                f"tx{i:05d}",
                f"会员{i}",
                roles[i % 10],
                "广西",
                "梧州市",
                "藤县",
                town,
                village,
                f"TX{i // 10:03d}",
            ]  # fmt: skip
        )
    return _save(book, folder / "藤县全县名册.xlsx")


def old_xls(folder: Path) -> Path:
    """Excel 97-2003 (.xls), as many office systems still save: title merged, ids as numbers."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("名册")
    sheet.write_merge(0, 0, 0, 5, "石湾镇计生协会员名册")
    for column, title in enumerate(
        ["企业微信账号", "姓名", "角色", "乡镇", "村(社区)", "会员小组"]
    ):
        sheet.write(1, column, title)
    rows = [
        (13800000011, "刘强", "小组长", "石湾镇", "大田村", "DT01"),
        (13800000012, "覃梅", "群众", "石湾镇", "大田村", "DT01"),
    ]
    for r, row in enumerate(rows, start=2):
        for column, value in enumerate(row):
            sheet.write(r, column, value)
    path = folder / "石湾镇名册.xls"
    book.save(str(path))
    return path


def garbage(folder: Path) -> Path:
    """Random bytes with an Excel name (a broken download)."""
    path = folder / "名册（损坏）.xlsx"
    path.write_bytes(bytes((i * 37 + 11) % 256 for i in range(4096)))
    return path


def html_xls(folder: Path) -> Path:
    """A web system's "Excel export": an HTML table named .xls."""
    path = folder / "系统导出.xls"
    path.write_text(
        "<html><head><meta charset='utf-8'></head><body><table><tr><td>企业微信账号</td>"
        "<td>姓名</td></tr><tr><td>lilan</td><td>李兰</td></tr></table></body></html>",
        encoding="utf-8",
    )
    return path


def blank_numbered(folder: Path) -> Path:
    """A template filled in halfway: 序号 pre-numbered to 30, four people entered."""
    book = Workbook()
    sheet = _sheet(book)
    sheet.append(["序号", "企业微信账号", "姓名", "角色", "会员小组", "备注"])
    people = [
        ("lilan", "李兰", "小组长", "JK01"),
        ("wangfang", "王芳", "志愿者", "JK01"),
        ("chenmei", "陈梅", "群众", "JK01"),
        ("huangli", "黄丽", "小组长", "WZ01"),
    ]
    for i in range(30):
        person = people[i] if i < len(people) else ("", "", "", "")
        sheet.append([i + 1, *person, ""])
    return _save(book, folder / "填了一半的名册.xlsx")


def groups_roster_words(folder: Path) -> Path:
    """A group list using the roster's words (会员小组) and every kind of robot key mistake."""
    book = Workbook()
    sheet = _sheet(book, "小组")
    sheet.append(["合浦县会员小组通知方式登记表"])
    sheet.merge_cells("A1:H1")
    sheet.append(["会员小组", "小组名称", "县(区)", "乡镇", "村(社区)", "组长账号", "机器人key", "群聊ID"])  # fmt: skip
    sheet.append(["JK01", "江口村会员小组", "合浦县", "廉州镇", "江口村", "lilan", "", "jk01chat"])  # fmt: skip
    sheet.append(["WZ01", "文竹村会员小组", "合浦县", "廉州镇", "文竹村", "huangli", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=5f1c2a3b-4d5e-6f70-8192-a3b4c5d6e7f8", ""])  # fmt: skip
    sheet.append(["DT01", "大田村会员小组", "合浦县", "石湾镇", "大田村", "", "../../evil key", ""])  # fmt: skip
    sheet.append(["PS01", "平山村会员小组", "合浦县", "石湾镇", "平山村", "", "", "平山村群"])  # fmt: skip
    sheet.append(["XG01", "新港社区小组", "合浦县", "廉州镇", "新港社区", "", "0f3a9c1e2b7d4e55", "xg01chat"])  # fmt: skip
    return _save(book, folder / "小组通知方式.xlsx")


def groups_unicode_text(folder: Path) -> Path:
    """Excel's "Unicode text (*.txt)": UTF-16 with a BOM, tab separated."""
    lines = [
        "编号\t名称\t乡镇\t村\t成员",
        "SW09\t石湾镇流动人口小组\t石湾镇\t\twangfang|chenmei",
        "SW10\t石湾镇青年小组\t石湾镇\t\tlumin，pangli",
        "\t没有编号的小组\t石湾镇\t\t",
    ]
    path = folder / "小组（Unicode文本）.txt"
    path.write_bytes("\r\n".join(lines).encode("utf-16"))
    return path


def pdf(folder: Path) -> Path:
    path = folder / "名册.pdf"
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    return path


BUILDERS: dict[str, Builder] = {
    "title_rows": title_rows,
    "two_level_header": two_level_header,
    "gbk_csv": gbk_csv,
    "missing_role": missing_role,
    "missing_account": missing_account,
    "duplicates": duplicates,
    "odd_roles": odd_roles,
    "big_roster": big_roster,
    "old_xls": old_xls,
    "garbage": garbage,
    "html_xls": html_xls,
    "blank_numbered": blank_numbered,
    "groups_roster_words": groups_roster_words,
    "groups_unicode_text": groups_unicode_text,
    "pdf": pdf,
}


def build_all(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return {name: build(folder) for name, build in BUILDERS.items()}


if __name__ == "__main__":
    for name, path in build_all(
        Path(sys.argv[1] if len(sys.argv) > 1 else "office-files")
    ).items():
        print(f"{name}: {path}")
