"""Many-place passes as a pandas DataFrame with the CSV output's columns, for Dask's `map_partitions`."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

from isstrack.batch.placefile import frame_chunk
from isstrack.batch.runner import PassJob, chunk_text
from isstrack.elements.tle import parse_elements
from isstrack.render.multi import CSV_HEADER, chunk_csv, csv_header
from isstrack.sky.orbit import DEFAULT_MIN_ELEVATION_DEG
from isstrack.sky.passtypes import DEFAULT_STD_MAGNITUDE

_INTEGER_COLUMNS = ("place_row", "duration_s", "visible_duration_s", "revolution")


def partition_meta() -> Any:
    """Return the empty pandas DataFrame describing passes_for_partition's output (Dask's `meta`)."""
    import pandas as pd

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
    import pandas as pd

    elements = parse_elements(f"{line1}\n{line2}\n")
    job = PassJob(elements, start, start + timedelta(days=days), min_elevation_deg, std_magnitude, all_passes)
    chunk = frame_chunk(frame)
    # Through the CSV text: the same numbers, times and words as `passes --places`, by construction.
    text = csv_header() + (chunk_text(job, chunk, chunk_csv) if len(chunk) else "")
    meta = partition_meta()
    result = pd.read_csv(
        io.StringIO(text),
        dtype={c: _dtype(c) for c in meta.columns},
        keep_default_na=False,
        na_values={c: [""] for c in meta.columns if _dtype(c) == "float64"},
    )
    return result.astype(meta.dtypes.to_dict())
