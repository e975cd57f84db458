"""Places given as point geometries: GeoParquet and GeoArrow metadata, WKB and GeoArrow points, CRS checks.

GeoParquet (1.0, 1.1) keeps a JSON document under the file's `geo` key: `primary_column`, and per
geometry column its `encoding` ("WKB", or a GeoArrow native one such as "point"), `geometry_types`
and `crs` (PROJJSON; absent means OGC:CRS84, longitude and latitude; null means unknown). GeoArrow
tags an Arrow field instead (`ARROW:extension:name` "geoarrow.wkb" or "geoarrow.point", with the CRS
in `ARROW:extension:metadata`). Either way x is the longitude and y the latitude (GeoParquet fixes
that axis order whatever the CRS says), and z, when there is one, the height in metres.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from isstrack.errors import BadInputError

GEOMETRY_NAMES = ("geometry", "geom")
_EXTENSION_NAME = b"ARROW:extension:name"
_EXTENSION_METADATA = b"ARROW:extension:metadata"
MAX_METADATA_BYTES = 1024 * 1024
_GEOGRAPHIC_CODES = {"EPSG:4326", "EPSG:4979", "OGC:CRS84", "OGC:CRS84H", "EPSG:4258", "EPSG:4269"}
# WKB geometry type codes (ISO: +1000 Z, +2000 M, +3000 ZM; EWKB: high flag bits) by base type.
_WKB_NAMES = {1: "points", 2: "lines", 3: "polygons", 4: "multipoints", 5: "multilines", 6: "multipolygons"}
_EWKB_Z, _EWKB_M, _EWKB_SRID = 0x80000000, 0x40000000, 0x20000000
_REPROJECT = "reproject to longitude/latitude first (EPSG:4326, e.g. to_crs(4326) in GeoPandas)"


@dataclass(frozen=True)
class GeometryColumn:
    """Where the places' points are: a column, its encoding and what its metadata says of it."""

    name: str
    encoding: str  # "wkb" or "point"
    crs: Any  # the CRS as given: absent (CRS84) is "OGC:CRS84"
    geometry_types: tuple[str, ...] = ()


def _metadata_json(raw: bytes, what: str) -> Any:
    if len(raw) > MAX_METADATA_BYTES:
        raise BadInputError(f"{what} is larger than {MAX_METADATA_BYTES:,} bytes; is the file damaged?")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadInputError(f"{what} is not valid JSON; write the file again") from None


def find_geometry(schema: Any, label: str) -> GeometryColumn | None:
    """Return the point geometry column the schema's GeoParquet or GeoArrow metadata names, or None."""
    geo = (schema.metadata or {}).get(b"geo")
    if geo is not None:
        document = _metadata_json(geo, f"{label}: the GeoParquet 'geo' metadata")
        if not isinstance(document, dict) or not isinstance(document.get("columns"), dict):
            raise BadInputError(f"{label}: the GeoParquet 'geo' metadata has no 'columns'; write it again")
        primary = document.get("primary_column")
        columns = document["columns"]
        if primary not in columns:
            primary = next(iter(columns), None)
        if primary is not None and isinstance(columns[primary], dict) and primary in schema.names:
            meta = columns[primary]
            types = meta.get("geometry_types", meta.get("geometry_type", []))
            types = (types,) if isinstance(types, str) else tuple(str(t) for t in types or ())
            encoding = str(meta.get("encoding", "WKB")).lower()
            return GeometryColumn(primary, encoding, meta.get("crs", "OGC:CRS84"), types)
    for field in schema:
        tags = field.metadata or {}
        name = tags.get(_EXTENSION_NAME, b"").decode("utf-8", "replace")
        if name.startswith("geoarrow."):
            raw = tags.get(_EXTENSION_METADATA, b"") or b"{}"
            meta = _metadata_json(raw, f"{label}: column {field.name}'s GeoArrow metadata")
            crs = meta.get("crs") if isinstance(meta, dict) else None
            return GeometryColumn(field.name, name.removeprefix("geoarrow."), crs)
    return None


