"""The screening floor for many places: the least work any pass search for them must do.

    python benchmarks/floor_million.py TLE_FILE [--places FILE.parquet | --count 1000000]
        [--from 2026-09-24T06:00:00] [--days 10] [--workers 2] [--tile 64]

One SGP4 propagation on the 60 s grid (with the same 30-minute margins as isstrack's engine), rotated
to the Earth-fixed frame by GMST 1982; then, in each of `--workers` processes with one BLAS thread
each, the float32 matrix of the places' zenith directions against the station's unit vectors, one
tile of `--tile` places at a time (small enough to stay in cache), compared with the cosine of the
widest cone in which the station can be above 10 degrees, and the runs of grid times inside it
extracted as (place, first, last). Nothing is refined, classified or written: this is the floor that
`benchmarks/bench_million.py` compares `passes --places ... --out FILE.parquet` against. Plain numpy
and sgp4, independent of isstrack's code. Prints one JSON line: wall seconds, places, runs.
"""

from __future__ import annotations

import os

# One BLAS thread per process, set before numpy is imported (the workers are forked from here).
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

import argparse  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import multiprocessing  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timedelta, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

STEP_S = 60.0
MARGIN_S = 1800.0
MIN_ELEVATION_DEG = 10.0
WGS84_A_KM = 6378.137
WGS84_F = 1 / 298.257223563
WGS84_E2 = WGS84_F * (2 - WGS84_F)

_UNIT: np.ndarray | None = None  # the station's unit vectors (float32), set before the fork
_COS_LIMIT = 0.0


def gmst_1982(jd_ut1: np.ndarray) -> np.ndarray:
    """Return GMST (radians) by the IAU 1982 formula (as SGP4's TEME frame uses)."""
    t = (jd_ut1 - 2451545.0) / 36525.0
    seconds = 67310.54841 + (876600.0 * 3600 + 8640184.812866) * t + 0.093104 * t**2 - 6.2e-6 * t**3
    return np.asarray(np.radians((seconds % 86400.0) / 240.0))


def station_grid(tle: Path, start: datetime, days: float) -> tuple[np.ndarray, np.ndarray]:
    """Return the station's Earth-fixed position (km) and velocity (km/s) on the 60 s grid."""
    from sgp4.api import Satrec, jday

    lines = [line for line in tle.read_text().splitlines() if line.startswith(("1 ", "2 "))]
    satellite = Satrec.twoline2rv(lines[0], lines[1])
    origin = start - timedelta(seconds=MARGIN_S)
    count = math.ceil((days * 86400.0 + 2 * MARGIN_S) / STEP_S) + 1
    times_s = np.arange(count) * STEP_S
    jd, fr = jday(origin.year, origin.month, origin.day, origin.hour, origin.minute, origin.second)
    error, r, v = satellite.sgp4_array(np.full(count, jd), fr + times_s / 86400.0)
    if np.any(error):
        raise SystemExit("the elements cannot be propagated over the window")
    theta = gmst_1982(jd + fr + times_s / 86400.0)
    omega = 7.292115146706979e-5
    c, s = np.cos(theta), np.sin(theta)
    x, y = c * r[:, 0] + s * r[:, 1], -s * r[:, 0] + c * r[:, 1]
    position = np.column_stack([x, y, r[:, 2]])
    vx = c * v[:, 0] + s * v[:, 1] + omega * y
    vy = -s * v[:, 0] + c * v[:, 1] - omega * x
    return position, np.column_stack([vx, vy, v[:, 2]])


def cone_cos_limit(position: np.ndarray, velocity: np.ndarray) -> float:
    """Return the cosine of the widest zenith-to-station angle at which the station can be up."""
    radius = np.linalg.norm(position, axis=1)
    rate = np.linalg.norm(np.cross(position, velocity), axis=1) / radius**2
    h = math.radians(MIN_ELEVATION_DEG)
    offset_km = WGS84_A_KM * WGS84_E2  # the geodetic zenith misses the Earth's centre by up to this
    cone = math.acos(min(1.0, (WGS84_A_KM - 0.5) / (float(radius.max()) + offset_km) * math.cos(h))) - h
    cone += math.asin(offset_km / (float(radius.min()) - offset_km))
    cone += float(rate.max()) * STEP_S / 2 + 1e-3
    return math.cos(cone)


def zenith_directions(latitude_deg: np.ndarray, longitude_deg: np.ndarray) -> np.ndarray:
    """Return the geodetic up unit vectors (float32) of places on the WGS84 ellipsoid."""
    lat, lon = np.radians(latitude_deg), np.radians(longitude_deg)
    up = np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    return up.astype(np.float32)


def screen(bounds: tuple[int, int, np.ndarray, int]) -> int:
    """Screen places [first, stop) tile by tile; return how many candidate runs they have."""
    first, stop, up, tile = bounds
    assert _UNIT is not None
    limit = np.float32(_COS_LIMIT)
    runs = 0
    for begin in range(0, stop - first, tile):
        inside = (up[begin : begin + tile] @ _UNIT) >= limit
        inside[:, 0] = inside[:, -1] = False
        changes = np.flatnonzero(inside[:, 1:] != inside[:, :-1])
        who, column = np.divmod(changes, inside.shape[1] - 1)
        runs += len(who[0::2])
        _ = column[0::2], column[1::2] + 1  # the runs' first and last grid indices, as a search needs
    return runs


def read_places(args: argparse.Namespace) -> tuple[np.ndarray, np.ndarray]:
    """Return the places' latitudes and longitudes: from a Parquet file, else random ones."""
    if args.places:
        import pyarrow.parquet as pq

        table = pq.read_table(args.places, columns=["latitude_deg", "longitude_deg"])
        return table["latitude_deg"].to_numpy(), table["longitude_deg"].to_numpy()
    rng = np.random.default_rng(11)
    return np.degrees(np.arcsin(rng.uniform(-1, 1, args.count))), rng.uniform(-180, 180, args.count)


def main() -> None:
    """Time the floor and print it as one JSON line."""
    global _UNIT, _COS_LIMIT
    parser = argparse.ArgumentParser()
    parser.add_argument("tle", type=Path)
    parser.add_argument("--places", type=Path)
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--from", dest="start", default="2026-09-24T06:00:00")
    parser.add_argument("--days", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tile", type=int, default=64)
    args = parser.parse_args()
    began = time.perf_counter()
    latitude, longitude = read_places(args)
    start = datetime.fromisoformat(args.start).replace(tzinfo=timezone.utc)
    position, velocity = station_grid(args.tle, start, args.days)
    _COS_LIMIT = cone_cos_limit(position, velocity)
    _UNIT = np.ascontiguousarray((position / np.linalg.norm(position, axis=1)[:, None]).astype(np.float32).T)
    up = zenith_directions(latitude, longitude)
    # Contiguous halves, one per process; each holds its own places (as isstrack's workers would).
    edges = np.linspace(0, len(up), args.workers + 1).astype(int)
    parts = [(int(a), int(b), up[a:b], args.tile) for a, b in itertools.pairwise(edges)]
    if args.workers > 1:
        with multiprocessing.get_context("fork").Pool(args.workers) as pool:
            runs = sum(pool.map(screen, parts))
    else:
        runs = screen(parts[0])
    wall = time.perf_counter() - began
    result = {"wall_s": round(wall, 3), "places": len(up), "grid_times": int(_UNIT.shape[1]), "runs": runs}
    print(json.dumps(result))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
