"""Find the station's passes over a place, their visible segments and their brightness."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from isstrack.sky.orbit import Observer, Orbit

DEFAULT_STD_MAGNITUDE = -1.8

PassKind = Literal["visible", "daylight", "shadow"]


@dataclass(frozen=True)
class PassPoint:
    """The station at one moment of a pass, as seen by the observer."""

    time: datetime
    azimuth_deg: float
    elevation_deg: float


@dataclass(frozen=True)
class Pass:
    """One pass above the minimum elevation, and the part of it the eye can see."""

    rise: PassPoint
    culmination: PassPoint
    set: PassPoint
    in_progress: bool
    kind: PassKind
    revolution: int
    visible_start: PassPoint | None = None
    visible_end: PassPoint | None = None
    visible_highest: PassPoint | None = None
    magnitude: float | None = None
    emerges_from_shadow: bool = False
    fades_into_shadow: bool = False

    @property
    def visible(self) -> bool:
        """Return whether any part of the pass can be seen."""
        return self.kind == "visible"

    @property
    def duration_s(self) -> float:
        """Return the seconds from rise to set."""
        return (self.set.time - self.rise.time).total_seconds()

    @property
    def visible_duration_s(self) -> float:
        """Return the seconds the pass can be seen (0 if not at all)."""
        if self.visible_start is None or self.visible_end is None:
            return 0.0
        return (self.visible_end.time - self.visible_start.time).total_seconds()


@dataclass(frozen=True)
class PassSearch:
    """The passes in a window and whether the sky got dark enough to see any."""

    start: datetime
    end: datetime
    min_elevation_deg: float
    passes: tuple[Pass, ...]
    sky_gets_dark: bool


def magnitude(range_km: float, phase_angle_rad: float, std_magnitude: float = DEFAULT_STD_MAGNITUDE) -> float:
    """Return the apparent magnitude of a Lambertian sphere (Matson 2001) at a range and phase angle."""
    b = phase_angle_rad
    phase_term = math.sin(b) + (math.pi - b) * math.cos(b)
    if phase_term <= 0:
        return math.inf
    return std_magnitude + 5 * math.log10(range_km / 1000.0) - 2.5 * math.log10(phase_term)


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
    from isstrack.sky.engine import find_passes_many

    return find_passes_many(orbit, [observer], start, end, min_elevation_deg, std_magnitude)[0]
