"""isstrack alert: retries after failures, new elements, filters, quiet hours, time bounds, targets."""

from __future__ import annotations

import json
import socket
import stat
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.alert_helpers import (
    AMSTERDAM,
    SECRET,
    iso,
    parse_iso,
    recording_server,
    reference_file,
)
from tests.conftest import Result, run_in_process
from tests.shapes import shape
from tests.tle_tools import history_sets, shift_epoch, with_checksum

PLACE = ["--lat", AMSTERDAM[0], "--lon", AMSTERDAM[1]]
STEP = timedelta(minutes=5)
# Visible passes over Amsterdam from reference set 18 (checked against `passes --json` below).
PASS_22 = datetime(2026, 9, 22, 19, 18, 20, tzinfo=timezone.utc)  # revolution 58689, mag -3.3, peak 38.6°


def visible_passes(cli: Any, tle: Path, start: datetime, days: int, *extra: str) -> list[dict[str, Any]]:
    """Return what `isstrack passes --json` lists for Amsterdam."""
    listed = cli(
        "passes", *PLACE, "--from", iso(start), "--days", str(days), "--tle-file", str(tle), "--json", "-q",
        *extra,
    )  # fmt: skip
    assert listed.code == 0, listed.err
    return list(listed.json()["passes"])


def alert(tle: Path, at: datetime, *extra: str) -> Result:
    """Run `isstrack alert` for Amsterdam in this process, at a simulated time."""
    return run_in_process(
        ["alert", *PLACE, "--before", "15m", "--tle-file", str(tle), *extra], {"ISSTRACK_AT": iso(at)}
    )


def test_failed_target_is_retried_at_the_next_step_once_and_does_not_block_the_other(
    tmp_path: Path, cli: Any
) -> None:
    tle = reference_file(tmp_path, 18)
    with recording_server() as (base, recorder):
        targets = ["--ntfy", f"{base}/ntfy/{SECRET}", "--webhook", f"{base}/hook/{SECRET}"]
        first_due = PASS_22 - timedelta(minutes=13, seconds=20)  # 19:05 UTC
        recorder.modes = {"/ntfy/": "fail"}
        failed = cli("alert", *PLACE, "--before", "15m", "--tle-file", str(tle), *targets, "-q",
                     env={"ISSTRACK_AT": iso(first_due)})  # fmt: skip
        assert failed.code == 5, failed.err
        assert (
            failed.err.count("\n") == 1
            and "HTTP 500" in failed.err
            and "ntfy http://127.0.0.1:" in failed.err
        )
        assert SECRET not in failed.err + failed.out
        assert len(recorder.delivered("/hook/")) == 1, "the failing ntfy target did not block the webhook"
        assert len(recorder.delivered("/ntfy/")) == 0
        recorder.modes = {}
        retried = alert(tle, first_due + STEP, *targets)
        assert retried.code == 0, retried.err
        assert len(recorder.delivered("/ntfy/")) == 1, "delivered at the next step"
        assert len(recorder.delivered("/hook/")) == 1, "the webhook was not sent twice"
        for k in range(2, 8):  # on through the pass and after it
            assert alert(tle, first_due + k * STEP, *targets).code == 1
        assert len(recorder.delivered("/")) == 2
        assert [r.status for r in recorder.requests].count(500) == 1, "no retry loop inside the run"


def later_set(index: int, seconds: float, revolutions: int) -> str:
    """Return reference set `index` as text, its epoch moved by `seconds` (so the passes move too) and
    its revolution number by `revolutions` (checksums fixed)."""
    name, line1, line2 = shift_epoch(history_sets()[index], seconds / 86400)
    line2 = with_checksum(f"{line2[:63]}{int(line2[63:68]) + revolutions:5d}{line2[68:]}")
    return f"{name}\n{line1}\n{line2}\n"


