"""`passes --places` with Parquet, GeoParquet, Arrow and CSV places, and `--out` files, through the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from tests.columnar_files import PROJJSON_3857, geo_table, plain_table, wkb_square, write_all  # noqa: E402
from tests.conftest import isstrack_command  # noqa: E402
from tests.test_places import FROM, random_places  # noqa: E402
from tests.tle_tools import newest  # noqa: E402


@pytest.fixture
def tle_file(tmp_path: Path) -> str:
    path = tmp_path / "iss.tle"
    path.write_text("\n".join(newest()) + "\n")
    return str(path)


POINTS = ("rise", "culmination", "set", "visible_start", "visible_highest", "visible_end")


def common(tle_file: str, days: str = "3") -> list[str]:
    return ["--from", FROM, "--days", days, "--tle-file", tle_file, "--offline"]


def test_every_format_gives_the_same_output(cli: Any, tmp_path: Path, tle_file: str) -> None:
    places = random_places(30)
    outputs = {}
    files = {}
    for fmt, path in write_all(tmp_path, places).items():
        result = cli("passes", "--places", str(path), *common(tle_file), "--all")
        assert result.code == 0, result.err
        outputs[fmt] = result.out
        out = tmp_path / f"{fmt}.parquet"
        result = cli("passes", "--places", str(path), *common(tle_file), "--all", "--out", str(out))
        assert result.code == 0 and result.out == "", result.err
        files[fmt] = pq.read_table(out)
    assert len(outputs["csv"].splitlines()) > 200
    assert all(text == outputs["csv"] for text in outputs.values())
    names = ["name", "place_row", *files["csv"].schema.names[5:]]
    for fmt, table in files.items():
        assert table.select(names).equals(files["csv"].select(names)), fmt


def test_out_parquet_equals_json_lines_row_for_row(cli: Any, tmp_path: Path, tle_file: str) -> None:
    path = tmp_path / "places.csv"
    path.write_text(
        "name,latitude_deg,longitude_deg,elevation_m,station\n"
        + "".join(f"{n},{a},{o},{h},{i}\n" for i, (n, a, o, h) in enumerate(random_places(25)))
    )
    out = tmp_path / "passes.parquet"
    done = cli("passes", "--places", str(path), *common(tle_file), "--all", "--out", str(out))
    assert done.code == 0, done.err
    lines = cli("passes", "--places", str(path), *common(tle_file), "--all", "--json")
    assert lines.code == 0, lines.err
    expected = [json.loads(line) for line in lines.out.splitlines()]
    rows = pq.read_table(out).to_pylist()
    assert len(rows) == len(expected) > 200
    assert pq.read_schema(out).field("rise_time").type == pa.timestamp("us", tz="UTC")
    for row, line in zip(rows, expected, strict=True):
        place, item = line["place"], line["pass"]
        assert (row["place_row"], row["name"], row["station"]) == (
            place["row"],
            place["name"],
            str(place["row"] - 1),
        )
        assert (row["latitude_deg"], row["longitude_deg"], row["elevation_m"]) == (
            place["latitude_deg"],
            place["longitude_deg"],
            place["elevation_m"],
        )
        for point in POINTS:
            if item[point] is None:
                assert row[f"{point}_time"] is None and row[f"{point}_direction"] is None
                continue
            assert row[f"{point}_time"].strftime("%Y-%m-%dT%H:%M:%SZ") == item[point]["time"]
            assert row[f"{point}_azimuth_deg"] == item[point]["azimuth_deg"]
            assert row[f"{point}_elevation_deg"] == item[point]["elevation_deg"]
            assert row[f"{point}_direction"] == item[point]["direction"]
        for name in ("duration_s", "kind", "visible", "visible_duration_s", "emerges_from_shadow"):
            assert row[name] == item[name], name
        for name in ("fades_into_shadow", "magnitude", "in_progress", "revolution"):
            assert row[name] == item[name], name


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".arrow"])
def test_other_out_formats_hold_the_parquet_rows(
    cli: Any, tmp_path: Path, tle_file: str, suffix: str
) -> None:
    source = tmp_path / "places.parquet"
    pq.write_table(plain_table(random_places(12), region=["north"] * 6 + ["south"] * 6), source)
    reference = tmp_path / "passes.parquet"
    assert cli("passes", "--places", str(source), *common(tle_file), "--out", str(reference)).code == 0
    out = tmp_path / f"passes{suffix}"
    done = cli("passes", "--places", str(source), *common(tle_file), "--out", str(out))
    assert done.code == 0, done.err
    want = pq.read_table(reference).to_pylist()
    if suffix == ".arrow":
        assert pa.ipc.open_file(str(out)).read_all().to_pylist() == want
        return
    import csv

    text = out.read_text()
    got = (
        list(csv.DictReader(text.splitlines()))
        if suffix == ".csv"
        else [json.loads(x) for x in text.splitlines()]
    )
    assert len(got) == len(want) > 5
    for row, expected in zip(got, want, strict=True):
        assert row["region"] == expected["region"] and int(row["place_row"]) == expected["place_row"]
        assert row["set_time"] == expected["set_time"].strftime("%Y-%m-%dT%H:%M:%SZ")
        assert float(row["magnitude"]) == expected["magnitude"]


def bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Return bad place files and a word their error must name."""
    files = {}
    no_lat = tmp_path / "no-lat.parquet"
    pq.write_table(pa.table({"name": ["a"], "longitude_deg": [1.0]}), no_lat)
    files["no latitude"] = (no_lat, "no latitude_deg")
    projected = tmp_path / "projected.parquet"
    pq.write_table(geo_table(random_places(9), crs=PROJJSON_3857), projected)
    files["projected"] = (projected, "projected")
    polygons = tmp_path / "polygons.parquet"
    meta = {"version": "1.1.0", "primary_column": "geometry", "columns": {"geometry": {"encoding": "WKB"}}}
    table = pa.table({"geometry": pa.array([wkb_square(1, 2)], pa.binary())})
    pq.write_table(table.replace_schema_metadata({"geo": json.dumps(meta)}), polygons)
    files["polygons"] = (polygons, "polygons, not points")
    nulls = tmp_path / "nulls.parquet"
    pq.write_table(pa.table({"lat": [1.0, None], "lon": [2.0, 3.0]}), nulls)
    files["nulls"] = (nulls, "row 2")
    good = tmp_path / "good.parquet"
    pq.write_table(plain_table(random_places(200)), good)
    truncated = tmp_path / "truncated.parquet"
    truncated.write_bytes(good.read_bytes()[:-100])
    files["truncated"] = (truncated, "truncated")
    garbage = tmp_path / "garbage.parquet"
    with garbage.open("wb") as handle:
        handle.truncate(2 * 10**9)  # sparse: 2 GB of zeros that take no disk
    files["garbage"] = (garbage, "not a Parquet, Arrow or CSV file")
    return files


