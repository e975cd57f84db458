"""`isstrack now`'s physics against independent computations (tolerances in km and degrees)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import pytest

from isstrack.elements.tle import parse_elements
from isstrack.sky.orbit import Observer, Orbit
from tests.independent import (
    ecef_km,
    ephem_altaz,
    ephem_body,
    ephem_eclipsed,
    geodetic,
    look_angles,
)
from tests.tle_tools import history_sets, text

SETS = history_sets()
CASES = [(i, hours) for i in (0, 6, 12, 19) for hours in (0.0, 7.3, 26.9, 71.1)]


def _angle_diff(a: float, b: float) -> float:
    return abs((a - b + 180) % 360 - 180)


@pytest.mark.parametrize(("index", "hours"), CASES)
def test_subpoint_and_height_agree_with_direct_sgp4_within_1_km(index: int, hours: float) -> None:
    _, line1, line2 = SETS[index]
    elements = parse_elements(text(SETS[index]), 25544)
    moment = elements.epoch + timedelta(hours=hours)
    state = Orbit(elements).state(moment)
    lat, lon, height = geodetic(ecef_km(line1, line2, moment))
    km_per_deg = 111.2
    north_km = (state.latitude_deg - lat) * km_per_deg
    east_km = _angle_diff(state.longitude_deg, lon) * km_per_deg * math.cos(math.radians(lat))
    assert math.hypot(north_km, east_km) < 1.0
    assert abs(state.altitude_km - height) < 1.0
    assert 390 < state.altitude_km < 450  # height above the ellipsoid varies with latitude
    assert 7.6 < state.speed_km_s < 7.7  # about 27,600 km/h inertial


@pytest.mark.parametrize(
    ("lat", "lon"), [(52.37, 4.89), (51.6, -0.1), (-33.87, 151.21), (40.71, -74.01), (0.0, -150.0)]
)
def test_look_angles_agree_with_independent_geometry_and_pyephem(lat: float, lon: float) -> None:
    name, line1, line2 = SETS[-1]
    elements = parse_elements(text(SETS[-1]), 25544)
    orbit = Orbit(elements)
    body = ephem_body(name, line1, line2)
    checked = 0
    for minutes in range(0, 3 * 24 * 60, 7):
        moment = elements.epoch + timedelta(minutes=minutes)
        az, el, rng = look_angles(line1, line2, moment, lat, lon)
        if el < 0:  # only where the station is up: that is what users look at
            continue
        look = orbit.look(moment, Observer(lat, lon), 10.0)
        assert abs(look.elevation_deg - el) < 0.1
        assert _angle_diff(look.azimuth_deg, az) < 0.1 / max(0.05, math.cos(math.radians(el)))
        assert abs(look.range_km - rng) < 1.0
        e_az, e_el = ephem_altaz(body, lat, lon, moment)
        assert abs(look.elevation_deg - e_el) < 0.1
        assert _angle_diff(look.azimuth_deg, e_az) < 0.1 / max(0.05, math.cos(math.radians(el)))
        checked += 1
    assert checked > 10


def test_sunlit_agrees_with_pyephem_on_both_sides_of_every_shadow_crossing() -> None:
    name, line1, line2 = SETS[-1]
    elements = parse_elements(text(SETS[-1]), 25544)
    orbit = Orbit(elements)
    body = ephem_body(name, line1, line2)
    start = elements.epoch
    previous = orbit.state(start).sunlit
    crossings = 0
    for seconds in range(30, 6 * 3600, 30):
        moment = start + timedelta(seconds=seconds)
        now = orbit.state(moment).sunlit
        if now != previous:
            crossings += 1
            # Refine isstrack's crossing to a second, then look 20 s either side with PyEphem.
            lo, hi = moment - timedelta(seconds=30), moment
            while (hi - lo).total_seconds() > 1:
                mid = lo + (hi - lo) / 2
                if orbit.state(mid).sunlit == previous:
                    lo = mid
                else:
                    hi = mid
            assert ephem_eclipsed(body, lo - timedelta(seconds=20)) == (not previous)
            assert ephem_eclipsed(body, hi + timedelta(seconds=20)) == previous
        previous = now
    assert crossings >= 6  # about four orbits: an entry and an exit each


def test_footprint_matches_the_spherical_formula() -> None:
    from isstrack.sky.earth import footprint_diameter_km

    # 420 km up: half-angle acos(6371/6791) = 20.256 degrees = 0.35354 rad; 2 * 6371 * 0.35354 = 4,505 km.
    assert abs(footprint_diameter_km(420.0) - 4505) < 2


def test_revolution_number_counts_up_by_one_per_orbit() -> None:
    elements = parse_elements(text(SETS[-1]), 25544)
    orbit = Orbit(elements)
    period = timedelta(days=1 / elements.mean_motion_rev_per_day)
    base = elements.epoch + timedelta(hours=3)
    assert orbit.revolution(base + period) - orbit.revolution(base) == 1
    # The next reference set states its own revolution number at its epoch.
    later = parse_elements(text(SETS[-2]), 25544)
    older_orbit = Orbit(later)
    assert abs(older_orbit.revolution(elements.epoch) - elements.revolution_number_at_epoch) <= 1


def test_times_outside_the_bundled_ephemeris_are_bad_input() -> None:
    from isstrack.errors import TimeInputError

    orbit = Orbit(parse_elements(text(SETS[-1]), 25544))
    with pytest.raises(TimeInputError, match="2000-01-02 to 2049-12-30"):
        orbit.state(datetime(2051, 1, 1, tzinfo=timezone.utc))
