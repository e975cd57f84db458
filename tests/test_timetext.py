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


_ZONES_WITH_CHANGES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",  # half-hour daylight saving
    "Asia/Kathmandu",  # +05:45
    "America/St_Johns",
    "Pacific/Chatham",
    "America/Santiago",  # southern daylight saving
    "Africa/Casablanca",
    "Asia/Kolkata",
]
_PATTERNS = [
    "%H:%M:%S %Z",
    "%Y%m%dT%H%M%SZ",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%d %H:%M:%S %Z",
    "%Y-%m-%d %H:%M UTC",
    "%Y-%m-%d %H:%M",
    "100%% at %H:%M %Z",
    "{braces} %d.%m.%Y",
    "%Z %H:%M",  # the zone first: strftime writes it
    "%a %d %b %H:%M",  # names of days and months: strftime writes them
    "%H:%M:%S.%f",
    "",
]


def _moments_across_changes(zone: ZoneInfo) -> list[datetime]:
    """Return moments through 2025-2026 every 3 h 7 min 13.6 s, plus each second around every change
    of the zone's offset (found hour by hour, then to the second)."""
    start, end = datetime(2025, 1, 1, tzinfo=timezone.utc), datetime(2027, 1, 1, tzinfo=timezone.utc)
    step = timedelta(hours=3, minutes=7, seconds=13, microseconds=600_000)
    moments = [start + step * k for k in range(int((end - start) / step))]
    hour = start
    while hour < end:
        later = hour + timedelta(hours=1)
        if hour.astimezone(zone).utcoffset() != later.astimezone(zone).utcoffset():
            low, high = hour, later  # the change lies in (low, high]: halve to the second
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                same = middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset()
                low, high = (middle, high) if same else (low, middle)
            for offset_ms in (-2500, -1000, -501, -500, -499, 0, 499, 500, 1000, 2500):
                moments.append(high + timedelta(milliseconds=offset_ms))
        hour = later
    return moments


@pytest.mark.parametrize("zone_name", _ZONES_WITH_CHANGES)
def test_time_text_writes_what_strftime_writes_across_daylight_saving_changes(zone_name: str) -> None:
    # time_text writes common patterns without strftime; the text must be strftime's of the moment
    # rounded to the second (half up), through two years and around every change of offset.
    zone = ZoneInfo(zone_name)
    moments = _moments_across_changes(zone)
    for moment in moments:
        local = (moment + timedelta(microseconds=500_000)).replace(microsecond=0).astimezone(zone)
        for pattern in _PATTERNS:
            assert time_text(moment, pattern, zone) == local.strftime(pattern), (zone_name, moment, pattern)
        assert time_text(moment, "%H:%M", zone, truncate=True) == moment.astimezone(zone).strftime("%H:%M")
    changes = {m.astimezone(zone).utcoffset() for m in moments}
    assert len(moments) > 5_000
    assert len(changes) >= (1 if zone_name in ("UTC", "Asia/Kathmandu", "Asia/Kolkata") else 2)


def test_time_text_writes_a_fixed_offset_zone_and_a_nameless_one_as_strftime_does() -> None:
    moment = datetime(2026, 9, 24, 21, 30, 5, 499_999, tzinfo=timezone.utc)
    named = timezone(timedelta(hours=-3, minutes=-30), "NDT")
    nameless = timezone(timedelta(hours=5, minutes=45))
    assert time_text(moment, "%H:%M:%S %Z", named) == "18:00:05 NDT"
    assert time_text(moment, "%H:%M:%S %Z", nameless) == "03:15:05 UTC+05:45"
    assert time_text(moment, "%Y-%m-%d %H:%M:%S %Z") == "2026-09-24 21:30:05 UTC"