@pytest.mark.parametrize(
    ("newer", "seconds", "revolutions"),
    [
        ("the next reference set", 0, 0),
        ("the next set, moving the pass 20 s", 20, 0),
        ("the next set, 20 s and a revolution count one higher", 20, 1),
    ],
)
def test_new_elements_mid_pass_do_not_cause_a_second_notification(
    tmp_path: Path, cli: Any, newer: str, seconds: float, revolutions: int
) -> None:
    older = reference_file(tmp_path, 18)
    later = tmp_path / "later.tle"
    later.write_text(later_set(19, seconds, revolutions))
    old_pass = visible_passes(cli, older, PASS_22 - timedelta(hours=1), 1)[0]
    new_pass = visible_passes(cli, later, PASS_22 - timedelta(hours=1), 1)[0]
    moved = parse_iso(new_pass["visible_start"]["time"]) - parse_iso(old_pass["visible_start"]["time"])
    assert abs(moved - timedelta(seconds=seconds)) <= timedelta(seconds=3), moved
    assert new_pass["revolution"] - old_pass["revolution"] == revolutions
    with recording_server() as (base, recorder):
        targets = ["--ntfy", f"{base}/ntfy/t", "--webhook", f"{base}/hook"]
        moment = PASS_22 - timedelta(minutes=30)
        tle, codes = older, []
        while moment < PASS_22 + timedelta(minutes=10):
            codes.append(alert(tle, moment, *targets).code)
            if recorder.delivered("/"):
                tle = later  # new elements arrive right after the alert went out
            moment += STEP
        assert codes.count(0) == 1 and set(codes) == {0, 1}
        assert len(recorder.delivered("/ntfy/")) == 1
        assert len(recorder.delivered("/hook")) == 1


def test_filters_and_quiet_hours_across_midnight_match_the_pass_list(tmp_path: Path, cli: Any) -> None:
    tle = reference_file(tmp_path, 18)
    start = datetime(2026, 9, 21, 10, 0, tzinfo=timezone.utc)
    listed = visible_passes(cli, tle, start, 3)
    assert len(listed) == 5
    # UTC+5 puts these evening passes around local midnight: 23:29, 01:06, 00:18, 23:30, 01:08.
    cases: list[tuple[list[str], Any]] = [
        (["--max-magnitude", "-2"], lambda p: p["magnitude"] <= -2),
        (["--min-peak", "40"], lambda p: p["visible_highest"]["elevation_deg"] >= 40),
        (["--min-duration", "200"], lambda p: p["visible_duration_s"] >= 200),
        (["--between", "23:15-00:30", "--tz", "Etc/GMT-5"], lambda p: _utc_clock(p, 18.25, 19.5)),
    ]
    for extra, wanted in cases:
        expected = [p["revolution"] for p in listed if wanted(p)]
        assert 0 < len(expected) < len(listed), extra
        got = []
        for item in listed:
            at = parse_iso(item["visible_start"]["time"]) - timedelta(minutes=10)
            result = alert(tle, at, "--dry-run", *extra)
            assert result.code in (0, 1), result.err
            if result.code == 0:
                got.append(item["revolution"])
        assert got == expected, extra


def _utc_clock(item: dict[str, Any], from_h: float, to_h: float) -> bool:
    moment = parse_iso(item["visible_start"]["time"])
    hours = moment.hour + moment.minute / 60
    return from_h <= hours < to_h


def test_quiet_hours_hold_back_a_pass_until_the_window_opens(tmp_path: Path) -> None:
    tle = reference_file(tmp_path, 18)
    # The 23:29 (UTC+5) pass with a window opening at 23:20: not at 23:15, yes at 23:20.
    opens = "23:20-06:00"
    assert alert(tle, PASS_22.replace(day=21, hour=18, minute=15, second=0), "--between", opens,
                 "--tz", "Etc/GMT-5").code == 1  # fmt: skip
    result = alert(tle, PASS_22.replace(day=21, hour=18, minute=20, second=0), "--between", opens,
                   "--tz", "Etc/GMT-5")  # fmt: skip
    assert result.code == 0
    assert result.out.startswith("ISS over ") and ": 23:29 (in 9 min): appears W at 10°" in result.out


def test_a_hanging_target_is_cut_off_in_time_and_the_other_is_delivered(tmp_path: Path, cli: Any) -> None:
    tle = reference_file(tmp_path, 18)
    at = PASS_22 - timedelta(minutes=10)
    with recording_server() as (base, recorder):
        recorder.modes = {"/ntfy/": "hang"}
        started = time.monotonic()
        env = {"ISSTRACK_AT": iso(at), "ISSTRACK_HTTP_TIMEOUT": "1"}
        result = cli("alert", *PLACE, "--before", "15m", "--tle-file", str(tle), "--ntfy", f"{base}/ntfy/x",
                     "--webhook", f"{base}/hook", "-q", env=env)  # fmt: skip
        elapsed = time.monotonic() - started
        assert result.code == 5
        assert "no answer within 1 s" in result.err
        assert len(recorder.delivered("/hook")) == 1
    assert elapsed < 15, f"bounded by the 1 s deadline plus start-up, took {elapsed:.1f} s"


