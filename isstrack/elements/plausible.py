"""Decide whether an element set can plausibly be the station, and whether it reaches a given time."""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from isstrack import ISS_CATALOG_NUMBER
from isstrack.elements.tle import ElementSet
from isstrack.errors import NoElementsError, TleFormatError

# Element sets are fitted to past tracking, so their epochs lie in the past. Two days leaves room for
# a set dated ahead (a predicted one) and a clock that is off; a set further ahead would be used long
# before it is valid, and would pin the cache (an older epoch never replaces a newer cached one).
MAX_EPOCH_AHEAD = timedelta(days=2)
# Propagation is checked at the epoch and at whole days up to this far either side: the span in
# which isstrack still trusts a set (staleness.UNUSABLE_DAYS). A decayed set fails inside it.
PROPAGATION_CHECK_DAYS = 10


@dataclass(frozen=True)
class OrbitLimits:
    """The range of mean elements an object can have."""

    mean_motion_rev_per_day: tuple[float, float]
    inclination_deg: tuple[float, float]
    max_eccentricity: float


# Low Earth orbit: periods of about 85 to 128 minutes, not far from circular.
LOW_EARTH_ORBIT = OrbitLimits((11.25, 17.0), (0.0, 180.0), 0.25)
# Anything SGP4 can hold: periods from 82 minutes (a decaying object) to 20 days, any shape.
ANY_ORBIT = OrbitLimits((0.05, 17.5), (0.0, 180.0), 0.999)
# The stations and Hubble, kept at their inclinations; mean motion from their highest orbit to
# re-entry (16.4 rev/day is about 150 km up). The ISS: 51.6°, 15.4-15.8 rev/day over its life
# (330-420 km), eccentricity under 0.002. Tiangong: 41.5°, 15.5-15.7. Hubble: 28.5°, 15.0-15.3.
KNOWN_ORBITS = {
    25544: OrbitLimits((15.0, 16.4), (48.6, 54.6), 0.01),
    48274: OrbitLimits((15.0, 16.4), (38.5, 44.5), 0.01),
    20580: OrbitLimits((14.5, 16.4), (25.5, 31.5), 0.01),
}
# How far the elements of one object may move between two of its sets, per day apart and at least:
# decay near re-entry and orbit raising both change the mean motion by under 0.1 rev/day per day,
# planes are hardly ever changed, and eccentricity moves slowly except by manoeuvre.
DRIFT_PER_DAY = OrbitLimits((0.1, 0.2), (0.05, 0.5), 0.005)


def limits_for(elements: ElementSet, previous: ElementSet | None = None) -> OrbitLimits:
    """Return the bounds `elements` must keep: the object's own, else near its previous set, else physical.

    Objects with no known class and no previous set (a first download of a new number) get only
    the physical bounds; the propagation check still catches a decayed or damaged set.
    """
    known = KNOWN_ORBITS.get(elements.catalog_number)
    if known is not None:
        return known
    if previous is None or previous.catalog_number != elements.catalog_number:
        return ANY_ORBIT
    from sgp4.api import WGS72, Satrec

    satrec = Satrec.twoline2rv(previous.line1, previous.line2, WGS72)
    days = abs((elements.epoch - previous.epoch).total_seconds()) / 86400.0
    motion = satrec.no_kozai * 1440.0 / (2 * math.pi)
    inclination = math.degrees(satrec.inclo)
    per_day, least = DRIFT_PER_DAY.mean_motion_rev_per_day
    dn = max(least, per_day * days)
    per_day, least = DRIFT_PER_DAY.inclination_deg
    di = max(least, per_day * days)
    de = DRIFT_PER_DAY.max_eccentricity * max(1.0, days) + 0.01
    return OrbitLimits(
        (round(max(ANY_ORBIT.mean_motion_rev_per_day[0], motion - dn), 4), round(motion + dn, 4)),
        (round(max(0.0, inclination - di), 2), round(min(180.0, inclination + di), 2)),
        min(ANY_ORBIT.max_eccentricity, satrec.ecco + de),
    )


