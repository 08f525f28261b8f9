"""Roster and group-list imports from real-looking office files (``tests/office_files.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.cli.main import main
from handlers.core.errors import DomainError
from handlers.core.members import Member, MemberGroup, MemberRegistry
from handlers.core.messages import Role
from handlers.roster.importer import GROUPS, MEMBERS, Action, ImportPlan, RosterImporter
from handlers.roster.templates import sample_text, template_xlsx
from tests import office_files


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return office_files.build_all(tmp_path_factory.mktemp("office"))


def plan_of(engine: Engine, path: Path, kind: str = MEMBERS, **kwargs: bool) -> ImportPlan:
    return RosterImporter(engine).plan(kind, path.read_bytes(), path.name, **kwargs)


def rows(plan: ImportPlan, action: Action) -> list[int]:
    return [row.row for row in plan.having(action)]


def reasons(plan: ImportPlan, row: int) -> str:
    return next(r.explanation for r in plan.rows if r.row == row)


def test_title_rows_merged_title_and_footer(engine: Engine, files: dict[str, Path]) -> None:
    plan = plan_of(engine, files["title_rows"])
    assert plan.errors == []
    assert (plan.sheet, plan.header_rows) == ("会员名册", (4,))
    assert plan.summary() == "新增 6 人，修改 0 人，不变 0 人，拒绝 0 行。"
    assert "这些列不会导入：序号" in plan.notes
    assert any("第 12 行“填表人：韦小红 审核人：莫志强”" in note for note in plan.notes)
    assert plan.new_groups == ["DT01", "JK01", "WZ01"]
    result = RosterImporter(engine).apply(plan)
    assert (result.added, result.updated, result.skipped) == (6, 0, [])
    registry = MemberRegistry(engine)
    lilan = registry.get("lilan")
    assert lilan is not None and lilan.role_enum is Role.LEADER
    assert lilan.region.display() == "广西/北海市/合浦县/廉州镇/江口村"  # 广西壮族自治区 → 广西
    assert lilan.phone == "13800000002"  # typed as a number in Excel, not 13800000002.0
    assert registry.get("liuqiang").role_enum is Role.LEADER  # type: ignore[union-attr]  # 组长
    group = registry.group("JK01")
    assert group is not None and group.leader_id == "lilan" and group.village == "江口村"
    again = plan_of(engine, files["title_rows"])
    assert again.summary() == "新增 0 人，修改 0 人，不变 6 人，拒绝 0 行。"


def test_two_level_header_and_township_merged_down(engine: Engine, files: dict[str, Path]) -> None:
    plan = plan_of(engine, files["two_level_header"])
    assert plan.errors == [] and plan.header_rows == (2, 3)
    assert plan.summary() == "新增 4 人，修改 0 人，不变 0 人，拒绝 0 行。"
    assert {row.values["township"] for row in plan.rows} == {"廉州镇"}
    RosterImporter(engine).apply(plan)
    member = MemberRegistry(engine).get("huangli")
    assert member is not None
    assert member.region.display() == "广西/北海市/合浦县/廉州镇/文竹村"


def test_gbk_csv_with_full_width_brackets(engine: Engine, files: dict[str, Path]) -> None:
    plan = plan_of(engine, files["gbk_csv"])
    assert plan.errors == [] and plan.header_rows == (2,)
    assert plan.columns["county"] == "县（区）"
    assert plan.summary() == "新增 3 人，修改 0 人，不变 0 人，拒绝 0 行。"
    RosterImporter(engine).apply(plan)
    registry = MemberRegistry(engine)
    assert registry.get("zhaogang").on_duty is True  # type: ignore[union-attr]
    assert registry.get("wangfang").on_duty is False  # type: ignore[union-attr]


def test_missing_role_column_is_reported_once_and_nothing_imported(
    engine: Engine, files: dict[str, Path]
) -> None:
    plan = plan_of(engine, files["missing_role"])
    assert plan.errors == ["缺少必需的列：“角色”（也可写作“身份”、“人员类别”）。表头在第 1 行。"]
    assert plan.rows == []
    with pytest.raises(DomainError, match="没有导入任何内容"):
        RosterImporter(engine).apply(plan)
    assert MemberRegistry(engine).all() == []


def test_missing_account_column_is_reported_once(engine: Engine, files: dict[str, Path]) -> None:
    plan = plan_of(engine, files["missing_account"])
    assert len(plan.errors) == 1
    assert plan.errors[0].startswith("缺少必需的列：“企业微信账号”（也可写作")
    assert plan.rows == []


def test_duplicate_accounts_are_held_unless_forced(engine: Engine, files: dict[str, Path]) -> None:
    plan = plan_of(engine, files["duplicates"])
    assert rows(plan, Action.HOLD) == [2, 4]
    assert "企业微信账号 lilan 在第 2、4 行重复出现" in reasons(plan, 2)
    assert rows(plan, Action.MERGED) == [5] and reasons(plan, 5) == "与第 3 行完全相同，只算一次"
    assert rows(plan, Action.ADD) == [3, 6]
    assert plan.summary() == (
        "新增 2 人，修改 0 人，不变 0 人，重复行合并 1 行，暂不修改 2 行（需要 --force），拒绝 0 行。"
    )
    RosterImporter(engine).apply(plan)
    assert MemberRegistry(engine).get("lilan") is None  # nothing written for the held rows

    forced = plan_of(engine, files["duplicates"], force=True)
    assert rows(forced, Action.ADD) == [4] and rows(forced, Action.MERGED) == [2, 5]
    assert "以第 4 行为准" in reasons(forced, 2)
    RosterImporter(engine).apply(forced)
    assert MemberRegistry(engine).get("lilan").role_enum is Role.ADMIN  # type: ignore[union-attr]


def test_odd_roles_list_the_accepted_words_and_the_rest_goes_in(
    engine: Engine, files: dict[str, Path]
) -> None:
    plan = plan_of(engine, files["odd_roles"])
    assert rows(plan, Action.REFUSE) == [3, 4, 5, 7]
    assert reasons(plan, 3).startswith("角色“村专干”无法识别（可填：群众、志愿者、小组长")
    assert "协会工作人员" in reasons(plan, 3) and "管理员" in reasons(plan, 3)
    assert reasons(plan, 4).startswith("没有填角色")
    assert "企业微信账号“韦小红”格式不对" in reasons(plan, 5)
    assert rows(plan, Action.ADD) == [2, 6]  # "Volunteer" is an accepted English word
    result = RosterImporter(engine).apply(plan)
    assert result.added == 2
    assert sorted(m.user_id for m in MemberRegistry(engine).all()) == ["lilan", "pangli"]


def test_two_thousand_rows_with_progress(engine: Engine, files: dict[str, Path]) -> None:
    seen: dict[str, tuple[int, int]] = {}

    def progress(stage: str, done: int, total: int) -> None:
        seen[stage] = (done, total)

    importer = RosterImporter(engine)
    path = files["big_roster"]
    plan = importer.plan(MEMBERS, path.read_bytes(), path.name, progress=progress)
    assert plan.summary() == "新增 2000 人，修改 0 人，不变 0 人，拒绝 0 行。"
    assert len(plan.new_groups) == 200
    assert seen["读取"] == (2002, 2002) and seen["检查"] == (2000, 2000)
    result = importer.apply(plan, progress=progress)
    assert result.added == 2000 and len(result.groups_created) == 200
    assert seen["写入"] == (2000, 2000)
    assert len(MemberRegistry(engine).all()) == 2000
    assert MemberRegistry(engine).group("TX007").leader_id == "tx00079"  # type: ignore[union-attr]
    again = importer.plan(MEMBERS, path.read_bytes(), path.name)
    assert again.summary() == "新增 0 人，修改 0 人，不变 2000 人，拒绝 0 行。"


def test_old_xls_is_read_with_numbers_as_text(engine: Engine, files: dict[str, Path]) -> None:
    plan = plan_of(engine, files["old_xls"])
    assert plan.errors == [] and plan.header_rows == (2,)
    assert [row.key for row in plan.rows] == ["13800000011", "13800000012"]
    assert plan.summary() == "新增 2 人，修改 0 人，不变 0 人，拒绝 0 行。"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("garbage", "不是有效的 Excel 文件"),
        ("html_xls", "其实是网页或 XML 格式"),
        ("pdf", "不支持的文件类型 .pdf"),
    ],
)
def test_broken_files_get_a_chinese_reason(
    engine: Engine, files: dict[str, Path], name: str, expected: str
) -> None:
    plan = plan_of(engine, files[name])
    assert len(plan.errors) == 1 and expected in plan.errors[0]
    assert plan.rows == []


def test_pre_numbered_blank_rows_are_skipped_and_said(
    engine: Engine, files: dict[str, Path]
) -> None:
    plan = plan_of(engine, files["blank_numbered"])
    assert plan.summary() == "新增 4 人，修改 0 人，不变 0 人，拒绝 0 行。"
    assert "26 行只有序号或备注、没有要导入的内容，已跳过（第 6-31 行）" in plan.notes
    assert "这些列不会导入：序号、备注" in plan.notes


def test_groups_use_the_roster_words_and_robot_keys_are_checked(
    engine: Engine, files: dict[str, Path]
) -> None:
    plan = plan_of(engine, files["groups_roster_words"], GROUPS)
    assert plan.errors == [] and plan.columns["group_code"] == "会员小组"
    assert plan.summary() == "新增 2 个小组，修改 0 个小组，不变 0 个小组，拒绝 3 行。"
    assert rows(plan, Action.REFUSE) == [5, 6, 7]
    assert "机器人key格式不对" in reasons(plan, 5) and "evil" not in reasons(plan, 5)
    assert "群聊ID“平山村群”格式不对" in reasons(plan, 6)
    assert "只用一种通知方式" in reasons(plan, 7)
    RosterImporter(engine).apply(plan)
    registry = MemberRegistry(engine)
    wenzhu = registry.group("WZ01")
    assert wenzhu is not None and wenzhu.channel == "robot"
    assert wenzhu.robot_key == "5f1c2a3b-4d5e-6f70-8192-a3b4c5d6e7f8"  # taken from the URL
    jiangkou = registry.group("JK01")
    assert jiangkou is not None and (jiangkou.channel, jiangkou.chat_id) == ("appchat", "jk01chat")
    assert registry.group("DT01") is None


def test_groups_from_excel_unicode_text(engine: Engine, files: dict[str, Path]) -> None:
    plan = plan_of(engine, files["groups_unicode_text"], GROUPS)
    assert plan.errors == []
    assert rows(plan, Action.REFUSE) == [4] and reasons(plan, 4) == "缺少会员小组编号"
    RosterImporter(engine).apply(plan)
    group = MemberRegistry(engine).group("SW10")
    assert group is not None and group.user_ids == "lumin|pangli" and group.channel == "members"


def test_a_group_list_given_to_the_roster_import_says_so(
    engine: Engine, files: dict[str, Path]
) -> None:
    plan = plan_of(engine, files["groups_roster_words"], MEMBERS)
    assert "这个文件看起来是小组表：请用 xiehui groups import 导入。" in plan.errors


def _csv(tmp_path: Path, name: str, *lines: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_role_and_region_changes_are_held_unless_forced(engine: Engine, tmp_path: Path) -> None:
    importer = RosterImporter(engine)
    first = _csv(
        tmp_path,
        "first.csv",
        "企业微信账号,姓名,角色,省,县(区),乡镇,村(社区),电话",
        "lilan,李兰,协会工作人员,广西,合浦县,廉州镇,,",
        "wangfang,王芳,志愿者,广西,合浦县,廉州镇,江口村,",
        "chenmei,陈梅,群众,广西,,,,",
    )
    importer.apply(plan_of(engine, first))
    second = _csv(
        tmp_path,
        "second.csv",
        "企业微信账号,姓名,角色,省,县(区),乡镇,村(社区),电话",
        "lilan,李兰,小组长,广西,合浦县,廉州镇,,",  # a role change
        "wangfang,王芳,志愿者,广西,合浦县,廉州镇,文竹村,",  # moved village
        "chenmei,陈梅,群众,广西,合浦县,石湾镇,,13800000009",  # region filled in, phone added
    )
    plan = plan_of(engine, second)
    assert rows(plan, Action.HOLD) == [2, 3] and rows(plan, Action.UPDATE) == [4]
    assert "角色：协会工作人员 → 会员小组长" in reasons(plan, 2)
    assert "需要加 --force" in reasons(plan, 2)
    assert "地区：广西/合浦县/廉州镇/江口村 → 广西/合浦县/廉州镇/文竹村" in reasons(plan, 3)
    result = importer.apply(plan)
    assert (result.added, result.updated) == (0, 1)
    registry = MemberRegistry(engine)
    assert registry.get("lilan").role_enum is Role.COORDINATOR  # type: ignore[union-attr]
    assert registry.get("chenmei").county == "合浦县"  # type: ignore[union-attr]

    forced = plan_of(engine, second, force=True)
    assert rows(forced, Action.UPDATE) == [2, 3]
    assert all(row.sensitive for row in forced.having(Action.UPDATE))
    importer.apply(forced)
    assert registry.get("lilan").role_enum is Role.LEADER  # type: ignore[union-attr]
    assert registry.get("wangfang").village == "文竹村"  # type: ignore[union-attr]


def test_apply_skips_a_record_changed_after_the_preview(engine: Engine, tmp_path: Path) -> None:
    importer = RosterImporter(engine)
    path = _csv(tmp_path, "m.csv", "企业微信账号,姓名,角色", "lilan,李兰,小组长")
    importer.apply(plan_of(engine, path))
    later = _csv(tmp_path, "n.csv", "企业微信账号,姓名,角色", "lilan,李兰兰,小组长")
    plan = plan_of(engine, later)
    assert rows(plan, Action.UPDATE) == [2]
    registry = MemberRegistry(engine)
    member = registry.get("lilan")
    assert member is not None
    member.phone = "123"
    registry.upsert(member)  # someone edits the member between preview and confirm
    result = importer.apply(plan)
    assert result.updated == 0 and result.skipped[0][0] == 2
    assert registry.get("lilan").name == "李兰"  # type: ignore[union-attr]


def test_columns_absent_from_the_file_are_left_alone(engine: Engine, tmp_path: Path) -> None:
    registry = MemberRegistry(engine)
    registry.save_group(
        MemberGroup(
            code="WZ01", name="文竹村", county="合浦县", channel="robot", robot_key="k" * 20
        )
    )
    registry.upsert(
        Member(user_id="lilan", name="李兰", role="leader", phone="138", county="合浦县")
    )
    groups = _csv(tmp_path, "g.csv", "会员小组,小组名称", "WZ01,文竹村会员小组")
    RosterImporter(engine).apply(plan_of(engine, groups, GROUPS))
    group = registry.group("WZ01")
    assert group is not None and (group.channel, group.robot_key) == ("robot", "k" * 20)
    assert group.name == "文竹村会员小组" and group.county == "合浦县"
    members = _csv(tmp_path, "m.csv", "企业微信账号,姓名,角色", "lilan,李兰,小组长")
    plan = plan_of(engine, members)
    assert rows(plan, Action.SAME) == [2]


def test_sample_files_import_cleanly(engine: Engine, tmp_path: Path) -> None:
    importer = RosterImporter(engine)
    members = importer.plan(MEMBERS, template_xlsx(MEMBERS), "样例.xlsx")
    assert members.header_rows == (2,) and members.clean
    assert members.summary() == "新增 6 人，修改 0 人，不变 0 人，拒绝 0 行。"
    importer.apply(members)
    groups = importer.plan(GROUPS, sample_text(GROUPS).encode("utf-8"), "groups.csv")
    assert groups.clean and groups.count(Action.ADD) == 1 and groups.count(Action.UPDATE) == 3


# -- the command line -------------------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("XIEHUI_DATA_DIR", str(folder))
    return folder


def test_cli_previews_by_default_and_applies_with_apply(
    data_dir: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["members", "import", str(files["odd_roles"])]) == 1
    out = capsys.readouterr().out
    assert "角色“村专干”无法识别" in out and "合计：新增 2 人" in out
    assert "这是预览，没有写入任何内容。确认无误后加 --apply 导入。" in out
    assert not data_dir.exists()  # a preview creates no data folder

    assert main(["members", "import", str(files["odd_roles"]), "--apply"]) == 1
    out = capsys.readouterr().out
    assert "已导入：新增 2 人，修改 0 人。" in out
    assert "被拒绝的 4 行没有导入，其余各行都已导入。" in out

    assert main(["members", "import", str(files["title_rows"]), "--apply"]) == 0
    assert "已导入：新增 5 人，修改 1 人，新建会员小组 3 个。" in capsys.readouterr().out
    assert main(["members", "list"]) == 0
    assert "共 7 人" in capsys.readouterr().out


def test_cli_file_problems_are_chinese_and_exit_1(
    data_dir: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["members", "import", str(files["garbage"])]) == 1
    out = capsys.readouterr().out
    assert "不是有效的 Excel 文件" in out and "Traceback" not in out
    assert main(["members", "import", str(data_dir / "nope.xlsx")]) == 1
    assert "找不到文件" in capsys.readouterr().err
    assert main(["groups", "import", str(files["groups_roster_words"])]) == 1
    out = capsys.readouterr().out
    assert "机器人key格式不对" in out and "evil" not in out


def test_cli_templates_round_trip(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    members = tmp_path / "名册样例.xlsx"
    groups = tmp_path / "小组样例.csv"
    assert main(["members", "template", str(members)]) == 0
    assert main(["groups", "template", str(groups)]) == 0
    assert groups.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel opens it as UTF-8
    assert main(["members", "template", str(members)]) == 1  # never overwrites silently
    assert "已经存在" in capsys.readouterr().err
    assert main(["members", "import", str(members), "--apply"]) == 0
    assert main(["groups", "import", str(groups), "--apply"]) == 0
    out = capsys.readouterr().out
    assert "已导入：新增 1 个小组，修改 3 个小组。" in out
    assert main(["groups", "list"]) == 0
    out = capsys.readouterr().out
    assert "共 4 个小组" in out and "your-robot-key-here" not in out
