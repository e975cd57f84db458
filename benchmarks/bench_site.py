"""Benchmark `isstrack site` against `isstrack passes --places` for the same places, in one run.

    python benchmarks/bench_site.py [--places 4600] [--runs 5]

Target (issue 20): the site for 4,600 places x 10 days within 3x of `passes --places` for them.
Two cases, each alternated with the floor: a first build into an empty folder (every page,
calendar and feed written), and a rebuild with the same inputs (every file compared, none written).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_places import DAYS, START, write_places
from harness import REFERENCE_TLE, isstrack_command, quiet_env, wall_time

TARGET = 3.0


def main() -> None:
    """Time both cases against the floor and print the median ratios."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--places", type=int, default=4600)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = quiet_env()
    work = Path(tempfile.mkdtemp(prefix="isstrack-bench-site-"))
    try:
        places = work / "places.csv"
        write_places(places, args.places)
        common = ["--places", str(places), "--days", str(DAYS), "--from", START]
        common += ["--tle-file", str(REFERENCE_TLE)]
        floor = [*isstrack_command(), "passes", *common]

        def site(folder: Path) -> list[str]:
            return [*isstrack_command(), "site", str(folder), *common, "--quiet"]

        wall_time(floor, env)  # warm the OS file cache and .pyc files
        wall_time(site(work / "warm"), env)
        fresh, again, floors = [], [], []
        for run in range(args.runs):
            folder = work / f"site{run}"
            fresh.append(wall_time(site(folder), env))
            floors.append(wall_time(floor, env))
            again.append(wall_time(site(folder), env))
            # Folders are removed at the end, not here: deleting 14,000 files makes the disk busy
            # (discards, journal) and would slow the next first build, which is not the site's doing.
        floor_s = statistics.median(floors)
        for name, times in (("first build", fresh), ("rebuild, nothing changed", again)):
            ratios = [t / f for t, f in zip(times, floors, strict=True)]
            print(
                f"site {args.places} places x {DAYS} days, {name}: median {statistics.median(times):.2f} s, "
                f"passes --places median {floor_s:.2f} s, median ratio {statistics.median(ratios):.2f} "
                f"over {args.runs} runs (target <= {TARGET})"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
