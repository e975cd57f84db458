"""docs/alerts.md's crontab recipe, run exactly as written, in the environment cron gives."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.independent import ephem_body, ephem_passes
from tests.tle_tools import newest

ROOT = Path(__file__).resolve().parents[1]
AMSTERDAM = (52.37403, 4.88969)  # GeoNames coordinates of 'Amsterdam, NL'


README_PATH = "/home/you/.venv/bin/isstrack"  # docs/alerts.md's stand-in for `command -v isstrack`


def installed_script() -> str:
    """Return the absolute path of the installed console script, as `command -v isstrack` gives it."""
    script = Path(sys.executable).parent / "isstrack"
    assert script.is_file(), "the test needs the installed isstrack script (pip install -e .)"
    return str(script)


def recipe() -> tuple[dict[str, str], str]:
    """Return the variables and the command of docs/alerts.md's crontab block, with the real path put in."""
    block = re.search(r"```crontab\n(.+?)\n```", (ROOT / "docs" / "alerts.md").read_text(), re.S)
    assert block, "docs/alerts.md has a crontab block"
    variables: dict[str, str] = {}
    command = ""
    for line in block.group(1).splitlines():
        if re.match(r"^[A-Z_]+=", line):
            key, _, value = line.partition("=")
            variables[key] = value
        elif line.strip():
            fields = line.split(None, 5)
            assert len(fields) == 6, "five schedule fields and a command"
            command = fields[5]
    assert command.startswith(README_PATH + " next "), "docs/alerts.md names the full path, as cron needs"
    return variables, command.replace(README_PATH, installed_script(), 1)


def run_like_cron(
    command: str, variables: dict[str, str], home: Path, url: str, at: str
) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": variables["PATH"],  # only the crontab's PATH: no venv, no ~/.local/bin
        "HOME": str(home),
        "SHELL": "/bin/sh",
        "LOGNAME": "cron",
        "ISSTRACK_TLE_URL": url,  # a local server: never a real host
        "ISSTRACK_AT": at,
    }
    return subprocess.run(
        ["/usr/bin/env", "-i", *(f"{key}={value}" for key, value in env.items()), "/bin/sh", "-c", command],
        env={},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def compass16(azimuth: float) -> str:
    names = "N NNE NE ENE E ESE SE SSE S SSW SW WSW W WNW NW NNW".split()  # noqa: SIM905
    return names[int((azimuth % 360) / 22.5 + 0.5) % 16]


def test_crontab_recipe_notifies_once_and_stays_quiet_otherwise(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/gp.php").respond_with_data("Service Unavailable", status=503)
    url = httpserver.url_for("/gp.php") + "?CATNR={catnr}&FORMAT=TLE"
    variables, command = recipe()
    home = tmp_path / "home"
    home.mkdir()
    log = home / "iss-alerts.log"
    at = "2026-09-25T18:25:00Z"

    hit = run_like_cron(command, variables, home, url, at)
    assert hit.returncode == 0, hit.stderr
    assert hit.stderr == "", "nothing on stderr on success (cron would mail it)"
    line = log.read_text().strip()

    # Independent expectation: PyEphem's own SGP4, rise above 10° after the asked time.
    name, line1, line2 = newest()
    start = datetime.fromisoformat(at.replace("Z", "+00:00"))
    rise, _, _, height = ephem_passes(
        ephem_body(name, line1, line2), *AMSTERDAM, start, start + timedelta(hours=1), 10.0
    )[0]
    import ephem

    observer = ephem.Observer()
    observer.lat, observer.lon, observer.pressure = str(AMSTERDAM[0]), str(AMSTERDAM[1]), 0
    observer.date = ephem.Date(rise.replace(tzinfo=None))
    body = ephem_body(name, line1, line2)
    body.compute(observer)
    minutes = math.floor((rise - start).total_seconds() / 60)
    match = re.fullmatch(r"ISS in (\d+) min: look (\w+), up to (\d+)°, mag (-?\d+\.\d)", line)
    assert match, line
    assert int(match.group(1)) == minutes
    assert match.group(2) == compass16(math.degrees(body.az))
    assert abs(int(match.group(3)) - height) <= 1
    assert float(match.group(4)) <= -2.0

    again = run_like_cron(command, variables, home, url, at)
    assert again.returncode == 0
    assert len(log.read_text().splitlines()) == 2
    assert len(httpserver.log) == 1, "one download attempt across runs; the failure backs off"
    assert (home / ".cache" / "isstrack" / "gp-25544.state.json").exists(), "cache under $HOME by default"

    miss = run_like_cron(command, variables, home, url, "2026-09-25T12:00:00Z")
    assert miss.returncode == 1
    assert miss.stderr == ""
    assert len(log.read_text().splitlines()) == 2
    assert len(httpserver.log) == 1


def test_crontab_recipe_refuses_elements_too_old_to_trust(httpserver: HTTPServer, tmp_path: Path) -> None:
    """Issue 8 item 15: the documented line, offline for 61 days, must not announce a pass."""
    httpserver.expect_request("/gp.php").respond_with_data("Service Unavailable", status=503)
    url = httpserver.url_for("/gp.php") + "?CATNR={catnr}&FORMAT=TLE"
    variables, command = recipe()
    assert " --quiet " in command
    home = tmp_path / "home"
    home.mkdir()
    # The bundled set's epoch is 2026-09-24 03:24 UTC; 61 days later it is far past the 10-day limit.
    # At 17:30 UTC those elements put a bright pass over Amsterdam 7 min ahead (checked below with
    # --max-age), so refusing untrusted elements is the only reason for a non-zero exit.
    at = "2026-11-24T17:30:00Z"
    refused = run_like_cron(command, variables, home, url, at)
    assert refused.returncode == 3, (refused.returncode, refused.stdout, refused.stderr)
    assert refused.stdout == ""
    lines = refused.stderr.splitlines()
    assert len(lines) == 1, refused.stderr
    assert "61.6 days old" in lines[0] and "--max-age" in lines[0]
    assert not (home / "iss-alerts.log").exists() or (home / "iss-alerts.log").read_text() == ""

    accepted = run_like_cron(
        command.replace(" --quiet ", " --quiet --max-age 100 ", 1), variables, home, url, at
    )
    assert accepted.returncode == 0, accepted.stderr
    assert accepted.stderr == ""
    assert (home / "iss-alerts.log").read_text().startswith("ISS in ")


def test_bare_command_name_is_not_found_with_crons_path(tmp_path: Path) -> None:
    """Issue 8 item 16: why docs/alerts.md names the full path (a bare name gives exit 127 under cron)."""
    variables, _ = recipe()
    if shutil.which("isstrack", path=variables["PATH"]):
        pytest.skip("an isstrack is installed system-wide on this machine")
    bare = subprocess.run(
        [
            "/usr/bin/env",
            "-i",
            f"PATH={variables['PATH']}",
            f"HOME={tmp_path}",
            "/bin/sh",
            "-c",
            "isstrack --version",
        ],
        env={},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bare.returncode == 127
