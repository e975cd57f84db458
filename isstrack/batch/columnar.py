"""Read places from Parquet, GeoParquet, Arrow IPC (file or stream) or CSV, told apart by content.

Everything is checked before any pass is searched: the format from the file's first bytes (never its
name), its size, its row count, a truncated end, the coordinates (named columns, or point geometry
in a geographic CRS, `isstrack.batch.geometry`), nulls and ranges, each problem reported as one
BadInputError naming the row. The place's other columns are kept, to be carried into every pass row.
Needs pyarrow (`pip install 'isstrack[arrow]'`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from isstrack.batch.geometry import check_geographic, find_geometry, point_coordinates
from isstrack.batch.placefile import MAX_NAME_CHARS, PlaceTable
from isstrack.errors import BadInputError
from isstrack.io.infile import NotRegularFileError, StdinTimeoutError, is_stdin, open_regular, open_stdin
from isstrack.io.literal import literal
from isstrack.place.location import MAX_ELEVATION_M, MIN_ELEVATION_M

MAX_PLACES = 10_000_000
MAX_FILE_BYTES = 2**30  # 1 GiB: 10 million places with a few id columns fit well within it
MAX_DECODED_BYTES = 4 * 2**30  # what a Parquet file's row groups may decompress to
MAX_FOOTER_BYTES = 64 * 2**20
HEAD_BYTES = 64 * 1024
INSTALL_HINT = "install pyarrow with: pip install 'isstrack[arrow]'"
SPELLINGS = {
    "latitude_deg": ("latitude_deg", "lat", "latitude"),
    "longitude_deg": ("longitude_deg", "lon", "lng", "longitude"),
    "elevation_m": ("elevation_m", "elevation"),
}
_PARQUET = b"PAR1"
_ARROW_FILE = b"ARROW1"
_ARROW_STREAM = b"\xff\xff\xff\xff"  # an IPC stream's first message starts with this continuation marker


@dataclass(frozen=True)
class Places:
    """Every place: its own columns (geometry replaced by coordinates) and float64 coordinate arrays."""

    table: Any  # pyarrow.Table
    latitude_deg: Any
    longitude_deg: Any
    elevation_m: Any
    format: str  # "parquet", "geoparquet", "arrow", "arrow-stream" or "csv"

    def __len__(self) -> int:
        return len(self.latitude_deg)


def shown(text: str) -> str:
    """Return a file name or value with control and non-ASCII-printable characters escaped."""
    return literal(text[:200])


def require_pyarrow(what: str) -> Any:
    """Return the pyarrow module, or raise BadInputError saying how to install it."""
    try:
        import pyarrow
    except ImportError:
        raise BadInputError(f"{what} needs pyarrow; {INSTALL_HINT}") from None
    return pyarrow


def sniff(head: bytes) -> str:
    """Return the format the first bytes of a file show: parquet, arrow, arrow-stream, csv or binary."""
    if head.startswith(_PARQUET):
        return "parquet"
    if head.startswith(_ARROW_FILE):
        return "arrow"
    if head.startswith(_ARROW_STREAM):
        return "arrow-stream"
    if b"\x00" in head:
        return "binary"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3:  # not just a character cut at the end of the sample
            return "binary"
    return "csv"


def not_places_error(label: str, head: bytes) -> BadInputError:
    """Return the error for a file that is none of the formats places come in."""
    return BadInputError(
        f"{shown(label)} is not a Parquet, Arrow or CSV file (it starts with bytes {head[:8].hex(' ')}); "
        "give one of those"
    )


def read_place_file(path: Path, stdin_idle_s: float, option: str = "--places") -> Places:
    """Read and check every place of a file (`-` for standard input) before any work is done."""

    label = "standard input" if is_stdin(path) else shown(str(path))
    require_pyarrow(f"{option} {label}")
    try:
        if is_stdin(path):
            with open_stdin(idle_s=stdin_idle_s) as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
            if len(data) > MAX_FILE_BYTES:
                raise BadInputError(f"{option} -: more than {MAX_FILE_BYTES:,} bytes; give a file instead")
            return read_place_bytes(data, label)
        with open_regular(path) as handle:
            return _read_handle(handle, label)
    except IsADirectoryError:
        raise BadInputError(f"{option} {label} is a directory; give a Parquet, Arrow or CSV file") from None
    except NotRegularFileError:
        raise BadInputError(
            f"{option} {label} is not a regular file (a device, FIFO or socket); give a file, or '-' "
            "to read standard input"
        ) from None
    except StdinTimeoutError:
        raise BadInputError(
            f"{option} -: standard input sent nothing for {stdin_idle_s:g} s (ISSTRACK_HTTP_TIMEOUT); "
            "pipe the places in, or give their file"
        ) from None
    except OSError as error:
        raise BadInputError(f"{option} {label}: {error.strerror or error}; give a readable file") from None


def read_place_bytes(data: bytes, label: str) -> Places:
    """Read and check the places in a file's whole content."""
    return _read_handle(io.BytesIO(data), label)


