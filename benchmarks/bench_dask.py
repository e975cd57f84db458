"""Benchmark `passes --places` on a 2-worker Dask LocalCluster against the local run, in one run.

    python benchmarks/bench_dask.py [--places 100000] [--runs 3] [--csv] [--skip-cold]

Target (issue 21): 100,000 places x 10 days through a 2-worker LocalCluster (processes, one thread
each, no dashboard, nannies as Dask starts them) take at most 1.3x the local run (`--workers 2`).

- warm: the cluster is the user's, started once before the runs (as `--scheduler` and
  `--scheduler-file` assume) and warmed by one run; each timed run is the whole `isstrack` command,
  connecting to it. This is what the target refers to.
- cold: each timed run starts a LocalCluster, runs isstrack on it and closes it (what a script that
  makes its own cluster for one run pays), shown for comparison.
Runs alternate with the local one; each pair prints its wall times and the load average beside them
(the machine is shared: only ratios within a run mean anything). The median ratio is the result.
Beside it, the CPU seconds each run cost (isstrack and its workers; for the warm cluster, what its
scheduler, nannies and workers used during the run), which another agent's load disturbs far less.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_million import write_parquet
from bench_places import DAYS, START
from harness import REFERENCE_TLE, isstrack_command, quiet_env, wall_time

TARGET = 1.3
STARTUP_S = 120


def cluster_main(scheduler_file: Path, command: list[str] | None) -> None:
    """Start a 2-worker LocalCluster; run `command` on it and close, or serve until SIGTERM."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
    ) as cluster:
        if command is not None:
            env = {**os.environ, "DASK_SCHEDULER_ADDRESS": cluster.scheduler_address}
            subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
            return
        scheduler_file.write_text(json.dumps({"address": cluster.scheduler_address}))
        signal.sigwait({signal.SIGTERM, signal.SIGINT})


def tree_cpu_s(root: int) -> float:
    """Return the CPU seconds used so far by the live processes `root` and its descendants (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry)] = int(fields[1])
            used[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += used.get(pid, 0.0)
        todo += [child for child, parent in parents.items() if parent == pid]
    return total


def timed(cmd: list[str], env: dict[str, str], cluster: int | None) -> tuple[float, float]:
    """Run `cmd`; return its wall time and the CPU seconds it and `cluster`'s process tree used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cluster_before = tree_cpu_s(cluster) if cluster else 0.0
    wall = wall_time(cmd, env)
    cluster_s = tree_cpu_s(cluster) - cluster_before if cluster else 0.0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, own + cluster_s


@contextmanager
def user_cluster(scheduler_file: Path, env: dict[str, str]) -> Iterator[int]:
    """Run a LocalCluster in a process of its own, as a user would; yield its process id."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve-cluster", str(scheduler_file)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + STARTUP_S
        while not scheduler_file.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the LocalCluster did not start")
            time.sleep(0.2)
        yield proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)


def load() -> str:
    """Return the 1-minute load average, as /proc/loadavg (or the OS) gives it."""
    return f"{os.getloadavg()[0]:.2f}"


def alternate(
    name: str, ours: list[str], local: list[str], env: dict[str, str], runs: int, cluster: int | None
) -> float:
    """Time the two commands alternately `runs` times, printing each pair with the load; return the median
    ratio of wall times."""
    ratios, cpu_ratios = [], []
    for i in range(runs):
        before = load()
        a, a_cpu = timed(ours, env, cluster)
        b, b_cpu = timed(local, env, None)
        ratios.append(a / b)
        cpu_ratios.append(a_cpu / b_cpu)
        print(
            f"  {name} pair {i + 1}: Dask {a:.2f} s, local {b:.2f} s, ratio {a / b:.2f} "
            f"(load {before} before, {load()} after); CPU {a_cpu:.1f} s against {b_cpu:.1f} s",
            flush=True,
        )
    median = statistics.median(ratios)
    print(
        f"{name}: median ratio {median:.2f} over {runs} pairs (target <= {TARGET:g}); "
        f"median CPU ratio {statistics.median(cpu_ratios):.2f}",
        flush=True,
    )
    return median


def main() -> None:
    """Run the comparison; exit 1 if the warm cluster misses the target."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--places", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--csv", action="store_true", help="stream CSV to stdout instead of --out Parquet")
    parser.add_argument("--skip-cold", action="store_true")
    parser.add_argument("--serve-cluster", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cold-run", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_cluster is not None or args.cold_run is not None:
        cluster_main(args.serve_cluster or Path(), args.cold_run)
        return
    env = {**quiet_env(), "OPENBLAS_NUM_THREADS": "1"}
    tmp = Path(tempfile.mkdtemp(prefix="bench-dask-"))
    places = tmp / "places.parquet"
    write_parquet(places, args.places, seed=12)
    base = [*isstrack_command(), "passes", "--places", str(places), "--tle-file", str(REFERENCE_TLE)]
    base += ["--offline", "--from", START, "--days", str(DAYS)]
    out = [] if args.csv else ["--out", str(tmp / "dask.parquet")]
    local = [*base, "--workers", "2", *([] if args.csv else ["--out", str(tmp / "local.parquet")])]
    kind = "CSV to stdout" if args.csv else "Parquet (--out)"
    print(f"{args.places:,} places x {DAYS} d, {kind}; {os.cpu_count()} CPUs, load {load()}", flush=True)
    scheduler_file = tmp / "scheduler.json"
    with user_cluster(scheduler_file, env) as cluster:
        warm = [*base, "--scheduler-file", str(scheduler_file), *out]
        wall_time(warm, env)  # the workers import isstrack and load the ephemeris once
        wall_time(local, env)
        ratio = alternate("warm cluster (started by the user)", warm, local, env, args.runs, cluster)
    if not args.skip_cold:
        cold = [sys.executable, __file__, "--cold-run", *base, *out]
        alternate("cold cluster (started and closed each run)", cold, local, env, args.runs, None)
    sys.exit(0 if ratio <= TARGET else 1)


if __name__ == "__main__":
    main()
