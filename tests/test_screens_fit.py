"""Issue 22: the first five minutes in an 80-column terminal, read from the screen goldens
(tests/golden/screens/, which tests/test_screens.py holds to what the commands draw now).

Each check here failed on the goldens before the fix it names: lines copied whole, one line per row,
notes short and one per problem.
"""

from __future__ import annotations

import re

import pytest

from tests.golden import regen_screens as screens
from tests.test_screens import _ESCAPES


def _lines(name: str, size: str, mode: str) -> list[str]:
    """Return the golden's lines as a terminal shows them: escapes removed, trailing spaces kept."""
    path = screens.golden_path(name, size, mode)
    return _ESCAPES.sub("", path.read_text(encoding="utf-8")).replace("\r", "").split("\n")[:-1]


@pytest.mark.parametrize(("size", "mode"), list(screens.variants()))
def test_tle_element_lines_copy_whole_from_the_terminal(size: str, mode: str) -> None:
    # Copying a line from the terminal gives what the row holds: the line must be the 69 characters
    # alone (no border, no label, no padding), on one row.
    _, line1, line2 = screens.newest_elements().splitlines()
    shown = _lines("tle", size, mode)
    assert len(line1) == len(line2) == 69
    assert line1 in shown and line2 in shown, shown


@pytest.mark.parametrize(("size", "mode"), list(screens.variants()))
def test_tonight_gives_each_pass_one_line(size: str, mode: str) -> None:
    # At 80 columns the satellite cell wrapped to three lines ("ISS (ZARYA)" / "25544" / "(station)"),
    # the lines under it padded with spaces, and the legend took two lines.
    shown = _lines("tonight", size, mode)
    rule = next(i for i, line in enumerate(shown) if line.startswith("───"))
    legend = next(i for i, line in enumerate(shown) if line.startswith("mag: "))
    rows = shown[rule + 1 : legend]
    assert len(rows) == 8, rows  # the eight visible passes of the case's window
    for row in rows:
        assert re.match(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b.* \d{2}:\d{2}:\d{2} .* \d+m\d{2}s$", row), row
    assert sum("ISS (ZARYA) 25544" in row for row in rows) == 2  # the name and number whole
    assert legend == len(shown) - 1, "the legend is one line, the last"


@pytest.mark.parametrize("mode", list(screens.MODES))
def test_transits_title_breaks_between_parts_and_its_notes_are_short(mode: str) -> None:
    # At 80 columns the title broke inside "times in Europe/Amsterdam" and kept a trailing " · ", and
    # the notes under the four rows took 22 lines (29 in all).
    shown = _lines("transits", "80x24", mode)
    assert shown[:2] == [
        "Sun and Moon transits of the ISS within 100 km of Amsterdam, NL",
        "times in Europe/Amsterdam · 2026-09-24 14:00 to 2026-10-04 14:00 · body above 0°",
    ]
    assert not any(line.rstrip().endswith("·") for line in shown)
    header = next(i for i, line in enumerate(shown) if line.startswith("date "))
    notes = shown[header + 5 :]  # after the four rows
    assert len(notes) <= 9, notes  # the key (3), how to use it, the age and its remedy, the solar warning
    assert all(line == line.rstrip() for line in notes), "no space-padded lines"
    assert len(shown) <= 16
    wide = _lines("transits", "200x50", mode)
    assert wide[0].endswith("· body above 0°") and not wide[1].startswith("times")
