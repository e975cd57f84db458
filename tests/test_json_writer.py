"""Every --json and JSON Lines output goes through one writer: controls escaped, encoded for the stream."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import isstrack_command
from tests.tle_tools import newest, text

EVIL = "Home\u202eevil"  # a right-to-left override: would show the rest of the line reversed
AT = "2026-09-24T21:00:00Z"


@pytest.fixture
def tle_file(tmp_path: Path) -> str:
    """Return the newest reference set, in a file of its own."""
    (tmp_path / "iss.tle").write_text(text(newest()))
    return str(tmp_path / "iss.tle")


@pytest.fixture
def evil_home(cli: Any, isolated_env: dict[str, str]) -> None:
    """Save a home place with `location set`, then give it a name holding a bidi override."""
    assert cli("location", "set", "--lat", "52.37", "--lon", "4.89").code == 0
    path = Path(isolated_env["ISSTRACK_CONFIG_DIR"]) / "config.toml"
    # A TOML basic string takes JSON's \uXXXX escapes: the file holds the override as an escape.
    text, count = re.subn(r"(?m)^name = .*$", lambda _: "name = " + json.dumps(EVIL), path.read_text("utf-8"))
    assert count == 1
    path.write_text(text, encoding="utf-8")


def _first_lines(args: list[str], env: dict[str, str], count: int = 2) -> list[str]:
    """Run a live view with stdout piped, read `count` lines, stop it with Ctrl-C; return the raw lines."""
    proc = subprocess.Popen(
        [*isstrack_command(), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **env},
    )
    assert proc.stdout is not None
    try:
        lines = [proc.stdout.readline().decode("utf-8") for _ in range(count)]
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=30)
    assert code == 0, proc.stderr.read() if proc.stderr else ""
    return lines


@pytest.mark.usefixtures("evil_home")
@pytest.mark.parametrize("command", ["now", "map"])
def test_watch_json_escapes_a_bidi_override_in_the_saved_place_name(
    command: str, isolated_env: dict[str, str], tle_file: str
) -> None:
    args = [command, "--watch", "--json", "--interval", "0.2", "--tle-file", tle_file, "--at", AT, "-q"]
    for line in _first_lines(args, isolated_env):
        assert "\u202e" not in line
        assert "Home\\u202eevil" in line  # escaped the way json.dumps escapes a control
        assert json.loads(line)["observer"]["name"] == EVIL  # and the value survives intact


@pytest.mark.usefixtures("evil_home")
@pytest.mark.parametrize("command", ["now", "map"])
def test_json_escapes_a_bidi_override_in_the_saved_place_name(command: str, cli: Any, tle_file: str) -> None:
    result = cli(command, "--json", "--tle-file", tle_file, "--at", AT, "-q")
    assert result.code == 0, result.err
    assert "\u202e" not in result.out and "Home\\u202eevil" in result.out


def test_watch_json_on_an_ascii_stdout_keeps_names_as_escapes(
    isolated_env: dict[str, str], tle_file: str, cli: Any
) -> None:
    assert cli("location", "set", "--city", "Zürich").code == 0
    env = {**isolated_env, "PYTHONIOENCODING": "ascii"}
    for command in ("now", "map"):
        args = [command, "--watch", "--json", "--interval", "0.2", "--tle-file", tle_file, "--at", AT, "-q"]
        line = _first_lines(args, env, count=1)[0]
        assert line.isascii() and "Z\\u00fcrich" in line, line[:300]
        assert json.loads(line)["observer"]["name"].startswith("Zürich")


class _Stream(io.StringIO):
    def __init__(self, encoding: str) -> None:
        super().__init__()
        self._encoding = encoding

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding


SAMPLES = ["plain", "Zürich", "a\x1b[2Jb", "x\x7fy\x9bz", "\u202e\u2066\u200f", "line\u2028sep", "🛰 ok"]


def test_a_utf8_stream_gets_unicode_with_every_unsafe_character_escaped() -> None:
    from isstrack.render.jsonout import dumps

    for sample in SAMPLES:
        text = dumps({"name": sample}, stream=_Stream("utf-8"))
        assert json.loads(text) == {"name": sample}
        assert not any(ch in text for ch in "\x1b\x7f\x9b\u202e\u2066\u200f\u2028")
    assert dumps({"name": "Zürich 🛰"}, stream=_Stream("UTF-8")) == '{"name": "Zürich 🛰"}'


def test_an_ascii_stream_gets_what_json_dumps_ensure_ascii_gives_with_del_escaped_too() -> None:
    from isstrack.render.jsonout import dumps

    for sample in SAMPLES:
        expected = json.dumps({"name": sample}, indent=2).replace("\x7f", "\\u007f")
        assert dumps({"name": sample}, indent=2, stream=_Stream("ascii")) == expected


def test_json_text_made_in_a_worker_is_fitted_to_the_stream_it_is_written_to() -> None:
    from isstrack.render.jsonout import fit_json, write_json_text

    made = fit_json(json.dumps({"name": "Zürich\u202e"}, ensure_ascii=False), ascii_only=False) + "\n"
    assert made == '{"name": "Zürich\\u202e"}\n'
    for encoding, expected in (("utf-8", made), ("ascii", '{"name": "Z\\u00fcrich\\u202e"}\n')):
        out = _Stream(encoding)
        write_json_text(made, out)
        assert out.getvalue() == expected


def test_places_json_lines_on_an_ascii_stdout_keep_names_as_escapes(
    cli_process: Any, tmp_path: Path, tle_file: str
) -> None:
    places = tmp_path / "places.csv"
    places.write_text("latitude_deg,longitude_deg,name\n47.37,8.55,Zürich\n", encoding="utf-8")
    args = ["passes", "--places", str(places), "--from", AT, "--days", "2", "--tle-file", tle_file, "--json"]
    # PYTHONIOENCODING is read when an interpreter starts: a process of its own.
    result = cli_process(*args, "--workers", "1", "-q", env={"PYTHONIOENCODING": "ascii"})
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines and all(line.isascii() and '"name": "Z\\u00fcrich"' in line for line in lines)
    assert {json.loads(line)["place"]["name"] for line in lines} == {"Zürich"}


def test_places_json_lines_from_two_workers_on_a_latin1_stdout_keep_names_as_escapes(
    cli_process: Any, tmp_path: Path, tle_file: str
) -> None:
    # Not UTF-8, not ASCII either: the one writer escapes every non-ASCII character, as for ASCII.
    places = tmp_path / "places.csv"
    places.write_text("latitude_deg,longitude_deg,name\n47.37,8.55,Zürich 🛰\n-33.9,18.4,Kaapstad\n")
    args = ["passes", "--places", str(places), "--from", AT, "--days", "2", "--tle-file", tle_file, "--json"]
    result = cli_process(*args, "--all", "--workers", "2", "-q", env={"PYTHONIOENCODING": "latin-1"})
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines and all(line.isascii() for line in lines)
    assert {json.loads(line)["place"]["name"] for line in lines} == {"Zürich 🛰", "Kaapstad"}
