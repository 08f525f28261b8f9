"""A built wheel installed into a fresh environment runs every documented user command.

The wheel is built offline from a copy of the sources (``pip wheel --no-build-isolation``
with the setuptools of the development environment). The fresh virtual environment gets the
wheel itself and nothing else from this checkout; its third-party dependencies come from the
development environment's site-packages through a ``.pth`` line (so nothing is downloaded).
Commands run with a fresh HOME in an empty folder, so the defaults of an installed package
are what is exercised: the data folder under the user's data directory and a knowledge
folder seeded from the packaged files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("bot", "handlers", "knowledge", "scheduler", "pyproject.toml", "README.md")
Run = Callable[..., subprocess.CompletedProcess[str]]


def _copy_sources(target: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "pending.yaml")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Run]]:
    base = tmp_path_factory.mktemp("install")
    source, wheels, venv = base / "src", base / "wheels", base / "venv"
    _copy_sources(source)
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "--quiet", "-w", str(wheels), str(source)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert build.returncode == 0, build.stdout + build.stderr
    (wheel,) = wheels.glob("xiehui-*.whl")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    )  # fmt: skip
    (site / "_xiehui_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "--quiet", str(wheel)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert install.returncode == 0, install.stdout + install.stderr
    home, work = base / "home", base / "work"
    home.mkdir()
    work.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("WECOM_", "XIEHUI_", "XDG_", "PYTHON"))
        and key not in ("DATABASE_URL", "REDIS_URL", "VIRTUAL_ENV")
    }
    env.update(HOME=str(home), PATH=f"{venv / 'bin'}:{env.get('PATH', '')}")

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(venv / "bin" / "xiehui"), *args],
            cwd=work, env=env, input=stdin, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    yield work, run


def test_the_wheel_is_what_runs(installed: tuple[Path, Run]) -> None:
    work, run = installed
    result = run("--help")
    assert result.returncode == 0 and result.stdout.startswith("用法：xiehui")
    # every subcommand's --help, in one interpreter of the fresh environment
    script = (
        "import argparse, bot\n"
        "from bot.cli.main import build_parser, main\n"
        "print(bot.__file__)\n"
        "def walk(parser, path):\n"
        "    yield path\n"
        "    for action in parser._actions:\n"
        "        if isinstance(action, argparse._SubParsersAction):\n"
        "            for name, child in action.choices.items():\n"
        "                yield from walk(child, path + [name])\n"
        "count = 0\n"
        "for path in walk(build_parser(), []):\n"
        "    try:\n"
        "        main(path + ['--help'])\n"
        "    except SystemExit as exit:\n"
        "        assert exit.code == 0, path\n"
        "    count += 1\n"
        "print('helped', count)\n"
    )
    python = Path(run("--help").args[0]).parent / "python"
    helped = subprocess.run(
        [str(python), "-c", script], cwd=work, capture_output=True, text=True, timeout=120,
        env={"HOME": str(work), "PATH": os.environ.get("PATH", "")},
    )  # fmt: skip
    assert helped.returncode == 0, helped.stderr[-2000:]
    first = helped.stdout.splitlines()[0]
    assert "site-packages" in first and str(ROOT) not in first  # not this checkout
    from bot.cli.main import build_parser
    from tests.test_cli import parsers

    assert helped.stdout.splitlines()[-1] == f"helped {len(parsers(build_parser()))}"


def test_documented_commands_work_from_an_installed_package(installed: tuple[Path, Run]) -> None:
    work, run = installed
    info = run("info")
    assert info.returncode == 0, info.stderr
    assert "程序位置：已安装的软件包" in info.stdout
    assert "数据目录：" in info.stdout and "本机用户数据目录" in info.stdout
    assert "还没有创建" in info.stdout
    assert info.stderr == ""

    template = run("members", "template")
    assert template.returncode == 0 and (work / "会员名册样例.xlsx").is_file()
    preview = run("members", "import", "会员名册样例.xlsx")
    assert preview.returncode == 0, preview.stdout + preview.stderr
    assert "合计：新增 6 人" in preview.stdout and "这是预览" in preview.stdout
    applied = run("members", "import", "会员名册样例.xlsx", "--apply")
    assert applied.returncode == 0 and "已导入：新增 6 人" in applied.stdout
    assert run("groups", "template", "小组.csv").returncode == 0
    groups = run("groups", "import", "小组.csv", "--apply")
    assert groups.returncode == 0 and "已导入：新增 1 个小组，修改 3 个小组。" in groups.stdout
    # the migrations ship in the wheel: the new database was stamped at their head
    status = run("db", "status")
    assert status.returncode == 0 and "数据库结构是最新的。" in status.stdout, status.stderr

    export = run("activities", "export", "--month", "2026年11月", "--region", "广西/北海市/合浦县")
    assert export.returncode == 0, export.stderr
    assert "合浦县 2026年11月没有活动记录（0/4 个小组已上报）" in export.stdout
    assert (work / "活动记录-合浦县-2026年11月.xlsx").is_file()

    answer = run("ask", "叶酸要吃多久")
    assert answer.returncode == 0 and "叶酸" in answer.stdout, answer.stderr
    after = run("info").stdout
    assert "数据目录下的 knowledge/" in after and "成员：6 人" in after
    kb = run("kb", "export", "知识库.xlsx")
    assert kb.returncode == 0 and (work / "知识库.xlsx").is_file()
    assert "knowledge" in kb.stdout and "site-packages" not in kb.stdout

    chat = run("chat", "--user", "lilan", "--role", "admin", stdin="帮助\n")
    assert chat.returncode == 0 and "试用模式" in chat.stdout
    assert "会员小组长" in run("members", "list").stdout  # the trial did not promote lilan

    evaluation = run("activities", "eval")
    assert evaluation.returncode == 1 and "needs a labelled set" in evaluation.stderr
    kb_eval = run("kb", "eval")
    assert kb_eval.returncode == 1 and "tests/data/ of a source checkout" in kb_eval.stderr
