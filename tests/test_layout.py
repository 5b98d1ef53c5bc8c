"""The code layout: one app per job, apps that depend one way only, and modules a newcomer can read."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Each app may import only the apps it is built on: the directory knows nothing of the APIs, the staff portal or the
# helpline; the open data (HSDS) API is served with the JSON API's manners (throttling, caching headers).
BUILT_ON = {
    "centers": [],
    "api": ["centers"],
    "opendata": ["centers", "api"],
    "portal": ["centers"],
    "helpline": ["centers", "portal"],
}
LAYERS = list(BUILT_ON)
MAX_MODULE_LINES = 500


def python_modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def imported_apps(path: Path) -> set[str]:
    apps = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        apps.update(name.split(".")[0] for name in names if name.split(".")[0] in LAYERS)
    return apps


@pytest.mark.parametrize("app", LAYERS)
def test_apps_import_only_the_apps_below_them(app):
    allowed = {app, *BUILT_ON[app]}
    offending = {
        f"{path.relative_to(ROOT)} imports {', '.join(sorted(imported_apps(path) - allowed))}"
        for path in python_modules(app)
        if imported_apps(path) - allowed
    }
    assert not offending, f"{app} may import only {sorted(allowed)}: {sorted(offending)}"


def test_every_module_is_short_enough_to_read():
    long_modules = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for app in [*LAYERS, "finder"]
        for path in python_modules(app)
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    ]
    assert not long_modules
