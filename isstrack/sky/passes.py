"""Find the station's passes over a place, their visible segments and their brightness.

The types (`Pass`, `PassPoint`, `PassSearch`) are defined in `isstrack.sky.passtypes`, below the
engine that builds them, and offered here too.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from isstrack.sky.passtypes import DEFAULT_STD_MAGNITUDE as DEFAULT_STD_MAGNITUDE
from isstrack.sky.passtypes import Pass as Pass
from isstrack.sky.passtypes import PassKind as PassKind
from isstrack.sky.passtypes import PassPoint as PassPoint
from isstrack.sky.passtypes import PassSearch as PassSearch

if TYPE_CHECKING:
    from isstrack.sky.orbit import Observer, Orbit


def find_passes(
    orbit: Orbit,
    observer: Observer,
    start: datetime,
    end: datetime,
    min_elevation_deg: float,
    std_magnitude: float = DEFAULT_STD_MAGNITUDE,
) -> PassSearch:
    """Return every pass over `observer` above `min_elevation_deg` that is up at any time in [start, end).

    A pass already up at `start` keeps its true rise (marked in progress); a pass still up at `end`
    keeps its true set. This is the pass engine (`isstrack.sky.engine`) for one observer.
    """
    # Here, not at the top: the commands read DEFAULT_STD_MAGNITUDE from this module at start-up,
    # and the engine loads numpy and the track.
    from isstrack.sky.engine import find_passes_many

    return find_passes_many(orbit, [observer], start, end, min_elevation_deg, std_magnitude)[0]
