"""Issue 17: the record of sent alerts when it is damaged, unreadable, too big, or the clock jumps."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.alert_helpers import iso, parse_iso, reference_file
from tests.conftest import isstrack_command, run_in_process
from tests.test_alert import PASS_22, PLACE, alert
from tests.tle_tools import history_sets, text, with_checksum

GOOD_ENTRY = {
    "place": "52.374,4.890",
    "revolution": 58689,
    "target": "print",
    "visible_start": "2026-09-22T19:18:20Z",
    "visible_end": "2026-09-22T19:22:33Z",
    "sent_at": "2026-09-22T19:08:20Z",
}


def _record_with(**changes: str) -> bytes:
    return json.dumps({"version": 1, "sent": [{**GOOD_ENTRY, **changes}]}).encode()


DAMAGED = {
    "nested 100,000 deep": b'{"version": 1, "sent": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "a pass ending in 9999-12-31": _record_with(visible_end="9999-12-31T23:59:59Z"),
    "a pass starting at 0001-01-01+01:00": _record_with(visible_start="0001-01-01T00:00:00+01:00"),
    "a 400-digit revolution": _record_with().replace(b"58689", b"9" * 400),
}


@pytest.mark.parametrize("content", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_record_is_set_aside_with_a_warning_and_the_run_goes_on(
    tmp_path: Path, isolated_env: dict[str, str], content: bytes
) -> None:
    tle = reference_file(tmp_path, 18)
    record = Path(isolated_env["ISSTRACK_STATE_DIR"]) / "alerts-sent.json"
    record.parent.mkdir(parents=True)
    record.write_bytes(content)
    result = alert(tle, PASS_22 - timedelta(minutes=10), "--print")
    assert result.code == 0, result.err
    assert result.out.startswith("ISS over "), "the due alert went out"
    (warning,) = [line for line in result.err.splitlines() if "alerts-sent.json" in line]
    assert "alerts-sent.json was damaged" in warning and "moved it aside" in warning
    assert record.with_name("alerts-sent.json.damaged").read_bytes() == content
    assert [e["revolution"] for e in json.loads(record.read_text())["sent"]] == [58689]
    assert alert(tle, PASS_22 - timedelta(minutes=5), "--print").code == 1, "and it is not sent twice"


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """Yield a directory that another user can reach (pytest's own are private to this one)."""
    path = Path(tempfile.mkdtemp(prefix="isstrack-test-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def test_a_record_that_cannot_be_read_is_not_damage_exit_2_and_nothing_sent(open_dir: Path) -> None:
    """Item 5: another user's record (mode 600) is left alone, and no due alert goes out again."""
    tle = reference_file(open_dir, 18)
    state = open_dir / "state"
    state.mkdir()
    state.chmod(0o777)  # the other user may make its lock here (and could rename the record)
    record = state / "alerts-sent.json"
    record.write_bytes(_record_with())
    record.chmod(0o600)
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(open_dir),
        "ISSTRACK_STATE_DIR": str(state),
        "ISSTRACK_CACHE_DIR": str(open_dir / "cache"),
        "ISSTRACK_CONFIG_DIR": str(open_dir / "config"),
        "ISSTRACK_AT": iso(PASS_22 - timedelta(minutes=10)),
    }
    command = [*isstrack_command(), "alert", *PLACE, "--before", "15m", "--tle-file", str(tle), "--print"]
    if os.geteuid() == 0:  # root reads any file: run as nobody, for whom the record is another user's
        command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command]
    else:
        record.chmod(0o000)
    run = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL
    )
    assert run.returncode == 2, run.stderr
    assert run.stdout == "", "nothing sent"
    (line,) = [line for line in run.stderr.splitlines() if "alerts-sent.json" in line]
    assert "cannot read the record of sent alerts" in line and "Permission denied" in line
    assert "nothing sent" in line and "Traceback" not in run.stderr
    assert record.read_bytes() == _record_with(), "left alone"
    assert not (state / "alerts-sent.json.damaged").exists()


def _revolutions(record: Path) -> list[int]:
    return [entry["revolution"] for entry in json.loads(record.read_text())["sent"]]


