"""Output contracts: golden JSON shapes, stdout/stderr discipline, help, completion, README."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.shapes import shape

GOLDEN = Path(__file__).parent / "golden"
ROOT = Path(__file__).resolve().parents[1]
PLACE = ["--lat", "52.37", "--lon", "4.89"]


def commands(tle: str) -> dict[str, list[str]]:
    return {
        "now": ["now", "--at", "2026-09-24T21:00:00Z", "--tle-file", tle, "--json"],
        "now-place": ["now", "--at", "2026-09-24T19:22:00Z", *PLACE, "--tle-file", tle, "--json"],
        "passes": ["passes", *PLACE, "--from", "2026-09-24T12:00:00Z", "--tle-file", tle, "--json", "--all"],
        "next": ["next", *PLACE, "--at", "2026-09-25T18:25:00Z", "--tle-file", tle, "--json"],
        "tle": ["tle", "--tle-file", tle, "--json"],
    }


@pytest.mark.parametrize("name", ["now", "now-place", "passes", "next", "tle"])
def test_json_shape_matches_the_golden_file(cli: Any, tle_file: str, name: str) -> None:
    result = cli(*commands(tle_file)[name], "--quiet")
    assert result.code == 0, result.err
    assert result.err == ""
    document = result.json()
    assert document["schema_version"] == 1
    assert next(iter(document)) == "schema_version"
    golden = GOLDEN / f"{name}.shape.json"
    if os.environ.get("ISSTRACK_WRITE_GOLDEN"):
        golden.write_text(json.dumps(shape(document), indent=2) + "\n")
    assert shape(document) == json.loads(golden.read_text()), (
        f"the JSON contract of {name} changed: update docs/json.md, bump schema_version if a field "
        "was renamed or removed, and regenerate with ISSTRACK_WRITE_GOLDEN=1"
    )


def _keys(value: Any) -> Any:
    """Return the nested key structure, treating null and an object alike (nullable fields)."""
    return {k: _keys(v) for k, v in value.items()} if isinstance(value, dict) else None


def _same_keys(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_keys(a[k], b[k]) for k in a)
    return True


def test_shared_objects_are_spelled_the_same_in_every_command() -> None:
    shapes = {p.stem: json.loads(p.read_text()) for p in GOLDEN.glob("*.shape.json")}
    elements = _keys(shapes["now.shape"]["elements"])
    for name in ("passes.shape", "next.shape", "tle.shape", "now-place.shape"):
        assert _keys(shapes[name]["elements"]) == elements
    a_pass = _keys(shapes["passes.shape"]["passes"][0])
    assert _same_keys(_keys(shapes["next.shape"]["pass"]), a_pass)
    assert _same_keys(_keys(shapes["now-place.shape"]["observer"]["next_visible_pass"]), a_pass)
    assert shapes["next.shape"]["pass"]["visible_start"]["time"] == "time-utc"
    location = shapes["passes.shape"]["location"]
    assert shapes["next.shape"]["location"] == location
    assert {k: shapes["now-place.shape"]["observer"][k] for k in location} == location


def test_warnings_go_to_stderr_so_stdout_stays_json(cli: Any) -> None:
    result = cli("passes", *PLACE, "--offline", "--json", "--from", "2026-11-20T00:00:00Z", "--days", "1")
    assert result.code == 0
    assert "warning: bundled elements are" in result.err
    assert json.loads(result.out)["elements"]["source"] == "bundled"


def test_help_lists_the_exit_codes(cli: Any) -> None:
    result = cli("--help")
    assert result.code == 0
    text = " ".join(result.out.split())
    assert (
        "Exit codes: 0 success; 1 nothing found (next --within) or nothing to alert; 2 usage or bad input;"
        in text
    )
    assert (
        "3 no usable elements; 4 'tle --update' failed or not allowed yet; 5 an alert could not be delivered"
        in text
    )


def test_unknown_command_and_option_are_usage_errors(cli: Any) -> None:
    assert cli("fly").code == 2
    result = cli("now", "--bogus")
    assert result.code == 2
    assert result.err.startswith("isstrack: error: isstrack now: No such option")
    assert "--bogus" in result.err and result.err.count("\n") == 1


def test_version(cli: Any) -> None:
    from isstrack import __version__

    assert cli("--version").out == f"isstrack {__version__}\n"


def test_shell_completion_script(cli: Any) -> None:
    result = cli("--show-completion", "bash", env={"SHELL": "/bin/bash"})
    assert result.code == 0
    assert "complete" in result.out and "isstrack" in result.out.lower()
    completions = cli(
        env={"_ISSTRACK_COMPLETE": "complete_bash", "COMP_WORDS": "isstrack pa", "COMP_CWORD": "1"}
    )
    assert "passes" in completions.out


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    match = re.search(r"Run the tests.*?```sh\n(.+?)\n```", readme, re.S)
    assert match, "README has a 'Run the tests' command block"
    command = match.group(1).strip()
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert command in ci_lines


def test_readme_main_command_works_offline(cli: Any) -> None:
    readme = (ROOT / "README.md").read_text()
    match = re.search(r"no network needed\):\n\n```sh\n(.+?)\n```", readme, re.S)
    assert match
    main_job = match.group(1).split("&&")[-1].split()
    assert main_job[0] == "isstrack"
    result = cli(*main_job[1:])
    assert result.code == 0
    assert "ISS now" in result.out


def test_bare_commands_print_their_help(cli: Any) -> None:
    top = cli()
    assert top.code == 0 and top.err == ""
    assert top.out.startswith("Usage: isstrack [OPTIONS]") and "Commands:" in top.out
    group = cli("location")
    assert group.code == 0 and "set" in group.out and "clear" in group.out