def test_a_refused_connection_fails_that_target_only(tmp_path: Path) -> None:
    tle = reference_file(tmp_path, 18)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]  # nothing listens here once the socket is closed
    with recording_server() as (base, recorder):
        result = alert(tle, PASS_22 - timedelta(minutes=10), "--ntfy", f"http://user:{SECRET}@127.0.0.1:{closed}/t",
                       "--webhook", f"{base}/hook")  # fmt: skip
        assert result.code == 5
        assert "could not connect" in result.err and f"http://127.0.0.1:{closed}/…" in result.err
        assert SECRET not in result.err
        assert len(recorder.delivered("/hook")) == 1


def test_dry_run_prints_what_would_be_sent_and_records_nothing(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    tle = reference_file(tmp_path, 18)
    at = PASS_22 - timedelta(minutes=10)
    with recording_server() as (base, recorder):
        targets = ["--ntfy", f"{base}/ntfy/{SECRET}", "--print"]
        dry = alert(tle, at, "--dry-run", *targets)
        assert dry.code == 0
        lines = dry.out.splitlines()
        assert len(lines) == 2
        assert lines[0].startswith(f"would send to ntfy {base}/…: ISS over ")
        assert lines[1].startswith("would send to print: ISS over ")
        assert SECRET not in dry.out + dry.err
        assert recorder.requests == []
        assert not (Path(isolated_env["ISSTRACK_STATE_DIR"]) / "alerts-sent.json").exists()
        real = alert(tle, at, *targets)
        assert real.code == 0 and len(recorder.delivered("/")) == 1
        assert real.out.startswith("ISS over ") and "21:18 (in 10 min)" in real.out  # local (CEST)
        assert alert(tle, at, "--dry-run", *targets).code == 1, "nothing left to send"


def test_webhook_posts_the_next_json_schema(tmp_path: Path, cli: Any) -> None:
    tle = reference_file(tmp_path, 18)
    at = PASS_22 - timedelta(minutes=10)
    nxt = cli("next", *PLACE, "--tle-file", str(tle), "--json", "-q", env={"ISSTRACK_AT": iso(at)})
    with recording_server() as (base, recorder):
        assert alert(tle, at, "--webhook", f"{base}/hook").code == 0
        (hook,) = recorder.delivered("/hook")
    document = hook.json()
    assert hook.headers["Content-Type"] == "application/json"
    alert_part = document.pop("alert")
    assert shape(document) == shape(nxt.json())
    expected = nxt.json()["pass"]
    for key, value in document["pass"].items():
        if isinstance(value, dict):  # a point: the searches span different windows, so allow 1 s, 0.2°
            assert abs(parse_iso(value["time"]) - parse_iso(expected[key]["time"])) <= timedelta(seconds=1)
            assert abs(value["azimuth_deg"] - expected[key]["azimuth_deg"]) <= 0.2
            assert abs(value["elevation_deg"] - expected[key]["elevation_deg"]) <= 0.2
        elif key.endswith("_s"):
            assert abs(value - expected[key]) <= 1, key
        else:
            assert value == expected[key], key
    assert alert_part["title"] == "ISS over " + document["location"]["name"]
    assert len(alert_part["message"]) <= 120


def test_desktop_notification_through_notify_send(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tle = reference_file(tmp_path, 18)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls.json"
    fake = bin_dir / "notify-send"  # a stand-in that records its arguments and environment
    fake.write_text(
        "#!/usr/bin/env python3\nimport json, os, sys\n"
        "bus = os.environ.get('DBUS_SESSION_BUS_ADDRESS')\n"
        f"open({str(calls)!r}, 'a').write(json.dumps([sys.argv[1:], bus]) + '\\n')\n"
    )
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    runtime = tmp_path / "run"
    runtime.mkdir()
    (runtime / "bus").touch()
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)  # as under cron
    result = alert(tle, PASS_22 - timedelta(minutes=10), "--desktop")
    assert result.code == 0, result.err
    ((args, bus),) = [json.loads(line) for line in calls.read_text().splitlines()]
    assert bus == f"unix:path={runtime / 'bus'}"
    assert args[:3] == ["--app-name=isstrack", "--urgency=normal", "--"]
    assert args[3].startswith("ISS over ") and args[4].startswith("21:18 (in 10 min)")


def test_desktop_without_a_notification_service_says_so_and_other_targets_still_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tle = reference_file(tmp_path, 18)
    at = PASS_22 - timedelta(minutes=10)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = alert(tle, at, "--desktop", "--print")
    assert result.code == 5
    assert "no desktop notification service (notify-send not found" in result.err
    assert result.out.startswith("ISS over "), "--print still delivered"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "notify-send").write_text("#!/bin/sh\nexit 0\n")
    (bin_dir / "notify-send").chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "no-runtime"))
    again = alert(tle, at, "--desktop")
    assert again.code == 5
    assert "no desktop notification service (no D-Bus session" in again.err


