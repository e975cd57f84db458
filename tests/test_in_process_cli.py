"""The in-process runner the suite uses gives the same bytes and exit status as the installed script."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import run_in_process, run_subprocess
from tests.tle_tools import newest, text, with_columns

PLACE = ["--lat", "52.37", "--lon", "4.89"]
AT = "2026-09-24T21:00:00Z"
FROM = "2026-09-24T12:00:00Z"

# Representative runs: JSON, a Rich table at the piped width and a panel at $COLUMNS, a colour request on
# a pipe, CSV, the map, stderr decisions and warnings (the network down), a usage error and bad input,
# help, exits 1, 2 and 3, and standard input. {tle} is an element file, {dir} a temp dir.
CASES: dict[str, tuple[list[str], dict[str, str]]] = {
    "now json": (["now", "--at", AT, "--tle-file", "{tle}", "--json"], {}),
    "now panel 80 columns": (["now", "--at", AT, *PLACE, "--tle-file", "{tle}"], {"COLUMNS": "80"}),
    "now forced colour on a pipe": (
        ["now", "--at", AT, *PLACE, "--tle-file", "{tle}"],
        {"FORCE_COLOR": "1", "NO_COLOR": ""},
    ),
    "passes table": (["passes", *PLACE, "--from", FROM, "--days", "3", "--all", "--tle-file", "{tle}"], {}),
    "passes csv": (["passes", *PLACE, "--from", FROM, "--days", "2", "--csv", "--tle-file", "{tle}"], {}),
    "next verbose": (["next", *PLACE, "--at", AT, "-v", "--tle-file", "{tle}"], {}),
    "next nothing found": (["next", *PLACE, "--at", AT, "--within", "1m", "--tle-file", "{tle}"], {}),
    "bundled elements, stale, network down": (["now", "--json"], {"ISSTRACK_AT": "2026-11-23T12:00:00Z"}),
    "map": (["map", "--at", AT, "--tle-file", "{tle}"], {"COLUMNS": "100"}),
    "bad latitude": (["now", "--lat", "95", "--lon", "3"], {}),
    "unknown option": (["passes", "--bogus"], {}),
    "decayed set": (["now", "--tle-file", "{dir}/drag.tle", "--at", "2026-11-08T00:00:00Z", "--json"], {}),
    "help": (["--help"], {}),
    "standard input": (["tle", "--tle-file", "-", "--json"], {}),
}


def _wall(err: bytes) -> bytes:
    """Return stderr with the back-off's retry time (the real clock, which may tick between runs) blanked."""
    return re.sub(rb"next try \d{4}-\d\d-\d\d \d\d:\d\d UTC", b"next try <wall clock>", err)


@pytest.mark.parametrize("case", CASES)
def test_in_process_run_matches_the_installed_script_byte_for_byte(
    case: str, tle_file: str, tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    template, env = CASES[case]
    (tmp_path / "drag.tle").write_text(text(with_columns(newest(), 1, 53, " 10000-1")))  # B* 0.1: decays
    args = [arg.replace("{tle}", tle_file).replace("{dir}", str(tmp_path)) for arg in template]
    stdin = text(newest()) if "-" in args else None
    process = run_subprocess(args, env=env, stdin=stdin)
    # The same starting point for the second run: the first may have written cache, config or state.
    for name in ("cache", "config", "state"):
        if (tmp_path / name).exists():
            (tmp_path / name).rename(tmp_path / f"{name}-process")
    in_process = run_in_process(args, env=env, stdin=stdin)
    assert (in_process.code, in_process.out_bytes, _wall(in_process.err_bytes)) == (
        process.code,
        process.out_bytes,
        _wall(process.err_bytes),
    )
    assert process.out_bytes or process.err_bytes or process.code  # each case says something


def test_in_process_runs_leave_the_environment_and_streams_as_they_were(isolated_env: dict[str, str]) -> None:
    import os
    import sys

    before = dict(os.environ), sys.stdin, sys.stdout, sys.stderr
    result = run_in_process(["now", "--json", "--offline", "-q"], env={"ISSTRACK_AT": AT, "COLUMNS": "50"})
    assert result.code == 0, result.err
    assert result.json()["time"] == AT
    assert (dict(os.environ), sys.stdin, sys.stdout, sys.stderr) == before
