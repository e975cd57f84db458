"""Write the same places as Parquet, GeoParquet (WKB and GeoArrow points), Arrow IPC and CSV, by hand.

The geometry is packed with `struct` straight from the WKB and GeoParquet specifications (not by
the code under test), so reading it back checks isstrack's decoding against the formats themselves.
"""

from __future__ import annotations

import csv
import json
import struct
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

Place = tuple[str, float, float, float]

PROJJSON_4326 = {
    "type": "GeographicCRS",
    "name": "WGS 84",
    "datum_ensemble": {"name": "World Geodetic System 1984 ensemble"},
    "coordinate_system": {
        "subtype": "ellipsoidal",
        "axis": [
            {"name": "Geodetic latitude", "abbreviation": "Lat", "direction": "north", "unit": "degree"},
            {"name": "Geodetic longitude", "abbreviation": "Lon", "direction": "east", "unit": "degree"},
        ],
    },
    "id": {"authority": "EPSG", "code": 4326},
}
PROJJSON_3857 = {
    "type": "ProjectedCRS",
    "name": "WGS 84 / Pseudo-Mercator",
    "base_crs": PROJJSON_4326,
    "conversion": {"name": "Popular Visualisation Pseudo-Mercator"},
    "coordinate_system": {
        "subtype": "Cartesian",
        "axis": [
            {"name": "Easting", "abbreviation": "X", "direction": "east", "unit": "metre"},
            {"name": "Northing", "abbreviation": "Y", "direction": "north", "unit": "metre"},
        ],
    },
    "id": {"authority": "EPSG", "code": 3857},
}


def wkb_point(lon: float, lat: float, height: float | None = None, big_endian: bool = False) -> bytes:
    """Return an ISO WKB point (type 1, or 1001 with z)."""
    order = ">" if big_endian else "<"
    if height is None:
        return struct.pack(f"{order}BIdd", 0 if big_endian else 1, 1, lon, lat)
    return struct.pack(f"{order}BIddd", 0 if big_endian else 1, 1001, lon, lat, height)


def wkb_square(lon: float, lat: float) -> bytes:
    """Return a small WKB polygon (type 3) around a point."""
    ring = [(lon, lat), (lon + 0.1, lat), (lon + 0.1, lat + 0.1), (lon, lat + 0.1), (lon, lat)]
    body = struct.pack("<BIII", 1, 3, 1, len(ring))
    return body + b"".join(struct.pack("<dd", x, y) for x, y in ring)


def plain_table(places: list[Place], **extra: list[Any]) -> pa.Table:
    """Return the places as a table with name, latitude_deg, longitude_deg, elevation_m (and extras)."""
    columns: dict[str, Any] = {
        "name": [p[0] for p in places],
        "latitude_deg": [p[1] for p in places],
        "longitude_deg": [p[2] for p in places],
        "elevation_m": [p[3] for p in places],
    }
    return pa.table({**columns, **extra})


def geo_metadata(encoding: str = "WKB", types: list[str] | None = None, crs: Any = "absent") -> bytes:
    """Return GeoParquet 1.1.0 file metadata for one geometry column named geometry."""
    column: dict[str, Any] = {"encoding": encoding, "geometry_types": types or ["Point"]}
    if crs != "absent":
        column["crs"] = crs
    document = {"version": "1.1.0", "primary_column": "geometry", "columns": {"geometry": column}}
    return json.dumps(document).encode()


def geo_table(
    places: list[Place],
    *,
    encoding: str = "WKB",
    crs: Any = "absent",
    z: bool = True,
    types: list[str] | None = None,
) -> pa.Table:
    """Return the places with a point geometry (x longitude, y latitude, z height) and GeoParquet metadata."""
    if encoding == "WKB":
        geometry: Any = pa.array([wkb_point(p[2], p[1], p[3] if z else None) for p in places], pa.binary())
    else:  # GeoArrow "point", separated: a struct of x, y, z
        arrays = [pa.array([p[2] for p in places]), pa.array([p[1] for p in places])]
        names = ["x", "y"]
        if z:
            arrays.append(pa.array([p[3] for p in places]))
            names.append("z")
        geometry = pa.StructArray.from_arrays(arrays, names=names)
    table = pa.table({"name": [p[0] for p in places], "geometry": geometry})
    types = types or (["Point Z"] if z else ["Point"])
    return table.replace_schema_metadata(
        {b"geo": geo_metadata(encoding.lower() if encoding != "WKB" else "WKB", types, crs)}
    )


def write_all(directory: Path, places: list[Place]) -> dict[str, Path]:
    """Write the places in every supported format; return path by format (names hide the format)."""
    paths = {}
    table = plain_table(places)
    paths["parquet"] = directory / "parquet.data"
    pq.write_table(table, paths["parquet"])
    paths["geoparquet-wkb"] = directory / "geo-wkb.data"
    pq.write_table(geo_table(places), paths["geoparquet-wkb"])
    paths["geoparquet-point"] = directory / "geo-point.data"
    pq.write_table(geo_table(places, encoding="point", crs=PROJJSON_4326), paths["geoparquet-point"])
    paths["arrow"] = directory / "arrow.data"
    with pa.OSFile(str(paths["arrow"]), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=3)
    paths["arrow-stream"] = directory / "stream.data"
    with pa.OSFile(str(paths["arrow-stream"]), "wb") as sink, pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=4)
    paths["csv"] = directory / "csv.data"
    with paths["csv"].open("w", newline="") as handle:
        writer_csv = csv.writer(handle)
        writer_csv.writerow(["name", "latitude_deg", "longitude_deg", "elevation_m"])
        writer_csv.writerows(places)
    return paths
