"""The world map's grid: projection to cells, braille dots, line rasterising, land and coast."""

from __future__ import annotations

import math
from functools import cache
from typing import Any

from isstrack.place.landmask import land_at
from isstrack.sky.arrays import ragged

DOT_WEIGHTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))  # braille dot bits, row by column
ARROWS = "↑↗→↘↓↙←↖"


def map_rows(columns: int) -> int:
    """Return the rows of a map `columns` wide: square degrees when a cell is twice as tall as wide."""
    return max(1, round(columns / 4))


def cell_of(latitude_deg: float, longitude_deg: float, columns: int, rows: int) -> tuple[int, int]:
    """Return the (row, column) of the cell that holds a point."""
    col = int((longitude_deg + 180.0) / 360.0 * columns) % columns
    row = min(rows - 1, max(0, int((90.0 - latitude_deg) / 180.0 * rows)))
    return row, col


def braille(ys: Any, xs: Any, rows: int, columns: int) -> Any:
    """Return the braille offset (0-255) of every cell with the dots at (ys, xs) set (dot units)."""
    import numpy as np

    codes = np.zeros((rows, columns), dtype=np.uint8)
    weights = np.array(DOT_WEIGHTS, dtype=np.uint8)
    np.bitwise_or.at(codes, (ys // 4, xs // 2), weights[ys % 4, xs % 2])
    return codes


def rasterise(segments: list[tuple[float, float, float, float]], width: int, height: int) -> Any:
    """Return (ys, xs, segment index) of the dots along each (lat0, lon0, lat1, lon1) segment."""
    import numpy as np

    if not segments:
        empty = np.zeros(0, dtype=int)
        return empty, empty, empty
    s = np.asarray(segments, dtype=float)
    x0, x1 = (s[:, 1] + 180.0) / 360.0 * width, (s[:, 3] + 180.0) / 360.0 * width
    y0, y1 = (90.0 - s[:, 0]) / 180.0 * height, (90.0 - s[:, 2]) / 180.0 * height
    steps = np.ceil(np.maximum(np.abs(x1 - x0), np.abs(y1 - y0))).astype(int) + 1
    index, step, _ = ragged(steps)
    t = step / np.maximum(steps[index] - 1, 1)
    xs = np.clip(np.floor(x0[index] + t * (x1 - x0)[index]), 0, width - 1).astype(int)
    ys = np.clip(np.floor(y0[index] + t * (y1 - y0)[index]), 0, height - 1).astype(int)
    return ys, xs, index


@cache
def _land_dots(width: int, height: int) -> Any:
    """Return the land mask sampled at every dot centre."""
    import numpy as np

    lat = 90.0 - (np.arange(height) + 0.5) * 180.0 / height
    lon = -180.0 + (np.arange(width) + 0.5) * 360.0 / width
    return land_at(lat, lon)


@cache
def _coast_and_land(columns: int, rows: int) -> tuple[Any, Any]:
    """Return (coast braille codes, land cells): coast dots are land dots with a sea neighbour."""
    import numpy as np

    land = _land_dots(2 * columns, 4 * rows)
    padded = np.pad(land, 1, mode="edge")
    padded[:, 0], padded[:, -1] = padded[:, -2], padded[:, 1]  # wrap east-west
    sea_near = ~padded[:-2, 1:-1] | ~padded[2:, 1:-1] | ~padded[1:-1, :-2] | ~padded[1:-1, 2:]
    ys, xs = np.nonzero(land & sea_near)
    land_cells = land.reshape(rows, 4, columns, 2).mean(axis=(1, 3)) >= 0.5
    return braille(ys, xs, rows, columns), land_cells


def sample_mask(mask: Any, rows: int, columns: int) -> Any:
    """Return a globe mask (see Overlay) sampled at the centres of a rows x columns grid."""
    import numpy as np

    mask = np.asarray(mask, dtype=bool)
    r = np.minimum(((np.arange(rows) + 0.5) / rows * mask.shape[0]).astype(int), mask.shape[0] - 1)
    c = np.minimum(((np.arange(columns) + 0.5) / columns * mask.shape[1]).astype(int), mask.shape[1] - 1)
    return mask[r[:, None], c[None, :]]


def hatching(shape: tuple[int, int], period: int) -> Any:
    """Return diagonal lines (rising to the east) `period` points apart over a grid."""
    import numpy as np

    rows, columns = shape
    return (np.arange(rows)[:, None] + np.arange(columns)[None, :]) % period == 0


def label_cells(
    row: int, col: int, label: str, rows: int, cols: int, occupied: Any, keep: set[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Return the cells for a label beside (row, col): the first place that covers no line and no
    marker, else the one covering fewest, trying the same row, then one and two rows off."""
    size = len(label)
    places = [
        (row + dr, first)
        for dr in (0, -1, 1, -2, 2)
        for first in ((col + 1, col - size) if dr == 0 else (col + 1, col - size, col - size // 2))
        if 0 <= row + dr < rows and first >= 0 and first + size <= cols
    ] or [(row, (col + 1) % cols)]

    def cost(place: tuple[int, int]) -> int:
        r, first = place
        cells_ = [(r, c % cols) for c in range(first, first + size)]
        lines = sum(bool(occupied[cell]) for cell in cells_) if occupied is not None else 0
        return lines + 100 * sum(cell in keep for cell in cells_)

    r, first = min(places, key=cost)  # min keeps the earliest of equals: the nearest place
    return [(r, c % cols) for c in range(first, first + size)]


ARROW_STEPS = {
    "↑": (0, -1),
    "↗": (1, -1),
    "→": (1, 0),
    "↘": (1, 1),
    "↓": (0, 1),
    "↙": (-1, 1),
    "←": (-1, 0),
    "↖": (-1, -1),
}


def heading_arrow(heading_deg: float, latitude_deg: float) -> str:
    """Return the arrow for a compass heading as it looks on an equirectangular map at a latitude."""
    h = math.radians(heading_deg)
    east = math.sin(h) / max(math.cos(math.radians(latitude_deg)), 1e-6)
    angle = math.degrees(math.atan2(east, math.cos(h))) % 360.0
    return ARROWS[round(angle / 45.0) % 8]
