"""Standard output that cannot be written (a full disk, /dev/full) is one clear line and exit 2, never 70."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REFERENCE_DIR, isstrack_command

TLE = str(REFERENCE_DIR / "iss-tle-history.tle")
PLACE = ["--lat", "52.37", "--lon", "4.89"]
AT = "2026-09-24T12:00:00Z"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize(
    "args",
    [
        ["now", "--tle-file", TLE, "--at", AT],
        ["now", "--tle-file", TLE, "--at", AT, "--json"],
        ["passes", *PLACE, "--tle-file", TLE, "--from", AT, "--days", "2", "--all"],
        ["passes", *PLACE, "--tle-file", TLE, "--from", AT, "--days", "2", "--ics", "-"],
        ["next", *PLACE, "--tle-file", TLE, "--at", AT, "--json"],
        ["tle", "--tle-file", TLE, "--json"],
        ["map", "--tle-file", TLE, "--at", AT],
    ],
    ids=["now", "now-json", "passes", "ics-stdout", "next-json", "tle", "map"],
)
def test_a_full_standard_output_is_exit_2_with_one_line(args: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        run = subprocess.run(
            [*isstrack_command(), *args],
            stdout=full,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            timeout=120,
            env=os.environ,
        )
    errors = [line for line in run.stderr.splitlines() if line.startswith("isstrack: error:")]
    assert run.returncode == 2, run.stderr
    assert errors == [
        "isstrack: error: cannot write the output: No space left on device; "
        "free some space or write it elsewhere"
    ], run.stderr
    assert "Traceback" not in run.stderr and "Exception ignored" not in run.stderr


def test_a_full_output_file_is_not_mistaken_for_success(tmp_path: Path) -> None:
    """A shell redirection into a file on a full filesystem fails the same way (RLIMIT_FSIZE stands in)."""
    import resource

    def no_room() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))

    out = tmp_path / "passes.txt"
    with out.open("wb") as target:
        run = subprocess.run(
            [*isstrack_command(), "passes", *PLACE, "--tle-file", TLE, "--from", AT, "--all"],
            stdout=target,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            timeout=120,
            env=os.environ,
            preexec_fn=no_room,
        )
    assert run.returncode == 2, run.stderr
    assert "cannot write the output: File too large" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["now", "--tle-file", TLE, "--at", AT],
        ["now", "--tle-file", TLE, "--at", AT, "--json"],
        ["passes", *PLACE, "--tle-file", TLE, "--from", AT, "--days", "2"],
        ["passes", *PLACE, "--tle-file", TLE, "--from", AT, "--days", "2", "--ics", "-"],
        ["next", *PLACE, "--tle-file", TLE, "--at", AT, "--json"],
        ["tle", "--tle-file", TLE, "--json"],
        ["map", "--tle-file", TLE, "--at", AT],
        ["transits", *PLACE, "--tle-file", TLE, "--from", AT],
        ["location", "show"],
        ["--version"],
    ],
    ids=[
        "now",
        "now-json",
        "passes",
        "ics-stdout",
        "next-json",
        "tle",
        "map",
        "transits",
        "location",
        "version",
    ],
)
def test_a_closed_standard_output_is_exit_2_with_one_line(
    args: list[str], isolated_env: dict[str, str]
) -> None:
    # `cmd >&-` starts isstrack with no fd 1 at all (Python's sys.stdout is None).
    shell = ["/bin/sh", "-c", 'exec "$@" >&-', "sh", *isstrack_command(), *args, "-q"]
    if args == ["--version"] or args[0] == "location":
        shell.pop()  # no -q there
    run = subprocess.run(
        shell, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, timeout=120,
        env={**os.environ, **isolated_env},
    )  # fmt: skip
    assert run.returncode == 2, run.stderr
    assert run.stderr.splitlines()[-1:] == [
        "isstrack: error: cannot write the output: standard output is closed; redirect it (> FILE)"
    ], run.stderr
    assert "Traceback" not in run.stderr
