"""Issue 22 item 10: a place no pass can reach is told so, not sent to a longer window."""

from __future__ import annotations

import math
from typing import Any

TROMSO = ("--lat", "69.65", "--lon", "18.96")


def test_tromso_is_told_no_pass_reaches_the_minimum(cli: Any) -> None:
    result = cli("passes", *TROMSO, "--offline", "-q", "--all", "--from", "2026-09-25T00:00Z")
    assert result.code == 0
    assert "--days 30" not in result.out
    assert "never rises above 2.6° at 69.7° N, so no pass reaches 10° here" in result.out
    # Hand check: 18.0° of arc from the track's 51.6° N edge, seen from a 420 km orbit.
    gap = math.radians(69.65 - 51.64)
    expected = math.degrees(math.atan2(math.cos(gap) - 6371.0 / (6371.0 + 424.0), math.sin(gap)))
    assert abs(expected - 2.6) < 0.2


def test_amsterdam_empty_window_still_suggests_a_longer_one(cli: Any) -> None:
    result = cli(
        "passes",
        "--city",
        "Amsterdam, NL",
        "--offline",
        "-q",
        "--days",
        "1",
        "--from",
        "2026-12-03T12:00Z",
    )
    assert result.code == 0
    assert "never rises" not in result.out
    assert "Try --days 30" in result.out
