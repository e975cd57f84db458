"""Cron-driven alerting over 3 days: every qualifying visible pass announced once per target, in time.

The clock (ISSTRACK_AT) steps every 5 minutes over 3 days of reference elements. Each step runs
`isstrack alert` twice in this process; at the step where each pass first becomes due, two real
processes also run at once. A loopback server stands in for ntfy and a webhook. What it receives
is compared with what `isstrack passes --json` lists for the same place and filters.
"""

from __future__ import annotations

import os
import subprocess
import time
from datetime import datetime, timedelta, timezone
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tests.alert_helpers import (
    AMSTERDAM,
    SECRET,
    iso,
    parse_iso,
    recording_server,
    reference_file,
)
from tests.conftest import isstrack_command, run_in_process

START = datetime(2026, 9, 21, 10, 0, tzinfo=timezone.utc)  # midday in Amsterdam: no pass in progress
DAYS = 3
STEP = timedelta(minutes=5)
BEFORE = timedelta(minutes=15)
MAX_MAGNITUDE = "-1.5"
SPARSE = timedelta(minutes=30)  # away from visible passes (a 5-minute grid throughout takes ~70 s here)
DENSE_BEFORE = timedelta(minutes=30)  # 5-minute steps from this long before a pass is due ...
DENSE_AFTER = timedelta(minutes=15)  # ... to this long after its visible end


def expected_passes(cli: Any, tle: Path, start: datetime, days: int, *extra: str) -> list[dict[str, Any]]:
    """Return the visible passes `isstrack passes --json` lists for the place."""
    listed = cli(
        "passes", "--lat", AMSTERDAM[0], "--lon", AMSTERDAM[1], "--from", iso(start), "--days", str(days),
        "--tle-file", str(tle), "--json", "-q", *extra,
    )  # fmt: skip
    assert listed.code == 0, listed.err
    passes: list[dict[str, Any]] = listed.json()["passes"]
    assert all(p["visible"] for p in passes)
    return passes


def steps(visible: list[dict[str, Any]], end: datetime) -> list[datetime]:
    """Return every SPARSE step over the whole span, and every 5-minute step near each visible pass."""
    moments = {START + k * SPARSE for k in range((end - START) // SPARSE)}
    for item in visible:
        first = first_due_step(item) - DENSE_BEFORE
        last = parse_iso(item["visible_end"]["time"]) + DENSE_AFTER
        moments |= {first + k * STEP for k in range((last - first) // STEP + 1)}
    return sorted(m for m in moments if START <= m < end)


def first_due_step(item: dict[str, Any]) -> datetime:
    """Return the first 5-minute step at which the pass's visible start is within BEFORE."""
    start = parse_iso(item["visible_start"]["time"])
    steps = -(-(start - BEFORE - START) // STEP)  # ceiling division of timedeltas
    return START + steps * STEP


def test_three_days_of_cron_runs_announce_each_qualifying_pass_once_per_target_in_time(
    cli: Any, tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    tle = reference_file(tmp_path, 18)  # epoch 2026-09-20 12:43 UTC: 1-4 days old over the run
    end = START + timedelta(days=DAYS)
    listed = expected_passes(cli, tle, START, DAYS + 1, "--max-magnitude", MAX_MAGNITUDE)
    expected = [p for p in listed if parse_iso(p["visible_start"]["time"]) <= end - STEP + BEFORE]
    everything = expected_passes(cli, tle, START, DAYS)
    assert len(expected) >= 3, "the place and window must have several qualifying passes"
    assert len(everything) > len(expected), "some visible pass must be filtered out (magnitude)"
    overlap_steps = {first_due_step(p) for p in expected}

    with recording_server() as (base, recorder):
        ntfy = f"{base}/ntfy/topic-{SECRET}"
        webhook = f"{base}/hook?token={SECRET}"
        args = [
            "alert", "--lat", AMSTERDAM[0], "--lon", AMSTERDAM[1], "--before", "15m",
            "--max-magnitude", MAX_MAGNITUDE, "--ntfy", ntfy, "--webhook", webhook,
            "--tle-file", str(tle), "-v",
        ]  # fmt: skip
        outputs: list[str] = []
        overlaps = 0
        started = time.monotonic()
        for moment in steps(everything, end):
            at = iso(moment)
            recorder.tag = at
            before_count = len(recorder.delivered("/"))
            if moment in overlap_steps:
                recorder.modes = {"/": "slow"}  # hold the lock a while: the second process must wait
                env = {**os.environ, **isolated_env, "ISSTRACK_AT": at}
                first = subprocess.Popen([*isstrack_command(), *args], env=env, **_pipes())
                second = subprocess.Popen([*isstrack_command(), *args], env=env, **_pipes())
                second_started = time.monotonic()
                out1, err1 = first.communicate(timeout=120)
                first_ended = time.monotonic()
                out2, err2 = second.communicate(timeout=120)
                recorder.modes = {}
                assert second_started < first_ended, "the two processes overlapped"
                assert sorted([first.returncode, second.returncode]) == [0, 1], (err1, err2)
                outputs += [out1, err1, out2, err2]
                overlaps += 1
            for repeat in range(2):
                result = run_in_process(args, {"ISSTRACK_AT": at})
                outputs += [result.out, result.err]
                sent_now = len(recorder.delivered("/")) > before_count
                if repeat == 0 and moment not in overlap_steps and sent_now:
                    assert result.code == 0, (at, result.err)
                else:
                    assert result.code == 1, (at, result.code, result.err)
                before_count = len(recorder.delivered("/"))
        elapsed = time.monotonic() - started

    ntfy_got = recorder.delivered("/ntfy/")
    hook_got = recorder.delivered("/hook")
    assert len(ntfy_got) == len(hook_got) == len(expected), (len(ntfy_got), len(hook_got), len(expected))
    assert overlaps == len(expected)
    zone = ZoneInfo("Europe/Amsterdam")
    title = f"ISS over {hook_got[0].json()['location']['name']}"
    revolutions = [p["revolution"] for p in expected]
    assert sorted(r.json()["pass"]["revolution"] for r in hook_got) == sorted(revolutions)
    for item, note, hook in zip(expected, ntfy_got, hook_got, strict=True):
        visible_start = parse_iso(item["visible_start"]["time"])
        for request in (note, hook):
            sent_at = parse_iso(request.tag)
            assert visible_start - BEFORE <= sent_at < visible_start, "announced in time, not before the lead"
        assert hook.json()["pass"]["revolution"] == item["revolution"]
        assert abs(parse_iso(hook.json()["pass"]["visible_start"]["time"]) - visible_start) <= timedelta(
            seconds=1
        )
        body = note.body.decode("utf-8")
        assert len(body) <= 120
        assert body.startswith(visible_start.astimezone(zone).strftime("%H:%M"))
        assert _decoded(note.headers["Title"]) == title
        assert note.headers["Priority"] and note.headers["Tags"]
    assert not any(SECRET in text for text in outputs), "URLs with secrets are never printed in full"
    assert any("/…" in text for text in outputs), "-v names targets by scheme://host/…"
    count = len(steps(everything, end))
    print(f"{count} steps x 2 in-process runs + {overlaps} overlapping pairs: {elapsed:.1f} s")


def _decoded(header: str) -> str:
    """Return a header value decoded from RFC 2047 (how ntfy reads a non-ASCII title)."""
    return str(make_header(decode_header(header)))


def _pipes() -> dict[str, Any]:
    return {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True, "stdin": subprocess.DEVNULL}
