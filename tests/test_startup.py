"""Start-up: what `now` imports, Skyfield's timescale built without skyfield.api, BLAS threads, exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tle_tools import newest

HEAVY = (
    "skyfield.api",
    "skyfield.iokit",
    "urllib.request",
    "http.client",
    "isstrack.sky.nextpass",
    "isstrack.sky.engine",
    "isstrack.elements.oem",  # NASA's trajectory stack loads only when a trajectory is in use
    "isstrack.sky.oemephemeris",
    "numpy.typing",  # about 30 ms: the modules import it for type checking only
)


def imported(args: list[str], env: dict[str, str]) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "isstrack", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )
    names = {
        line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")
    }
    return names, proc


def test_now_without_a_place_imports_no_network_or_pass_modules(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    tle = tmp_path / "iss.tle"
    tle.write_text("\n".join(newest()) + "\n")
    names, proc = imported(["now", "--json", "--tle-file", str(tle), "--offline"], isolated_env)
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["schema_version"] == 1  # the whole document, flushed before exit
    assert "skyfield.sgp4lib" in names  # the probe sees Skyfield's modules
    assert not names & set(HEAVY), names & set(HEAVY)


def test_timescale_matches_skyfield_api_builtin() -> None:
    from skyfield.api import load

    from isstrack.sky.ephemeris import timescale

    ours, theirs = timescale(), load.timescale(builtin=True)
    for year, month, day, hour in (
        (2000, 1, 2, 0),
        (2016, 12, 31, 23.9999),
        (2026, 9, 24, 21.5),
        (2049, 12, 1, 0),
    ):
        a, b = ours.utc(year, month, day, hour), theirs.utc(year, month, day, hour)
        assert a.tt == b.tt and a.ut1 == b.ut1 and a.delta_t == b.delta_t
        assert a.utc_iso() == b.utc_iso()


@pytest.mark.parametrize(("given", "seen"), [(None, "1"), ("4", "4")])
def test_openblas_threads_default_to_one_unless_set(given: str | None, seen: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    code = "import isstrack.cli.app, os; print(os.environ['OPENBLAS_NUM_THREADS'])"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert proc.stdout.strip() == seen, proc.stderr
