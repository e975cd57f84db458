"""Places from Parquet, GeoParquet, Arrow and CSV (told apart by content), and every way they can be bad."""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import numpy as np
import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from isstrack.batch.columnar import MAX_FILE_BYTES, read_place_file  # noqa: E402
from isstrack.errors import BadInputError  # noqa: E402
from tests.columnar_files import (  # noqa: E402
    PROJJSON_3857,
    geo_table,
    plain_table,
    wkb_point,
    wkb_square,
    write_all,
)
from tests.test_places import random_places  # noqa: E402


def read(path: Path) -> object:
    return read_place_file(path, stdin_idle_s=1.0)


def test_every_format_gives_the_same_places_whatever_the_file_is_called(tmp_path: Path) -> None:
    places = random_places(20)
    paths = write_all(tmp_path, places)
    expected_lat = np.array([p[1] for p in places])
    expected_lon = np.array([p[2] for p in places])
    expected_height = np.array([p[3] for p in places])
    kinds = {}
    for fmt, path in paths.items():
        got = read(path)
        kinds[fmt] = got.format
        assert np.array_equal(got.latitude_deg, expected_lat), fmt
        assert np.array_equal(got.longitude_deg, expected_lon), fmt
        assert np.array_equal(got.elevation_m, expected_height), fmt
        assert got.table.column("name").to_pylist() == [p[0] for p in places], fmt
    assert kinds == {
        "parquet": "parquet",
        "geoparquet-wkb": "geoparquet",
        "geoparquet-point": "geoparquet",
        "arrow": "arrow",
        "arrow-stream": "arrow-stream",
        "csv": "csv",
    }


def test_a_parquet_file_named_csv_is_read_as_parquet(tmp_path: Path) -> None:
    path = tmp_path / "places.csv"
    pq.write_table(plain_table(random_places(9)), path)
    assert read(path).format == "parquet"


def test_extra_columns_are_kept_with_their_types(tmp_path: Path) -> None:
    places = random_places(9)
    table = plain_table(
        places,
        station_id=pa.array(range(100, 109), pa.int32()),
        code=[f"00{i}" for i in range(9)],
        tags=pa.array([[i, i + 1] for i in range(9)], pa.list_(pa.int16())),
    )
    path = tmp_path / "p.parquet"
    pq.write_table(table, path)
    got = read(path).table
    assert got.schema.field("station_id").type == pa.int32()
    assert got.column("station_id").to_pylist() == list(range(100, 109))
    assert got.column("tags").to_pylist()[3] == [3, 4]
    # From CSV every other column stays text: ids keep their leading zeros.
    csv_path = tmp_path / "p.txt"
    csv_path.write_text("code,lat,lon\n007,1.5,2.5\n010,3.5,4.5\n")
    from_csv = read(csv_path)
    assert from_csv.table.column("code").to_pylist() == ["007", "010"]
    assert list(from_csv.latitude_deg) == [1.5, 3.5] and list(from_csv.elevation_m) == [0.0, 0.0]


def test_big_endian_ewkb_and_2d_points_decode(tmp_path: Path) -> None:
    ewkb_z_srid = struct.pack("<BIIddd", 1, 0x80000001 | 0x20000000, 4326, 7.25, 45.5, 1234.0)
    column = pa.array(
        [wkb_point(10.0, -20.0, big_endian=True), wkb_point(-1.5, 60.25), ewkb_z_srid], pa.binary()
    )
    table = pa.table({"geometry": column, "id": [1, 2, 3]})
    meta = {
        "version": "1.0.0",
        "primary_column": "geometry",
        "columns": {"geometry": {"encoding": "WKB", "geometry_types": []}},
    }
    path = tmp_path / "g.parquet"
    pq.write_table(table.replace_schema_metadata({"geo": json.dumps(meta)}), path)
    got = read(path)
    assert list(got.latitude_deg) == [-20.0, 60.25, 45.5]
    assert list(got.longitude_deg) == [10.0, -1.5, 7.25]
    assert list(got.elevation_m) == [0.0, 0.0, 1234.0]
    assert got.table.schema.names == ["latitude_deg", "longitude_deg", "elevation_m", "id"]