def _read_handle(handle: BinaryIO, label: str) -> Places:
    import os

    head = handle.read(HEAD_BYTES)
    kind = sniff(head)
    if kind == "binary":
        raise not_places_error(label, head)
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    if size > MAX_FILE_BYTES:
        raise BadInputError(f"{label} is {size:,} bytes, more than {MAX_FILE_BYTES:,}; split it")
    handle.seek(0)
    if kind == "parquet":
        table = _read_parquet(handle, size, label)
    elif kind == "arrow":
        table = _read_arrow_file(handle, size, label)
    elif kind == "arrow-stream":
        table = _read_arrow_stream(handle, label)
    else:
        table = _read_csv(handle.read(), label)
    if table.num_rows == 0:
        raise BadInputError(f"{label} has no places; add one row per place")
    carried, latitude, longitude, elevation, from_geometry = place_columns(table, label)
    return Places(
        carried, latitude, longitude, elevation, "geoparquet" if from_geometry and kind == "parquet" else kind
    )


def _arrow_errors() -> tuple[type[BaseException], ...]:
    import pyarrow as pa

    return (pa.ArrowException, OSError, ValueError)


def _read_parquet(handle: BinaryIO, size: int, label: str) -> Any:
    import pyarrow.parquet as pq

    handle.seek(max(0, size - 8))
    tail = handle.read(8)
    if size < 12 or tail[4:] != _PARQUET:
        raise BadInputError(f"{label}: the Parquet file ends early (truncated?); copy or write it again")
    footer = int.from_bytes(tail[:4], "little")
    if footer > min(size - 12, MAX_FOOTER_BYTES):
        raise BadInputError(
            f"{label}: the Parquet footer is damaged ({footer:,} bytes); write the file again"
        )
    handle.seek(0)
    try:
        parquet = pq.ParquetFile(handle)
        meta = parquet.metadata
        _check_rows(meta.num_rows, label)
        decoded = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        if decoded > MAX_DECODED_BYTES:
            raise BadInputError(f"{label} decompresses to {decoded:,} bytes; split it")
        return parquet.read()
    except _arrow_errors() as error:
        raise BadInputError(f"{label} is not a readable Parquet file ({_first_line(error)})") from None


def _read_arrow_file(handle: BinaryIO, size: int, label: str) -> Any:
    import pyarrow as pa

    handle.seek(max(0, size - 6))
    if handle.read(6) != _ARROW_FILE:
        raise BadInputError(f"{label}: the Arrow file ends early (truncated?); copy or write it again")
    handle.seek(0)
    try:
        reader = pa.ipc.open_file(handle)
        batches = []
        rows = 0
        for i in range(reader.num_record_batches):
            batch = reader.get_batch(i)
            rows += batch.num_rows
            _check_rows(rows, label)
            batches.append(batch)
        return pa.Table.from_batches(batches, schema=reader.schema)
    except _arrow_errors() as error:
        raise BadInputError(f"{label} is not a readable Arrow file ({_first_line(error)})") from None


