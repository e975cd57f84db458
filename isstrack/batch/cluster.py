"""Run a many-place pass search on a Dask cluster, and the per-partition function for Dask DataFrames."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from isstrack.batch.placefile import PlaceChunk, PlaceTable, header_columns
from isstrack.batch.runner import OutputFormat, PassJob, chunk_size, chunks, in_order, render_chunk
from isstrack.errors import BadInputError
from isstrack.sky.orbit import DEFAULT_MIN_ELEVATION_DEG
from isstrack.sky.passes import DEFAULT_STD_MAGNITUDE

CONNECT_TIMEOUT_S = 10
_INSTALL_HINT = "install it with: pip install 'isstrack[dask]'"
_INTEGER_COLUMNS = ("place_row", "duration_s", "visible_duration_s", "revolution")
_TEXT_SUFFIXES = ("_time", "_direction")


def _client(address: str) -> Any:
    from isstrack.io.literal import literal

    try:
        from distributed import Client as client_class
    except ImportError:
        raise BadInputError(f"--scheduler needs Dask distributed; {_INSTALL_HINT}") from None
    try:
        client: Any = client_class
        return client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, ValueError, TypeError) as error:
        raise BadInputError(
            f"--scheduler {literal(address)}: cannot reach a Dask scheduler ({literal(str(error))}); "
            "give its address, e.g. tcp://127.0.0.1:8786 (start one with 'dask scheduler')"
        ) from None


def run_on_cluster(
    address: str, job: PassJob, table: PlaceTable, fmt: OutputFormat
) -> Iterator[tuple[int, str]]:
    """Connect now, then yield (places done, text) per chunk in input order, computed on a Dask cluster."""
    return _stream(_client(address), job, table, fmt)


def _stream(client: Any, job: PassJob, table: PlaceTable, fmt: OutputFormat) -> Iterator[tuple[int, str]]:
    try:
        threads = max(1, sum(client.nthreads().values()))
        size = chunk_size(len(table), threads)
        yield from in_order(
            lambda chunk: client.submit(render_chunk, job, chunk, fmt, pure=False),
            chunks(table, size),
            threads * 2,
        )
    finally:
        client.close()


def partition_meta() -> Any:
    """Return the empty pandas DataFrame describing passes_for_partition's output (Dask's `meta`)."""
    import pandas as pd

    from isstrack.render.multi import CSV_HEADER

    return pd.DataFrame({name: pd.Series(dtype=_dtype(name)) for name in CSV_HEADER})


def _dtype(name: str) -> str:
    if name in _INTEGER_COLUMNS:
        return "int64"
    if name in ("latitude_deg", "longitude_deg", "elevation_m", "magnitude") or name.endswith("_deg"):
        return "float64"
    return "object"


def passes_for_partition(
    frame: Any,
    line1: str,
    line2: str,
    start: datetime,
    days: float = 10.0,
    min_elevation_deg: float = DEFAULT_MIN_ELEVATION_DEG,
    std_magnitude: float = DEFAULT_STD_MAGNITUDE,
    all_passes: bool = False,
) -> Any:
    """Return one row per pass for the places of a pandas DataFrame, with the CLI's CSV columns."""
    import io

    import numpy as np
    import pandas as pd

    from isstrack.elements.tle import parse_elements
    from isstrack.place.location import check_coordinates

    elements = parse_elements(f"{line1}\n{line2}\n")
    job = PassJob(elements, start, start + timedelta(days=days), min_elevation_deg, std_magnitude, all_passes)
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
    chunk = PlaceChunk(
        1,
        tuple(float(v) for v in latitude),
        tuple(float(v) for v in longitude),
        tuple(float(v) for v in elevation),
        names,
        rows,
    )
    from isstrack.render.multi import csv_header

    text = csv_header() + (render_chunk(job, chunk, "csv") if len(chunk) else "")
    meta = partition_meta()
    result = pd.read_csv(
        io.StringIO(text),
        dtype={c: _dtype(c) for c in meta.columns},
        keep_default_na=False,
        na_values={c: [""] for c in meta.columns if _dtype(c) == "float64"},
    )
    return result.astype(meta.dtypes.to_dict())