def test_geoarrow_tagged_arrow_file_is_read(tmp_path: Path) -> None:
    places = random_places(9)
    geometry = pa.array([wkb_point(p[2], p[1]) for p in places], pa.binary())
    field = pa.field(
        "where",
        pa.binary(),
        metadata={"ARROW:extension:name": "geoarrow.wkb", "ARROW:extension:metadata": '{"crs": "OGC:CRS84"}'},
    )
    table = pa.Table.from_arrays(
        [pa.array([p[0] for p in places]), geometry], schema=pa.schema([("name", pa.string()), field])
    )
    path = tmp_path / "g.arrow"
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    got = read(path)
    assert list(got.latitude_deg) == [p[1] for p in places]


def expect_error(path: Path, *words: str) -> str:
    with pytest.raises(BadInputError) as caught:
        read(path)
    message = str(caught.value)
    assert "\n" not in message
    for word in words:
        assert word in message, message
    return message


def test_no_latitude_column(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    pq.write_table(pa.table({"name": ["a"], "longitude_deg": [1.0]}), path)
    expect_error(path, "p.parquet", "no latitude_deg", "name the columns")


def test_projected_crs_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    pq.write_table(geo_table(random_places(9), crs=PROJJSON_3857), path)
    expect_error(path, "projected", "Pseudo-Mercator", "EPSG:4326")


@pytest.mark.parametrize(
    "crs, words",
    [
        (None, ("no known CRS",)),
        ("EPSG:3857", ("cannot confirm",)),
        ('PROJCRS["WGS 84 / UTM zone 32N",BASEGEOGCRS["WGS 84"]]', ("projected",)),
        (
            {"type": "GeodeticCRS", "name": "ECEF", "coordinate_system": {"subtype": "Cartesian"}},
            ("geocentric",),
        ),
    ],
)
def test_other_unusable_crs_are_refused(tmp_path: Path, crs: object, words: tuple[str, ...]) -> None:
    path = tmp_path / "p.parquet"
    pq.write_table(geo_table(random_places(9), crs=crs), path)
    expect_error(path, *words)


def test_geographic_crs_spellings_are_accepted(tmp_path: Path) -> None:
    for number, crs in enumerate(
        ["OGC:CRS84", "EPSG:4326", 'GEOGCRS["WGS 84",DATUM["World Geodetic System 1984"]]']
    ):
        path = tmp_path / f"p{number}.parquet"
        pq.write_table(geo_table(random_places(9), crs=crs), path)
        assert len(read(path)) == 9


def test_polygons_are_refused_by_metadata_and_by_content(tmp_path: Path) -> None:
    declared = tmp_path / "declared.parquet"
    pq.write_table(geo_table(random_places(9), types=["Polygon"]), declared)
    expect_error(declared, "polygons, not points", "centroids")
    # The metadata says nothing of the types; the second row is a polygon.
    column = pa.array([wkb_point(1, 2), wkb_square(3, 4)], pa.binary())
    meta = {
        "version": "1.1.0",
        "primary_column": "geometry",
        "columns": {"geometry": {"encoding": "WKB", "geometry_types": []}},
    }
    hidden = tmp_path / "hidden.parquet"
    pq.write_table(pa.table({"geometry": column}).replace_schema_metadata({"geo": json.dumps(meta)}), hidden)
    expect_error(hidden, "row 2", "polygons, not points")
    native = tmp_path / "native.parquet"
    meta["columns"]["geometry"]["encoding"] = "polygon"
    pq.write_table(pa.table({"geometry": column}).replace_schema_metadata({"geo": json.dumps(meta)}), native)
    expect_error(native, "polygons, not points")


def test_nulls_are_refused_by_row(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    pq.write_table(pa.table({"lat": [1.0, 2.0, None], "lon": [1.0, 2.0, 3.0]}), path)
    expect_error(path, "row 3", "lat", "null")
    geo = geo_table(random_places(9)[:3])
    column = pa.array([wkb_point(1, 2), None, wkb_point(3, 4)], pa.binary())
    geo = geo.set_column(1, "geometry", column)
    geo_path = tmp_path / "g.parquet"
    pq.write_table(geo, geo_path)
    expect_error(geo_path, "row 2", "null")
    # A missing elevation is sea level, as in the CSV reader.
    heights = tmp_path / "h.parquet"
    pq.write_table(pa.table({"lat": [1.0, 2.0], "lon": [1.0, 2.0], "elevation_m": [None, 5.0]}), heights)
    assert list(read(heights).elevation_m) == [0.0, 5.0]


def test_out_of_range_and_text_coordinates_name_the_row(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    pq.write_table(pa.table({"latitude_deg": [1.0, 91.0], "longitude_deg": [0.0, 0.0]}), path)
    expect_error(path, "row 2", "latitude_deg 91", "[-90, 90]")
    text = tmp_path / "p.csv"
    text.write_text("lat,lon\n1,2\n3,east\n")
    expect_error(text, "row 2", "lon 'east' is not a number")


def test_truncated_files_are_refused(tmp_path: Path) -> None:
    paths = write_all(tmp_path, random_places(50))
    for fmt in ("parquet", "arrow", "arrow-stream"):
        data = paths[fmt].read_bytes()
        cut = tmp_path / f"cut-{fmt}"
        cut.write_bytes(data[: len(data) * 2 // 3])
        message = expect_error(cut)
        assert "truncated" in message or "ends early" in message, message


def test_two_gigabytes_of_garbage_named_parquet(tmp_path: Path) -> None:
    zeros = tmp_path / "zeros.parquet"
    with zeros.open("wb") as handle:
        handle.truncate(2 * 10**9)  # sparse: no disk used
    expect_error(zeros, "not a Parquet, Arrow or CSV file", "00 00 00 00")
    # Right magic at both ends, garbage between: the size is refused before anything is read.
    magic = tmp_path / "magic.parquet"
    with magic.open("wb") as handle:
        handle.write(b"PAR1")
        handle.truncate(2 * 10**9)
        handle.seek(2 * 10**9 - 4)
        handle.write(b"PAR1")
    expect_error(magic, f"more than {MAX_FILE_BYTES:,}")
    small = tmp_path / "small.parquet"
    small.write_bytes(b"PAR1" + os.urandom(5000) + b"\x10\x00\x00\x00PAR1")
    expect_error(small, "not a readable Parquet file")


def test_binary_garbage_and_empty_files(tmp_path: Path) -> None:
    noise = tmp_path / "noise.parquet"
    noise.write_bytes(bytes(range(256)) * 10)
    expect_error(noise, "not a Parquet, Arrow or CSV file")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    expect_error(empty, "empty")
    header = tmp_path / "header.parquet"
    pq.write_table(pa.table({"lat": pa.array([], pa.float64()), "lon": pa.array([], pa.float64())}), header)
    expect_error(header, "no places")


def test_geopandas_written_geoparquet(tmp_path: Path) -> None:
    """GeoParquet as GeoPandas writes it: WKB and GeoArrow points, a projected copy, polygons."""
    geopandas = pytest.importorskip("geopandas")
    shapely = pytest.importorskip("shapely")
    places = random_places(12)
    frame = geopandas.GeoDataFrame(
        {"name": [p[0] for p in places]},
        geometry=[shapely.Point(p[2], p[1]) for p in places],
        crs="EPSG:4326",
    )
    for encoding in ("WKB", "geoarrow"):
        path = tmp_path / f"{encoding}.parquet"
        frame.to_parquet(path, geometry_encoding=encoding)
        got = read(path)
        assert got.format == "geoparquet"
        assert list(got.latitude_deg) == [p[1] for p in places], encoding
        assert list(got.longitude_deg) == [p[2] for p in places], encoding
    projected = tmp_path / "mercator.parquet"
    frame.to_crs(3857).to_parquet(projected)
    expect_error(projected, "projected", "Pseudo-Mercator")
    areas = tmp_path / "areas.parquet"
    frame.assign(geometry=frame.buffer(0.1)).to_parquet(areas)
    expect_error(areas, "polygons, not points")