def _read_arrow_stream(handle: BinaryIO, label: str) -> Any:
    import pyarrow as pa

    try:
        reader = pa.ipc.open_stream(handle)
        batches = []
        rows = 0
        for batch in reader:
            rows += batch.num_rows
            _check_rows(rows, label)
            batches.append(batch)
        return pa.Table.from_batches(batches, schema=reader.schema)
    except _arrow_errors() as error:
        raise BadInputError(
            f"{label} is not a readable Arrow stream ({_first_line(error)}); truncated? write it again"
        ) from None


def _read_csv(data: bytes, label: str) -> Any:
    """Read a CSV with a header, every column as text (ids keep their leading zeros)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    text_start = data[:HEAD_BYTES].decode("utf-8-sig", "replace").lstrip("\r\n")
    names = next(csv.reader(io.StringIO(text_start)), [])
    names = [name.strip() for name in names]
    if not any(names):
        raise BadInputError(f"{label} is empty; give a CSV whose header names latitude_deg and longitude_deg")
    if len(set(names)) != len(names):
        raise BadInputError(f"{label}: the header names a column twice; give each column one name")
    try:
        return pcsv.read_csv(
            pa.BufferReader(data),
            read_options=pcsv.ReadOptions(column_names=names, skip_rows=1, block_size=16 * 2**20),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
            ),
        )
    except _arrow_errors() as error:
        raise BadInputError(f"{label} is not valid CSV ({_first_line(error)})") from None


def _check_rows(rows: int, label: str) -> None:
    if rows > MAX_PLACES:
        raise BadInputError(f"{label}: more than {MAX_PLACES:,} places; split the file")


def _first_line(error: BaseException) -> str:
    return shown(str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__)


def find_columns(names: list[str], label: str) -> dict[str, str]:
    """Return the column that gives each coordinate (by its usual spellings, any case)."""
    where: dict[str, str] = {}
    for name in names:
        for column, spellings in SPELLINGS.items():
            if name.strip().lower() in spellings:
                if column in where:
                    raise BadInputError(
                        f"{label}: columns {where[column]} and {name} both give {column}; keep one"
                    )
                where[column] = name
    return where


def place_columns(table: Any, label: str) -> tuple[Any, Any, Any, Any, bool]:
    """Return (carried columns, latitude, longitude, elevation, from geometry) of a table or batch.

    The carried columns are the input's own, a point geometry replaced by latitude_deg and
    longitude_deg (and elevation_m from its z). Raise BadInputError for the first bad place.
    """
    import pyarrow as pa

    names = list(table.schema.names)
    where = find_columns(names, label)
    geometry = (
        None if {"latitude_deg", "longitude_deg"} <= where.keys() else find_geometry(table.schema, label)
    )
    if geometry is None and not {"latitude_deg", "longitude_deg"} <= where.keys():
        missing = "latitude_deg" if "latitude_deg" not in where else "longitude_deg"
        short = SPELLINGS[missing][1]
        raise BadInputError(
            f"{label} has no {missing} (or {short}) column and no point geometry; name the columns "
            "latitude_deg,longitude_deg[,elevation_m] or write GeoParquet points"
        )
    if geometry is not None:
        check_geographic(geometry, label)
        longitude, latitude, height = point_coordinates(table.column(geometry.name), geometry, label)
        added = {"latitude_deg": latitude, "longitude_deg": longitude}
        if "elevation_m" not in where:
            added["elevation_m"] = height if height is not None else np.zeros(len(latitude))
        clash = [n for n in added if n in names]
        if clash:
            raise BadInputError(
                f"{label} has both point geometry {geometry.name} and a {clash[0]} column; drop one"
            )
        at = names.index(geometry.name)
        carried = table.remove_column(at)
        for offset, (name, values) in enumerate(added.items()):
            carried = carried.add_column(at + offset, name, pa.array(values, pa.float64()))
        where = {**where, **{n: n for n in added}}
    else:
        carried = table
    latitude = _coordinate(carried.column(where["latitude_deg"]), where["latitude_deg"], -90, 90, label)
    longitude = _coordinate(carried.column(where["longitude_deg"]), where["longitude_deg"], -180, 180, label)
    if "elevation_m" in where:
        elevation = _coordinate(
            carried.column(where["elevation_m"]),
            where["elevation_m"],
            MIN_ELEVATION_M,
            MAX_ELEVATION_M,
            label,
            null=0.0,
        )
    else:
        elevation = np.zeros(len(latitude))
    # Coordinates given as text (CSV) are carried as the numbers they were read as.
    for column, values in (
        ("latitude_deg", latitude),
        ("longitude_deg", longitude),
        ("elevation_m", elevation),
    ):
        given = where.get(column)
        if given is not None and not _is_number(carried.schema.field(given).type):
            carried = carried.set_column(carried.schema.get_field_index(given), given, pa.array(values))
    return carried, latitude, longitude, elevation, geometry is not None


def _is_number(kind: Any) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind))


def _coordinate(
    values: Any, name: str, low: float, high: float, label: str, null: float | None = None
) -> Any:
    """Return a column as float64 (text parsed); raise BadInputError at its first null, non-number or value
    out of range, or put `null` for nulls (and empty text) when it is given."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        values = pc.utf8_trim_whitespace(values)
        values = pc.if_else(pc.equal(values, ""), pa.scalar(None, values.type), values)
    missing = values.is_null().to_numpy(zero_copy_only=False)
    if values.null_count and null is None:
        row = int(np.flatnonzero(missing)[0]) + 1
        raise BadInputError(f"{label}, row {row}: {name} is empty (null); give every place a number")
    try:
        numbers = np.array(values.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
    except _arrow_errors():
        row, text = _first_non_number(values)
        raise BadInputError(f"{label}, row {row}: {name} '{text}' is not a number") from None
    if null is not None:
        numbers[missing] = null
    bad = np.flatnonzero(~(np.isfinite(numbers) & (numbers >= low) & (numbers <= high)))
    if len(bad):
        row = int(bad[0])
        raise BadInputError(f"{label}, row {row + 1}: {name} {numbers[row]:g} is outside [{low:g}, {high:g}]")
    return numbers


def _first_non_number(values: Any) -> tuple[int, str]:
    for row, value in enumerate(values.to_pylist(), start=1):
        try:
            if value is not None:
                float(value)
        except (TypeError, ValueError):
            return row, shown(str(value)[:40])
    return 0, "?"


def place_table(places: Places) -> PlaceTable:
    """Return the places as the CSV reader's PlaceTable (names from a `name` column, if any)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    names_utf8, name_ends = None, None
    if "name" in places.table.schema.names:
        names = pc.fill_null(places.table.column("name").cast(pa.string()), "").combine_chunks()
        if len(names):
            lengths = pc.utf8_length(names).to_numpy(zero_copy_only=False)
            printable = pc.utf8_is_printable(names).to_numpy(zero_copy_only=False) | (lengths == 0)
            bad = np.flatnonzero((lengths > MAX_NAME_CHARS) | ~printable)
            if len(bad):
                raise BadInputError(
                    f"row {bad[0] + 1}: name is longer than {MAX_NAME_CHARS} characters or holds control "
                    "characters; shorten or clean it"
                )
        offsets = np.frombuffer(names.buffers()[1], dtype=np.int32)[
            names.offset : names.offset + len(names) + 1
        ]
        data = names.buffers()[2]
        names_utf8 = bytes(data)[offsets[0] : offsets[-1]] if data is not None else b""
        name_ends = (offsets[1:] - offsets[0]).astype(np.int64)
    return PlaceTable(places.latitude_deg, places.longitude_deg, places.elevation_m, names_utf8, name_ends)
