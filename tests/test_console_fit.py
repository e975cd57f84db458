"""render.console.fit_parts and wrap_for: lines fitted to a terminal, broken only between parts."""

from __future__ import annotations

import io

from isstrack.render.console import fit_parts, wrap_for

PARTS = [
    "Amsterdam, NL: Thu 24 Sep 21:20 CEST (in 20 min), ",
    "appears W at 10°, ",
    "max 22° SSW, ",
    "mag -2.1",
]


def test_without_a_terminal_the_parts_make_one_line() -> None:
    assert fit_parts(PARTS, None) == [
        "Amsterdam, NL: Thu 24 Sep 21:20 CEST (in 20 min), appears W at 10°, max 22° SSW, mag -2.1"
    ]


def test_a_narrow_terminal_breaks_between_parts_never_inside_one() -> None:
    lines = fit_parts(PARTS, 60)
    assert lines == [
        "Amsterdam, NL: Thu 24 Sep 21:20 CEST (in 20 min),",
        "  appears W at 10°, max 22° SSW, mag -2.1",
    ]
    assert all(len(line) <= 60 for line in lines)


def test_a_part_too_long_for_a_line_breaks_between_words_and_a_dot_separator_goes() -> None:
    parts = ["Mon 28 Sep 18:46  other Planned event, no burn (the time grid restarts) · ", "listed"]
    assert fit_parts(parts, 40, "    ") == [
        "Mon 28 Sep 18:46  other Planned event,",
        "    no burn (the time grid restarts)",
        "    listed",
    ]


def test_a_remedy_goes_on_its_own_indented_line() -> None:
    piped = io.StringIO()
    shown = wrap_for(piped, "isstrack: warning: elements are 70.6 days old, too old to trust", "online: ...")
    assert shown == "isstrack: warning: elements are 70.6 days old, too old to trust\n  online: ..."
