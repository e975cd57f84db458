"""passes_for_batches and the pass writers: every input format gives what single-place `passes` finds."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from isstrack.batch.arrowpasses import pass_schema, passes_for_batches  # noqa: E402
from isstrack.batch.columnar import read_place_file  # noqa: E402
from isstrack.batch.passout import pass_output  # noqa: E402
from isstrack.errors import BadInputError  # noqa: E402
from tests.columnar_files import plain_table, write_all  # noqa: E402
from tests.test_places import DAYS, FROM, assert_same_pass, random_places, single_place  # noqa: E402
from tests.tle_tools import newest  # noqa: E402

START = datetime.fromisoformat(FROM.replace("Z", "+00:00"))
POINTS = ("rise", "culmination", "set", "visible_start", "visible_highest", "visible_end")


def tle_text() -> str:
    return "\n".join(newest()) + "\n"


def passes_table(batches: Any, **options: Any) -> Any:
    return pa.Table.from_batches(list(passes_for_batches(batches, tle_text(), START, float(DAYS), **options)))


def as_json_pass(row: dict[str, Any]) -> dict[str, Any]:
    """Return a pass row in the shape of the JSON output's pass object."""
    document: dict[str, Any] = {}
    for point in POINTS:
        when = row[f"{point}_time"]
        document[point] = (
            None
            if when is None
            else {
                "time": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "azimuth_deg": row[f"{point}_azimuth_deg"],
                "elevation_deg": row[f"{point}_elevation_deg"],
                "direction": row[f"{point}_direction"],
            }
        )
    for name in ("duration_s", "kind", "visible", "visible_duration_s", "emerges_from_shadow"):
        document[name] = row[name]
    for name in ("fades_into_shadow", "magnitude", "in_progress", "revolution"):
        document[name] = row[name]
    return document


def test_passes_equal_single_place_passes(tmp_path: Path) -> None:
    places = random_places(12)
    tle = tmp_path / "iss.tle"
    tle.write_text(tle_text())
    table = passes_table(plain_table(places).to_batches(max_chunksize=5), all_passes=True)
    assert table.schema == pass_schema(plain_table(places).schema)
    runner = CliRunner()
    for place in places:
        single = json.loads(single_place(runner, place, "--all", "--tle-file", str(tle), "--json"))
        rows = [r for r in table.to_pylist() if r["name"] == place[0]]
        assert len(rows) == len(single["passes"]), place
        for row, expected in zip(rows, single["passes"], strict=True):
            ours = as_json_pass(row)
            assert_same_pass(ours, expected)
            for point in POINTS:  # the same rounding as the JSON output
                if expected[point] is not None:
                    assert ours[point]["direction"] == expected[point]["direction"]
            assert (row["latitude_deg"], row["longitude_deg"], row["elevation_m"]) == place[1:]


def test_every_input_format_gives_identical_passes(tmp_path: Path) -> None:
    places = random_places(25)
    tables = {}
    for fmt, path in write_all(tmp_path, places).items():
        read = read_place_file(path, stdin_idle_s=1.0)
        tables[fmt] = passes_table(read.table.to_batches(max_chunksize=7), all_passes=True)
    reference = tables.pop("parquet")
    assert reference.num_rows > 100
    pass_names = [f.name for f in pass_schema(plain_table(places).schema)][4:]
    for fmt, table in tables.items():
        assert table.select(["name", *pass_names]).equals(reference.select(["name", *pass_names])), fmt
        assert table.column("latitude_deg").to_pylist() == reference.column("latitude_deg").to_pylist()


def test_batches_of_any_size_empty_ones_and_tables_give_the_same_rows() -> None:
    table = plain_table(random_places(30), station=list(range(30)))
    whole = passes_table([table])
    sizes = [0, 1, 7, 0, 13, 9]
    pieces: list[Any] = []
    offset = 0
    for size in sizes:
        empty = pa.RecordBatch.from_pylist([], schema=table.schema)
        pieces.append(table.slice(offset, size).to_batches()[0] if size else empty)
        offset += size
    pieces[-1] = table.slice(offset - sizes[-1])  # a Table, as Ray Data sends
    outputs = list(passes_for_batches(pieces, tle_text(), START, float(DAYS)))
    assert len(outputs) >= len(sizes)
    assert all(batch.schema == whole.schema for batch in outputs)
    assert pa.Table.from_batches(outputs).equals(whole)
    assert whole.column("station").to_pylist() == sorted(whole.column("station").to_pylist())


def test_bad_batches_are_refused_by_number_and_row() -> None:
    good = plain_table(random_places(9))
    bad = pa.table({"lat": [1.0, None], "lon": [2.0, 3.0]})
    with pytest.raises(BadInputError, match=r"batch 2, row 2: lat is empty \(null\)"):
        list(passes_for_batches([good, bad], tle_text(), START, 1.0))
    clash = plain_table(random_places(9), kind=["x"] * 9)
    with pytest.raises(BadInputError, match="column kind is also a pass column"):
        list(passes_for_batches([clash], tle_text(), START, 1.0))
    with pytest.raises(BadInputError, match="no time zone"):
        list(passes_for_batches([good], tle_text(), datetime(2026, 9, 24), 1.0))


