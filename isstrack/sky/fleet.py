"""Passes of many satellites over one place in one search: the pass engine run on a fleet track.

Every satellite is propagated at once (sgp4's SatrecArray) on the same grid a single-satellite search
uses, rotated to the Earth-fixed frame in one step, and the grids are laid end to end on one time
axis: satellite i's grid time t is i * stride + t. The engine (`isstrack.sky.engine`) then screens
and refines the whole fleet as it would one long track, so there is one screening matrix and one
root-finding batch for all satellites. The Sun and the shadow are looked up by the grid's local time; the
passes come back in fleet time, which says whose they are, and are moved back to real time.
Runs that straddle the seam between two satellites lie in the 30-minute margins outside the window
and are dropped, as are passes whose rise and set fall in different satellites' stretches.

Satellites are searched with the standard magnitude 0 and each one's own value is added afterwards
(the Lambertian magnitude is the standard magnitude plus a geometric term), so a satellite whose
standard magnitude is unknown keeps an unknown magnitude rather than a guessed one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np

from isstrack.elements.brightness import StdMagnitude
from isstrack.elements.tle import ElementSet
from isstrack.sky.engine import SEARCH_MARGIN, iter_passes_many
from isstrack.sky.fleettypes import FleetPass, FleetSearch
from isstrack.sky.orbit import Observer, Orbit
from isstrack.sky.passtypes import Pass, PassPoint
from isstrack.sky.track import DAY_S, GRID_STEP_S, Track

if TYPE_CHECKING:
    from isstrack.sky.track import Array

# Passes must fit in the engine's margins: low Earth orbit only (periods up to 128 minutes).
MIN_MEAN_MOTION_REV_PER_DAY = 11.25


class FleetTrack(Track):
    """The Earth-fixed states of many satellites on one grid each, laid end to end on one time axis."""

    def __init__(self, orbits: Sequence[Orbit], origin: datetime, span: timedelta) -> None:
        from sgp4.api import SatrecArray, jday

        self.orbit = orbits[0]
        self.orbits = list(orbits)
        self.origin = origin
        self.step_s = GRID_STEP_S
        count = max(2, math.ceil(span.total_seconds() / self.step_s) + 1)
        self.count = count
        self.stride_s = count * self.step_s
        local = np.arange(count, dtype=float) * self.step_s
        self._jd, self._fr = jday(
            origin.year,
            origin.month,
            origin.day,
            origin.hour,
            origin.minute,
            origin.second + origin.microsecond / 1e6,
        )
        self._dut1_days = float(self.orbit.ts.from_datetime(origin + span / 2).dut1) / DAY_S
        models = SatrecArray([orbit.satellite.model for orbit in orbits])
        error, r_teme, v_teme = models.sgp4(np.full(count, self._jd), self._fr + local / DAY_S)
        failed = np.any(error != 0, axis=1) | ~np.all(np.isfinite(r_teme), axis=(1, 2))
        self.failed = np.flatnonzero(failed).tolist()
        self.kept = np.flatnonzero(~failed).tolist()  # stretch i holds satellite kept[i]
        r_teme, v_teme = r_teme[~failed], v_teme[~failed]
        theta, self._omega = self._theta(np.zeros(1))
        self._theta_origin = float(theta[0])
        n = len(self.kept)
        self.times_s: Array = np.arange(n * count, dtype=float) * self.step_s
        self.position_km, self.velocity_km_s = self._to_itrs(
            np.tile(local, n), r_teme.reshape(-1, 3), v_teme.reshape(-1, 3)
        )
        self._sun_times_s, self._sun_teme_km = self._sun_in_teme(span)
        self.cache = {}
        self.sun_km = self.sun_itrs(self.times_s)

    def satellite_of(self, t_s: Array) -> np.ndarray:
        """Return which satellite's stretch each fleet time belongs to."""
        return np.asarray(t_s // self.stride_s, dtype=np.int64)

    def sun_itrs(self, t_s: Array) -> Array:
        """Return the Sun's Earth-fixed position at fleet times (the same real time in every stretch)."""
        return super().sun_itrs(np.asarray(t_s) % self.stride_s)

    def owner_and_shift(self, moment: datetime) -> tuple[int, timedelta]:
        """Return whose stretch a fleet moment lies in, and what to subtract to make it a real moment."""
        owner = int((moment - self.origin).total_seconds() // self.stride_s)
        return owner, timedelta(seconds=owner * self.stride_s)


def find_fleet_passes(
    element_sets: Sequence[ElementSet],
    std_magnitudes: Sequence[StdMagnitude],
    observer: Observer,
    start: datetime,
    end: datetime,
    min_elevation_deg: float,
    *,
    visible_only: bool = False,
) -> FleetSearch:
    """Return every pass (or visible pass) of the satellites over `observer` in [start, end), by time."""
    skipped: list[tuple[ElementSet, str]] = []
    chosen: list[tuple[ElementSet, StdMagnitude]] = []
    for elements, std in zip(element_sets, std_magnitudes, strict=True):
        if elements.mean_motion_rev_per_day < MIN_MEAN_MOTION_REV_PER_DAY:
            skipped.append((elements, "not in low Earth orbit: its passes last hours (use 'passes --sat')"))
        else:
            chosen.append((elements, std))
    found: list[FleetPass] = []
    if chosen:
        orbits = [Orbit(elements) for elements, _ in chosen]
        track = FleetTrack(orbits, start - SEARCH_MARGIN, end - start + 2 * SEARCH_MARGIN)
        for i in track.failed:
            skipped.append((chosen[i][0], "its elements cannot be propagated to then (decayed?)"))
        fleet_start = track.origin + timedelta(seconds=SEARCH_MARGIN.total_seconds())
        fleet_end = track.origin + timedelta(seconds=len(track.kept) * track.stride_s) - SEARCH_MARGIN
        searches = [] if not track.kept else list(iter_passes_many(
            orbits[0], [observer], fleet_start, fleet_end, min_elevation_deg, 0.0, track,
            visible_only=visible_only,
        ))  # fmt: skip
        for passage in (p for search in searches for p in search.passes):
            stretch, shift = track.owner_and_shift(passage.rise.time)
            if track.owner_and_shift(passage.set.time)[0] != stretch:
                continue  # a run across the seam between two satellites' stretches
            owner = track.kept[stretch]
            if not (passage.set.time - shift > start and passage.rise.time - shift < end):
                continue  # in the margins
            elements, std = chosen[owner]
            found.append(FleetPass(elements, std, _own(passage, shift, orbits[owner], std, start)))
    found.sort(key=lambda p: ((p.passage.visible_start or p.passage.rise).time, p.catalog_number))
    return FleetSearch(start, end, min_elevation_deg, tuple(found), tuple(skipped))


def _own(passage: Pass, shift: timedelta, orbit: Orbit, std: StdMagnitude, start: datetime) -> Pass:
    """Return the pass in real time, with its own revolution number, in-progress flag and magnitude."""

    def back(point: PassPoint | None) -> PassPoint | None:
        return None if point is None else replace(point, time=point.time - shift)

    rise, top, set_ = (
        replace(p, time=p.time - shift) for p in (passage.rise, passage.culmination, passage.set)
    )
    magnitude = passage.magnitude
    if magnitude is not None:
        magnitude = None if std.value is None else round(magnitude + std.value, 2)
    return replace(
        passage,
        rise=rise,
        culmination=top,
        set=set_,
        visible_start=back(passage.visible_start),
        visible_end=back(passage.visible_end),
        visible_highest=back(passage.visible_highest),
        in_progress=rise.time < start,
        revolution=orbit.revolution(top.time),
        magnitude=magnitude,
    )
