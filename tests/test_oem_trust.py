"""Burn-aware trust and source choice (isstrack.sky.source) across the 25 September 2026 reboost."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from isstrack.elements.oem import parse_oem
from isstrack.elements.tle import parse_elements
from isstrack.sky.source import burn_distrust, choose_ephemeris, orbit_for
from isstrack.sky.transits import Transit
from tests.oem_tools import NOW, oem_text
from tests.tle_tools import newest

OEM = parse_oem(oem_text().encode(), "ref", NOW)
PRE_BURN = parse_elements("\n".join(newest()))  # epoch 2026-09-24 03:24, 1.5 days before the burn
BURN = datetime(2026, 9, 25, 16, 8, tzinfo=timezone.utc)


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def test_pre_burn_elements_are_untrusted_after_the_burn_where_the_oem_has_no_states() -> None:
    blended = orbit_for(PRE_BURN, OEM)
    alone = orbit_for(PRE_BURN)
    assert PRE_BURN.epoch < BURN
    hole = _utc(2026, 9, 26, 18)  # NASA's states stop 15:22 and start again 00:34
    covered = _utc(2026, 9, 26, 8)
    before = _utc(2026, 9, 25, 12)
    found = burn_distrust(OEM, blended, PRE_BURN.epoch, hole)
    assert found is not None and abs((found.time - BURN).total_seconds()) < 60
    assert burn_distrust(OEM, blended, PRE_BURN.epoch, covered) is None  # the OEM answers there
    assert burn_distrust(OEM, blended, PRE_BURN.epoch, before) is None
    assert burn_distrust(OEM, alone, PRE_BURN.epoch, covered) is not None  # the elements answer
    assert burn_distrust(None, alone, PRE_BURN.epoch, hole) is None  # nothing says there was a burn
    # Age does not enter: elements a minute before the burn are as blind to it.
    fresh = replace(PRE_BURN, epoch=BURN - timedelta(minutes=1))
    assert burn_distrust(OEM, alone, fresh.epoch, hole) is not None
    assert burn_distrust(OEM, alone, BURN + timedelta(hours=1), hole) is None


def test_source_choice_prefers_the_oem_inside_its_span_and_the_elements_beyond() -> None:
    assert OEM.stop == _utc(2026, 10, 6, 7)
    assert choose_ephemeris(OEM, PRE_BURN, _utc(2026, 9, 26, 8))[0]
    chosen, why = choose_ephemeris(OEM, PRE_BURN, _utc(2026, 10, 6, 8))
    assert not chosen and "ends 2026-10-06 07:00 UTC" in why
    # Elements newer than the OEM and after the burn it only planned: they saw it happen.
    after = replace(PRE_BURN, epoch=_utc(2026, 9, 26, 12))
    chosen, why = choose_ephemeris(OEM, after, _utc(2026, 9, 27))
    assert not chosen and "only planned" in why


def test_a_transit_after_an_unseen_burn_is_rated_too_old_whatever_the_age() -> None:
    fields = {name: None for name in Transit.__dataclass_fields__}
    young = Transit(**{**fields, "elements_age_days": 1.5})  # type: ignore[arg-type]
    assert young.accuracy == "fair"  # the issue: "rates a 1.5-day-old set fair"
    assert replace(young, after_unseen_burn=True).accuracy == "too_old"