@pytest.mark.parametrize(
    ("args", "wording"),
    [
        ([], "Missing option '--before'"),
        (["--before", "soon"], "--before 'soon' is not a duration"),
        (["--before", "15m", "--between", "25:00-06:00"], "not a time window"),
        (["--before", "15m", "--between", "22:00-22:00"], "starts and ends at the same time"),
        (["--before", "15m", "--ntfy", f"ntfy.sh/{SECRET}"], "--ntfy needs a full http(s) URL"),
        (["--before", "15m", "--webhook", f"ftp://h/{SECRET}"], "--webhook needs a full http(s) URL"),
        (["--before", "15m", "--min-peak", "95"], "--min-peak 95 is outside [0, 90]"),
        (["--before", "15m", "--min-duration", "nan"], "nan is not a finite number"),
        (["--before", "15m", "--min-duration", "-5"], "--min-duration -5 is negative"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli: Any, args: list[str], wording: str) -> None:
    result = cli("alert", *PLACE, *args)
    assert result.code == 2
    assert wording in result.err and result.err.count("\n") == 1
    assert SECRET not in result.err and result.out == ""


def test_record_is_pruned_of_passes_that_are_over_and_a_damaged_one_is_set_aside(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    tle = reference_file(tmp_path, 18)
    record = Path(isolated_env["ISSTRACK_STATE_DIR"]) / "alerts-sent.json"
    first = datetime(2026, 9, 21, 18, 20, tzinfo=timezone.utc)  # the 18:29 UTC pass, revolution 58673
    assert alert(tle, first, "--print").code == 0
    assert [e["revolution"] for e in json.loads(record.read_text())["sent"]] == [58673]
    assert alert(tle, PASS_22 - timedelta(minutes=10), "--print").code == 0
    assert [e["revolution"] for e in json.loads(record.read_text())["sent"]] == [58673, 58689], "kept 2 days"
    third = datetime(2026, 9, 23, 19, 58, tzinfo=timezone.utc)  # the 20:08 UTC pass, 2 days and more later
    assert alert(tle, third, "--print").code == 0
    kept = [e["revolution"] for e in json.loads(record.read_text())["sent"]]
    assert len(kept) == 2 and kept[0] == 58689 and kept[1] > 58689, "the first, over for 2 days, pruned"
    record.write_text("{not json")
    again = alert(tle, PASS_22 - timedelta(minutes=5), "--print")
    assert again.code == 0, "a damaged record is read as empty: better twice than never"
    assert "was damaged" in again.err and "moved it aside" in again.err
    assert record.with_name("alerts-sent.json.damaged").read_text() == "{not json"
    record.unlink()
    record.mkdir()
    refused = alert(tle, PASS_22 - timedelta(minutes=5), "--print")
    assert refused.code == 2 and "is not a regular file" in refused.err and refused.out == ""


def test_elements_too_old_to_trust_exit_3_and_make_no_request(tmp_path: Path, cli: Any) -> None:
    old = reference_file(tmp_path, 10)  # epoch 2026-09-03: 19 days before the pass
    at = PASS_22 - timedelta(minutes=10)
    with recording_server() as (base, recorder):
        targets = ["--ntfy", f"{base}/ntfy/t", "--webhook", f"{base}/hook", "--desktop", "--print"]
        refused = cli("alert", *PLACE, "--before", "15m", "--tle-file", str(old), *targets, "-q",
                      env={"ISSTRACK_AT": iso(at)})  # fmt: skip
        assert refused.code == 3
        assert refused.out == "" and refused.err.count("\n") == 1
        assert "--max-age" in refused.err, "the error names the way out"
        assert recorder.requests == []
        # The same run accepting older elements would have sent: the refusal is what kept it quiet.
        accepted = alert(old, at, *targets, "--max-age", "30", "--dry-run")
        assert accepted.code == 0 and accepted.out.count("would send to") == 4
        assert recorder.requests == []


def test_the_same_url_given_twice_is_one_target(tmp_path: Path) -> None:
    tle = reference_file(tmp_path, 18)
    with recording_server() as (base, recorder):
        url = f"{base}/ntfy/t"
        assert alert(tle, PASS_22 - timedelta(minutes=10), "--ntfy", url, "--ntfy", url).code == 0
        assert len(recorder.delivered("/ntfy/")) == 1
