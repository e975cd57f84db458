"""`passes --places --scheduler` and `passes_for_partition` on a real Dask LocalCluster."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.test_places import FROM, random_places, write_places
from tests.tle_tools import newest

distributed = pytest.importorskip("distributed")
dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
    ) as local:
        yield local


def test_scheduler_output_is_identical_to_the_local_run(
    cli: Any, cli_process: Any, cluster: Any, tmp_path: Path, tle_file: str
) -> None:
    path = write_places(tmp_path / "p.csv", random_places(30))
    common = ["passes", "--places", path, "--from", FROM, "--days", "2", "--tle-file", tle_file, "--all"]
    for output in ([], ["--json"]):
        local = cli(*common, *output, "--workers", "2")
        # A Dask client in a process of its own, as a user's run has: its threads and event loop end with it.
        remote = cli_process(*common, *output, "--scheduler", cluster.scheduler_address, timeout=300)
        assert local.code == remote.code == 0, local.err + remote.err
        assert remote.out == local.out
        assert len(local.out.splitlines()) > 30


def test_map_partitions_gives_the_cli_rows(cli: Any, cluster: Any, tmp_path: Path, tle_file: str) -> None:
    from isstrack.render.dataframe import partition_meta, passes_for_partition

    places = random_places(12)
    path = write_places(tmp_path / "p.csv", places)
    result = cli("passes", "--places", path, "--from", FROM, "--days", "2", "--tle-file", tle_file)
    assert result.code == 0, result.err
    expected = list(csv.DictReader(io.StringIO(result.out)))

    _, line1, line2 = newest()
    frame = pd.DataFrame(places, columns=["name", "latitude_deg", "longitude_deg", "elevation_m"])
    start = datetime(2026, 9, 24, 12, tzinfo=timezone.utc)
    with distributed.Client(cluster) as client:
        lazy = dd.from_pandas(frame, npartitions=3).map_partitions(
            passes_for_partition, line1, line2, start, days=2, meta=partition_meta()
        )
        got = client.compute(lazy).result()
    assert list(got.columns) == list(expected[0])
    assert len(got) == len(expected) > 5
    for row, want in zip(got.to_dict("records"), expected, strict=True):
        assert row["place"] == want["place"] and row["place_row"] == int(want["place_row"])
        assert row["rise_time"] == want["rise_time"] and row["set_time"] == want["set_time"]
        assert row["kind"] == want["kind"] and row["visible_end_time"] == want["visible_end_time"]
        assert row["magnitude"] == pytest.approx(float(want["magnitude"]), abs=1e-9)
        assert row["culmination_elevation_deg"] == pytest.approx(float(want["culmination_elevation_deg"]))


def test_unreachable_scheduler_exits_2(cli_process: Any, tmp_path: Path, tle_file: str) -> None:
    path = write_places(tmp_path / "p.csv", random_places(9))
    result = cli_process(
        "passes", "--places", path, "--tle-file", tle_file, "--scheduler", "tcp://127.0.0.1:9"
    )
    assert result.code == 2 and result.out == ""
    assert "cannot reach a Dask scheduler" in result.err
