"""Messages, help and docstrings inside isstrack/ point at the docs/ page that holds what they name
(the README is a short introduction now; what it held moved to docs/)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "isstrack"


def _strings(path: Path) -> list[tuple[int, str]]:
    """Return every string literal in a module (messages, help, docstrings), with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_no_string_sends_the_reader_to_the_readme() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {value!r}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, value in _strings(path)
        if "README" in value
    ]
    assert not found, "point these at the docs/ page instead:\n" + "\n".join(found)


def test_every_docs_page_a_string_names_exists() -> None:
    named = {
        match
        for path in sorted(PACKAGE.rglob("*.py"))
        for _, value in _strings(path)
        for match in re.findall(r"docs/[\w-]+\.md", value)
    }
    assert {"docs/json.md", "docs/alerts.md", "docs/exit-statuses.md"} <= named
    missing = sorted(page for page in named if not (ROOT / page).is_file())
    assert not missing, missing
