"""Bright stars and planets in the observer's sky, checked against PyEphem (independent code and data)."""

from __future__ import annotations

import math
from datetime import datetime, timezone

import ephem
import pytest

from isstrack.sky.landmarks import PLANETS, Landmark, landmarks, nearby_phrase, separation_deg
from isstrack.sky.orbit import Observer

PLACES = [(52.37, 4.90, 0.0), (-33.87, 151.21, 50.0), (64.14, -21.94, 20.0)]
TIMES = [datetime(2026, 12, 4, 18, 0, tzinfo=timezone.utc), datetime(2041, 6, 21, 2, 30, tzinfo=timezone.utc)]


def _ephem_altaz(
    name: str, kind: str, place: tuple[float, float, float], at: datetime
) -> tuple[float, float]:
    o = ephem.Observer()
    o.lat, o.lon, o.elevation = str(place[0]), str(place[1]), place[2]
    o.date = at.replace(tzinfo=None)
    o.pressure = 0  # no refraction: isstrack gives geometric apparent positions
    body = getattr(ephem, name)() if kind == "planet" else ephem.star(name)
    body.compute(o)
    return math.degrees(body.az), math.degrees(body.alt)


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("at", TIMES)
def test_stars_and_planets_sit_where_pyephem_puts_them(
    place: tuple[float, float, float], at: datetime
) -> None:
    marks = landmarks(Observer(*place), at, min_elevation_deg=-90.0)
    checked = 0
    for m in marks:
        try:
            az, el = _ephem_altaz(m.name, m.kind, place, at)
        except KeyError:  # PyEphem's catalogue lacks a few names (Sargas)
            continue
        gap = separation_deg(m.azimuth_deg, m.elevation_deg, az, el)
        # Stars: catalogue positions without proper motion; planets: Standish's approximate elements.
        assert gap < (0.1 if m.kind == "star" else 0.25), (m.name, gap)
        checked += 1
    assert checked >= 55


def test_only_stars_above_the_limit_come_back_and_the_brightest_dozen_are_named() -> None:
    at, place = TIMES[0], Observer(52.37, 4.90, 0.0)
    everything = landmarks(place, at, min_elevation_deg=-90.0)
    up = landmarks(place, at, min_elevation_deg=10.0)
    assert {m.name for m in up} == {m.name for m in everything if m.elevation_deg >= 10.0}
    assert all(m.elevation_deg >= 10.0 for m in up)
    named_stars = {m.name for m in everything if m.kind == "star" and m.named}
    assert named_stars == {
        "Sirius", "Canopus", "Rigil Kentaurus", "Arcturus", "Vega", "Capella",
        "Rigel", "Procyon", "Achernar", "Betelgeuse", "Hadar", "Altair",
    }  # fmt: skip
    assert {m.name for m in everything if m.kind == "planet"} == set(PLANETS)
    assert [m.magnitude for m in up] == sorted(m.magnitude for m in up)


VEGA = Landmark("Vega", "star", 90.0, 40.0, 0.03, True)
DIM = Landmark("Sargas", "star", 91.0, 37.0, 1.87, False)


@pytest.mark.parametrize(
    ("az", "el", "phrase"),
    [
        (90.0, 37.0, "just below Vega"),
        (90.0, 48.0, "above Vega"),
        (94.0, 40.0, "just right of Vega"),
        (90.3, 40.2, "right by Vega"),
        (90.0, 60.0, None),
    ],
)
def test_phrase_names_the_nearest_named_landmark(az: float, el: float, phrase: str | None) -> None:
    assert nearby_phrase((VEGA, DIM), az, el) == phrase
