"""Pass search against an independent PyEphem scan, and its edge cases."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from isstrack.elements.tle import parse_elements
from isstrack.sky.orbit import Observer, Orbit
from isstrack.sky.passes import find_passes
from isstrack.sky.visibility import magnitude
from tests.independent import ephem_body, ephem_passes
from tests.tle_tools import newest, text

NAME, LINE1, LINE2 = newest()
ELEMENTS = parse_elements(text(newest()), 25544)
START = datetime(2026, 9, 24, 6, 0, tzinfo=timezone.utc)
END = START + timedelta(days=10)
OBSERVERS = {
    "mid-latitude Amsterdam": (52.37, 4.89),
    "51.6 N, where passes graze": (51.6, -0.1),
    "southern Sydney": (-33.87, 151.21),
}
# A pass whose peak is this close to the threshold may exist in one model and not the other.
GRAZE_TOLERANCE_DEG = 0.05


@pytest.mark.parametrize("threshold", [0.0, 10.0])
@pytest.mark.parametrize("who", list(OBSERVERS))
def test_rise_culmination_set_within_2_s_of_pyephem(who: str, threshold: float) -> None:
    lat, lon = OBSERVERS[who]
    ours = find_passes(Orbit(ELEMENTS), Observer(lat, lon), START, END, threshold).passes
    theirs = ephem_passes(ephem_body(NAME, LINE1, LINE2), lat, lon, START, END, threshold)
    ours = [p for p in ours if p.rise.time >= START and p.set.time <= END]
    clear_ours = [p for p in ours if p.culmination.elevation_deg > threshold + GRAZE_TOLERANCE_DEG]
    clear_theirs = [p for p in theirs if p[3] > threshold + GRAZE_TOLERANCE_DEG]
    assert len(clear_ours) == len(clear_theirs) > 20
    for mine, (rise, top, set_, height) in zip(clear_ours, clear_theirs, strict=True):
        assert abs((mine.rise.time - rise).total_seconds()) < 2
        assert abs((mine.culmination.time - top).total_seconds()) < 2
        assert abs((mine.set.time - set_).total_seconds()) < 2
        assert abs(mine.culmination.elevation_deg - height) < 0.1
        assert abs(mine.rise.elevation_deg - threshold) < 0.1


def test_a_grazing_pass_is_one_short_pass() -> None:
    lat, lon = OBSERVERS["51.6 N, where passes graze"]
    passes = find_passes(Orbit(ELEMENTS), Observer(lat, lon), START, END, 0.0).passes
    grazing = [p for p in passes if p.culmination.elevation_deg < 1.0]
    assert grazing, "the reference week has grazing passes at 51.6 N"
    for p in grazing:
        assert p.rise.time < p.culmination.time < p.set.time
        assert p.duration_s < 180


def test_pass_in_progress_at_start_keeps_its_true_rise() -> None:
    observer = Observer(*OBSERVERS["mid-latitude Amsterdam"])
    full = find_passes(Orbit(ELEMENTS), observer, START, END, 10.0).passes[3]
    later = find_passes(Orbit(ELEMENTS), observer, full.culmination.time, END, 10.0).passes
    first = later[0]
    assert first.in_progress
    assert abs((first.rise.time - full.rise.time).total_seconds()) < 1
    assert abs((first.set.time - full.set.time).total_seconds()) < 1
    assert not full.in_progress


def test_window_ending_mid_pass_keeps_its_true_set() -> None:
    observer = Observer(*OBSERVERS["mid-latitude Amsterdam"])
    full = find_passes(Orbit(ELEMENTS), observer, START, END, 10.0).passes[2]
    cut = find_passes(Orbit(ELEMENTS), observer, START, full.culmination.time, 10.0).passes
    last = cut[-1]
    assert abs((last.set.time - full.set.time).total_seconds()) < 1
    assert last.set.time > full.culmination.time


def test_visible_segment_obeys_the_three_rules_to_a_second() -> None:
    orbit = Orbit(ELEMENTS)
    observer = Observer(*OBSERVERS["mid-latitude Amsterdam"])
    visible = [p for p in find_passes(orbit, observer, START, END, 10.0).passes if p.visible]
    assert visible
    for p in visible:
        assert p.visible_start and p.visible_end
        inside = p.visible_start.time + (p.visible_end.time - p.visible_start.time) / 2
        assert orbit.look(inside, observer, 10.0).visible
        if p.fades_into_shadow:
            assert orbit.state(p.visible_end.time - timedelta(seconds=1)).sunlit
            assert not orbit.state(p.visible_end.time + timedelta(seconds=1)).sunlit
        if p.visible_end.time < p.set.time - timedelta(seconds=1):
            assert not orbit.look(p.visible_end.time + timedelta(seconds=1), observer, 10.0).visible


def test_magnitude_matches_the_worked_values() -> None:
    # The vectorised function the pass engine uses (sky.visibility), fed arrays as the engine does.
    ranges_km, phases_rad = np.array([1000.0, 485.0]), np.radians([90.0, 113.1])
    assert magnitude(ranges_km, phases_rad, -1.8).tolist() == pytest.approx([-1.8, -2.53], abs=0.01)
    assert float(magnitude(ranges_km, phases_rad, -1.8)[0]) == pytest.approx(-1.8, abs=1e-9)
    assert float(magnitude(np.array([1000.0]), np.radians([90.0]), -1.3)[0]) == pytest.approx(-1.3, abs=1e-9)


def test_polar_day_means_no_dark_sky() -> None:
    june = datetime(2026, 6, 18, tzinfo=timezone.utc)
    # Tampere, 61.5 N: at the June solstice the Sun gets no lower than about 61.5 + 23.44 - 90 = -5.1°.
    search = find_passes(Orbit(ELEMENTS), Observer(61.5, 23.76), june, june + timedelta(days=3), 10.0)
    assert not search.sky_gets_dark
    assert not any(p.visible for p in search.passes)
    assert search.passes, "the station still passes over, in daylight"
