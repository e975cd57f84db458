"""Every command as a terminal shows it, at 80x24 and 200x50, in truecolour, 256 colours and plain, pinned
byte for byte in tests/golden/screens/ (made by tests/golden/regen_screens.py, run here the same way).

Each golden also has to fit its terminal: no line wider than the columns, and where a command promises a
screen (the map, the `now` panel), no more lines than leave the picture whole with the prompt below it.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

import pytest

from tests.golden import regen_screens as screens

# Escape sequences: CSI (colours, cursor), OSC (titles, links), and the two-byte ones.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
# A colour in an SGR sequence: 30-37, 39-47, 49, 90-97, 100-107, or 38;/48; (256 colours, RGB).
_COLOUR_SGR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")
MAX_DIFF_LINES = 80

# Goldens that do not fit yet, each reported where it is being fixed; non-strict, so a fix passes.
KNOWN_TOO_WIDE: dict[str, str] = {}
KNOWN_TOO_TALL: dict[tuple[str, str], str] = {}


def _visible(text: str) -> str:
    """Return `text` with escapes shown as ␛ (a readable diff of coloured output)."""
    return text.replace("\x1b", "␛").replace("\r", "␍")


def _diff(name: str, size: str, mode: str, golden: bytes, drawn: bytes) -> str:
    old = _visible(golden.decode("utf-8", "replace")).splitlines(keepends=True)
    new = _visible(drawn.decode("utf-8", "replace")).splitlines(keepends=True)
    lines = list(difflib.unified_diff(old, new, "golden", "now", n=1))
    shown = "".join(lines[:MAX_DIFF_LINES]) + ("...\n" if len(lines) > MAX_DIFF_LINES else "")
    return f"{name} at {size}, {mode} ({screens.golden_path(name, size, mode).name}):\n{shown}"


@pytest.mark.parametrize("name", list(screens.CASES))
def test_screen_matches_the_golden_byte_for_byte(name: str) -> None:
    drawn = screens.render_all(name)
    changed = []
    for (size, mode), now in drawn.items():
        path = screens.golden_path(name, size, mode)
        golden = path.read_bytes() if path.exists() else b""
        if now != golden:
            changed.append(_diff(name, size, mode, golden, now))
    assert not changed, (
        "the screen changed from the golden (␛ is ESC):\n"
        + "\n".join(changed)
        + f"\nIf the change is meant, regenerate and review: {screens.REGEN_COMMAND} {name}"
    )


def _golden_text(name: str, size: str, mode: str) -> str:
    path = screens.golden_path(name, size, mode)
    assert path.exists(), f"{path} is missing: {screens.REGEN_COMMAND} {name}"
    return path.read_text(encoding="utf-8")


def _widest(text: str) -> int:
    """Return the widest line in terminal cells (escapes removed; each \\r starts the line over)."""
    from rich.cells import cell_len

    plain = _ESCAPES.sub("", text)
    return max(cell_len(part) for line in plain.split("\n") for part in line.split("\r"))


def _params(known: dict[Any, str], key: Any, *values: str) -> Any:
    reason = known.get(key)
    marks = [pytest.mark.xfail(reason=reason, strict=False)] if reason else []
    return pytest.param(*values, marks=marks, id="-".join(values))


@pytest.mark.parametrize(
    ("name", "size", "mode"),
    [
        _params(KNOWN_TOO_WIDE, name if size == "80x24" else None, name, size, mode)
        for name in screens.CASES
        for size, mode in screens.variants()
    ],
)
def test_no_line_is_wider_than_the_terminal(name: str, size: str, mode: str) -> None:
    columns, _ = screens.SIZES[size]
    text = _golden_text(name, size, mode)
    assert text.strip(), "the command drew nothing"
    assert _widest(text) <= columns, f"{name} draws a line of {_widest(text)} cells on {columns} columns"


@pytest.mark.parametrize(
    ("name", "size", "mode"),
    [
        _params(KNOWN_TOO_TALL, (name, size), name, size, mode)
        for name, case in screens.CASES.items()
        if case.fits_height
        for size, mode in screens.variants()
    ],
)
def test_a_screen_fits_the_terminal_height(name: str, size: str, mode: str) -> None:
    # N lines each ending in a newline leave the cursor on row N + 1: the top row stays only if N < rows.
    _, rows = screens.SIZES[size]
    lines = _golden_text(name, size, mode).count("\n")
    assert lines <= rows - 1, f"{name} prints {lines} lines on {rows} rows: the top scrolls off"


def test_the_map_is_drawn_in_each_terminal_s_own_colours() -> None:
    for size in screens.SIZES:
        truecolor = _golden_text("map", size, "truecolor")
        eight_bit = _golden_text("map", size, "256")
        assert "\x1b[48;2;" in truecolor and "\x1b[48;5;" not in truecolor  # day, twilight, night in RGB
        assert "\x1b[48;5;" in eight_bit  # and in the xterm palette


@pytest.mark.parametrize("name", list(screens.CASES))
def test_each_golden_is_in_the_colour_mode_its_terminal_asks_for(name: str) -> None:
    for size in screens.SIZES:
        plain = _golden_text(name, size, "plain")
        assert not _COLOUR_SGR.search(plain), f"{name} at {size}: colour under NO_COLOR"
        eight_bit = _golden_text(name, size, "256")
        assert not re.search(r"\x1b\[[0-9;]*[34]8;2;", eight_bit), f"{name} at {size}: RGB on 256 colours"
