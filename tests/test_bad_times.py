"""Issue 8 items 17 and 18: times and zones a user can type are exit 2 with one line naming them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.tle_tools import newest, text, with_checksum

PARIS = ("--city", "Paris, FR")


def one_line_exit_2(result: Any) -> str:
    assert result.code == 2, (result.code, result.err)
    assert result.err.count("\n") == 1 and result.err.startswith("isstrack: error: "), result.err
    assert "internal error" not in result.err and "Traceback" not in result.err
    assert result.out == ""
    line: str = result.err
    return line


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["now", "--tz", "Europe"], "--tz 'Europe' is a region, not a time zone"),
        (["passes", *PARIS, "--tz", "America"], "--tz 'America' is a region, not a time zone"),
        (["now", "--tz", "A" * 300], "--tz: a time zone name of 300 characters is not an IANA name"),
        (["now", "--tz", "Europe/../../../etc/passwd"], "--tz: unknown time zone"),
        (["now", "--tz", ""], "--tz: unknown time zone ''"),
        (
            ["now", "--at", "0001-01-01T00:00+01:00"],
            "--at '0001-01-01T00:00+01:00' is outside the supported range",
        ),
        (
            ["now", "--at", "9999-12-31T23:59+00:00"],
            "--at '9999-12-31T23:59+00:00' is outside the supported range",
        ),
        (
            ["passes", *PARIS, "--from", "9999-12-31T23:00Z"],
            "--from '9999-12-31T23:00Z' is outside the supported",
        ),
        (
            ["passes", *PARIS, "--from", "0001-01-01T00:00-01:00"],
            "--from '0001-01-01T00:00-01:00' is outside",
        ),
        (
            ["next", *PARIS, "--at", "9999-12-31T23:00Z"],
            "--at '9999-12-31T23:00Z' is outside the supported range",
        ),
        (["now", "--at", "2" * 300], "(300 characters) is not an ISO 8601 time"),
    ],
)
def test_bad_times_and_zones_are_exit_2(cli: Any, args: list[str], words: str) -> None:
    assert words in one_line_exit_2(cli(*args, "--offline"))


def test_config_time_zone_that_is_a_region_is_exit_2(cli: Any, tmp_path: Path) -> None:
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        '[home]\nname = "Home"\nlatitude_deg = 52.0\nlongitude_deg = 4.9\ntime_zone = "Europe"\n'
    )
    line = one_line_exit_2(cli("passes", "--offline"))
    assert str(config) in line and "time_zone 'Europe' is a region, not a time zone" in line


@pytest.mark.parametrize(
    ("args", "asked", "supported"),
    [
        # next searches from 30 min before the time to 30 days and 30 min after it
        (
            ["next", *PARIS, "--max-age", "20000", "--at", "2000-01-02"],
            "--at '2000-01-02'",
            "2000-01-02T00:30Z and 2049-11-29T23:30Z",
        ),
        (
            ["next", *PARIS, "--max-age", "20000", "--at", "2049-12-20"],
            "--at '2049-12-20'",
            "2000-01-02T00:30Z and 2049-11-29T23:30Z",
        ),
        (
            ["next", *PARIS, "--max-age", "20000", "--within", "1h", "--at", "2049-12-30"],
            "--at '2049-12-30'",
            "and 2049-12-29T22:30Z",
        ),
        (
            ["passes", *PARIS, "--from", "2049-12-25"],
            "--from '2049-12-25'",
            "2000-01-02T00:30Z and 2049-12-19T23:30Z",
        ),
        (
            ["passes", *PARIS, "--days", "1", "--from", "2000-01-02T00:10Z"],
            "--from '2000-01-02T00:10Z'",
            "2000-01-02T00:30Z and 2049-12-28T23:30Z",
        ),
        (
            ["now", *PARIS, "--at", "2049-12-20"],
            "--at '2049-12-20'",
            "2000-01-02T00:30Z and 2049-11-29T23:30Z",
        ),
        (
            ["now", "--at", "2049-12-30T00:01Z"],
            "--at '2049-12-30T00:01Z'",
            "2000-01-02T00:00Z and 2049-12-30T00:00Z",
        ),
    ],
)
def test_range_errors_name_what_the_user_asked_and_the_range(
    cli: Any, args: list[str], asked: str, supported: str
) -> None:
    line = one_line_exit_2(cli(*args, "--offline", "--quiet"))
    assert f"{asked} is outside the supported range" in line
    assert supported in line
    assert "2000-01-01" not in line, "never a date the user did not type or could not use"


def elements_at(tmp_path: Path, epoch: str) -> str:
    """Write the newest reference set relabelled to epoch `epoch` (YYDDD.DDDDDDDD) and return its path."""
    name, line1, line2 = newest()
    path = tmp_path / f"iss-{epoch}.tle"
    path.write_text(text((name, with_checksum(f"{line1[:18]}{epoch}{line1[32:]}"), line2)))
    return str(path)


def test_times_just_inside_the_range_work(cli: Any, tmp_path: Path) -> None:
    early = ("--tle-file", elements_at(tmp_path, "00002.50000000"), "-q")
    late = ("--tle-file", elements_at(tmp_path, "49363.50000000"), "-q")
    assert cli("now", *early, "--at", "2000-01-02T00:00Z").code == 0
    assert cli("now", *late, "--at", "2049-12-30T00:00Z").code == 0
    assert cli("next", *PARIS, *late, "--within", "1h", "--at", "2049-12-29T22:30Z").code in (0, 1)
    assert cli("passes", *PARIS, *early, "--days", "1", "--from", "2000-01-02T00:30Z").code == 0