@pytest.mark.parametrize("out", ["passes.parquet", None])
def test_bad_places_exit_2_naming_the_problem_and_write_nothing(
    cli: Any, tmp_path: Path, tle_file: str, out: str | None
) -> None:
    target = tmp_path / "out" / (out or "unused")
    target.parent.mkdir()
    extra = ["--out", str(target)] if out else []
    for problem, (path, words) in bad_files(tmp_path).items():
        started = time.monotonic()
        result = cli("passes", "--places", str(path), *common(tle_file), *extra)
        assert result.code == 2, (problem, result.err)
        assert result.out == "" and list(target.parent.iterdir()) == [], problem
        assert words in result.err and "Traceback" not in result.err, (problem, result.err)
        assert len(result.err.strip().splitlines()) == 1, result.err
        assert time.monotonic() - started < 30, problem  # the 2 GB file is refused by its first bytes


def test_out_needs_a_known_type_and_no_json(cli: Any, tmp_path: Path, tle_file: str) -> None:
    source = tmp_path / "places.parquet"
    pq.write_table(plain_table(random_places(9)), source)
    unknown = cli("passes", "--places", str(source), *common(tle_file), "--out", str(tmp_path / "p.xlsx"))
    assert unknown.code == 2 and "unknown file type" in unknown.err
    both = cli(
        "passes", "--places", str(source), *common(tle_file), "--json", "--out", str(tmp_path / "p.parquet")
    )
    assert both.code == 2 and "--json and --out" in both.err
    alone = cli("passes", "--out", str(tmp_path / "p.parquet"))
    assert alone.code == 2 and "--places" in alone.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["iss.tle", "places.parquet"]


