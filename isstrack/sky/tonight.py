"""Where on Earth a visible pass happens soon: the pass engine run over a latitude x longitude grid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from isstrack.io.timetext import iso_z
from isstrack.sky.orbit import Observer, Orbit

DEFAULT_HOURS = 24.0
MAX_HOURS = 72.0


@dataclass(frozen=True)
class VisibilityGrid:
    """Cells whose centre sees a visible pass in [start, end); row 0 at 90° N, column 0 at 180° W."""

    start: datetime
    end: datetime
    min_elevation_deg: float
    visible: Any  # boolean numpy array, rows x columns

    @property
    def shape(self) -> tuple[int, int]:
        """Return (rows, columns)."""
        rows, columns = self.visible.shape
        return int(rows), int(columns)


def cell_centre(row: int, column: int, rows: int, columns: int) -> tuple[float, float]:
    """Return the (latitude_deg, longitude_deg) of a cell's centre on an equal-step global grid."""
    return 90.0 - (row + 0.5) * 180.0 / rows, -180.0 + (column + 0.5) * 360.0 / columns


def visibility_grid(
    orbit: Orbit, start: datetime, hours: float, rows: int, columns: int, min_elevation_deg: float
) -> VisibilityGrid:
    """Return whether a visible pass occurs within `hours` from each cell centre of a rows x columns grid."""
    import numpy as np

    # Here, not at the top: `map` reads MAX_HOURS on every run, the engine is needed only with --tonight.
    from isstrack.sky.engine import find_passes_many

    end = start + timedelta(hours=hours)
    observers = [Observer(*cell_centre(r, c, rows, columns)) for r in range(rows) for c in range(columns)]
    searches = find_passes_many(orbit, observers, start, end, min_elevation_deg)
    flags = [any(p.visible for p in search.passes) for search in searches]
    return VisibilityGrid(start, end, min_elevation_deg, np.array(flags, dtype=bool).reshape(rows, columns))


def legend(grid: VisibilityGrid, hours: float) -> str:
    """Return the legend text for the shading."""
    return f"a visible pass (≥{grid.min_elevation_deg:g}°) in the next {hours:g} h from here"


def grid_json(grid: VisibilityGrid, hours: float) -> dict[str, Any]:
    """Return the grid for --json: window, size and one string of 0/1 per row, north first."""
    rows, columns = grid.shape
    return {
        "from": iso_z(grid.start),
        "to": iso_z(grid.end),
        "hours": hours,
        "min_elevation_deg": grid.min_elevation_deg,
        "rows": rows,
        "columns": columns,
        "cells": "row 0 at 90° N, column 0 at 180° W, equal steps; 1 = a visible pass from the cell centre",
        "visible": ["".join("1" if v else "0" for v in row) for row in grid.visible],
    }
