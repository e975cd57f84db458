"""Land or sea at any point, from the bundled 0.25° country grid (and a coarse Antarctic coast)."""

from __future__ import annotations

from typing import Any

from isstrack.place.gazetteer import _country_grid

ANTARCTIC_LIMIT_DEG = -60.0
# The country grid comes from time-zone boundaries, which cut Antarctica into wedges reaching out
# to sea; south of 60° S the coast (ice-shelf fronts included) is this latitude by longitude.
ANTARCTIC_COAST = (
    (-180, -78.0),
    (-165, -78.3),
    (-158, -78.0),
    (-150, -76.5),
    (-135, -74.5),
    (-120, -73.8),
    (-105, -74.3),
    (-100, -72.5),
    (-90, -73.0),
    (-80, -73.0),
    (-75, -71.5),
    (-68, -67.5),
    (-62, -64.5),
    (-57, -63.2),
    (-53, -66.0),
    (-50, -76.0),
    (-45, -77.5),
    (-30, -76.0),
    (-20, -73.0),
    (-10, -71.0),
    (0, -70.0),
    (15, -70.0),
    (30, -69.5),
    (45, -67.5),
    (60, -67.5),
    (70, -69.0),
    (80, -67.0),
    (90, -66.5),
    (105, -66.0),
    (120, -66.5),
    (135, -66.5),
    (150, -68.5),
    (160, -70.5),
    (168, -71.5),
    (172, -76.0),
    (180, -78.0),
)


def land_at(latitudes_deg: Any, longitudes_deg: Any) -> Any:
    """Return whether each (latitude row, longitude column) of a grid is land (or territorial water)."""
    import numpy as np

    grid, _, step, _ = _country_grid()
    lat = np.asarray(latitudes_deg, dtype=float)
    lon = (np.asarray(longitudes_deg, dtype=float) + 180.0) % 360.0 - 180.0
    rows = np.clip(((90.0 - lat) / step).astype(int), 0, grid.shape[0] - 1)
    cols = np.clip(((lon + 180.0) / step).astype(int), 0, grid.shape[1] - 1)
    land = grid[rows[:, None], cols[None, :]] != 0
    south = lat < ANTARCTIC_LIMIT_DEG
    if south.any():
        coast_lon, coast_lat = zip(*ANTARCTIC_COAST, strict=True)
        coast = np.interp(lon, coast_lon, coast_lat)
        land[south, :] = lat[south][:, None] <= coast[None, :]
    return land
