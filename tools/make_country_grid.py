"""Regenerate data/country-grid.npz: the country (or open water) at every 0.25 degree cell.

Run by a maintainer when tzfpy's boundaries change, never at install or run time:

    python tools/make_country_grid.py

Each cell centre is looked up with tzfpy (timezone-boundary-builder polygons, territorial
waters included) and its zone mapped to a country with tzdb's zone.tab; Etc/* zones are open
water.  Loading the grid costs a few milliseconds, where tzfpy's first lookup costs about
70 ms, which matters for `isstrack now`.  tests/test_places.py checks it against tzfpy.
"""

from pathlib import Path

import numpy as np
import tzfpy

from isstrack.place.timezones import country_name, country_of_zone

OUT = Path(__file__).resolve().parents[1] / "data" / "country-grid.npz"
STEP_DEG = 0.25
WATER = 0
UNKNOWN = 255


def main() -> None:
    """Sample every cell centre and write the grid with its country-code table."""
    rows, cols = int(180 / STEP_DEG), int(360 / STEP_DEG)
    codes: list[str] = ["~~"]  # index 0: open water
    index: dict[str, int] = {}
    grid = np.full((rows, cols), UNKNOWN, dtype=np.uint8)
    for r in range(rows):
        lat = 90 - (r + 0.5) * STEP_DEG
        for c in range(cols):
            lon = -180 + (c + 0.5) * STEP_DEG
            zone = tzfpy.get_tz(lon, lat) or ""
            if zone.startswith("Etc/") or not zone:
                grid[r, c] = WATER
                continue
            code = country_of_zone(zone) or ("AQ" if zone.startswith("Antarctica/") else None)
            if code is None:
                continue
            if code not in index:
                index[code] = len(codes)
                codes.append(code)
            grid[r, c] = index[code]
    assert len(codes) < UNKNOWN
    names = [country_name(code) if code != "~~" else "" for code in codes]
    np.savez(OUT, grid=grid, codes=np.array(codes), names=np.array(names), step_deg=np.array(STEP_DEG))


if __name__ == "__main__":
    main()
