"""Scripted use of the CLI: consistent options, closed pipes, ASCII-only streams, hostile strings."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import isstrack_command
from tests.tle_tools import newest

PLACE = ["--lat", "52.37", "--lon", "4.89"]
AT = "2026-09-24T21:00:00Z"


@pytest.fixture
def tle_file(tmp_path: Path) -> str:
    path = tmp_path / "iss.tle"
    path.write_text("\n".join(newest()) + "\n")
    return str(path)


def test_tle_accepts_tle_file_with_offline_like_every_command(cli: Any, tle_file: str) -> None:
    for command in (["tle"], ["now"], ["passes", *PLACE], ["next", *PLACE]):
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
        ["next", *PLACE],
        ["now", "--at", AT],
        ["tle"],
        ["--help"],
    ],
)
def test_a_closed_pipe_exits_0_quietly(isolated_env: dict[str, str], tle_file: str, args: list[str]) -> None:
    extra = [] if args == ["--help"] else ["--tle-file", tle_file, "-q"]
    proc = _run_into_closed_pipe([*args, *extra], isolated_env)
    assert proc.returncode == 0
    assert proc.stderr == b""  # no "Exception ignored ... BrokenPipeError" at shutdown either


def test_head_1_pipeline_exits_0(isolated_env: dict[str, str], tle_file: str) -> None:
    command = " ".join([*isstrack_command(), "passes", *PLACE, "--all", "--days", "10", "-q"])
    script = f"{command} --tle-file {tle_file} | head -1; echo status=${{PIPESTATUS[0]}} >&2"
    proc = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, **isolated_env},
        timeout=120,
    )
    assert proc.stderr == "status=0\n"
    assert proc.stdout.startswith("All ISS passes over") and proc.stdout.count("\n") == 1


def test_watch_json_into_a_closed_pipe_exits_0(isolated_env: dict[str, str], tle_file: str) -> None:
    args = ["now", "--watch", "--json", "--interval", "0.2", "--tle-file", tle_file, "-q"]
    proc = _run_into_closed_pipe(args, isolated_env)
    assert proc.returncode == 0 and proc.stderr == b""
