"""Benchmark `isstrack passes --places` against a per-observer Skyfield `find_events` loop, in one run.

    python benchmarks/bench_places.py [--places 10000] [--reference 200] [--scaling 1000,10000,100000]

Targets (issue 11): isstrack's 10,000 places x 10 days take no longer than Skyfield's loop over 200
of them (at least 50x faster per place); 100,000 places run with peak memory under 1 GiB.
Memory is the peak resident set of the whole process tree (isstrack and its workers, summed,
sampled every 20 ms; shared pages of forked workers are counted once per process, so this
overstates) and, from the kernel, the largest single process (getrusage RUSAGE_CHILDREN).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).parent))
from harness import REFERENCE_TLE, ROOT, isstrack_command, quiet_env

HERE = Path(__file__).parent
START = "2026-09-24T06:00:00"
DAYS = 10
MEMORY_LIMIT_MIB = 1024


def write_places(path: Path, count: int, seed: int = 11) -> None:
    """Write `count` places spread uniformly over the sphere."""
    import numpy as np

    rng = np.random.default_rng(seed)
    lats = np.degrees(np.arcsin(rng.uniform(-1, 1, count)))
    lons = rng.uniform(-180, 180, count)
    heights = rng.uniform(0, 3000, count)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "latitude_deg", "longitude_deg", "elevation_m"])
        for i in range(count):
            writer.writerow([f"p{i}", f"{lats[i]:.4f}", f"{lons[i]:.4f}", f"{heights[i]:.0f}"])


def _tree_kib(root: int, with_pss: bool = True) -> tuple[int, int]:
    """Return the summed VmRSS and PSS (KiB) of `root` and all its descendants, from /proc.

    RSS counts a page shared by several processes (what workers inherit from their parent by fork,
    the libraries) once in each of them; PSS shares it out among them, so the sum of PSS is the
    memory the tree really holds. The targets are checked against the larger, RSS.
    """
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid, ppid = int(entry), int(fields.get("PPid", "0").strip() or 0)
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
    total_rss = total_pss = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        total_rss += rss.get(pid, 0)
        total_pss += _pss_kib(pid) if with_pss else 0
        todo.extend(children.get(pid, []))
    return total_rss, total_pss


def _pss_kib(pid: int) -> int:
    """Return a process's proportional set size (KiB), 0 if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Measured(NamedTuple):
    """One measured run: wall time, peak summed RSS and PSS of its process tree, largest process."""

    wall_s: float
    tree_rss_mib: float
    largest_mib: float
    tree_pss_mib: float


def run_measured(cmd: list[str], env: dict[str, str]) -> Measured:
    """Run `cmd` (stdout discarded) in a wrapper; return its wall time and peak memory."""
    wrapper = (
        "import json, resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "subprocess.run(json.loads(sys.argv[1]), check=True, stdout=subprocess.DEVNULL)\n"
        "wall = time.perf_counter() - t\n"
        "print(json.dumps([wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", wrapper, json.dumps(cmd)], env=env, stdout=subprocess.PIPE, text=True
    )
    peak_rss = peak_pss = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_rss, peak_pss
        count = 0
        while not done.is_set():
            # PSS 0.2 s in, then every 2 s only: reading smaps_rollup walks a process's page tables under its
            # memory lock, and every 20 ms it slowed a 1,000,000-place run by a quarter.
            rss, pss = _tree_kib(proc.pid, with_pss=count % 100 == 10)
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            count += 1
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    wall, largest_kib = json.loads(out)
    return Measured(wall, peak_rss / 1024, largest_kib / 1024, peak_pss / 1024)


def isstrack_places(path: Path, extra: list[str]) -> list[str]:
    """Return the isstrack command for the places file."""
    return [
        *isstrack_command(),
        "passes",
        "--places",
        str(path),
        "--days",
        str(DAYS),
        "--from",
        START + "Z",
        "--tle-file",
        str(REFERENCE_TLE),
        "--offline",
        "--quiet",
        *extra,
    ]


def main() -> None:
    """Run the comparison and the scaling series; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--places", type=int, default=10_000)
    parser.add_argument("--reference", type=int, default=200)
    parser.add_argument("--scaling", default="1000,10000,100000")
    parser.add_argument("--workers", default=None, help="passed as --workers (default: CPU count)")
    args = parser.parse_args()
    env = quiet_env()
    extra = ["--workers", args.workers] if args.workers else []
    tmp = Path(tempfile.mkdtemp(prefix="bench-places-"))
    ephemeris = ROOT / "data" / "sun-moon-earth-2000-2050.bsp"
    sizes = sorted({args.places, *(int(s) for s in args.scaling.split(",") if s)})
    files = {}
    for size in sizes:
        files[size] = tmp / f"places-{size}.csv"
        write_places(files[size], size)
    reference_file = tmp / "reference.csv"
    write_places(reference_file, args.reference)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (noisy if shared)")
    floor = [sys.executable, str(HERE / "floor_places.py"), str(REFERENCE_TLE), str(ephemeris)]
    floor += [str(reference_file), START, str(DAYS)]
    subprocess.run([*isstrack_command(), "--version"], env=env, check=True, stdout=subprocess.DEVNULL)
    ours_wall = run_measured(isstrack_places(files[args.places], extra), env).wall_s
    floor_wall = run_measured(floor, env).wall_s
    ratio = ours_wall / floor_wall
    speedup = (floor_wall / args.reference) / (ours_wall / args.places)
    print(
        f"isstrack {args.places:,} places x {DAYS} d: {ours_wall:.2f} s; Skyfield find_events loop "
        f"{args.reference} places: {floor_wall:.2f} s; ratio {ratio:.2f} (target <= 1), "
        f"{speedup:.0f}x faster per place"
    )
    ok = ratio <= 1.0
    for size in sizes:
        wall, tree_mib, largest_mib, pss_mib = run_measured(isstrack_places(files[size], extra), env)
        print(
            f"scaling: {size:>9,} places: {wall:7.2f} s, {wall / size * 1e3:.3f} ms/place, "
            f"peak tree RSS {tree_mib:.0f} MiB, largest process {largest_mib:.0f} MiB"
            + (f", PSS {pss_mib:.0f} MiB" if size >= 100_000 else "")
        )
        if size >= 100_000 and tree_mib > MEMORY_LIMIT_MIB:
            ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