def test_a_clock_a_day_ahead_and_back_does_not_announce_a_pass_again(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    """Item 9: a clock stepped a day ahead (and a pass sent then) prunes nothing a day behind it."""
    tle = reference_file(tmp_path, 18)
    record = Path(isolated_env["ISSTRACK_STATE_DIR"]) / "alerts-sent.json"
    assert alert(tle, PASS_22 - timedelta(minutes=10), "--print").code == 0
    ahead = datetime(2026, 9, 23, 18, 20, tzinfo=timezone.utc)  # a day on: the next evening's pass is due
    assert alert(tle, ahead, "--print").code == 0
    assert _revolutions(record)[0] == 58689 and len(_revolutions(record)) == 2
    back = alert(tle, PASS_22 - timedelta(minutes=5), "--print")  # the clock set right again
    assert back.code == 1 and back.out == "", "the pass was announced again"


def _elements_from(moment: datetime) -> str:
    """Return reference set 18 with its epoch moved to `moment` (the orbit's shape unchanged)."""
    name, line1, line2 = history_sets()[18]
    start = datetime(moment.year, 1, 1, tzinfo=timezone.utc)
    day = 1 + (moment - start).total_seconds() / 86400
    return text((name, with_checksum(f"{line1[:18]}{moment.year % 100:02d}{day:012.8f}{line1[32:]}"), line2))


def test_a_rehearsal_at_a_later_time_never_prunes_what_the_real_clock_still_needs(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    """Item 9: ISSTRACK_AT days ahead, as the README suggests for a cron line, keeps the real record."""
    clock = datetime.now(timezone.utc)
    tle = tmp_path / "fresh.tle"
    for weeks in range(3, 12):  # the first visible pass over Amsterdam 3 weeks or more ahead
        epoch = clock + timedelta(weeks=weeks)
        tle.write_text(_elements_from(epoch))
        args = ["passes", *PLACE, "--from", iso(epoch), "--days", "7", "--tle-file", str(tle), "--json", "-q"]
        listed = run_in_process(args)
        assert listed.code in (0, 1), listed.err
        if listed.code == 0:
            break
    start = parse_iso(json.loads(listed.out)["passes"][0]["visible_start"]["time"])
    record = Path(isolated_env["ISSTRACK_STATE_DIR"]) / "alerts-sent.json"
    record.parent.mkdir(parents=True)
    just_over = {  # a real pass that ended an hour ago, announced for real
        **GOOD_ENTRY,
        "place": "10.000,10.000",
        "visible_start": iso(clock - timedelta(hours=1, minutes=5)),
        "visible_end": iso(clock - timedelta(hours=1)),
        "sent_at": iso(clock - timedelta(hours=1, minutes=15)),
    }
    record.write_text(json.dumps({"version": 1, "sent": [just_over]}))
    rehearsal = alert(tle, start - timedelta(minutes=10), "--print")
    assert rehearsal.code == 0, rehearsal.err
    places = [entry["place"] for entry in json.loads(record.read_text())["sent"]]
    assert places[0] == "10.000,10.000" and len(places) == 2, "the rehearsal pruned the real record"


def _full_record(record: Path, visible_end: str) -> bytes:
    """Write a record of other places' alerts, in the most compact JSON, 100 bytes short of 1 MB."""
    entry = {**GOOD_ENTRY, "visible_start": "2026-09-20T18:00:00Z", "visible_end": visible_end}
    size = len(json.dumps({**entry, "place": "00.000,000.000"}, separators=(",", ":"))) + 1
    count = (1_000_000 - 100) // size
    entries = [{**entry, "place": f"{k // 1000:02d}.{k % 1000:03d},000.000"} for k in range(count)]
    content = json.dumps({"version": 1, "sent": entries}, separators=(",", ":")).encode()
    content += b" " * (1_000_000 - 100 - len(content))  # trailing space is still JSON
    record.parent.mkdir(parents=True)
    record.write_bytes(content)
    return content


def test_a_record_that_would_pass_its_limit_refuses_to_send_rather_than_resend_everything(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    """Item 11: the writer keeps to the limit the reader accepts; when only passes ahead fill it, exit 2."""
    tle = reference_file(tmp_path, 18)
    record = Path(isolated_env["ISSTRACK_STATE_DIR"]) / "alerts-sent.json"
    content = _full_record(record, "2026-09-30T18:05:00Z")  # passes not over: none may be forgotten
    refused = alert(tle, PASS_22 - timedelta(minutes=10), "--print", "-q")
    assert refused.code == 2 and refused.out == "", "nothing sent"
    (line,) = refused.err.splitlines()
    assert "would pass its limit of 1000000 bytes" in line and "nothing sent" in line
    assert record.read_bytes() == content
    assert not record.with_name("alerts-sent.json.damaged").exists()


def test_a_full_record_forgets_the_oldest_passes_over_and_the_next_run_reads_it(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    """Item 11: passes already over make room, with a warning; the record stays readable: no resend."""
    tle = reference_file(tmp_path, 18)
    record = Path(isolated_env["ISSTRACK_STATE_DIR"]) / "alerts-sent.json"
    _full_record(record, "2026-09-21T18:05:00Z")  # over a day before the run: kept for now, if room
    sent = alert(tle, PASS_22 - timedelta(minutes=10), "--print")
    assert sent.code == 0 and sent.out.startswith("ISS over "), sent.err
    assert "reached its limit of 1000000 bytes; forgot" in sent.err
    assert len(record.read_bytes()) <= 1_000_000 and 58689 in _revolutions(record)
    again = alert(tle, PASS_22 - timedelta(minutes=5), "--print")
    assert again.code == 1 and again.out == "" and "damaged" not in again.err, "sent once"