@pytest.mark.parametrize("suffix", [".parquet", ".arrow", ".arrows"])
def test_binary_outputs_read_back_equal(tmp_path: Path, suffix: str) -> None:
    table = plain_table(random_places(40), tags=pa.array([[i] for i in range(40)], pa.list_(pa.int8())))
    expected = passes_table(table.to_batches(max_chunksize=6), all_passes=True)
    out = tmp_path / f"passes{suffix}"
    with pass_output(out, expected.schema) as writer:
        for batch in passes_for_batches(
            table.to_batches(max_chunksize=6), tle_text(), START, float(DAYS), all_passes=True
        ):
            writer.write(batch)
    if suffix == ".parquet":
        got = pq.read_table(out)
    elif suffix == ".arrow":
        got = pa.ipc.open_file(str(out)).read_all()
    else:
        got = pa.ipc.open_stream(pa.OSFile(str(out))).read_all()
    assert got.schema == expected.schema and got.equals(expected)
    assert got.schema.field("rise_time").type == pa.timestamp("us", tz="UTC")
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temp file left


def test_text_outputs_hold_the_same_rows(tmp_path: Path) -> None:
    table = plain_table(random_places(20), code=[f"0{i}" for i in range(20)])
    expected = passes_table([table]).to_pylist()
    assert expected
    for suffix in (".csv", ".jsonl"):
        out = tmp_path / f"passes{suffix}"
        with pass_output(out, pass_schema(table.schema)) as writer:
            for batch in passes_for_batches([table], tle_text(), START, float(DAYS)):
                writer.write(batch)
        text = out.read_text()
        rows = (
            list(csv.DictReader(text.splitlines()))
            if suffix == ".csv"
            else [json.loads(x) for x in text.splitlines()]
        )
        assert len(rows) == len(expected)
        for row, want in zip(rows, expected, strict=True):
            assert row["code"] == want["code"]
            assert row["rise_time"] == want["rise_time"].strftime("%Y-%m-%dT%H:%M:%SZ")
            assert float(row["culmination_elevation_deg"]) == want["culmination_elevation_deg"]
            assert float(row["magnitude"]) == want["magnitude"]
            assert str(row["visible"]).lower() == "true"


def test_a_failed_write_leaves_nothing_and_keeps_an_old_file(tmp_path: Path) -> None:
    out = tmp_path / "passes.parquet"
    out.write_bytes(b"old")
    schema = pass_schema(plain_table(random_places(9)).schema)
    with pytest.raises(BadInputError), pass_output(out, schema) as writer:
        for batch in passes_for_batches(
            [plain_table(random_places(9)), pa.table({"x": [1]})], tle_text(), START, 1.0
        ):
            writer.write(batch)
    assert out.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["passes.parquet"]
    with pytest.raises(BadInputError, match="unknown file type"), pass_output(tmp_path / "p.xlsx", schema):
        pass
    nested = pass_schema(plain_table(random_places(9), tags=[[1]] * 9).schema)
    with pytest.raises(BadInputError, match="CSV cannot hold"), pass_output(tmp_path / "p.csv", nested):
        pass
    assert [p.name for p in tmp_path.iterdir()] == ["passes.parquet"]


def test_start_may_be_in_any_zone() -> None:
    table = plain_table(random_places(9))
    from zoneinfo import ZoneInfo

    local = START.astimezone(ZoneInfo("Asia/Tokyo"))
    assert passes_table([table]).equals(
        pa.Table.from_batches(list(passes_for_batches([table], tle_text(), local, float(DAYS))))
    )
    assert START.tzinfo is not None and START.utcoffset() == timezone.utc.utcoffset(None)


def test_worker_processes_give_the_batch_functions_rows_in_order(tmp_path: Path) -> None:
    from isstrack.batch.arrowpasses import pass_job
    from isstrack.batch.columnrun import run_local, with_row_numbers

    path = tmp_path / "places.parquet"
    pq.write_table(plain_table(random_places(300)), path)
    places = with_row_numbers(read_place_file(path, stdin_idle_s=1.0))
    job = pass_job(tle_text(), START, float(DAYS), all_passes=True)
    results = list(run_local(job, places, workers=2))
    assert sum(count for count, _ in results) == 300 and len(results) > 2
    got = pa.Table.from_batches([batch for _, batch in results])
    want = passes_table(places.table.to_batches(), all_passes=True)
    assert got.equals(want)
    rows = got.column("place_row").to_pylist()
    assert rows == sorted(rows) and got.schema.names[4] == "place_row"
