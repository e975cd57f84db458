"""Scripted use of the CLI: consistent options, closed pipes, ASCII-only streams, hostile strings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

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
