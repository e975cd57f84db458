"""The passes_for_batches examples of docs/many-places.md, run as written: DuckDB, Dask, Spark, Ray.

Each example reads `places.parquet` and `iss.tle` in a fresh directory and writes passes as Parquet;
what it wrote must equal passes_for_batches called directly on the same places. Where pyspark or ray
is not installed, the batches they would send (Spark: RecordBatches of up to 10,000 rows, Ray:
Tables) are fed to the function instead.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from isstrack.batch.arrowpasses import pass_schema, passes_for_batches  # noqa: E402
from tests.columnar_files import plain_table  # noqa: E402
from tests.test_places import random_places  # noqa: E402
from tests.tle_tools import newest  # noqa: E402

PAGE = Path(__file__).parents[1] / "docs" / "many-places.md"
START = datetime(2026, 9, 24, tzinfo=timezone.utc)


def example(name: str) -> str:
    """Return docs/many-places.md's Python example marked `<!-- example: name -->`."""
    found = re.search(rf"<!-- example: {name} -->\n```python\n(.*?)```", PAGE.read_text(), re.S)
    assert found, name
    return found.group(1)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "iss.tle").write_text("\n".join(newest()) + "\n")
    table = plain_table(random_places(60), station_id=pa.array(range(60), pa.int64()))
    pq.write_table(table, tmp_path / "places.parquet", row_group_size=25)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def expected(directory: Path) -> Any:
    places = pq.read_table(directory / "places.parquet")
    tle = (directory / "iss.tle").read_text()
    return pa.Table.from_batches(list(passes_for_batches(places.to_batches(), tle, START, days=10)))


def run(name: str) -> None:
    exec(compile(example(name), f"docs/many-places.md {name}", "exec"), {"__name__": f"readme_{name}"})


def same_rows(got: Any, want: Any) -> None:
    """Assert two pass tables hold the same rows in the same station order, column by column."""
    got = got.select(want.schema.names).sort_by([("station_id", "ascending"), ("rise_time", "ascending")])
    want = want.sort_by([("station_id", "ascending"), ("rise_time", "ascending")])
    assert got.num_rows == want.num_rows > 20
    for name in want.schema.names:
        ours, theirs = got.column(name), want.column(name)
        if pa.types.is_timestamp(theirs.type):  # engines may store another unit: compare instants
            ours, theirs = ours.cast(pa.timestamp("us", tz="UTC")), theirs.cast(pa.timestamp("us", tz="UTC"))
        assert ours.to_pylist() == theirs.to_pylist(), name


def test_duckdb_example(workdir: Path) -> None:
    pytest.importorskip("duckdb")
    run("duckdb")
    got = pq.read_table(workdir / "passes.parquet")
    want = expected(workdir)
    assert got.column("station_id").to_pylist() == want.column("station_id").to_pylist()  # in order
    same_rows(got, want)


def test_dask_example(workdir: Path) -> None:
    pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
        ) as cluster,
        distributed.Client(cluster),
    ):
        run("dask")
    same_rows(pq.read_table(workdir / "passes-dask"), expected(workdir))


def test_spark_example_or_its_batches(workdir: Path) -> None:
    try:
        import pyspark
    except ImportError:
        pyspark = None
    if pyspark is None or shutil.which("java") is None:
        # What mapInArrow sends: an iterator of RecordBatches of up to 10,000 rows per partition.
        places = pq.read_table(workdir / "places.parquet")
        out = passes_for_batches(
            iter(places.to_batches(max_chunksize=10_000)), (workdir / "iss.tle").read_text(), START, days=10
        )
        same_rows(pa.Table.from_batches(list(out), schema=pass_schema(places.schema)), expected(workdir))
        return
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    try:
        run("spark")
    finally:
        from pyspark.sql import SparkSession

        active = SparkSession.getActiveSession()
        if active is not None:
            active.stop()
    same_rows(pq.read_table(workdir / "passes-spark"), expected(workdir))


def test_ray_example_or_its_batches(workdir: Path) -> None:
    try:
        import ray
    except ImportError:
        places = pq.read_table(workdir / "places.parquet")
        tables = [places.slice(i, 17) for i in range(0, places.num_rows, 17)]  # Ray Data sends Tables
        out = [
            b
            for t in tables
            for b in passes_for_batches([t], (workdir / "iss.tle").read_text(), START, days=10)
        ]
        same_rows(pa.Table.from_batches(out), expected(workdir))
        return
    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)
    try:
        run("ray")
    finally:
        ray.shutdown()
    same_rows(pq.read_table(workdir / "passes-ray"), expected(workdir))
