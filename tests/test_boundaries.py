"""The layering rule: only bot/ may know WeCom, FastAPI, wechatpy or HTTP."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSPORT_FREE = ("handlers", "knowledge", "scheduler")
FORBIDDEN = (
    "bot",
    "fastapi",
    "starlette",
    "uvicorn",
    "wechatpy",
    "httpx",
    "requests",
    "aiohttp",
    "xmltodict",
)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", "") == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(str(node.args[0].value))
    return names


def test_transport_free_packages_import_no_transport() -> None:
    offenders = []
    files = [p for pkg in TRANSPORT_FREE for p in (ROOT / pkg).rglob("*.py")]
    assert files, "no package files found"
    for path in files:
        for name in imported_modules(path):
            if name.split(".")[0] in FORBIDDEN:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_the_checker_catches_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import wechatpy\nfrom bot.web.app import create_app\n", encoding="utf-8")
    assert {"wechatpy", "bot.web.app"} <= imported_modules(bad)
