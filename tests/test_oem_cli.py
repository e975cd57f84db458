"""--ephemeris through the installed CLI: the source stated, the OEM used after the burn, burn-aware trust."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tests.oem_tools import OEM_FILE
from tests.test_oem_passes import MIN_ELEVATION_DEG, _altitude, _bisect

AMSTERDAM = ["--lat", "52.37", "--lon", "4.90"]
PRE_BURN_EPOCH = "2026-09-24T03:24"  # the bundled data/iss.tle
OEM = ["--ephemeris", str(OEM_FILE)]


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_passes_json_names_the_oem_and_its_times_match_the_reference(cli: Any) -> None:
    """The day after the 25 September burn the OEM answers, within 1 s of the test's own interpolation."""
    args = ("passes", *AMSTERDAM, "--from", "2026-09-26T07:00Z", "--days", "1", "--all", "--json")
    with_oem = cli(*args, *OEM)
    assert with_oem.code == 0, with_oem.err
    data = with_oem.json()
    assert data["elements"]["source"] == "oem"
    assert data["elements"]["ephemeris"]["created"] == "2026-09-21T00:00:00Z"
    assert data["elements"]["epoch"].startswith(PRE_BURN_EPOCH)
    tle_only = cli(*args, "--offline").json()
    assert tle_only["elements"]["source"] == "bundled" and "ephemeris" not in tle_only["elements"]
    first = data["passes"][0]  # 2026-09-26 ~07:50 UTC, inside a run of NASA's states
    rise = _utc(first["rise"]["time"])
    reference = _bisect(52.37, 4.90, rise - timedelta(seconds=30), rise + timedelta(seconds=30))
    assert abs((reference - rise).total_seconds()) <= 1.0  # times are printed to the second
    assert _altitude(rise - timedelta(seconds=10), 52.37, 4.90) < MIN_ELEVATION_DEG
    # The pre-burn elements place the same pass seconds away (the burn they do not know).
    old_rise = _utc(tle_only["passes"][0]["rise"]["time"])
    assert abs((old_rise - reference).total_seconds()) > 5.0


def test_table_title_states_the_oem(cli: Any) -> None:
    result = cli("passes", *AMSTERDAM, "--from", "2026-09-25T17:00Z", "--days", "2", "--all", *OEM)
    assert result.code == 0, result.err
    assert "NASA OEM created 2026-09-21 00:00 UTC" in result.out
    plain = cli("passes", *AMSTERDAM, "--from", "2026-09-25T17:00Z", "--days", "2", "--all", "--offline")
    assert "NASA OEM" not in plain.out and "elements 37.6 hours old" in plain.out


def test_next_after_the_burn_without_oem_states_is_untrusted_whatever_the_age(cli: Any) -> None:
    """2026-09-26 16:00: the OEM has a hole there, the elements (2.5 days old) precede the burn: exit 3."""
    args = ("next", *AMSTERDAM, "--at", "2026-09-26T16:00Z", "--all")
    refused = cli(*args, *OEM)
    assert refused.code == 3, refused.err
    assert refused.out == ""
    assert "after the burn of 2026-09-25 16:08 UTC" in refused.err
    assert cli(*args, "--offline").code == 0  # age alone trusts them: what the OEM corrects


def test_next_inside_the_oem_after_the_burn_is_trusted(cli: Any) -> None:
    result = cli("next", *AMSTERDAM, "--at", "2026-09-26T07:00Z", "--all", "--json", *OEM)
    assert result.code == 0, result.err
    assert result.json()["elements"]["source"] == "oem"


def test_alert_after_the_burn_without_oem_states_exits_3(cli: Any) -> None:
    """A visible pass at 19:22 UTC on 26 September, in a hole of the OEM, from pre-burn elements."""
    args = ("alert", *AMSTERDAM, "--at", "2026-09-26T19:00Z", "--before", "2h", "--print", "--dry-run")
    refused = cli(*args, *OEM)
    assert refused.code == 3, refused.err
    assert refused.out == "" and "after the burn" in refused.err
    assert cli(*args, "--offline").code == 0  # by age alone it would have been announced


