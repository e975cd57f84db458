"""Benchmark the pass engine for many observers against a per-observer Skyfield loop, in one run.

    python benchmarks/bench_engine.py [--sizes 1000 10000] [--days 10] [--reference 50]

Each size runs in its own process (so peak memory is its own): wall time, CPU time, peak RSS, passes
found. The reference is Skyfield's `find_events` plus `is_sunlit` at each culmination, observer by
observer, over the first `--reference` of the same random places; the report gives the speed-up per
place. Compute only (no start-up, no output). The machines are shared: compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START = datetime(2026, 9, 24, 6, 0, tzinfo=timezone.utc)


def places(count: int) -> list[tuple[float, float]]:
    """Return `count` random places, uniform over the sphere (fixed seed)."""
    import numpy as np

    rng = np.random.default_rng(5)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, count)))
    lon = rng.uniform(-180, 180, count)
    return [(float(a), float(b)) for a, b in zip(lat, lon, strict=True)]


def orbit() -> object:
    """Return the Orbit for the bundled reference elements."""
    from isstrack.elements.tle import parse_elements
    from isstrack.sky.orbit import Orbit

    return Orbit(parse_elements((ROOT / "data" / "iss.tle").read_text(), 25544))


def child_engine(count: int, days: int, visible_only: bool) -> dict[str, float]:
    """Run the engine over `count` places and return the figures."""
    from isstrack.sky.engine import iter_passes_many, window_track
    from isstrack.sky.orbit import Observer

    observers = [Observer(a, b) for a, b in places(count)]
    the_orbit = orbit()
    end = START + timedelta(days=days)
    window_track(the_orbit, START, START + timedelta(days=1))  # warm imports and the ephemeris
    wall, cpu = time.perf_counter(), time.process_time()
    found = visible = 0
    for search in iter_passes_many(the_orbit, observers, START, end, 10.0, visible_only=visible_only):
        found += len(search.passes)
        visible += sum(p.visible for p in search.passes)
    return {
        "wall_s": time.perf_counter() - wall,
        "cpu_s": time.process_time() - cpu,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "passes": found,
        "visible": visible,
    }


def child_skyfield(count: int, days: int) -> dict[str, float]:
    """Run a plain per-observer Skyfield search over `count` places and return the figures."""
    from skyfield.api import wgs84

    from isstrack.sky.ephemeris import sunlight_ephemeris

    the_orbit = orbit()
    satellite, ts = the_orbit.satellite, the_orbit.ts  # type: ignore[attr-defined]
    ephemeris = sunlight_ephemeris()
    t0, t1 = ts.from_datetime(START), ts.from_datetime(START + timedelta(days=days))
    wall, cpu = time.perf_counter(), time.process_time()
    found = 0
    for lat, lon in places(count):
        times, events = satellite.find_events(wgs84.latlon(lat, lon), t0, t1, altitude_degrees=10.0)
        tops = times[events == 1]
        if len(tops):
            satellite.at(tops).is_sunlit(ephemeris)
        found += int((events == 0).sum())
    return {"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu, "passes": found}


def run_child(*args: str) -> dict[str, float]:
    """Run this script as a child with `args` and return its JSON figures."""
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def main() -> None:
    """Print one line per size and the reference, with the per-place speed-up."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--reference", type=int, default=50)
    parser.add_argument("--visible-only", action="store_true")
    parser.add_argument("--child", choices=["engine", "skyfield"])
    parser.add_argument("--count", type=int)
    args = parser.parse_args()
    if args.child == "engine":
        print(json.dumps(child_engine(args.count, args.days, args.visible_only)))
        return
    if args.child == "skyfield":
        print(json.dumps(child_skyfield(args.count, args.days)))
        return
    reference = run_child("--child", "skyfield", "--count", str(args.reference), "--days", str(args.days))
    per_place = reference["wall_s"] / args.reference
    print(
        f"skyfield find_events loop: {args.reference} places x {args.days} days: "
        f"{reference['wall_s']:.2f} s wall ({per_place * 1000:.1f} ms/place), {reference['passes']} passes"
    )
    for size in args.sizes:
        extra = ["--visible-only"] if args.visible_only else []
        got = run_child("--child", "engine", "--count", str(size), "--days", str(args.days), *extra)
        print(
            f"engine: {size} places x {args.days} days: {got['wall_s']:.2f} s wall, "
            f"{got['cpu_s']:.2f} s CPU, "
            f"peak RSS {got['peak_rss_mib']:.0f} MiB, {got['passes']} passes ({got['visible']} visible); "
            f"{per_place * size / got['wall_s']:.0f}x faster per place than the loop"
        )


if __name__ == "__main__":
    main()
