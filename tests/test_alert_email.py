"""`isstrack alert --email` against a real SMTP server on 127.0.0.1: once per pass and address over a
stepped week, and a server that refuses, hangs or drops mid-DATA costs exit 5 and one retry."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.alert_helpers import AMSTERDAM, iso, parse_iso, reference_file
from tests.conftest import run_in_process
from tests.smtp_helpers import drop_mid_data, free_port, hang_silently, raw_smtp, smtp_server

START = datetime(2026, 9, 21, 10, 0, tzinfo=timezone.utc)
DAYS = 7
STEP = timedelta(minutes=5)
BEFORE = timedelta(minutes=15)
SPARSE = timedelta(hours=3)
READERS = ("first@example.org", "second@example.org")
ZONE = ZoneInfo("Europe/Amsterdam")


def alert(at: datetime, tle: Path, url: str, *extra: str, timeout: str = "10") -> Any:
    args = ["alert", "--lat", AMSTERDAM[0], "--lon", AMSTERDAM[1], "--before", "15m", "--tle-file", str(tle)]
    args += [arg for reader in READERS for arg in ("--email", reader)]
    env = {"ISSTRACK_AT": iso(at), "ISSTRACK_SMTP_URL": url, "ISSTRACK_HTTP_TIMEOUT": timeout}
    return run_in_process([*args, "--max-magnitude", "-1.5", "-q", *extra], env)


def visible_passes(tle: Path, start: datetime, days: int) -> list[dict[str, Any]]:
    listed = run_in_process(
        ["passes", "--lat", AMSTERDAM[0], "--lon", AMSTERDAM[1], "--from", iso(start), "--days", str(days),
         "--tle-file", str(tle), "--json", "-q", "--max-magnitude", "-1.5"]
    )  # fmt: skip
    assert listed.code == 0, listed.err
    passes: list[dict[str, Any]] = listed.json()["passes"]
    return passes


def clock_12h(moment: datetime) -> str:
    """Spot the Station's way of writing a local time, written here again for the check."""
    hour = moment.hour % 12 or 12
    return f"{moment:%a %b %d} {hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'} {moment:%Z}"


def test_a_stepped_week_mails_each_qualifying_pass_once_to_each_address(tmp_path: Path) -> None:
    from icalendar import Calendar

    tle = reference_file(tmp_path, 18)  # epoch 2026-09-20: 1-8 days old over the week
    end = START + timedelta(days=DAYS)
    expected = [
        p for p in visible_passes(tle, START, DAYS + 1) if parse_iso(p["visible_start"]["time"]) < end
    ]
    assert len(expected) >= 5, "the week should hold several qualifying passes"
    moments = {START + k * SPARSE for k in range((end - START) // SPARSE)}
    for item in expected:
        first = parse_iso(item["visible_start"]["time"]) - BEFORE - 2 * STEP
        moments |= {first + k * STEP for k in range(9)}
    with smtp_server() as (port, box):
        url = f"smtp://127.0.0.1:{port}?from=iss@example.org"
        for moment in sorted(m for m in moments if START <= m < end):
            result = alert(moment, tle, url)
            assert result.code in (0, 1), result.err
    by_reader = {reader: [m for m in box.messages if m["To"] == reader] for reader in READERS}
    for reader, messages in by_reader.items():
        assert len(messages) == len(expected), reader
        for message, item in zip(messages, expected, strict=True):
            start = parse_iso(item["visible_start"]["time"])
            assert message["Subject"].endswith(f": {clock_12h(start.astimezone(ZONE))}")
            text = message.get_body(("plain",)).get_content()
            assert f"Max Height: {item['visible_highest']['elevation_deg']:.0f} degrees" in text
            assert f"above {item['visible_start']['direction']}" in text
            [attachment] = list(message.iter_attachments())
            [event] = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
            assert abs((event.decoded("DTSTART") - start).total_seconds()) <= 1
            assert str(event["UID"]).startswith(f"25544-rev{item['revolution']}-")
    assert len({m["Message-ID"] for m in box.messages}) == len(box.messages)


@pytest.mark.parametrize("failure", ["refuses", "hangs", "drops mid-DATA"])
def test_a_failing_server_is_exit_5_and_the_next_run_sends_once(tmp_path: Path, failure: str) -> None:
    tle = reference_file(tmp_path, 18)
    item = visible_passes(tle, START, 3)[0]
    due = parse_iso(item["visible_start"]["time"]) - timedelta(minutes=10)
    scripts = {"hangs": hang_silently, "drops mid-DATA": drop_mid_data}
    began = time.monotonic()
    if failure == "refuses":
        failed = alert(due, tle, f"smtp://127.0.0.1:{free_port()}", timeout="2")
    else:
        with raw_smtp(scripts[failure]) as port:
            failed = alert(due, tle, f"smtp://127.0.0.1:{port}", timeout="2")
    assert time.monotonic() - began < 15
    assert failed.code == 5, failed.err
    assert "the next run tries again" in failed.err
    with smtp_server() as (port, box):
        url = f"smtp://127.0.0.1:{port}"
        again = alert(due + STEP, tle, url)
        assert again.code == 0, again.err
        assert sorted(m["To"] for m in box.messages) == sorted(READERS)
        third = alert(due + 2 * STEP, tle, url)
        assert third.code == 1, third.err
    assert len(box.messages) == len(READERS)


def test_email_needs_a_server_and_a_good_address(tmp_path: Path) -> None:
    tle = reference_file(tmp_path, 18)
    args = ["alert", "--lat", AMSTERDAM[0], "--lon", AMSTERDAM[1], "--before", "1h", "--tle-file", str(tle)]
    no_server = run_in_process([*args, "--email", "a@example.org"], {"ISSTRACK_AT": iso(START)})
    assert no_server.code == 2 and "ISSTRACK_SMTP_URL" in no_server.err
    env = {"ISSTRACK_AT": iso(START), "ISSTRACK_SMTP_URL": "smtp://127.0.0.1:9"}
    bad = run_in_process([*args, "--email", "not an address"], env)
    assert bad.code == 2 and "not an e-mail address" in bad.err


def test_the_server_may_come_from_config_toml(tmp_path: Path, isolated_env: dict[str, str]) -> None:
    tle = reference_file(tmp_path, 18)
    item = visible_passes(tle, START, 3)[0]
    config = Path(isolated_env["ISSTRACK_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    with smtp_server() as (port, box):
        (config / "config.toml").write_text(f'[smtp]\nurl = "smtp://127.0.0.1:{port}?from=iss@example.org"\n')
        result = alert(parse_iso(item["visible_start"]["time"]) - timedelta(minutes=10), tle, "")
    assert result.code == 0, result.err
    assert len(box.messages) == len(READERS)
