"""SIGTERM in the middle of an atomic write (isstrack.io.atomic): it finishes, then the run ends.

No temp file is left behind.

A real isstrack subprocess runs through a wrapper whose os.fsync first touches a marker file and then
sleeps, so the test can send SIGTERM while the temp file exists and the rename has not happened yet.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.alert_helpers import SECRET, iso, recording_server, reference_file
from tests.test_alert import PASS_22, PLACE
from tests.tle_tools import newest

SLOW_FSYNC_S = 3.0
WRAPPER = """\
import os, sys, time
from pathlib import Path

_real_fsync = os.fsync


def _slow_fsync(fd):
    Path(os.environ["SLOW_FSYNC_MARKER"]).touch()
    time.sleep(float(os.environ["SLOW_FSYNC_S"]))
    _real_fsync(fd)


os.fsync = _slow_fsync
from isstrack.cli.app import main

main(sys.argv[1:])
"""


def _terminated_mid_write(
    tmp_path: Path, env: dict[str, str], args: list[str], target: Path, signum: int = signal.SIGTERM
) -> tuple[subprocess.CompletedProcess[str], bytes]:
    """Run isstrack with fsync slowed, signal it mid-write; return the run and the target's bytes then."""
    wrapper = tmp_path / "slow_fsync.py"
    wrapper.write_text(WRAPPER)
    marker = tmp_path / "fsync-started"
    full_env = {**os.environ, **env, "SLOW_FSYNC_MARKER": str(marker), "SLOW_FSYNC_S": str(SLOW_FSYNC_S)}
    proc = subprocess.Popen(
        [sys.executable, str(wrapper), *args],
        env=full_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the write never started"
            time.sleep(0.02)
        during = target.read_bytes()  # the temp file is being synced; the target is not touched yet
        assert list(target.parent.glob(".*.tmp")), "no temp file while the write is under way"
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), during


def _ics_args(tmp_path: Path, target: Path) -> list[str]:
    """Return the arguments of a `passes --ics` run over three days, with the newest reference set."""
    tle = tmp_path / "iss.tle"
    tle.write_text("\n".join(newest()) + "\n")
    when = ["--from", "2026-09-24T12:00:00Z", "--days", "3"]
    return ["passes", *PLACE, *when, "--tle-file", str(tle), "--ics", str(target)]


def test_sigterm_during_an_ics_write_finishes_it_and_leaves_no_temp(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "iss.ics"
    previous = b"previous calendar\n"
    target.write_bytes(previous)
    args = _ics_args(tmp_path, target)
    run, during = _terminated_mid_write(tmp_path, isolated_env, args, target)
    assert during == previous, "the target changed before the rename"
    assert run.returncode == -signal.SIGTERM, run.stderr
    assert "Traceback" not in run.stderr
    assert sorted(p.name for p in out_dir.iterdir()) == ["iss.ics"], "a temp file was left behind"
    written = target.read_bytes()
    assert written.startswith(b"BEGIN:VCALENDAR\r\n") and written.endswith(b"END:VCALENDAR\r\n")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_stop_signal_during_the_alert_record_write_keeps_it_whole(
    tmp_path: Path, isolated_env: dict[str, str], signum: int
) -> None:
    state = Path(isolated_env["ISSTRACK_STATE_DIR"])
    state.mkdir()
    record = state / "alerts-sent.json"
    previous = b'{"version": 1, "sent": []}\n'
    record.write_bytes(previous)
    tle = reference_file(tmp_path, 18)
    env = {**isolated_env, "ISSTRACK_AT": iso(PASS_22 - timedelta(minutes=10))}
    with recording_server() as (base, recorder):
        args = [
            "alert",
            *PLACE,
            "--before",
            "15m",
            "--tle-file",
            str(tle),
            "--ntfy",
            f"{base}/ntfy/{SECRET}",
            "-q",
        ]
        run, during = _terminated_mid_write(tmp_path, env, args, record, signum)
        # Both wait for the delivery (the alert command holds them, issue 17 item 10) and its record.
        assert len(recorder.delivered("/ntfy/")) == 1, run.stderr
    assert during == previous, "the record changed before the rename"
    assert run.returncode == -signum, run.stderr
    assert "Traceback" not in run.stderr
    assert sorted(p.name for p in state.iterdir() if p.name != "alerts.lock") == ["alerts-sent.json"]
    data: Any = json.loads(record.read_bytes())
    assert [entry["revolution"] for entry in data["sent"]] == [58689]


def test_sigterm_during_location_set_keeps_the_config_whole(
    tmp_path: Path, isolated_env: dict[str, str], cli: Any
) -> None:
    assert cli("location", "set", "--city", "Sydney").code == 0
    config_dir = Path(isolated_env["ISSTRACK_CONFIG_DIR"])
    config = config_dir / "config.toml"
    previous = config.read_bytes()
    assert b"Sydney" in previous
    args = ["location", "set", "--lat", "52.37", "--lon", "4.89"]
    run, during = _terminated_mid_write(tmp_path, isolated_env, args, config)
    assert during == previous, "the config changed before the rename"
    assert run.returncode == -signal.SIGTERM, run.stderr
    assert "Traceback" not in run.stderr
    assert sorted(p.name for p in config_dir.iterdir()) == ["config.toml"], "a temp file was left behind"
    shown = cli("location", "show", "--json")
    assert shown.code == 0, shown.err
    home = shown.json()["location"]
    assert (home["latitude_deg"], home["longitude_deg"]) == (52.37, 4.89)


def test_a_stale_temp_beside_an_ics_target_is_swept_and_others_kept(tmp_path: Path, cli: Any) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    stale = [out_dir / ".isstrack-iss.ics.k2j4h5g6.tmp", out_dir / ".isstrack-a_b1c2d3.tmp"]
    fresh = out_dir / ".isstrack-iss.ics.zz99yy88.tmp"  # another run may be writing it right now
    kept_old = [
        out_dir / ".isstrack-other.ics.k2j4h5g6.tmp",  # another target's: its own writes sweep it
        out_dir / ".iss.ics.swp",
        out_dir / "notes.tmp",
        out_dir / ".isstrack-iss.ics.mine.tmp",
    ]
    hour_ago = time.time() - 3600
    for path in [*stale, fresh, *kept_old]:
        path.write_text("partial")
    for path in [*stale, *kept_old]:
        os.utime(path, (hour_ago, hour_ago))
    result = cli(*_ics_args(tmp_path, out_dir / "iss.ics"))
    assert result.code == 0, result.err
    assert (out_dir / "iss.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert not any(p.exists() for p in stale)
    assert fresh.exists() and fresh.read_text() == "partial"
    assert all(p.exists() for p in kept_old)
