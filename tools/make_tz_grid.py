"""Regenerate data/tz-grid.npz: the IANA time zone of every 0.25 degree cell that lies in one zone.

Run by a maintainer when tzfpy's boundaries change, never at install or run time:

    python tools/make_tz_grid.py

tzfpy is asked at the 3x3 lattice of points of each cell (corners, edge midpoints, centre,
0.125 degrees apart).  A cell where all nine agree gets that zone; any other cell is marked
MIXED, and isstrack asks tzfpy itself there.  Loading the grid costs a few milliseconds where
tzfpy's first lookup costs about 80 ms.  tests/test_places.py checks it against tzfpy.
"""

from pathlib import Path

import numpy as np
import tzfpy

OUT = Path(__file__).resolve().parents[1] / "data" / "tz-grid.npz"
STEP_DEG = 0.25
MIXED = 65535


def main() -> None:
    """Sample the lattice and write the grid with its zone-name table."""
    half = STEP_DEG / 2
    lat_points = np.arange(90, -90 - half / 2, -half)  # 1441 rows, north to south
    lon_points = np.arange(-180, 180 + half / 2, half)  # 2881 columns
    names: list[str] = []
    index: dict[str, int] = {}
    lattice = np.empty((len(lat_points), len(lon_points)), dtype=np.int32)
    for r, lat in enumerate(lat_points):
        lat_c = float(np.clip(lat, -89.999, 89.999))
        for c, lon in enumerate(lon_points):
            lon_c = float(np.clip(lon, -179.999, 179.999))
            zone = tzfpy.get_tz(lon_c, lat_c) or ""
            if zone not in index:
                index[zone] = len(names)
                names.append(zone)
            lattice[r, c] = index[zone]
    rows, cols = (len(lat_points) - 1) // 2, (len(lon_points) - 1) // 2
    grid = np.full((rows, cols), MIXED, dtype=np.uint16)
    for r in range(rows):
        block_rows = lattice[2 * r : 2 * r + 3]
        for c in range(cols):
            block = block_rows[:, 2 * c : 2 * c + 3]
            first = block[0, 0]
            if (block == first).all() and names[first]:
                grid[r, c] = first
    assert len(names) < MIXED
    np.savez(OUT, grid=grid, names=np.array(names), step_deg=np.array(STEP_DEG))
    print(f"{len(names)} zones, {(grid == MIXED).mean():.1%} of cells mixed")


if __name__ == "__main__":
    main()
