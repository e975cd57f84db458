"""An independent reference for OEM tests: its own reading of states, Hermite by a linear solve, Skyfield.

Nothing here imports isstrack. The interpolant is the polynomial of degree 2n - 1 through n nodes'
positions and velocities, found by solving the confluent Vandermonde system (isstrack uses the
Lagrange form); windows stay inside one segment and one side of the breaks the caller gives.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import numpy as np

OEM_FILE = Path(__file__).parent / "iss-oem-2026-09-21.txt"
# The reboost of 2026-09-25 (the reference README), ending where the time grid restarts, and the two
# other restarts of the grid (read off the file: a step that is not a multiple of the usual one).
# No window spans one; the state at a restart starts the next window only.
BURN_START = datetime(2026, 9, 25, 16, 8, 0, tzinfo=timezone.utc).timestamp()
BURN_END = datetime(2026, 9, 25, 16, 26, 30, 953000, tzinfo=timezone.utc).timestamp()
RESTARTS = (
    datetime(2026, 9, 28, 16, 58, 0, tzinfo=timezone.utc).timestamp(),
    datetime(2026, 10, 1, 15, 10, 6, tzinfo=timezone.utc).timestamp(),
)
BREAKS = (BURN_START, BURN_END, *RESTARTS)


def read_segments(path: Path = OEM_FILE) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Return each segment's (POSIX times, positions km, velocities km/s) from a KVN OEM."""
    segments: list[list[list[float]]] = []
    for line in path.read_text().splitlines():
        fields = line.split()
        if fields[:1] == ["META_START"]:
            segments.append([])
        elif len(fields) == 7 and fields[0][:2] == "20" and "T" in fields[0]:
            moment = datetime.strptime(fields[0], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=timezone.utc)
            segments[-1].append([moment.timestamp(), *map(float, fields[1:])])
    out = []
    for rows in segments:
        a = np.array(rows)
        out.append((a[:, 0], a[:, 1:4], a[:, 4:7]))
    return out


def hermite_solve(t_nodes: np.ndarray, r: np.ndarray, v: np.ndarray, t: float) -> np.ndarray:
    """Return the position at t of the polynomial matching positions and velocities at the nodes."""
    scale = t_nodes[-1] - t_nodes[0]
    x = (t_nodes - t_nodes[0]) / scale
    n = len(x)
    powers = np.arange(2 * n)
    rows = np.vstack([x[:, None] ** powers, powers * x[:, None] ** np.maximum(powers - 1, 0)])
    coefficients = np.linalg.solve(rows, np.vstack([r, v * scale]))
    u = (t - t_nodes[0]) / scale
    return np.asarray((u**powers) @ coefficients)


def reference_position(
    segments: list[tuple[np.ndarray, np.ndarray, np.ndarray]], t: float, breaks: tuple[float, ...] = ()
) -> np.ndarray | None:
    """Return the interpolated EME2000 position (km) at POSIX time t, or None outside the states."""
    for times, r, v in segments:
        if not times[0] <= t <= times[-1]:
            continue
        lo_edge = max([times[0], *[b for b in breaks if b <= t]])
        hi_edge = min([times[-1], *[b for b in breaks if b > t]])
        upper = hi_edge + 1e-3 if hi_edge == times[-1] else hi_edge - 1e-3
        inside = np.flatnonzero((times >= lo_edge - 1e-3) & (times <= upper))
        step = float(np.median(np.diff(times[inside])))
        n = min(4 if step <= 510 else 6, len(inside))
        k = int(np.searchsorted(times[inside], t, side="right") - 1)
        lo = int(np.clip(k - (n - 1) // 2, 0, len(inside) - n))
        pick = inside[lo : lo + n]
        return hermite_solve(times[pick], r[pick], v[pick], t)
    return None


def altaz_deg(position_gcrs_km: np.ndarray, moment: datetime, lat: float, lon: float) -> tuple[float, float]:
    """Return Skyfield's (altitude, azimuth) in degrees of a GCRS position seen from a WGS84 place."""
    from skyfield.api import load, wgs84
    from skyfield.positionlib import ICRF

    ts = load.timescale(builtin=True)
    t = ts.from_datetime(moment)
    place = wgs84.latlon(lat, lon)
    observer = place.at(t).position.km
    seen = ICRF((position_gcrs_km - observer) / 149597870.700, t=t, center=place)
    alt, az, _ = seen.altaz()
    return float(alt.degrees), float(az.degrees)
