"""The README's Architecture section matches the package: every package drawn, the import order named."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "isstrack"


def architecture() -> str:
    return (ROOT / "README.md").read_text().split("\n## Architecture\n", 1)[1].split("\n## ", 1)[0]


def drawn() -> dict[str, str]:
    """Return each entry of the README's tree (`io/`, `api.py`, ...) and what it says the entry owns."""
    tree = re.search(r"```text\nisstrack/\n(.+?)\n```", architecture(), re.S)
    assert tree, "the Architecture section draws the isstrack/ tree"
    entries = {}
    for line in tree.group(1).splitlines():
        found = re.match(r"^[├└]── (\S+)\s{2,}(\S.*)$", line)
        assert found, f"tree line without an entry and what it owns: {line!r}"
        entries[found.group(1)] = found.group(2)
    return entries


def layers() -> list[set[str]]:
    """Return the README's import order, lowest first: each layer a set of package names."""
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


def test_the_import_order_names_each_subpackage_once() -> None:
    named = [name for layer in layers() for name in layer]
    assert len(named) == len(set(named))
    subpackages = {name.rstrip("/") for name in drawn() if name.endswith("/") and name != "data/"}
    assert set(named) == subpackages | {"errors"}
