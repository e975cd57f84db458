"""Columnar places on a real Dask LocalCluster: the local run's rows, even when a worker process is killed."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
distributed = pytest.importorskip("distributed")

from isstrack.batch.arrowpasses import pass_job  # noqa: E402
from isstrack.batch.columnar import read_place_file  # noqa: E402
from isstrack.batch.columnrun import run_local, run_on_cluster, with_row_numbers  # noqa: E402
from tests.columnar_files import plain_table  # noqa: E402
from tests.test_places import random_places  # noqa: E402
from tests.tle_tools import newest  # noqa: E402

START = datetime(2026, 9, 24, 12, tzinfo=timezone.utc)


@pytest.fixture
def cluster() -> Iterator[Any]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
    ) as local:
        yield local


def places_file(tmp_path: Path, count: int) -> Any:
    path = tmp_path / "places.parquet"
    pq.write_table(plain_table(random_places(count)), path)
    return with_row_numbers(read_place_file(path, stdin_idle_s=1.0))


def test_a_killed_worker_is_replaced_and_the_output_is_complete_and_in_order(
    tmp_path: Path, cluster: Any
) -> None:
    places = places_file(tmp_path, 1600)
    job = pass_job("\n".join(newest()), START, 3.0, all_passes=True)
    expected = pa.Table.from_batches([batch for _, batch in run_local(job, places, workers=1)])
    killed = []
    with distributed.Client(cluster) as client:
        pids = client.run(os.getpid)
        batches = []
        done = 0
        # The run connects with its own client, as the command line's does; this one watches.
        for count, batch in run_on_cluster(cluster.scheduler_address, job, places, wait_s=30):
            batches.append(batch)
            done += count
            if not killed:
                assert done < len(places)
                # Kill one worker process outright while later chunks are queued or running on it.
                victim = sorted(pids)[0]
                os.kill(pids[victim], signal.SIGKILL)
                killed.append(victim)
        assert done == len(places)
        assert pids[killed[0]] not in client.run(os.getpid).values()  # that process is gone
    assert killed
    got = pa.Table.from_batches(batches)
    assert got.equals(expected)
    rows = got.column("place_row").to_pylist()
    assert rows == sorted(rows) and len(set(rows)) > 1000


def test_scheduler_file_and_environment_reach_the_cluster(cli: Any, tmp_path: Path, cluster: Any) -> None:
    tle = tmp_path / "iss.tle"
    tle.write_text("\n".join(newest()) + "\n")
    source = tmp_path / "places.parquet"
    pq.write_table(plain_table(random_places(40)), source)
    base = ["passes", "--places", str(source), "--from", "2026-09-24T12:00:00Z", "--days", "2"]
    base += ["--tle-file", str(tle), "--offline", "--all"]
    local_out = tmp_path / "local.parquet"
    local = cli(*base, "--workers", "2", "--out", str(local_out))
    assert local.code == 0, local.err
    # The file `dask scheduler --scheduler-file` writes holds more than the address.
    scheduler_file = tmp_path / "scheduler.json"
    scheduler_file.write_text(f'{{"type": "Scheduler", "id": "x", "address": "{cluster.scheduler_address}"}}')
    by_file = tmp_path / "by-file.parquet"
    done = cli(*base, "--scheduler-file", str(scheduler_file), "--out", str(by_file), timeout=300)
    assert done.code == 0, done.err
    assert pq.read_table(by_file).equals(pq.read_table(local_out))
    text_local = cli(*base, "--workers", "2")
    text_env = cli(*base, env={"DASK_SCHEDULER_ADDRESS": cluster.scheduler_address}, timeout=300)
    assert text_env.code == 0, text_env.err
    assert text_env.out == text_local.out and len(text_local.out.splitlines()) > 40
