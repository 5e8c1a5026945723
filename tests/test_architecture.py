"""docs/maintainers/architecture.md is true: it lists every module, and no module imports a later room."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import ROOT

DOC = (ROOT / "docs" / "maintainers" / "architecture.md").read_text(encoding="utf-8")
PACKAGE = ROOT / "generators"


def modules() -> set[str]:
    return {p.relative_to(ROOT).as_posix() for p in PACKAGE.rglob("*.py") if p.name != "__init__.py"} | \
           {p.relative_to(ROOT).as_posix() for p in PACKAGE.rglob("*.yaml")}


def flow() -> list[list[str]]:
    """The rooms of 'The flow', in order; a step may name several (the thin layers on top)."""
    section = DOC.split("## The flow", 1)[1].split("\n## ", 1)[0]
    return [re.findall(r"`([\w./]+)`", line) for line in re.findall(r"^\d+\. (.*(?:\n {3,}.*)*)", section, re.M)]


def room_of(module: str) -> str:
    parts = Path(module).relative_to("generators").parts
    return parts[0] + "/" if len(parts) > 1 else parts[0]


def test_architecture_page_lists_every_module_of_the_package_and_no_other():
    listed = set(re.findall(r"^\| `(generators/[\w/]+\.(?:py|yaml))` \|", DOC, re.M))
    assert listed == modules()


def test_architecture_page_names_every_room_in_its_flow():
    named = {room for step in flow() for room in step}
    assert named == {room_of(m) for m in modules()}


def test_no_module_imports_from_a_room_later_in_the_flow():
    rank = {room: i for i, step in enumerate(flow()) for room in step}
    backwards = []
    for module in sorted(m for m in modules() if m.endswith(".py")):
        path = ROOT / module
        package = ".".join(Path(module).with_suffix("").parts[:-1])
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not node.level:
                continue
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            parts = target.split(".")
            room = parts[1] + "/" if len(parts) > 2 else parts[1] + ".py"
            if room in rank and rank[room] > rank[room_of(module)]:
                backwards.append(f"{module}:{node.lineno} imports {target}")
    assert backwards == []


def test_only_the_thin_layers_import_the_frameworks():
    allowed = {"click": {"generators/cli.py"}, "mkdocs": {"generators/mkdocs_plugin.py", "generators/cli.py", "generators/preview.py"},
               "plotly": set()}
    found: dict[str, set[str]] = {name: set() for name in allowed}
    for module in (m for m in modules() if m.endswith(".py")):
        for node in ast.walk(ast.parse((ROOT / module).read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else []
            for name in names:
                if name.split(".")[0] in found:
                    found[name.split(".")[0]].add(module)
    assert found == allowed
