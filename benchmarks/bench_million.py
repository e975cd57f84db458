"""Benchmark a million places to Parquet against the screening floor, and a LocalCluster against local.

    python benchmarks/bench_million.py [--places 1000000] [--cluster-places 100000] [--skip-cluster]

Targets (issue 21), in one run:
- `passes --places P.parquet --out passes.parquet` over 1,000,000 places x 10 days, against
  `floor_million.py` over the same Parquet file (SGP4 on the 60 s grid, the float32 screen in
  64-place tiles, run extraction, 2 processes, one BLAS thread each): ratio at most 8, peak
  resident memory of the whole process tree under 1 GiB. Prints wall time, rows a second, memory.
- 100,000 places through a 2-worker Dask cluster (`dask scheduler` and `dask worker --nworkers 2
  --nthreads 1` on 127.0.0.1, reached with `--scheduler-file`, warmed by one run) against the local
  run with `--workers 2`: ratio at most 1.3.
The 10,000-place comparison with the Skyfield loop is `bench_places.py`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_places import DAYS, MEMORY_LIMIT_MIB, START, isstrack_places, run_measured
from harness import REFERENCE_TLE, isstrack_command, quiet_env

HERE = Path(__file__).parent
FLOOR_RATIO = 8.0
CLUSTER_RATIO = 1.3


def write_parquet(path: Path, count: int, seed: int = 11) -> None:
    """Write `count` places spread uniformly over the sphere, with a name and an id, as Parquet."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    table = pa.table(
        {
            "place_id": np.arange(count, dtype=np.int64),
            "name": pa.array([f"p{i}" for i in range(count)]),
            "latitude_deg": np.round(np.degrees(np.arcsin(rng.uniform(-1, 1, count))), 4),
            "longitude_deg": np.round(rng.uniform(-180, 180, count), 4),
            "elevation_m": np.round(rng.uniform(0, 3000, count)),
        }
    )
    pq.write_table(table, path)


def floor_wall(places: Path, env: dict[str, str]) -> float:
    """Return the floor script's own wall time over the places (it reads them too)."""
    cmd = [sys.executable, str(HERE / "floor_million.py"), str(REFERENCE_TLE), "--places", str(places)]
    cmd += ["--from", START, "--days", str(DAYS), "--workers", "2"]
    done = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    return float(json.loads(done.stdout)["wall_s"])


@contextlib.contextmanager
def dask_cluster(scheduler_file: Path, env: dict[str, str]) -> Iterator[Path]:
    """Run `dask scheduler` and a 2-process `dask worker` on 127.0.0.1; yield the scheduler file."""
    bin_dir = Path(sys.executable).parent
    scheduler = subprocess.Popen(
        [
            str(bin_dir / "dask"),
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--scheduler-file",
            str(scheduler_file),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = None
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        worker = subprocess.Popen(
            [
                str(bin_dir / "dask"),
                "worker",
                "--scheduler-file",
                str(scheduler_file),
                "--nworkers",
                "2",
                "--nthreads",
                "1",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        from distributed import Client

        with Client(scheduler_file=str(scheduler_file), timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
        yield scheduler_file
    finally:
        for proc in (worker, scheduler):
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=60)


def rows(path: Path) -> int:
    """Return the row count of a Parquet file."""
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(path).metadata.num_rows)


def _load() -> str:
    """Return the 1, 5 and 15-minute load averages."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    """Run the benchmarks; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--places", type=int, default=1_000_000)
    parser.add_argument("--cluster-places", type=int, default=100_000)
    parser.add_argument("--skip-cluster", action="store_true")
    parser.add_argument("--skip-million", action="store_true")
    args = parser.parse_args()
    env = {**quiet_env(), "OPENBLAS_NUM_THREADS": "1"}
    tmp = Path(tempfile.mkdtemp(prefix="bench-million-"))
    print(f"machine: {os.cpu_count()} CPUs, load average {_load()} (noisy if shared)")
    subprocess.run([*isstrack_command(), "--version"], env=env, check=True, stdout=subprocess.DEVNULL)
    # The compiled loops (isstrack.sky.kernel) are cached on disk after a first run: warm the cache
    # as any earlier run would have, and show what the first run on a machine pays once. 25,000
    # places: workers with 10,000 or more use the loops (isstrack.sky.engine.COMPILED_MIN_PLACES).
    warm = tmp / "warm.parquet"
    write_parquet(warm, 25_000, seed=13)
    for label in ("cold", "warm"):
        wall = run_measured(
            isstrack_places(warm, ["--workers", "2", "--out", str(tmp / "w.parquet")]), env
        ).wall_s
        print(f"25,000 places, {label} compiled-code cache: {wall:.2f} s")
    ok = True
    if not args.skip_million:
        places = tmp / "places.parquet"
        write_parquet(places, args.places)
        out = tmp / "passes.parquet"
        ours, tree_mib, largest_mib, pss_mib = run_measured(
            isstrack_places(places, ["--workers", "2", "--out", str(out)]), env
        )
        floor = floor_wall(places, env)
        count = rows(out)
        ratio = ours / floor
        print(f"load average after: {_load()}")
        print(
            f"{args.places:,} places x {DAYS} d to Parquet: {ours:.1f} s, {count:,} passes, "
            f"{count / ours:,.0f} rows/s, peak tree RSS {tree_mib:.0f} MiB "
            f"(PSS {pss_mib:.0f} MiB, largest process {largest_mib:.0f} MiB); floor {floor:.2f} s; "
            f"ratio {ratio:.1f} "
            f"(target <= {FLOOR_RATIO:g}), memory target < {MEMORY_LIMIT_MIB} MiB"
        )
        ok = ratio <= FLOOR_RATIO and tree_mib < MEMORY_LIMIT_MIB
    if not args.skip_cluster:
        small = tmp / "cluster-places.parquet"
        write_parquet(small, args.cluster_places, seed=12)
        with dask_cluster(tmp / "scheduler.json", env) as scheduler_file:
            extra = ["--scheduler-file", str(scheduler_file), "--out", str(tmp / "c.parquet")]
            run_measured(isstrack_places(small, extra), env)  # warm the workers (imports, propagation)
            local = run_measured(
                isstrack_places(small, ["--workers", "2", "--out", str(tmp / "l.parquet")]), env
            ).wall_s
            remote = run_measured(isstrack_places(small, extra), env).wall_s
        cluster_ratio = remote / local
        print(
            f"{args.cluster_places:,} places: Dask cluster (2 workers, 1 thread each) {remote:.1f} s, local "
            f"--workers 2 {local:.1f} s, ratio {cluster_ratio:.2f} (target <= {CLUSTER_RATIO:g})"
        )
        ok = ok and cluster_ratio <= CLUSTER_RATIO
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
