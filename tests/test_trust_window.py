"""Issue 8 item 15, verifier's follow-up: trust counts at the pass announced, not only at the time asked."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.alert_helpers import iso, parse_iso, recording_server, reference_file
from tests.tle_tools import epoch_utc, history_sets

AMSTERDAM = ("--city", "Amsterdam, NL")
# The bundled set's epoch (data/iss.tle), written out here rather than read from the code under test.
BUNDLED_EPOCH = datetime(2026, 9, 24, 3, 24, 21, tzinfo=timezone.utc)
VERIFIER_AT = "2026-10-03T23:50Z"  # 9.85 days after the epoch: trusted now, not 22 days later


def _days(moment: datetime) -> float:
    return (moment - BUNDLED_EPOCH).total_seconds() / 86400.0


def test_verifier_next_pass_past_the_limit_exits_3_even_quiet(cli: Any) -> None:
    refused = cli("next", *AMSTERDAM, "--offline", "--at", VERIFIER_AT, "--quiet")
    assert refused.code == 3
    assert refused.out == ""
    assert refused.err.count("\n") == 1, "one line on stderr, even under --quiet"
    accepted = cli("next", *AMSTERDAM, "--offline", "--at", VERIFIER_AT, "--quiet", "--max-age", "30")
    assert accepted.code == 0, accepted.err
    assert accepted.out.startswith("Amsterdam, NL: Fri 16 Oct"), accepted.out
    document = cli(
        "next", *AMSTERDAM, "--offline", "--at", VERIFIER_AT, "-q", "--max-age", "30", "--json"
    ).json()
    start = parse_iso(document["pass"]["visible_start"]["time"])
    age_at_pass = _days(start)
    assert 21.5 < age_at_pass < 23, "the pass the verifier saw, 22 days after the epoch"
    assert document["elements"]["age_days"] == pytest.approx(_days(parse_iso(document["at"])), abs=0.002)
    assert document["elements"]["trusted"] is False, "untrusted at the pass it reports"
    # The refusal names that same pass and the elements' age at it.
    assert f"{start:%Y-%m-%d}" in refused.err
    assert f"{age_at_pass:.1f} days old" in refused.err
    assert "--max-age" in refused.err and "update" in refused.err


def test_verifier_next_json_and_format_refuse_too(cli: Any) -> None:
    for extra in (["--json"], ["--format", "{kind}"], ["--all"]):
        result = cli("next", *AMSTERDAM, "--offline", "--at", VERIFIER_AT, "-q", *extra)
        assert result.code == 3, (extra, result.out)
        assert result.out == ""


def test_within_exit_1_only_when_the_whole_span_is_trusted(cli: Any) -> None:
    # 23:50 + 1 h ends before the limit (2026-10-04 03:24): nothing there is a plain "no".
    inside = cli("next", *AMSTERDAM, "--offline", "--at", VERIFIER_AT, "-q", "--within", "1h")
    assert inside.code == 1 and inside.out == "" and inside.err == ""
    # + 6 h runs past it: an absence computed from untrusted elements is not a "no".
    across = cli("next", *AMSTERDAM, "--offline", "--at", VERIFIER_AT, "-q", "--within", "6h")
    assert across.code == 3 and across.err.count("\n") == 1
    assert "2026-10-04 at 03:24 UTC" in across.err and "--max-age" in across.err
    raised = cli(
        "next", *AMSTERDAM, "--offline", "--at", VERIFIER_AT, "-q", "--within", "6h", "--max-age", "11"
    )
    assert raised.code == 1, raised.err


def test_next_far_from_the_limit_is_unchanged(cli: Any) -> None:
    young = cli("next", *AMSTERDAM, "--offline", "-q", "--at", "2026-09-25T18:25:00Z", "--json")
    assert young.code == 0
    document = young.json()
    assert _days(parse_iso(document["pass"]["visible_start"]["time"])) < 10
    assert document["elements"]["trusted"] is True


@pytest.mark.parametrize(
    ("start", "days"),
    [
        (VERIFIER_AT, "14"),  # trusted at the start, 23.9 days old at the end
        ("2026-09-25T18:25:00Z", "2"),  # trusted throughout
        ("2026-09-30T00:00Z", "10"),  # crosses the limit
        ("2026-10-10T00:00Z", "1"),  # untrusted throughout
        ("2026-09-13T12:00Z", "2"),  # before the epoch, crossing back into trust
    ],
)
def test_passes_text_warning_and_json_trusted_agree(cli: Any, start: str, days: str) -> None:
    common = ("passes", *AMSTERDAM, "--offline", "-q", "--from", start, "--days", days)
    text = cli(*common)
    document = cli(*common, "--json").json()
    assert text.code == 0
    warned = "too old to trust" in text.out
    assert document["elements"]["trusted"] is (not warned), (start, days, warned)
    window = [parse_iso(document["window"][end]) for end in ("from", "to")]
    expected = max(abs(_days(moment)) for moment in window) < 10
    assert document["elements"]["trusted"] is expected


def test_alert_for_a_pass_past_the_limit_exits_3_and_sends_nothing(tmp_path: Path, cli: Any) -> None:
    tle = reference_file(tmp_path, 18)
    epoch = epoch_utc(history_sets()[18])
    place = ["--lat", "52.37403", "--lon", "4.88969"]
    listed = cli("passes", *place, "--from", "2026-09-22T12:00Z", "--days", "1", "--tle-file", str(tle),
                 "--json", "-q")  # fmt: skip
    first = listed.json()["passes"][0]
    visible_start = parse_iso(first["visible_start"]["time"])
    now = visible_start - timedelta(minutes=10)
    # A limit reached between now and the pass's visible start: trusted now, not when it is seen.
    limit_days = ((visible_start - timedelta(minutes=5)) - epoch).total_seconds() / 86400.0
    with recording_server() as (base, recorder):
        targets = ["--ntfy", f"{base}/ntfy/t", "--webhook", f"{base}/hook"]
        common = ["alert", *place, "--before", "15m", "--tle-file", str(tle), *targets, "-q"]
        env = {"ISSTRACK_AT": iso(now)}
        refused = cli(*common, "--max-age", f"{limit_days:.6f}", env=env)
        assert refused.code == 3, refused.err
        assert refused.out == "" and refused.err.count("\n") == 1
        assert f"{visible_start:%Y-%m-%d at %H:%M}" in refused.err and "--max-age" in refused.err
        assert recorder.requests == [], "no request for a pass seen at an untrusted age"
        # A limit past the visible start lets the same run send: the limit is what held it back.
        sent = cli(*common, "--max-age", f"{limit_days + 10 / 1440:.6f}", env=env)
        assert sent.code == 0, sent.err
        assert len(recorder.delivered("/ntfy/t")) == 1 and len(recorder.delivered("/hook")) == 1
        assert recorder.delivered("/hook")[0].json()["elements"]["trusted"] is True
