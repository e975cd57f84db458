"""The Architecture section of docs/architecture.md matches the package and tests/test_architecture.py."""

from __future__ import annotations

import re
from pathlib import Path

from tests.test_architecture import LAYERS, LAZY

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "isstrack"


def architecture() -> str:
    page = (ROOT / "docs" / "architecture.md").read_text()
    return page.split("\n## Architecture\n", 1)[1].split("\n## ", 1)[0]


def drawn() -> dict[str, str]:
    """Return each entry of the page's tree (`io/`, `api.py`, ...) and what it says the entry owns."""
    tree = re.search(r"```text\nisstrack/\n(.+?)\n```", architecture(), re.S)
    assert tree, "the Architecture section draws the isstrack/ tree"
    entries = {}
    for line in tree.group(1).splitlines():
        found = re.match(r"^[├└]── (\S+)\s{2,}(\S.*)$", line)
        assert found, f"tree line without an entry and what it owns: {line!r}"
        entries[found.group(1)] = found.group(2)
    return entries


def layers() -> list[set[str]]:
    """Return the page's import order, lowest first: each layer a set of package names."""
    for block in re.findall(r"```text\n(.+?)\n```", architecture(), re.S):
        if " < " in block:
            return [{name.strip() for name in layer.split(",")} for layer in block.split("<")]
    raise AssertionError("the Architecture section states the import order as 'a < b < ...'")


def test_the_tree_draws_every_package_and_module_and_nothing_else() -> None:
    entries = drawn()
    packages = {f"{p.name}/" for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    modules = {p.name for p in PACKAGE.glob("*.py") if p.name != "__main__.py"}
    assert set(entries) == packages | modules
    assert all(len(text.split()) >= 4 for text in entries.values()), "each line says what it owns"


def test_the_import_order_is_the_one_the_import_graph_test_holds() -> None:
    enforced = [
        {name.removeprefix("isstrack.") for name in layer if name not in ("isstrack", "isstrack.__main__")}
        for layer in LAYERS
    ]
    assert layers() == [layer for layer in enforced if layer]
    subpackages = {name.rstrip("/") for name in drawn() if name.endswith("/") and name != "data/"}
    assert {name for layer in layers() for name in layer} == subpackages | {"errors", "api"}


def test_the_lazy_imports_named_are_the_ones_the_import_graph_test_allows() -> None:
    named = re.findall(r"^  - `([\w.]+)` → `([\w.]+)`: ", architecture(), re.M)
    assert {(f"isstrack.{a}", f"isstrack.{b}") for a, b in named} == set(LAZY)
    assert len(named) == len(LAZY)
