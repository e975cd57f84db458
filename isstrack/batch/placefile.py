"""Read a CSV of observer places into compact arrays, rejecting the first bad row by its line number."""

from __future__ import annotations

import csv
import math
import re
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from isstrack.errors import BadInputError
from isstrack.io.infile import NotRegularFileError, StdinTimeoutError, is_stdin, open_regular, open_stdin
from isstrack.io.literal import literal
from isstrack.place.location import MAX_ELEVATION_M, MIN_ELEVATION_M, check_coordinates

MAX_PLACES = 10_000_000
MAX_NAME_CHARS = 200
MAX_LINE_BYTES = 1024 * 1024
_AFTER_LONE_CR = re.compile(rb"(?<=\r)(?!\n)")
_COLUMNS = {
    "latitude_deg": ("latitude_deg", "lat", "latitude"),
    "longitude_deg": ("longitude_deg", "lon", "lng", "longitude"),
    "elevation_m": ("elevation_m", "elevation"),
    "name": ("name",),
}


@dataclass(frozen=True)
class PlaceChunk:
    """A run of consecutive places, small enough to send to a worker process."""

    first_row: int  # 1-based row number of the first place (the header is not a row)
    latitude_deg: tuple[float, ...]
    longitude_deg: tuple[float, ...]
    elevation_m: tuple[float, ...]
    names: tuple[str, ...] | None  # "" where a row has no name
    rows: tuple[int, ...] | None = None  # explicit row numbers instead of first_row onwards

    def __len__(self) -> int:
        return len(self.latitude_deg)

    def row(self, index: int) -> int:
        """Return the row number of the place at `index` in this chunk."""
        return self.rows[index] if self.rows is not None else self.first_row + index

    def name(self, index: int) -> str | None:
        """Return the place's name, or None when it has none."""
        return (self.names[index] if self.names is not None else "") or None

    def label(self, index: int) -> str:
        """Return the place's name, or its row number when it has none."""
        return self.name(index) or str(self.row(index))


@dataclass(frozen=True)
class PlaceTable:
    """Every place of a file as numpy arrays; names as one UTF-8 blob with end offsets."""

    latitude_deg: Any
    longitude_deg: Any
    elevation_m: Any
    names_utf8: bytes | None
    name_ends: Any

    def __len__(self) -> int:
        return len(self.latitude_deg)

    def chunk(self, start: int, stop: int) -> PlaceChunk:
        """Return the places in rows [start, stop) (0-based) as a chunk."""
        names: tuple[str, ...] | None = None
        if self.names_utf8 is not None:
            ends = [int(e) for e in self.name_ends[max(start - 1, 0) : stop]]
            begin = ends.pop(0) if start > 0 else 0
            names_list = []
            for end in ends:
                names_list.append(self.names_utf8[begin:end].decode("utf-8"))
                begin = end
            names = tuple(names_list)
        return PlaceChunk(
            start + 1,
            tuple(float(v) for v in self.latitude_deg[start:stop]),
            tuple(float(v) for v in self.longitude_deg[start:stop]),
            tuple(float(v) for v in self.elevation_m[start:stop]),
            names,
        )


def read_places(path: Path, stdin_idle_s: float) -> PlaceTable:
    """Read and validate a places CSV (`-` for standard input) before any work is done."""
    label = "standard input" if is_stdin(path) else literal(str(path))
    try:
        # Standard input has no size limit (up to MAX_PLACES rows), only an idle deadline.
        with open_stdin(idle_s=stdin_idle_s) if is_stdin(path) else open_regular(path) as handle:
            return parse_places(text_lines(handle, label), label)
    except IsADirectoryError:
        raise BadInputError(f"--places {label} is a directory; give a CSV file") from None
    except NotRegularFileError:
        raise BadInputError(
            f"--places {label} is not a regular file (a device, FIFO or socket); "
            "give a CSV file, or '-' to read standard input"
        ) from None
    except StdinTimeoutError:
        raise BadInputError(
            f"--places -: standard input sent nothing for {stdin_idle_s:g} s (ISSTRACK_HTTP_TIMEOUT); "
            "pipe a CSV in, or give its path"
        ) from None
    except OSError as error:
        raise BadInputError(
            f"--places {label}: {error.strerror or error}; give a readable place file (CSV, Parquet or Arrow)"
        ) from None


def text_lines(handle: BinaryIO, label: str) -> Iterator[str]:
    """Yield the lines of a UTF-8 file (BOM dropped), rejecting over-long or undecodable ones by number."""
    for number, raw in enumerate(raw_lines(handle), start=1):
        if len(raw) > MAX_LINE_BYTES:
            raise BadInputError(f"{label} line {number}: longer than {MAX_LINE_BYTES:,} bytes; is it a CSV?")
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise BadInputError(f"{label} line {number}: not UTF-8 text; save the file as UTF-8") from None
        yield text


def raw_lines(handle: BinaryIO) -> Iterator[bytes]:
    """Yield the lines of a file, ended by LF, CR LF or a lone CR (old Excel for Mac), each of at most
    MAX_LINE_BYTES + 1 bytes (longer ones are cut there)."""
    pending = b""
    while True:
        raw = handle.readline(MAX_LINE_BYTES + 1)
        if not raw:
            if pending:
                yield pending
            return
        *whole, last = _AFTER_LONE_CR.split(pending + raw)
        yield from whole
        if last.endswith(b"\n") or len(last) > MAX_LINE_BYTES:
            yield last
            pending = b""
        else:
            pending = last  # the end of the file, or a line cut by the length limit: more may follow