def test_a_damaged_ephemeris_is_one_line_and_exit_2(cli: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(OEM_FILE.read_text()[:5000].replace("EME2000", "ITRF"))
    result = cli("passes", *AMSTERDAM, "--from", "2026-09-26T07:00Z", "--ephemeris", str(bad))
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1 and "--ephemeris" in result.err
    assert "Traceback" not in result.err


def test_time_uncertainty_follows_the_source_and_the_burn(cli: Any) -> None:
    """The issue's measured errors: pre-burn elements are 274 km (36 s) off a day after the burn."""
    args = ("passes", *AMSTERDAM, "--from", "2026-09-26T07:00Z", "--days", "1", "--all", "--json")
    passes = cli(*args, *OEM).json()["passes"]
    inside = [p for p in passes if _utc(p["rise"]["time"]).hour < 15]  # NASA's states run to 15:22
    hole = [p for p in passes if 16 <= _utc(p["rise"]["time"]).hour < 24]  # no states until 00:34
    assert inside and hole
    assert all(p["time_uncertainty_s"] < 5 for p in inside)
    assert all(25 <= p["time_uncertainty_s"] <= 60 for p in hole)
    fresh = cli(
        "passes", *AMSTERDAM, "--from", "2026-09-24T12:00Z", "--days", "1", "--all", "--json", "--offline"
    )
    assert all(p["time_uncertainty_s"] < 0.5 for p in fresh.json()["passes"])  # 1.6 km under a day


def test_the_table_shows_the_uncertainty_only_with_the_oem_or_over_a_second(cli: Any) -> None:
    args = ("passes", *AMSTERDAM, "--from", "2026-09-24T12:00Z", "--days", "1", "--all")
    with_oem = cli(*args, *OEM, env={"COLUMNS": "120", "NO_COLOR": "1"})
    header = next(line for line in with_oem.out.splitlines() if line.startswith("date"))
    assert header.rstrip().endswith("±")
    plain = cli(*args, "--offline", env={"COLUMNS": "120", "NO_COLOR": "1"})
    assert "±" not in plain.out


def test_a_planned_burn_whose_time_has_passed_is_not_confirmed(cli: Any, tmp_path: Path) -> None:
    """The OEM of 21 September plans the 25 September burn; the pre-burn elements cannot confirm it."""
    args = ("next", *AMSTERDAM, "--at", "2026-09-26T07:00Z", "--all", "--json")
    result = cli(*args, *OEM)
    assert result.code == 0, result.err
    assert "planned, not confirmed" in result.err
    (burn,) = result.json()["elements"]["ephemeris"]["burns"]
    assert burn["time"] == "2026-09-25T16:08:00Z" and burn["status"] == "planned, not confirmed"
    assert 0.9 < burn["delta_v_m_s"] < 1.3  # the reference README: about 1.1 m/s
    # Elements from after the burn confirm it (an edited epoch: 2026-09-27 00:00, day 270).
    from tests.tle_tools import newest, with_checksum

    name, line1, line2 = newest()
    later = tmp_path / "later.tle"
    later.write_text(
        "\n".join([name, with_checksum(line1[:18] + "26270.00000000" + line1[32:68]), line2]) + "\n"
    )
    confirmed = cli(*args, *OEM, "--tle-file", str(later))
    assert confirmed.code == 0, confirmed.err
    assert "not confirmed" not in confirmed.err
    assert confirmed.json()["elements"]["source"] == "file"  # newer than the burn the OEM only planned


def test_the_ephemeris_is_the_iss_alone(cli: Any) -> None:
    result = cli("passes", *AMSTERDAM, "--from", "2026-09-26T07:00Z", "--sat", "25544", *OEM)
    assert result.code == 2
    assert "--ephemeris" in result.err and "--sat" in result.err and len(result.err.strip().splitlines()) == 1


def test_the_cached_trajectory_is_used_without_ephemeris(cli: Any, isolated_env: dict[str, str]) -> None:
    """A trajectory in the cache (as a download leaves it) answers like --ephemeris, offline too."""
    cache = Path(isolated_env["ISSTRACK_CACHE_DIR"])
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "iss-oem.txt").write_bytes(OEM_FILE.read_bytes())
    args = ("passes", *AMSTERDAM, "--from", "2026-09-26T07:00Z", "--days", "1", "--all", "--json")
    cached = cli(*args, "--offline")
    assert cached.code == 0, cached.err
    assert cached.json()["elements"]["source"] == "oem"
    assert cached.json()["passes"] == cli(*args, *OEM).json()["passes"]
    refused = cli("next", *AMSTERDAM, "--at", "2026-09-26T16:00Z", "--all", "--offline")
    assert refused.code == 3 and "after the burn of 2026-09-25 16:08 UTC" in refused.err
    # A file of elements named by the user is an explicit choice: the cache is not consulted then.
    assert "NASA OEM" not in cli("passes", *AMSTERDAM, "--from", "2026-09-26T07:00Z", "--tle-file",
                                 str(Path(__file__).parent / "iss-tle-history.tle")).out  # fmt: skip
