"""One search for many satellites over one place gives the passes of one search per satellite."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from isstrack.elements.brightness import StdMagnitude, std_magnitude
from isstrack.elements.tle import ElementSet, parse_all
from isstrack.sky.engine import find_passes_many
from isstrack.sky.fleet import find_fleet_passes
from isstrack.sky.orbit import Observer, Orbit
from tests.test_omm import OCT, SEPT, STATIONS

START = datetime(2026, 9, 19, 16, tzinfo=timezone.utc)
END = START + timedelta(hours=12)
PLACES = {"Amsterdam": (52.37, 4.89), "Beijing": (39.90, 116.40), "Sydney": (-33.87, 151.21)}


def real_sets() -> list[ElementSet]:
    """Return the 44 real records of the shared set (the ISS three times, from three dates)."""
    return [s for path in (SEPT, STATIONS, OCT) for s in parse_all(path.read_text())]


def one_by_one(
    sets: list[ElementSet], stds: list[StdMagnitude], place: tuple[float, float], visible_only: bool
) -> list[tuple[int, datetime, datetime, float | None, str, int]]:
    """Return the passes of a separate single-satellite search for each low-orbit set."""
    found = []
    for elements, std in zip(sets, stds, strict=True):
        if elements.mean_motion_rev_per_day < 11.25 or elements.name == "CORAL":
            continue  # not low Earth orbit; CORAL (July set) has decayed by September
        search = find_passes_many(
            Orbit(elements), [Observer(*place)], START, END, 10.0, std.value or 0.0, visible_only=visible_only
        )[0]
        for p in search.passes:
            magnitude = None if std.value is None else p.magnitude
            found.append((elements.catalog_number, p.rise.time, p.set.time, magnitude, p.kind, p.revolution))
    return found


@pytest.mark.parametrize("visible_only", [False, True])
@pytest.mark.parametrize("place", list(PLACES))
def test_the_fleet_search_equals_one_search_per_satellite(place: str, visible_only: bool) -> None:
    sets = real_sets()
    stds = [std_magnitude(s.catalog_number, s.name) for s in sets]
    fleet = find_fleet_passes(
        sets, stds, Observer(*PLACES[place]), START, END, 10.0, visible_only=visible_only
    )
    ours = [
        (p.catalog_number, p.passage.rise.time, p.passage.set.time, p.passage.magnitude, p.passage.kind,
         p.passage.revolution)
        for p in fleet.passes
    ]  # fmt: skip
    theirs = one_by_one(sets, stds, PLACES[place], visible_only)
    ours.sort(key=lambda x: (x[1], x[0]))
    theirs.sort(key=lambda x: (x[1], x[0]))
    assert len(ours) == len(theirs) >= (1 if visible_only else 20)
    for mine, other in zip(ours, theirs, strict=True):
        assert mine[0] == other[0] and mine[4:] == other[4:]
        assert abs((mine[1] - other[1]).total_seconds()) < 0.5
        assert abs((mine[2] - other[2]).total_seconds()) < 0.5
        if other[3] is None:
            assert mine[3] is None
        else:
            assert mine[3] == pytest.approx(other[3], abs=0.011)
    skipped = {elements.name: why for elements, why in fleet.skipped}
    assert "decayed" in skipped["CORAL"] and "not in low Earth orbit" in skipped["GOES 19"]
    starts = [(p.passage.visible_start or p.passage.rise).time for p in fleet.passes]
    assert starts == sorted(starts)


def test_an_unknown_standard_magnitude_stays_unknown() -> None:
    sets = [s for s in parse_all(SEPT.read_text()) if s.catalog_number in (25544, 48274)]
    stds = [std_magnitude(s.catalog_number, s.name) for s in sets]
    evening = datetime(2026, 9, 19, 9, tzinfo=timezone.utc)  # 19:00 in Sydney
    fleet = find_fleet_passes(
        sets,
        stds,
        Observer(*PLACES["Sydney"]),
        evening,
        evening + timedelta(hours=12),
        10.0,
        visible_only=True,
    )
    kinds = {p.catalog_number: p.passage.magnitude for p in fleet.passes}
    assert 48274 in kinds and kinds[48274] is None
    assert all(p.passage.magnitude is not None for p in fleet.passes if p.catalog_number == 25544)