def check_geographic(column: GeometryColumn, label: str) -> None:
    """Raise BadInputError unless the column holds points in a geographic (longitude/latitude) CRS."""
    where = f"{label}: geometry column {column.name}"
    if column.encoding not in ("wkb", "point"):
        what = column.encoding.replace("multi", "multi-")
        raise BadInputError(f"{where} holds {what}s, not points; give one point per place (e.g. centroids)")
    for kind in column.geometry_types:
        base = kind.removesuffix(" Z").removesuffix(" M").removesuffix(" ZM").lower()
        if base != "point":
            raise BadInputError(
                f"{where} holds {base}s, not points; give one point per place (e.g. their centroids)"
            )
    crs = column.crs
    if crs is None:
        raise BadInputError(
            f"{where} has no known CRS (crs is null), so its coordinates may not be longitude and "
            f"latitude; {_REPROJECT} and say so in the metadata"
        )
    if isinstance(crs, str):
        _check_crs_text(crs.strip(), where)
    elif isinstance(crs, dict):
        _check_projjson(crs, where)
    else:
        raise BadInputError(f"{where}: the CRS is neither PROJJSON nor text; write the file again")


def _check_crs_text(text: str, where: str) -> None:
    if text.startswith(("{", "[")):
        _check_projjson(_metadata_json(text.encode(), f"{where}'s CRS"), where)
        return
    head = re.match(r"\s*([A-Z]+)\s*\[", text)
    if head:  # WKT: GEOGCRS / GEOGCS are geographic, PROJCRS / PROJCS projected
        if head.group(1) in ("GEOGCRS", "GEOGCS", "GEOGRAPHICCRS"):
            return
        kind = "projected" if head.group(1).startswith("PROJ") else f"a {head.group(1)}"
        raise BadInputError(f"{where} is in {kind} CRS, not longitude/latitude; {_REPROJECT}")
    if text.upper().replace("::", ":") in _GEOGRAPHIC_CODES:
        return
    raise BadInputError(
        f"{where} is in CRS {text[:60]!r}, which isstrack cannot confirm is longitude/latitude; {_REPROJECT}"
    )


def _check_projjson(crs: Any, where: str) -> None:
    kind = crs.get("type") if isinstance(crs, dict) else None
    if kind == "BoundCRS":  # a CRS with a transformation to WGS84 attached: judge its source CRS
        _check_projjson(crs.get("source_crs"), where)
        return
    if kind in ("GeographicCRS", "GeodeticCRS"):
        system = crs.get("coordinate_system") or {}
        if kind == "GeodeticCRS" and system.get("subtype") not in (None, "ellipsoidal"):
            raise BadInputError(f"{where} is in a geocentric CRS, not longitude/latitude; {_REPROJECT}")
        units = {
            str(axis.get("unit", "degree")) for axis in system.get("axis", [])[:2] if isinstance(axis, dict)
        }
        if units - {"degree"}:
            raise BadInputError(
                f"{where} has angles in {', '.join(sorted(units))}, not degrees; {_REPROJECT}"
            )
        return
    name = crs.get("name", "unnamed") if isinstance(crs, dict) else "unreadable"
    described = "projected" if kind == "ProjectedCRS" else f"a {kind or 'unknown kind of'}"
    raise BadInputError(
        f"{where} is in {described} CRS ({str(name)[:60]}), not longitude/latitude; {_REPROJECT}"
    )


def point_coordinates(values: Any, column: GeometryColumn, label: str) -> tuple[Any, Any, Any | None]:
    """Return (longitude, latitude, height or None) as float64 arrays from a column of points."""
    import pyarrow as pa

    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    if isinstance(values, pa.ExtensionArray):
        values = values.storage
    where = f"{label}: geometry column {column.name}"
    _reject_nulls(values, where)
    kind = values.type
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        return _wkb_points(values, where)
    if pa.types.is_struct(kind) and {"x", "y"} <= {kind.field(i).name for i in range(kind.num_fields)}:
        z = values.field("z") if kind.get_field_index("z") >= 0 else None
        return (
            _floats(values.field("x"), where),
            _floats(values.field("y"), where),
            None if z is None else _floats(z, where),
        )
    if pa.types.is_fixed_size_list(kind) and kind.list_size in (2, 3, 4):
        flat = _floats(values.flatten(), where).reshape(len(values), kind.list_size)
        return flat[:, 0], flat[:, 1], flat[:, 2] if kind.list_size >= 3 else None
    raise BadInputError(f"{where} is of type {kind}, not WKB or GeoArrow points; write points")


