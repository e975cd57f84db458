"""The one time formatter and the one duration formatter, with each place's wording written out by hand."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from isstrack.io.timetext import (
    ISO_FRACTION,
    ISO_MINUTES,
    LOCAL_TEXT,
    UTC_TEXT,
    UTC_TEXT_MINUTES,
    duration_text,
    iso_z,
    iso_z_many,
    time_text,
)

LATE = datetime(2026, 9, 24, 21, 30, 59, 600_000, tzinfo=timezone.utc)  # rounds up into the next minute
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def test_times_round_half_up_to_the_second_unless_truncated() -> None:
    assert time_text(LATE) == "2026-09-24T21:31:00Z"
    assert time_text(LATE, truncate=True) == "2026-09-24T21:30:59Z"  # records, as before
    assert time_text(LATE, UTC_TEXT) == "2026-09-24 21:31:00 UTC"
    assert time_text(LATE, LOCAL_TEXT, AMSTERDAM) == "2026-09-24 23:31:00 CEST"
    assert time_text(LATE, "%H:%M:%S", AMSTERDAM) == "23:31:00"
    # Without seconds in the pattern, truncation keeps the minute the moment is in.
    assert time_text(LATE, ISO_MINUTES, truncate=True) == "2026-09-24T21:30Z"
    assert time_text(LATE, UTC_TEXT_MINUTES, truncate=True) == "2026-09-24 21:30 UTC"
    assert (
        time_text(datetime(2026, 12, 31, 23, 59, 59, 500_000, tzinfo=timezone.utc)) == "2027-01-01T00:00:00Z"
    )


def test_tenths_round_half_up_to_the_tenth() -> None:
    assert time_text(LATE, ISO_FRACTION, digits=1) == "2026-09-24T21:30:59.6Z"
    almost = datetime(2026, 9, 24, 21, 30, 59, 950_000, tzinfo=timezone.utc)
    assert time_text(almost, ISO_FRACTION, digits=1) == "2026-09-24T21:31:00.0Z"
    assert time_text(almost - timedelta(microseconds=1), ISO_FRACTION, digits=1) == "2026-09-24T21:30:59.9Z"
    assert time_text(almost, "%H:%M:%S.%f", AMSTERDAM, digits=1) == "23:31:00.0"


def test_iso_z_in_bulk_matches_one_at_a_time() -> None:
    moments = [LATE, LATE - timedelta(microseconds=100_001), datetime(2000, 1, 2, tzinfo=timezone.utc)]
    assert iso_z_many(moments) == ["2026-09-24T21:31:00Z", "2026-09-24T21:30:59Z", "2000-01-02T00:00:00Z"]
    assert iso_z_many(moments) == [iso_z(m) for m in moments]


@pytest.mark.parametrize(
    ("seconds", "options", "expected"),
    [
        # the default: to the nearest minute, days split off, minutes padded after hours
        (29, {}, "0 min"),
        (31, {}, "1 min"),
        (90, {}, "2 min"),  # round(): half to even, as every copy did
        (45 * 60, {}, "45 min"),
        (2 * 3600 + 5 * 60, {}, "2 h 05 min"),
        (86400 + 2 * 3600 + 5 * 60, {}, "1 d 2 h 05 min"),
        (86400 + 5 * 60, {}, "1 d 5 min"),
        (-300, {}, "0 min"),
        # days=False: hours keep counting (a wait for the next download)
        (26 * 3600 + 5 * 60, {"days": False}, "26 h 05 min"),
        # clamp=False: a negative span as it comes (a fetch time ahead of the clock)
        (-300, {"days": False, "clamp": False}, "-1 h 55 min"),
        # sparse: no zero parts, no padding (margins in messages)
        (0, {"sparse": True}, "0 min"),
        (30 * 60, {"sparse": True}, "30 min"),
        (2 * 3600, {"sparse": True}, "2 h"),
        (86400 + 30 * 60, {"sparse": True}, "1 d 30 min"),
        (86400 + 3600 + 60, {"sparse": True}, "1 d 1 h 1 min"),
        # coarse, rounded down (an alert's "in ..."): under a minute, and no minutes past a day
        (59.9, {"round_down": True, "coarse": True}, "<1 min"),
        (-10, {"round_down": True, "coarse": True}, "<1 min"),
        (119.9, {"round_down": True, "coarse": True}, "1 min"),
        (3600 + 5 * 60 + 59, {"round_down": True, "coarse": True}, "1 h 05 min"),
        (2 * 86400 + 3 * 3600 + 59 * 60, {"round_down": True, "coarse": True}, "2 d 3 h"),
        # to the second: a countdown
        (12.4, {"show_seconds": True}, "12s"),
        (4 * 60 + 3, {"show_seconds": True}, "4m 03s"),
        (2 * 3600 + 5 * 60 + 9, {"show_seconds": True}, "2h 05m 09s"),
        (-3, {"show_seconds": True}, "0s"),
        # to the second, compact: how long a pass is visible
        (45, {"show_seconds": True, "compact": True}, "0m45s"),
        (4 * 60 + 5.4, {"show_seconds": True, "compact": True}, "4m05s"),
        (95 * 60, {"show_seconds": True, "compact": True}, "95m00s"),
    ],
)
def test_durations_keep_each_wording(seconds: float, options: dict[str, bool], expected: str) -> None:
    assert duration_text(seconds, **options) == expected
