"""The passes of many satellites over one place: each pass with its satellite and standard magnitude."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from isstrack.elements.brightness import StdMagnitude
from isstrack.elements.tle import ElementSet
from isstrack.sky.passtypes import Pass


@dataclass(frozen=True)
class FleetPass:
    """One pass of one satellite."""

    elements: ElementSet
    std_magnitude: StdMagnitude
    passage: Pass

    @property
    def catalog_number(self) -> int:
        """Return the satellite's catalog number."""
        return self.elements.catalog_number


@dataclass(frozen=True)
class FleetSearch:
    """A fleet's passes over one place in [start, end), by first visible moment; what was left out."""

    start: datetime
    end: datetime
    min_elevation_deg: float
    passes: tuple[FleetPass, ...]
    skipped: tuple[tuple[ElementSet, str], ...]
