"""Scripted use of the CLI: consistent options, closed pipes, ASCII-only streams, hostile strings."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import isstrack_command
from tests.tle_tools import newest

PLACE = ["--lat", "52.37", "--lon", "4.89"]
AT = "2026-09-24T21:00:00Z"


def test_tle_accepts_tle_file_with_offline_like_every_command(cli: Any, tle_file: str) -> None:
    for command in (["tle"], ["now"], ["passes", *PLACE], ["next", *PLACE, "--at", AT]):
        result = cli(*command, "--tle-file", tle_file, "--offline", "--json", "-q")
        assert result.code == 0, (command, result.err)
        assert result.json()["elements"]["source"] == "file"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--update", "--offline"], "--update and --offline cannot be used together; --update downloads"),
        (["--update", "--tle-file", "x.tle"], "--update and --tle-file cannot be used together; --update"),
    ],
)
def test_conflicting_options_are_named_with_the_reason(cli: Any, args: list[str], words: str) -> None:
    result = cli("tle", *args)
    assert result.code == 2
    assert words in result.err and "pick one output" not in result.err
    assert result.err.count("\n") == 1


def test_output_options_conflict_names_both(cli: Any) -> None:
    result = cli("passes", *PLACE, "--csv", "--ics", "-")
    assert result.code == 2
    assert "--csv and --ics cannot be used together; pick one output" in result.err


def _run_into_closed_pipe(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    """Run isstrack with stdout a pipe whose reader is already gone, as in `isstrack ... | true`."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [*isstrack_command(), *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **env},
            timeout=120,
        )
    finally:
        os.close(write_end)


@pytest.mark.parametrize(
    "args",
    [
        ["passes", *PLACE, "--all", "--days", "10"],
        ["passes", *PLACE, "--all", "--days", "10", "--csv"],
        ["next", *PLACE, "--at", AT],
        ["now", "--at", AT],
        ["tle"],
        ["--help"],
    ],
)
def test_a_closed_pipe_exits_0_quietly(isolated_env: dict[str, str], tle_file: str, args: list[str]) -> None:
    # The file's elements are weeks old by now: --no-warn-age silences the one warning -q keeps.
    extra = [] if args == ["--help"] else ["--tle-file", tle_file, "-q"]
    extra += [] if args[0] in ("--help", "tle") else ["--no-warn-age"]
    proc = _run_into_closed_pipe([*args, *extra], isolated_env)
    assert proc.returncode == 0
    assert proc.stderr == b""  # no "Exception ignored ... BrokenPipeError" at shutdown either


def test_head_1_pipeline_exits_0(isolated_env: dict[str, str], tle_file: str) -> None:
    command = " ".join(
        [*isstrack_command(), "passes", *PLACE, "--all", "--days", "10", "-q", "--no-warn-age"]
    )
    script = f"{command} --tle-file {tle_file} | head -1; echo status=${{PIPESTATUS[0]}} >&2"
    proc = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, **isolated_env},
        timeout=120,
    )
    assert proc.stderr == "status=0\n"
    assert proc.stdout.count("\n") == 1


def test_watch_json_into_a_closed_pipe_exits_0(isolated_env: dict[str, str], tle_file: str) -> None:
    args = ["now", "--watch", "--json", "--interval", "0.2", "--tle-file", tle_file, "-q", "--no-warn-age"]
    proc = _run_into_closed_pipe(args, isolated_env)
    assert proc.returncode == 0 and proc.stderr == b""


HOSTILE_NAME = "[/red][link=http://x]\x1b]0;pwned\x07\x1b[2J"
HOSTILE_SHOWN = "[/red][link=http://x]\\x1b]0;pwned\\x07\\x1b[2J"


@pytest.fixture
def hostile_tle(tmp_path: Path) -> str:
    """A 3LE whose name sets the terminal title, clears the screen and is Rich markup, in a markup path."""
    directory = tmp_path / "[bold red]x[blink]"
    directory.mkdir()
    path = directory / "e.tle"
    _, line1, line2 = newest()
    path.write_text(f"{HOSTILE_NAME}\n{line1}\n{line2}\n")
    return str(path)