def check_plausible(elements: ElementSet, previous: ElementSet | None = None) -> None:
    """Raise TleFormatError if `elements` cannot be the object it names (orbit, epoch day, decay)."""
    from sgp4.api import WGS72, Satrec

    name = f"catalog number {elements.catalog_number}"
    if previous is not None and KNOWN_ORBITS.get(elements.catalog_number) is None:
        name += f" (its previous set, epoch {previous.epoch:%Y-%m-%d})"
    year = int(elements.line1[18:20])
    year += 2000 if year < 57 else 1900
    day = float(elements.line1[20:32])
    days_in_year = 366 if calendar.isleap(year) else 365
    if not 1.0 <= day < days_in_year + 1:
        raise TleFormatError(f"epoch day-of-year {day:g} does not exist in {year}")
    satrec = Satrec.twoline2rv(elements.line1, elements.line2, WGS72)
    limits = limits_for(elements, previous)
    mean_motion = satrec.no_kozai * 1440.0 / (2 * math.pi)
    inclination = math.degrees(satrec.inclo)
    low, high = limits.mean_motion_rev_per_day
    if not low <= mean_motion <= high:
        iss = elements.catalog_number == ISS_CATALOG_NUMBER
        why = "not a low Earth orbit like the station's" if iss else "not its orbit"
        raise TleFormatError(
            f"mean motion {mean_motion:.4f} rev/day is outside {low}-{high} for {name} ({why})"
        )
    low, high = limits.inclination_deg
    if not low <= inclination <= high:
        raise TleFormatError(f"inclination {inclination:.2f}° is outside {low}-{high}° for {name}")
    if satrec.ecco > limits.max_eccentricity:
        raise TleFormatError(f"eccentricity {satrec.ecco:.4f} is over {limits.max_eccentricity} for {name}")
    for offset_days in range(-PROPAGATION_CHECK_DAYS, PROPAGATION_CHECK_DAYS + 1):
        error = _propagate(satrec, satrec.jdsatepoch + offset_days, satrec.jdsatepochF)
        if error:
            raise TleFormatError(
                f"the orbit cannot be propagated {offset_days:+d} days from its epoch ({error}); "
                "the object has decayed or the set is damaged"
            )


def check_epoch_not_ahead(elements: ElementSet, now: datetime) -> None:
    """Raise TleFormatError if the epoch lies more than MAX_EPOCH_AHEAD after `now`."""
    if elements.epoch - now > MAX_EPOCH_AHEAD:
        ahead_days = (elements.epoch - now).total_seconds() / 86400
        raise TleFormatError(
            f"epoch {elements.epoch:%Y-%m-%d %H:%M} UTC is {ahead_days:.1f} days ahead of the clock "
            f"(more than {MAX_EPOCH_AHEAD.days} days is not a real set)"
        )


def require_propagates(elements: ElementSet, moment: datetime) -> None:
    """Raise NoElementsError if SGP4 cannot give a position for `moment` from `elements`."""
    from sgp4.api import WGS72, Satrec

    satrec = Satrec.twoline2rv(elements.line1, elements.line2, WGS72)
    days = elements.age_days(moment)
    whole = math.floor(days)
    error = _propagate(satrec, satrec.jdsatepoch + whole, satrec.jdsatepochF + (days - whole))
    if error:
        raise NoElementsError(
            f"the elements (epoch {elements.epoch:%Y-%m-%d %H:%M} UTC) cannot be propagated to "
            f"{moment:%Y-%m-%d %H:%M} UTC ({error}); use elements with an epoch nearer that time "
            "(--tle-file) or ask about a time nearer the epoch"
        )


_SGP4_ERRORS = {
    1: "mean eccentricity out of range",
    2: "mean motion below zero",
    3: "perturbed eccentricity out of range",
    4: "semi-latus rectum below zero",
    6: "the orbit has decayed",
}


def _propagate(satrec: Any, jd: float, fraction: float) -> str:
    error, position, velocity = satrec.sgp4(jd, fraction)
    if error:
        return f"SGP4 error {error}: {_SGP4_ERRORS.get(error, 'unknown')}"
    if not all(math.isfinite(v) for v in (*position, *velocity)):
        return "SGP4 gave no finite position"
    return ""
