"""Every third-party package the code imports is declared in pyproject.toml."""

from __future__ import annotations

import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from tests.test_boundaries import imported_modules

ROOT = Path(__file__).resolve().parent.parent
OURS = {"bot", "handlers", "knowledge", "scheduler"}


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~;\s]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_imported_package_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_name(r) for r in project["dependencies"]}
    dev = {_name(r) for r in project["optional-dependencies"]["dev"]}
    assert {"xmltodict", "sqlalchemy", "pydantic"} <= declared
    owners = packages_distributions()
    undeclared: dict[str, list[str]] = {}
    for package in OURS:
        for path in (ROOT / package).rglob("*.py"):
            for module in imported_modules(path):
                top = module.split(".")[0]
                if top in OURS or top in sys.stdlib_module_names:
                    continue
                dists = {d.lower().replace("_", "-") for d in owners.get(top, [top])}
                if not dists & declared:
                    undeclared.setdefault(top, []).append(str(path.relative_to(ROOT)))
    assert undeclared == {}
    assert not (declared & dev), "a runtime dependency listed again in dev"