def _reject_nulls(values: Any, where: str) -> None:
    if values.null_count:
        row = int(np.flatnonzero(values.is_null().to_numpy(zero_copy_only=False))[0]) + 1
        raise BadInputError(f"{where}, row {row}: no geometry (null); give every place a point")


def _floats(values: Any, where: str) -> Any:
    import pyarrow as pa

    if values.null_count:
        _reject_nulls(values, where)
    return np.asarray(values.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)


def _wkb_points(values: Any, where: str) -> tuple[Any, Any, Any | None]:
    """Decode WKB (ISO or EWKB) points in bulk; raise BadInputError naming the first row that isn't one."""
    import pyarrow as pa

    wide = pa.types.is_large_binary(values.type)
    offsets = np.frombuffer(values.buffers()[1], dtype=np.int64 if wide else np.int32)
    offsets = offsets[values.offset : values.offset + len(values) + 1].astype(np.int64)
    data = np.frombuffer(values.buffers()[2] or b"", dtype=np.uint8)
    starts, lengths = offsets[:-1], np.diff(offsets)
    short = np.flatnonzero(lengths < 5)
    if len(short):
        raise BadInputError(f"{where}, row {short[0] + 1}: not a WKB geometry ({lengths[short[0]]} bytes)")
    little = data[starts] == 1
    raw_type = _uint32(data, starts + 1, little)
    srid = (raw_type & _EWKB_SRID) != 0
    base = raw_type & 0x0FFFFFFF
    iso_dims = base // 1000
    base = base % 1000
    has_z = (iso_dims == 1) | (iso_dims == 3) | ((raw_type & _EWKB_Z) != 0)
    has_m = (iso_dims == 2) | (iso_dims == 3) | ((raw_type & _EWKB_M) != 0)
    bad = np.flatnonzero((base != 1) | ~np.isin(data[starts], (0, 1)))
    if len(bad):
        row = int(bad[0])
        what = _WKB_NAMES.get(int(base[row]), "something else")
        raise BadInputError(
            f"{where}, row {row + 1}: holds {what}, not points; give one point per place (e.g. centroids)"
        )
    first = starts + 5 + 4 * srid
    expected = first - starts + 8 * (2 + has_z + has_m)
    wrong = np.flatnonzero(lengths != expected)
    if len(wrong):
        raise BadInputError(f"{where}, row {wrong[0] + 1}: a WKB point of the wrong length; write it again")
    x = _float64(data, first, little)
    y = _float64(data, first + 8, little)
    empty = np.flatnonzero(np.isnan(x) | np.isnan(y))
    if len(empty):
        raise BadInputError(f"{where}, row {empty[0] + 1}: an empty point; give every place coordinates")
    z = None
    if np.any(has_z):
        z = np.zeros(len(x))
        z[has_z] = _float64(data, first[has_z] + 16, little[has_z])
    return x, y, z


def _gather(data: Any, at: Any, width: int) -> Any:
    return data[at[:, None] + np.arange(width)]


def _uint32(data: Any, at: Any, little: Any) -> Any:
    raw = _gather(data, at, 4)
    raw = np.where(little[:, None], raw, raw[:, ::-1])
    return np.ascontiguousarray(raw).view("<u4").ravel().astype(np.int64)


def _float64(data: Any, at: Any, little: Any) -> Any:
    raw = _gather(data, at, 8)
    raw = np.where(little[:, None], raw, raw[:, ::-1])
    return np.ascontiguousarray(raw).view("<f8").ravel()
