"""`isstrack now` through the CLI: JSON contract, plain and terminal output, bad input, --watch (on a pty)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import isstrack_command
from tests.independent import ecef_km, geodetic
from tests.terminal import run_on_pty
from tests.tle_tools import HISTORY, newest

AT = "2026-09-24T21:00:00Z"
BUNDLED = ["--tle-file", str(HISTORY.parent / "iss-tle-history.tle")]


def test_json_contract_without_a_place(cli: Any, tle_file: str) -> None:
    result = cli("now", "--at", AT, "--tle-file", tle_file, "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["schema_version"] == 1
    assert data["time"] == AT
    assert data["observer"] is None
    assert data["elements"]["source"] == "file"
    assert data["elements"]["epoch"] == "2026-09-24T03:24:21Z"
    assert 0.73 < data["elements"]["age_days"] < 0.74
    # Independent check of the headline numbers: direct sgp4, GMST, Bowring.
    _, line1, line2 = newest()
    lat, lon, height = geodetic(ecef_km(line1, line2, datetime(2026, 9, 24, 21, tzinfo=timezone.utc)))
    assert abs(data["latitude_deg"] - lat) < 0.01
    assert abs(data["longitude_deg"] - lon) < 0.01
    assert abs(data["altitude_km"] - height) < 1
    assert 7.6 < data["speed_km_s"] < 7.7
    assert isinstance(data["sunlit"], bool)
    assert 4400 < data["footprint_km"] < 4700
    assert data["over"]["text"].startswith("over ")


def test_json_with_a_place_has_look_angles_and_the_next_pass(cli: Any, tle_file: str) -> None:
    result = cli(
        "now",
        "--at",
        "2026-09-24T19:22:00Z",
        "--lat",
        "52.37",
        "--lon",
        "4.89",
        "--tle-file",
        tle_file,
        "--json",
    )
    assert result.code == 0, result.err
    observer = result.json()["observer"]
    assert observer["time_zone"] == "Europe/Amsterdam"
    assert observer["above_horizon"] is True
    assert 0 <= observer["azimuth_deg"] < 360
    assert observer["visible"] is True  # mid-pass on a dark evening, sunlit
    upcoming = observer["next_visible_pass"]
    assert upcoming["in_progress"] is True
    assert observer["seconds_until_next_visible"] == 0


def test_plain_output_when_piped_has_no_escape_codes(cli: Any, tle_file: str) -> None:
    result = cli(
        "now",
        "--at",
        AT,
        "--city",
        "Amsterdam",
        "--tle-file",
        tle_file,
        env={"FORCE_COLOR": "1", "NO_COLOR": ""},
    )
    assert result.code == 0, result.err
    assert "\x1b[" not in result.out
    assert "ISS now" in result.out
    assert "2026-09-24 21:00:00 UTC  (2026-09-24 23:00:00 CEST)" in result.out
    assert "from       Amsterdam, NL (Europe/Amsterdam)" in result.out
    assert max(len(line) for line in result.out.splitlines()) <= 120


def test_colour_on_a_terminal_unless_no_color(isolated_env: dict[str, str], tle_file: str) -> None:
    env = {**os.environ, **isolated_env, "TERM": "xterm-256color", "COLUMNS": "120"}
    env.pop("NO_COLOR")
    args = ["now", "--at", AT, "--city", "Amsterdam", "--tle-file", tle_file]
    code, coloured = run_on_pty(args, env)
    assert code == 0
    assert "\x1b[1;33m" in coloured or "\x1b[34m" in coloured  # sunlit yellow or shadow blue
    code, plain = run_on_pty(args, {**env, "NO_COLOR": "1"})
    assert code == 0
    assert "\x1b[3" not in plain  # no foreground colours


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--lat", "95", "--lon", "3"], "--lat 95.0 is outside [-90, 90]"),
        (["--lat", "5", "--lon", "-181"], "--lon -181.0 is outside [-180, 180]"),
        (["--lat", "abc", "--lon", "3"], "Invalid value for '--lat'"),
        (["--lat", "52"], "--lon is missing"),
        (["--city", "Xyzzyville"], "no city called 'Xyzzyville'"),
        (["--city", "Springfield"], "is ambiguous: Springfield, US-MO"),
        (["--city", "Paris", "--lat", "1", "--lon", "2"], "either --city or --lat/--lon"),
        (["--at", "yesterday"], "--at 'yesterday' is not an ISO 8601 time"),
        (["--at", "2060-01-01T00:00:00Z"], "--at '2060-01-01T00:00:00Z' is outside the supported range"),
        (["--tle-file", "/nonexistent/iss.tle"], "no such file"),
        (["--interval", "0"], "--interval 0 is outside"),
        (["--min-elevation", "95"], "--min-elevation 95 is outside [0, 90)"),
        (["--tz", "Mars/Olympus"], "--tz: unknown time zone 'Mars/Olympus'"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    cli: Any, tmp_path: Path, args: list[str], words: str
) -> None:
    result = cli("now", *args)
    assert result.code == 2
    assert words in result.err
    assert result.err.count("\n") == 1 and result.err.startswith("isstrack: error: ")
    assert "Traceback" not in result.err
    assert result.out == ""
    assert not (tmp_path / "cache").exists()


def test_tle_file_with_no_valid_elements_is_bad_input(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.tle"
    path.write_text("ISS\n1 25544U 98067A   26267.14191496  .00009634  00000+0  18116-3 0  9990\n")
    result = cli("now", "--tle-file", str(path))
    assert result.code == 2
    assert "holds no valid elements" in result.err


def test_stale_elements_warn_on_stderr_and_quiet_keeps_only_that(cli: Any) -> None:
    loud = cli("now", "--offline", "--at", "2026-11-23T12:00:00Z", "--json")
    assert loud.code == 0
    assert "bundled elements are 60.4 days old, too old to trust" in loud.err
    json.loads(loud.out)
    # Issue 22 item 2: -q keeps the trust warning; --no-warn-age silences it on purpose.
    quiet = cli("now", "--offline", "--at", "2026-11-23T12:00:00Z", "--json", "--quiet")
    assert quiet.err.count("\n") == 2 and "60.4 days old, too old to trust" in quiet.err  # and the remedy
    silent = cli("now", "--offline", "--at", "2026-11-23T12:00:00Z", "--json", "-q", "--no-warn-age")
    assert silent.err == ""
    verbose = cli("now", "--offline", "--at", "2026-11-23T12:00:00Z", "--json", "-v", "-q")
    assert "isstrack: offline: not touching the network" in verbose.err
    assert "using the bundled elements" in verbose.err


def test_watch_streams_json_and_ctrl_c_exits_0(isolated_env: dict[str, str], tle_file: str) -> None:
    proc = subprocess.Popen(
        [
            *isstrack_command(),
            "now",
            "--watch",
            "--interval",
            "0.6",
            "--json",
            "--tle-file",
            tle_file,
            "--at",
            AT,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **isolated_env},
    )
    assert proc.stdout is not None
    lines = [proc.stdout.readline() for _ in range(3)]
    proc.send_signal(signal.SIGINT)
    code = proc.wait(timeout=30)
    err = proc.stderr.read() if proc.stderr else ""
    assert code == 0
    assert "Traceback" not in err
    times = [json.loads(line)["time"] for line in lines]
    assert times[0] == AT
    assert times == sorted(times) and len(set(times)) >= 2


def test_watch_draws_in_place_on_a_terminal(isolated_env: dict[str, str], tle_file: str) -> None:
    env = {**os.environ, **isolated_env, "TERM": "xterm", "COLUMNS": "120"}
    code, text = run_on_pty(
        ["now", "--watch", "--interval", "0.2", "--tle-file", tle_file], env, interrupt_after=3.0
    )
    assert code == 0
    assert "Traceback" not in text
    assert text.count("ISS now") >= 2
    assert "\x1b[?1049h" in text and "\x1b[H" in text  # alternate screen, redrawn from the top
