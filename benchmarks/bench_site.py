"""Benchmark `isstrack site` against `isstrack passes --places` for the same places, in one run.

    python benchmarks/bench_site.py [--places 4600] [--runs 5]

Target (issue 20): the site for 4,600 places x 10 days within 3x of `passes --places` for them.
Two cases, each alternated with the floor: a first build into a new folder (every page,
calendar and feed written, published with one rename), and a rebuild with the same inputs (every
file compared, none written). Besides wall time, each command's CPU time (its processes' user +
system, from the kernel) is reported: on a machine shared with other work, wall time follows the
CPU share the run gets, and the CPU ratio is the steadier figure. The load average is printed.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_places import DAYS, START, write_places
from harness import REFERENCE_TLE, isstrack_command, quiet_env, wall_time

TARGET = 3.0


def timed(cmd: Sequence[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Run a command to completion (it must succeed); return its wall, CPU and system CPU times in seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    system = after.ru_stime - before.ru_stime
    return wall, after.ru_utime - before.ru_utime + system, system


def load() -> str:
    """Return the 1, 5 and 15 minute load averages."""
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


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
        fresh: list[tuple[float, float, float]] = []
        again: list[tuple[float, float, float]] = []
        floors: list[tuple[float, float, float]] = []
        print(f"load average at the start: {load()} ({os.cpu_count()} CPUs)")
        for run in range(args.runs):
            folder = work / f"site{run}"
            fresh.append(timed(site(folder), env))
            floors.append(timed(floor, env))
            again.append(timed(site(folder), env))
            # Folders are removed at the end, not here: deleting 14,000 files makes the disk busy
            # (discards, journal) and would slow the next first build, which is not the site's doing.
        floor_s = statistics.median(wall for wall, _, _ in floors)
        floor_cpu = statistics.median(cpu for _, cpu, _ in floors)
        for name, times in (("first build", fresh), ("rebuild, nothing changed", again)):
            ratios = [t[0] / f[0] for t, f in zip(times, floors, strict=True)]
            cpu_ratios = [t[1] / f[1] for t, f in zip(times, floors, strict=True)]
            wall = statistics.median(t[0] for t in times)
            print(
                f"site {args.places} places x {DAYS} days, {name}: median {wall:.2f} s, "
                f"passes --places median {floor_s:.2f} s, median ratio {statistics.median(ratios):.2f} "
                f"over {args.runs} runs (target <= {TARGET}); CPU median "
                f"{statistics.median(t[1] for t in times):.2f} s (system "
                f"{statistics.median(t[2] for t in times):.2f} s) against {floor_cpu:.2f} s, "
                f"ratio {statistics.median(cpu_ratios):.2f}"
            )
        print(f"load average at the end: {load()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
