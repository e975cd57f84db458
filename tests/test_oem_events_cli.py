"""`isstrack events` and the one line `passes` and `next` print when a burn falls in their window."""

from __future__ import annotations

from typing import Any

from tests.oem_tools import OEM_FILE

OEM = ["--ephemeris", str(OEM_FILE)]
AMSTERDAM = ["--lat", "52.37", "--lon", "4.90"]


def test_events_json_lists_the_burn_with_its_delta_v_and_status(cli: Any) -> None:
    result = cli("events", *OEM, "--from", "2026-09-22T00:00Z", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["ephemeris"]["created"] == "2026-09-21T00:00:00Z"
    burns = [e for e in data["events"] if e["kind"] == "burn"]
    assert len(burns) == 1
    (burn,) = burns
    # The reference README: a burn from 16:08:00 to 16:26:31 UTC, about 1.1 m/s, about 2 km higher.
    assert burn["time"] == "2026-09-25T16:08:00Z" and burn["end"] == "2026-09-25T16:26:31Z"
    assert 0.9 < burn["delta_v_m_s"] < 1.3
    assert 1.0 < burn["delta_a_km"] < 3.0
    assert burn["origin"] == "detected"  # the reference states carry no event summary
    assert burn["status"] == "planned, not confirmed"
    assert burn["provisional_passes"] == []  # no place given


def test_events_text_gives_local_and_utc_times_and_the_provisional_passes(cli: Any) -> None:
    result = cli("events", *OEM, *AMSTERDAM, "--from", "2026-09-22T00:00Z")
    assert result.code == 0, result.err
    line = next(x for x in result.out.splitlines() if "reboost" in x)
    assert "Fri 25 Sep 18:08 (2026-09-25 16:08 UTC)" in line  # Amsterdam is UTC+2 in September
    assert "1.07 m/s" in line or "1.08 m/s" in line or "1.06 m/s" in line
    provisional = result.out.splitlines()[result.out.splitlines().index(line) + 1]
    assert "provisional until confirmed" in provisional and "Fri 25 Sep 20:32" in provisional


def test_events_after_the_burn_window_lists_none(cli: Any) -> None:
    result = cli("events", *OEM, "--from", "2026-09-29T00:00Z", "--days", "3")
    assert result.code == 0, result.err
    assert "reboost" not in result.out


def test_events_without_an_ephemeris_is_one_clear_line(cli: Any) -> None:
    result = cli("events")
    assert result.code == 2
    assert "--ephemeris FILE" in result.err and len(result.err.strip().splitlines()) == 1


def test_passes_and_next_say_when_a_burn_falls_in_their_window(cli: Any) -> None:
    table = cli(
        "passes", *AMSTERDAM, "--from", "2026-09-24T12:00Z", "--days", "3", *OEM, env={"COLUMNS": "200"}
    )
    assert table.code == 0, table.err
    assert sum("A reboost in this window: 2026-09-25 16:08 UTC" in x for x in table.out.splitlines()) == 1
    quiet = cli("passes", *AMSTERDAM, "--from", "2026-09-27T12:00Z", "--days", "2", *OEM)
    assert "reboost" not in quiet.out
    ahead = cli("next", *AMSTERDAM, "--at", "2026-09-25T12:00Z", *OEM)
    assert ahead.code == 0, ahead.err
    assert "A reboost in this window" in ahead.err and "reboost" not in ahead.out
    before = cli("next", *AMSTERDAM, "--at", "2026-09-24T12:00Z", *OEM)  # the pass comes before the burn
    assert "reboost" not in before.err