@pytest.mark.parametrize(
    "args",
    [
        ["tle"],
        ["tle", "--json"],
        ["now", "--at", AT, *PLACE],
        ["now", "--at", AT, "--json"],
        ["passes", *PLACE, "--from", "2026-09-24T12:00:00Z", "--days", "3"],
        ["passes", *PLACE, "--from", "2026-09-24T12:00:00Z", "--days", "3", "--all", "-v"],
        ["next", *PLACE, "--at", "2026-09-24T12:00:00Z", "-v"],
        ["next", *PLACE, "--at", "2026-09-24T12:00:00Z", "--format", "{place}: {appears_dir}"],
    ],
)
def test_hostile_names_and_paths_are_shown_literally(cli: Any, hostile_tle: str, args: list[str]) -> None:
    result = cli(*args, "--tle-file", hostile_tle)
    assert result.code == 0, result.err
    assert "\x1b" not in result.out + result.err and "\x07" not in result.out + result.err
    assert "internal error" not in result.err
    if args == ["tle"]:
        assert HOSTILE_SHOWN in result.out  # the name, escaped, markup shown as typed
        assert "[bold red]x[blink]" in result.out  # the path, not read as markup
    if args == ["tle", "--json"]:
        assert result.json()["elements"]["name"] == HOSTILE_NAME  # JSON escapes, the value is exact
    if "-v" in args:
        assert "[bold red]x[blink]" in result.err  # the decision line names the path literally


def test_hostile_place_names_from_arguments_and_config_are_literal(cli: Any, tmp_path: Path) -> None:
    result = cli("now", "--city", "[/red]\x1b]0;x\x07")
    assert result.code == 2
    assert "'[/red]\\x1b]0;x\\x07'" in result.err and "\x1b" not in result.err
    config = tmp_path / "config"
    config.mkdir()
    toml = '[home]\nname = "{}"\nlatitude_deg = 52.37\nlongitude_deg = 4.89\n'
    (config / "config.toml").write_text(toml.format("[/red]Home[link=http://x]"))
    next_place = ["next", "--offline", "--at", AT, "--format", "{place}"]
    for args in (["now", "--at", AT, "--offline"], ["location", "show"], next_place):
        result = cli(*args, "-q") if args[0] != "location" else cli(*args)
        assert result.code == 0, (args, result.err)
        assert "[/red]Home[link=http://x]" in result.out  # Rich markup shown as typed, not applied
    data = cli("now", "--at", AT, "--offline", "--json", "-q")
    assert data.json()["observer"]["name"] == "[/red]Home[link=http://x]"
    # Control characters in the saved name: shown escaped everywhere, never sent to the terminal raw.
    (config / "config.toml").write_text(toml.format("[/red]Home\\u001b[2J\\u009b31m"))
    for args in (["now", "--at", AT, "--offline"], ["location", "show"], next_place):
        result = cli(*args, "-q") if args[0] != "location" else cli(*args)
        assert result.code == 0, (args, result.err)
        assert "[/red]Home\\x1b[2J\\x9b31m" in result.out
        assert "\x1b" not in result.out + result.err and "\x9b" not in result.out + result.err
    data = cli("now", "--at", AT, "--offline", "--json", "-q")
    assert "\\u009b" in data.out and "\x9b" not in data.out  # JSON escapes C1 controls too
    assert data.json()["observer"]["name"] == "[/red]Home\x1b[2J\x9b31m"


@pytest.mark.parametrize(
    "args",
    [
        ["now", "--at", AT, "--city", "León, ES"],
        ["now", "--at", AT, "--city", "León, ES", "--json"],
        ["passes", "--city", "León, ES", "--from", "2026-09-24T12:00:00Z", "--days", "3", "--all"],
        ["next", "--city", "León, ES", "--at", AT, "--format", "{place} {appears_dir} {max_elevation_deg}°"],
        ["next", "--city", "León, ES", "--at", AT],
        ["tle"],
    ],
)
def test_an_ascii_only_stdout_gets_ascii_not_an_internal_error(
    cli_process: Any, tle_file: str, args: list[str]
) -> None:
    # PYTHONIOENCODING is read when an interpreter starts: a process of its own.
    result = cli_process(*args, "--tle-file", tle_file, "-v", env={"PYTHONIOENCODING": "ascii"})
    assert result.code == 0, result.err_bytes
    out, err = result.out_bytes.decode("ascii"), result.err_bytes.decode("ascii")  # raises if not ASCII
    assert out.strip() and "internal error" not in err
    if "--json" in args:
        assert json.loads(out)["observer"]["name"] == "León, ES"  # exact value, \u-escaped
    elif args[0] != "tle":
        assert "Leon, ES" in out or "deg" in out
    if args[0] in ("now", "passes") and "--json" not in args:
        assert "deg" in out and "+-" in out  # degree sign spelled, ASCII box drawing


def test_literal_escapes_c0_c1_bidi_and_undecodable_bytes() -> None:
    from isstrack.render.jsonout import dumps
    from isstrack.render.safe import literal

    raw = "a\x1b[2J\tb\x9b31m\u202ec" + b"\xff".decode("utf-8", "surrogateescape")
    assert literal(raw) == "a\\x1b[2J\\tb\\x9b31m\\u202ec\\xff"
    assert literal("León [/red] ok") == "León [/red] ok"  # printable text is left alone
    shown = dumps({"name": "x\x9b\u202ey"})
    assert "\x9b" not in shown and "\u202e" not in shown and json.loads(shown) == {"name": "x\x9b\u202ey"}