def header_columns(fields: list[str], line: str) -> dict[str, int]:
    """Return the index of each known column in a header; raise BadInputError if lat or lon is missing."""
    where: dict[str, int] = {}
    for index, raw in enumerate(fields):
        key = raw.strip().lower()
        for column, spellings in _COLUMNS.items():
            if key in spellings:
                if column in where:
                    raise BadInputError(f"{line}: two columns give {column}; keep one")
                where[column] = index
    for needed in ("latitude_deg", "longitude_deg"):
        if needed not in where:
            short = _COLUMNS[needed][1]
            raise BadInputError(
                f"{line}: the header has no {needed} (or {short}) column; "
                "name the columns latitude_deg,longitude_deg[,name,elevation_m]"
            )
    return where


def _number(text: str, column: str, low: float, high: float, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        shown = text[:40].encode("unicode_escape").decode("ascii")
        raise BadInputError(f"{where}: {column} '{shown}' is not a number") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise BadInputError(f"{where}: {column} {text.strip()[:40]} is outside [{low:g}, {high:g}]")
    return value


def parse_places(lines: Iterable[str], label: str) -> PlaceTable:
    """Parse CSV text with a header into a PlaceTable; raise BadInputError naming the first bad line."""
    import numpy as np

    reader = csv.reader(lines)
    latitude, longitude, elevation = array("d"), array("d"), array("d")
    names = bytearray()
    name_ends = array("q")
    where: dict[str, int] = {}
    try:
        for fields in reader:
            line = f"{label} line {reader.line_num}"
            if not where:
                if not any(f.strip() for f in fields):
                    continue  # blank lines before the header
                where = header_columns(fields, line)
                width = len(fields)
                continue
            if not any(f.strip() for f in fields):
                continue  # blank line
            if len(fields) != width:
                raise BadInputError(
                    f"{line}: {len(fields)} field(s) where the header has {width}; "
                    "give one value per column (quote names with commas)"
                )
            if len(latitude) >= MAX_PLACES:
                raise BadInputError(f"{label}: more than {MAX_PLACES:,} places; split the file")
            for column in ("latitude_deg", "longitude_deg"):
                if not fields[where[column]].strip():
                    raise BadInputError(f"{line}: {column} is empty; give a number")
            latitude.append(_number(fields[where["latitude_deg"]], "latitude_deg", -90, 90, line))
            longitude.append(_number(fields[where["longitude_deg"]], "longitude_deg", -180, 180, line))
            height = fields[where["elevation_m"]].strip() if "elevation_m" in where else ""
            elevation.append(
                _number(height, "elevation_m", MIN_ELEVATION_M, MAX_ELEVATION_M, line) if height else 0.0
            )
            if "name" in where:
                name = fields[where["name"]].strip()
                if len(name) > MAX_NAME_CHARS or not name.isprintable():
                    raise BadInputError(
                        f"{line}: name is longer than {MAX_NAME_CHARS} characters or holds control "
                        "characters; shorten or clean it"
                    )
                names += name.encode("utf-8")
                name_ends.append(len(names))
    except csv.Error as error:
        raise BadInputError(f"{label} line {reader.line_num}: not valid CSV ({error})") from None
    if not where:
        raise BadInputError(f"{label} is empty; give a CSV whose header names latitude_deg and longitude_deg")
    if not latitude:
        raise BadInputError(f"{label} has a header but no places; add one row per place")
    return PlaceTable(
        np.frombuffer(latitude, dtype=np.float64),
        np.frombuffer(longitude, dtype=np.float64),
        np.frombuffer(elevation, dtype=np.float64),
        bytes(names) if "name" in where else None,
        np.frombuffer(name_ends, dtype=np.int64) if "name" in where else None,
    )


def frame_chunk(frame: Any) -> PlaceChunk:
    """Return the places of a pandas DataFrame (the CSV's column names) as one chunk, each one checked.

    A frame with an integer index numbers its rows by it (index + 1), as the CSV numbers its lines.
    """
    import numpy as np
    import pandas as pd

    where = header_columns([str(c) for c in frame.columns], "DataFrame columns")
    columns = list(frame.columns)
    latitude = frame[columns[where["latitude_deg"]]].to_numpy(dtype=np.float64)
    longitude = frame[columns[where["longitude_deg"]]].to_numpy(dtype=np.float64)
    elevation = (
        frame[columns[where["elevation_m"]]].fillna(0.0).to_numpy(dtype=np.float64)
        if "elevation_m" in where
        else np.zeros(len(frame))
    )
    for lat, lon, height in zip(latitude, longitude, elevation, strict=True):
        check_coordinates(float(lat), float(lon), float(height))
    names = (
        tuple("" if pd.isna(n) else str(n) for n in frame[columns[where["name"]]])
        if "name" in where
        else None
    )
    index = frame.index
    rows = tuple(int(i) + 1 for i in index) if pd.api.types.is_integer_dtype(index) else None
    return PlaceChunk(
        1,
        tuple(float(v) for v in latitude),
        tuple(float(v) for v in longitude),
        tuple(float(v) for v in elevation),
        names,
        rows,
    )
