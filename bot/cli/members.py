"""``xiehui members import|list|template``: the roster from the terminal.

The import previews by default and writes only with ``--apply``; changes of role or region
and duplicated accounts are held back unless ``--force`` is given as well. The same planner
(``handlers.roster``) serves the console's upload page.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from bot.cli.render import console, print_outcome, print_plan, progress_bar, table
from bot.cli.runtime import database_exists, open_database, scratch_database
from bot.settings import Settings
from handlers.core.errors import DomainError
from handlers.core.members import Member
from handlers.roster.importer import ImportPlan, RosterImporter
from handlers.roster.templates import DEFAULT_NAMES, write_template

IMPORT_RULES = (
    "默认只预览、不写入：列出将新增、修改、拒绝的行（带行号和原因）。"
    "加 --apply 才写入；已有成员的角色或地区有变化、或同一账号出现在多行且内容不同，"
    "这些行默认不改动，要同时加 --force 才会修改（重复账号以最后一行为准）。"
    "被拒绝的行（账号格式不对、角色无法识别等）不会导入，其余行照常导入。"
)


def read_file(path: Path) -> bytes:
    if not path.exists():
        raise DomainError(f"找不到文件 {path}")
    if path.is_dir():
        raise DomainError(f"{path} 是一个文件夹，请给出表格文件。")
    return path.read_bytes()


def run_import(kind: str, args: argparse.Namespace, settings: Settings) -> int:
    """Plan (and with --apply, write) a roster or group-list import; shared by both commands."""
    path = Path(args.file)
    data = read_file(path)
    have_database = database_exists(settings)
    if not args.apply and not have_database:
        console().print(f"注意：数据目录 {settings.data_dir} 还没有数据库，下面按全部新增预览。")
    opener = (
        open_database(settings, create=True) if args.apply or have_database else scratch_database()
    )
    with opener as engine, progress_bar() as bar:
        importer = RosterImporter(engine)
        plan: ImportPlan = importer.plan(kind, data, path.name, force=args.force, progress=bar)
        result = importer.apply(plan, progress=bar) if args.apply and not plan.errors else None
    print_plan(plan)
    print_outcome(plan, result)
    if plan.errors:
        return 1
    skipped = result.skipped if result is not None else []
    return 0 if plan.clean and not skipped else 1


def _import(args: argparse.Namespace, settings: Settings) -> int:
    return run_import("members", args, settings)


def _list(args: argparse.Namespace, settings: Settings) -> int:
    with open_database(settings) as engine, Session(engine) as session:
        members = list(session.exec(select(Member).order_by(Member.user_id)))
    rows = [
        [m.user_id, m.name, m.role_enum.label, m.region.display(), m.group_code or "—"]
        for m in members
    ]
    out = console()
    out.print(table(None, ["企业微信账号", "姓名", "角色", "地区", "会员小组"], rows))
    out.print(f"共 {len(members)} 人")
    return 0


def _template(args: argparse.Namespace, _settings: Settings) -> int:
    path = Path(args.file or DEFAULT_NAMES["members"])
    if path.exists() and not args.overwrite:
        raise DomainError(f"{path} 已经存在；换个文件名，或加 --overwrite 覆盖。")
    written = write_template("members", path)
    print(f"已写出名册样例：{written}（照着它的表头填写，再运行 xiehui members import {written}）")
    return 0


def add_import_arguments(parser: Any, what: str) -> None:
    parser.add_argument("file", metavar="文件", help=f"{what}文件：.xlsx、.xls 或 .csv")
    parser.add_argument("--apply", action="store_true", help="写入（不加只预览）")
    parser.add_argument(
        "--force",
        action="store_true",
        help="同时修改角色或地区有变化的行，重复的编号以最后一行为准（要和 --apply 一起用才写入）",
    )


def register(sub: Any) -> None:
    members = sub.add_parser(
        "members", help="会员名册：导入、查看、生成样例", description="会员名册"
    )
    msub = members.add_subparsers(dest="members_command", required=True)
    imp = msub.add_parser(
        "import",
        help="从 Excel 或 CSV 导入名册（默认只预览）",
        description="从 Excel 或 CSV 导入会员名册。" + IMPORT_RULES,
    )
    add_import_arguments(imp, "名册")
    imp.set_defaults(func=_import)
    lst = msub.add_parser("list", help="列出已登记的成员", description="列出已登记的成员")
    lst.set_defaults(func=_list)
    tpl = msub.add_parser(
        "template",
        help="写出名册样例文件",
        description="写出名册样例文件（默认 Excel；文件名以 .csv 结尾则写 CSV）",
    )
    tpl.add_argument(
        "file", nargs="?", default="", help=f"输出文件（默认 {DEFAULT_NAMES['members']}）"
    )
    tpl.add_argument("--overwrite", action="store_true", help="文件已存在时覆盖")
    tpl.set_defaults(func=_template)
