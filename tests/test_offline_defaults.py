"""Issue 22 items 1-2: offline by default from config.toml, one age said once, and -q keeping it.

Real config files and a real HTTP server on 127.0.0.1 (pytest-httpserver) that counts the requests.
The bundled set's epoch is 2026-09-24 03:24:21 UTC (FACTS.md), so the ages below are worked out
here from that time, not read from isstrack.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import tomllib
from pytest_httpserver import HTTPServer

from tests.tle_tools import newest, text

BUNDLED_EPOCH = datetime(2026, 9, 24, 3, 24, 21, tzinfo=timezone.utc)
LATE = "2026-12-03T12:00:00Z"
AMSTERDAM = ("--lat", "52.37403", "--lon", "4.88969")
HOME = '[home]\nname = "Home"\nlatitude_deg = 52.37\nlongitude_deg = 4.89\ntime_zone = "Europe/Amsterdam"\n'


def _age_days(at: str) -> float:
    moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    return (moment - BUNDLED_EPOCH).total_seconds() / 86400


def _config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body)
    return path


def _server(httpserver: HTTPServer) -> dict[str, str]:
    httpserver.expect_request("/gp.php").respond_with_data(text(newest()), content_type="text/plain")
    return {"ISSTRACK_TLE_URL": httpserver.url_for("/gp.php") + "?CATNR={catnr}&FORMAT=TLE"}


def test_config_offline_true_keeps_every_command_off_the_network(
    tmp_path: Path, cli: Any, httpserver: HTTPServer
) -> None:
    env = _server(httpserver)
    _config(tmp_path, "[defaults]\noffline = true\n")
    for args in (("now", "--json"), ("passes", *AMSTERDAM, "--json"), ("tle", "--json")):
        result = cli(*args, "-q", env=env)
        assert result.code == 0, (args, result.err)
    assert len(httpserver.log) == 0, "offline = true: not one request"
    # --update still downloads when asked for by name (the config's default yields to it).
    assert cli("tle", "--update", "-q", env=env).code == 0
    assert len(httpserver.log) == 1


def test_without_the_config_the_same_run_downloads(tmp_path: Path, cli: Any, httpserver: HTTPServer) -> None:
    env = _server(httpserver)
    _config(tmp_path, "[defaults]\noffline = false\n")
    assert cli("now", "--json", "-q", env=env).code == 0
    assert len(httpserver.log) == 1
    # The environment still decides over the config file.
    (tmp_path / "cache").joinpath("gp-25544.json").unlink()
    (tmp_path / "cache").joinpath("gp-25544.state.json").unlink()
    _config(tmp_path, "[defaults]\noffline = true\n")
    assert cli("now", "--json", "-q", env=env | {"ISSTRACK_OFFLINE": "0"}).code == 0
    assert len(httpserver.log) == 2


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ('[defaults]\noffline = "yes"\n', "offline"),
        ("[defaults]\nwarn_age = 1\n", "warn_age"),
        ("[defaults]\nofline = true\n", "ofline"),
        ('defaults = "offline"\n', "defaults"),
    ],
)
def test_a_bad_default_is_one_line_exit_2_naming_key_and_file(
    tmp_path: Path, cli: Any, body: str, key: str
) -> None:
    path = _config(tmp_path, body)
    result = cli("now", "--json")
    assert result.code == 2
    assert result.out == ""
    assert result.err.count("\n") == 1, result.err
    assert str(path) in result.err and key in result.err


def test_location_set_and_clear_keep_the_defaults(tmp_path: Path, cli: Any) -> None:
    path = _config(tmp_path, "[defaults]\noffline = true\nwarn_age = false\n")
    assert cli("location", "show").code == 0, "a file with only [defaults] is no broken place"
    assert cli("location", "set", "--city", "Paris, FR").code == 0
    saved = tomllib.loads(path.read_text())
    assert saved["defaults"] == {"offline": True, "warn_age": False}
    assert saved["home"]["name"] == "Paris, FR"
    assert cli("location", "clear").code == 0
    assert tomllib.loads(path.read_text()) == {"defaults": {"offline": True, "warn_age": False}}
    assert "needs a place" in cli("passes", "--offline").err


def test_quiet_keeps_the_age_warning_and_no_warn_age_silences_it(tmp_path: Path, cli: Any) -> None:
    age = f"{_age_days(LATE):.1f} days old"
    for command in (("now",), ("passes",), ("map",), ("transits", "--days", "1")):
        args = (
            *command,
            "--city",
            "Amsterdam",
            "--offline",
            "--at" if command[0] in ("now", "map") else "--from",
        )
        loud = cli(*args, LATE)
        if command[0] != "transits":  # which Amsterdam: a note -q silences (transits never says it)
            assert "took Amsterdam, NL, the largest" in loud.err, command
        quiet = cli(*args, LATE, "-q")
        lines = quiet.err.splitlines()
        # The problem on one line, what to do online and offline on a second, each within 80 columns.
        assert len(lines) == 2 and age in lines[0] and "too old to trust" in lines[0], (command, quiet.err)
        assert lines[1] == "  online: isstrack tle --update · offline: tle --import FILE or --tle-file FILE"
        assert all(len(line) <= 80 for line in lines), lines
        silent = cli(*args, LATE, "-q", "--no-warn-age")
        assert silent.err == "", (command, silent.err)
    _config(tmp_path, "[defaults]\nwarn_age = false\n")
    assert cli("now", "--offline", "--at", LATE, "-q").err == ""


def test_passes_at_80_columns_says_one_age_once(cli: Any) -> None:
    """The issue's run: 12 lines of notes with two ages; now each problem once, with one age."""
    result = cli("passes", "--city", "Amsterdam", "--offline", "--from", LATE, env={"COLUMNS": "80"})
    assert result.code == 0
    age = f"{_age_days(LATE):.1f} days old"
    ages = set(re.findall(r"(\d+(?:\.\d+)? (?:days|hours|h) old)", result.out + result.err))
    assert ages == {age}, ages
    assert (result.out + result.err).count("too old to trust") == 2  # stderr's warning, the title's age
    notes = [line for line in result.err.splitlines() if line.startswith("isstrack:")]
    assert len(notes) == 2, result.err  # which Amsterdam; how old the elements are
    title = result.out.split("date ", 1)[0]
    assert len(title.splitlines()) <= 3, title
    assert "WARNING" not in result.out


def test_next_refusing_says_the_age_once(cli: Any) -> None:
    refused = cli("next", *AMSTERDAM, "--offline", "--at", LATE)
    assert refused.code == 3
    assert refused.err.count("\n") == 1, "the refusal, not a warning before it too"
    assert "tle --import FILE" in refused.err and "--max-age" in refused.err
