"""Issue 8 item 15: elements too old to trust are refused by scripts and flagged in interactive output."""

from __future__ import annotations

from typing import Any

import pytest

from isstrack.elements.trust import UNUSABLE_DAYS, require_trusted
from isstrack.errors import NoElementsError, UntrustedElementsError

# The bundled set's epoch is 2026-09-24 03:24:21 UTC (data/iss.tle).
OLD = "2026-11-24T17:30:00Z"  # 61.6 days after the epoch
YOUNG = "2026-09-25T18:25:00Z"  # 1.6 days after
LATE = "2026-12-03T12:00:00Z"  # 70.4 days after; no visible Amsterdam pass for days
AMSTERDAM = ("--city", "Amsterdam, NL")


def test_require_trusted_threshold_is_inclusive_and_symmetric() -> None:
    require_trusted(UNUSABLE_DAYS - 0.001)
    require_trusted(-(UNUSABLE_DAYS - 0.001))
    for age in (UNUSABLE_DAYS, -UNUSABLE_DAYS, 61.0):
        with pytest.raises(UntrustedElementsError):
            require_trusted(age)
    require_trusted(61.0, max_age_days=100)
    with pytest.raises(UntrustedElementsError):
        require_trusted(5.0, max_age_days=5.0)
    assert issubclass(UntrustedElementsError, NoElementsError)


def test_next_refuses_old_elements_even_quiet(cli: Any) -> None:
    result = cli("next", *AMSTERDAM, "--offline", "--quiet", "--at", OLD)
    assert result.code == 3
    assert result.out == ""
    assert result.err.count("\n") == 1
    assert "61.6 days old" in result.err and "--max-age" in result.err


def test_next_refuses_in_json_and_format_too(cli: Any) -> None:
    assert cli("next", *AMSTERDAM, "--offline", "--json", "--at", OLD).code == 3
    assert cli("next", *AMSTERDAM, "--offline", "--format", "{kind}", "--at", OLD).code == 3


def test_next_refuses_elements_far_before_their_epoch(cli: Any) -> None:
    result = cli("next", *AMSTERDAM, "--offline", "-q", "--at", "2026-08-01T00:00Z")
    assert result.code == 3
    assert "before their epoch" in result.err


def test_max_age_raises_the_limit(cli: Any) -> None:
    result = cli("next", *AMSTERDAM, "--offline", "--quiet", "--max-age", "100", "--at", OLD)
    assert result.code == 0, result.err
    assert result.out.startswith("Amsterdam, NL: Tue 24 Nov 18:37 CET (in 7 min)")
    assert result.err == "", "--max-age accepts them on purpose: -q silences the age warning then"
    document = cli("next", *AMSTERDAM, "--offline", "-q", "--max-age", "100", "--json", "--at", OLD).json()
    assert document["elements"]["trusted"] is False, (
        "--max-age accepts them; it does not make them trustworthy"
    )
    assert document["pass"] is not None


def test_max_age_lowers_the_limit(cli: Any) -> None:
    assert cli("next", *AMSTERDAM, "--offline", "-q", "--max-age", "1", "--at", YOUNG).code == 3
    assert cli("next", *AMSTERDAM, "--offline", "-q", "--max-age", "2", "--at", YOUNG).code == 0


@pytest.mark.parametrize("value", ["0", "-5", "nan", "inf"])
def test_max_age_must_be_a_positive_number(cli: Any, value: str) -> None:
    result = cli("next", *AMSTERDAM, "--offline", "--max-age", value, "--at", YOUNG)
    assert result.code == 2
    assert "--max-age" in result.err
    assert result.err.count("\n") == 1


def test_json_trusted_field_in_every_command(cli: Any) -> None:
    for at, expected in ((OLD, False), (YOUNG, True)):
        now = cli("now", *AMSTERDAM, "--offline", "-q", "--json", "--at", at).json()
        assert now["elements"]["trusted"] is expected
        passes = cli("passes", *AMSTERDAM, "--offline", "-q", "--json", "--from", at, "--days", "1").json()
        assert passes["elements"]["trusted"] is expected
    young = cli("next", *AMSTERDAM, "--offline", "-q", "--json", "--at", YOUNG).json()
    assert young["elements"]["trusted"] is True
    tle = cli("tle", "--offline", "--json").json()  # the real clock: over 60 days after the epoch
    assert tle["elements"]["trusted"] is False


def test_now_text_says_untrusted_in_its_panel(cli: Any) -> None:
    old = cli("now", *AMSTERDAM, "--offline", "--quiet", "--at", OLD)
    assert old.code == 0
    assert "too old to trust" in old.out, "the warning is in the output itself, not only on stderr"
    assert old.err.count("\n") == 2 and "61.6 days old, too old to trust" in old.err  # and the remedy
    young = cli("now", *AMSTERDAM, "--offline", "--quiet", "--at", YOUNG)
    assert "too old to trust" not in young.out
    no_place = cli("now", "--offline", "--quiet", "--at", OLD)
    assert "too old to trust" in no_place.out


def test_passes_text_says_untrusted(cli: Any) -> None:
    old = cli("passes", *AMSTERDAM, "--offline", "--quiet", "--from", OLD, "--days", "2")
    assert old.code == 0
    assert "too old to trust" in old.out
    # A window that starts trusted but ends past the limit: the worse end counts.
    late = cli("passes", *AMSTERDAM, "--offline", "-q", "--from", "2026-09-30T00:00Z", "--days", "10")
    assert "too old to trust" in late.out
    young = cli("passes", *AMSTERDAM, "--offline", "--quiet", "--from", YOUNG, "--days", "2")
    assert "too old to trust" not in young.out


def test_next_max_age_hint_names_the_age_at_the_pass_in_one_step(cli: Any) -> None:
    """Issue 22 item 6: the suggested --max-age is accepted at once (no second refusal)."""
    refused = cli("next", *AMSTERDAM, "--offline", "-q", "--at", LATE)
    assert refused.code == 3
    suggested = refused.err.rsplit("--max-age ", 1)[1].split(")")[0]
    accepted = cli("next", *AMSTERDAM, "--offline", "-q", "--max-age", suggested, "--at", LATE)
    assert accepted.code == 0, accepted.err