def test_scheduler_conventions_exactly_one(cli: Any, tmp_path: Path, tle_file: str) -> None:
    source = tmp_path / "places.parquet"
    pq.write_table(plain_table(random_places(9)), source)
    base = ["passes", "--places", str(source), *common(tle_file)]
    scheduler_file = tmp_path / "scheduler.json"
    scheduler_file.write_text(json.dumps({"address": "tcp://127.0.0.1:9"}))
    two = cli(*base, "--scheduler", "tcp://127.0.0.1:9", "--scheduler-file", str(scheduler_file))
    assert two.code == 2 and "--scheduler and --scheduler-file both name" in two.err
    env = cli(
        *base, "--scheduler-file", str(scheduler_file), env={"DASK_SCHEDULER_ADDRESS": "tcp://127.0.0.1:9"}
    )
    assert env.code == 2 and "unset DASK_SCHEDULER_ADDRESS" in env.err
    missing = cli(*base, "--scheduler-file", str(tmp_path / "nope.json"))
    assert missing.code == 2 and "does not exist" in missing.err
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    assert "is not JSON" in cli(*base, "--scheduler-file", str(broken)).err
    workers = cli(*base, "--workers", "2", env={"DASK_SCHEDULER_ADDRESS": "tcp://127.0.0.1:9"})
    assert workers.code == 2 and "--workers and DASK_SCHEDULER_ADDRESS" in workers.err
    unreachable = cli(
        *base, "--out", str(tmp_path / "o.parquet"), env={"DASK_SCHEDULER_ADDRESS": "tcp://127.0.0.1:9"}
    )
    assert unreachable.code == 2 and "cannot reach a Dask scheduler" in unreachable.err
    assert not (tmp_path / "o.parquet").exists()


def test_100000_places_to_parquet_in_bounded_memory(
    tmp_path: Path, tle_file: str, isolated_env: dict[str, str]
) -> None:
    import numpy as np

    count = 100_000
    rng = np.random.default_rng(3)
    source = tmp_path / "places.parquet"
    pq.write_table(
        pa.table(
            {
                "id": np.arange(count),
                "latitude_deg": np.degrees(np.arcsin(rng.uniform(-1, 1, count))),
                "longitude_deg": rng.uniform(-180, 180, count),
            }
        ),
        source,
    )
    out = tmp_path / "passes.parquet"
    command = [
        *isstrack_command(),
        "passes",
        "--places",
        str(source),
        *common(tle_file, "2"),
        "--out",
        str(out),
    ]
    # The benchmark's own measure: the summed RSS of the process and its workers, sampled every 20 ms.
    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    from bench_places import run_measured

    peak_mib = run_measured(command, {**os.environ, **isolated_env}).tree_rss_mib
    rows = pq.ParquetFile(out).metadata.num_rows
    assert rows > count / 2
    # The whole tree (parent and its workers, shared pages counted in each) stays well under 1 GiB.
    # 700, not 600, since the workers run the compiled loops (isstrack.sky.kernel): numba and LLVM are
    # about 65 MB a worker whatever the number of places (1,000,000 places measured 892 MiB).
    assert peak_mib < 700, f"peak tree RSS {peak_mib:.0f} MiB"


def test_an_arrow_stream_on_standard_input(
    tmp_path: Path, tle_file: str, isolated_env: dict[str, str]
) -> None:
    table = plain_table(random_places(15))
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=4)
    from_file = tmp_path / "places.parquet"
    pq.write_table(table, from_file)
    outs = []
    for source, data in (("-", sink.getvalue().to_pybytes()), (str(from_file), b"")):
        out = tmp_path / f"out-{len(outs)}.parquet"
        command = [*isstrack_command(), "passes", "--places", source, *common(tle_file), "--out", str(out)]
        done = subprocess.run(
            command, input=data, capture_output=True, env={**os.environ, **isolated_env}, timeout=120
        )
        assert done.returncode == 0, done.stderr
        outs.append(pq.read_table(out))
    assert outs[0].num_rows > 5 and outs[0].equals(outs[1])
