"""What a pass is: its points, its visible part and brightness, and the result of a search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

DEFAULT_STD_MAGNITUDE = -1.8

PassKind = Literal["visible", "daylight", "shadow"]
# Why the visible part starts: the station rises, leaves Earth's shadow, or the sky gets dark (dusk).
StartReason = Literal["rise", "shadow", "dusk"]
# Why it ends: the station sets, enters Earth's shadow, or the sky gets too bright (dawn).
EndReason = Literal["set", "shadow", "dawn"]


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
    starts_at_dusk: bool = False  # the visible part begins as the Sun sinks to -6°
    ends_at_dawn: bool = False  # the visible part ends as the Sun climbs above -6°

    @property
    def visible(self) -> bool:
        """Return whether any part of the pass can be seen."""
        return self.kind == "visible"

    @property
    def visible_start_reason(self) -> StartReason | None:
        """Return why the visible part starts (None if the pass cannot be seen)."""
        if not self.visible:
            return None
        return "shadow" if self.emerges_from_shadow else "dusk" if self.starts_at_dusk else "rise"

    @property
    def visible_end_reason(self) -> EndReason | None:
        """Return why the visible part ends (None if the pass cannot be seen)."""
        if not self.visible:
            return None
        return "shadow" if self.fades_into_shadow else "dawn" if self.ends_at_dawn else "set"

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
