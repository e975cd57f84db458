"""One batch function for every engine: Arrow record batches of places in, record batches of passes out.

`passes_for_batches` is what Spark's `mapInArrow`, Ray Data's `map_batches`, Dask's `map_partitions`
and DuckDB's record-batch readers can all call: it takes any iterable of `pyarrow.RecordBatch` (or
Table) holding places, and yields, batch by batch and in order, one row per pass: the place's own
columns (a point geometry replaced by latitude_deg, longitude_deg and elevation_m), then the pass
with typed columns (timestamps in UTC to the second, degrees to 0.1, as the JSON output has them).
`pass_schema` gives the output schema from the input's, for engines that want it up front.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

import numpy as np

from isstrack.batch.columnar import find_columns, place_columns, require_pyarrow
from isstrack.batch.geometry import find_geometry
from isstrack.batch.passcolumns import NO_TIME, POINTS, Columns, direction_names, search_columns
from isstrack.batch.runner import PassJob, checked_job
from isstrack.elements.sources import ElementsInUse
from isstrack.elements.tle import ElementSet, parse_elements
from isstrack.errors import BadInputError
from isstrack.sky.orbit import DEFAULT_MIN_ELEVATION_DEG
from isstrack.sky.passes import DEFAULT_STD_MAGNITUDE
from isstrack.sky.seen import KINDS

# Places searched at a time: bounds memory whatever size of batch an engine sends.
CHUNK_PLACES = 2000
MAX_DAYS = 30.0


def pass_fields() -> list[Any]:
    """Return the Arrow fields of a pass, in the order of the CSV output's pass columns."""
    import pyarrow as pa

    fields = []
    for point in POINTS:
        fields += [
            pa.field(f"{point}_time", pa.timestamp("us", tz="UTC")),
            pa.field(f"{point}_azimuth_deg", pa.float64()),
            pa.field(f"{point}_elevation_deg", pa.float64()),
            pa.field(f"{point}_direction", pa.string()),
        ]
    return [
        *fields,
        pa.field("duration_s", pa.int64(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("visible", pa.bool_(), nullable=False),
        pa.field("visible_duration_s", pa.int64(), nullable=False),
        pa.field("emerges_from_shadow", pa.bool_(), nullable=False),
        pa.field("fades_into_shadow", pa.bool_(), nullable=False),
        pa.field("magnitude", pa.float64()),
        pa.field("in_progress", pa.bool_(), nullable=False),
        pa.field("revolution", pa.int64(), nullable=False),
    ]


def place_schema(schema: Any, label: str = "the places") -> Any:
    """Return the schema of the place columns carried into each pass row, for places of `schema`."""
    import pyarrow as pa

    where = find_columns(list(schema.names), label)
    fields = [f for f in schema if not f.name.startswith("__index_level_")]
    if not {"latitude_deg", "longitude_deg"} <= where.keys():
        geometry = find_geometry(schema, label)
        if geometry is not None:
            at = [f.name for f in fields].index(geometry.name)
            added = [pa.field("latitude_deg", pa.float64()), pa.field("longitude_deg", pa.float64())]
            if "elevation_m" not in where:
                added.append(pa.field("elevation_m", pa.float64()))
            fields = fields[:at] + added + fields[at + 1 :]
    # Drop geometry tags and file-level metadata (GeoParquet's, pandas'): they describe the input.
    return pa.schema([pa.field(f.name, f.type, f.nullable) for f in fields])


def pass_schema(schema: Any, label: str = "the places") -> Any:
    """Return the output schema of passes_for_batches for input batches of `schema`."""
    import pyarrow as pa

    places = place_schema(schema, label)
    passes = pass_fields()
    clash = sorted(set(places.names) & {f.name for f in passes})
    if clash:
        raise BadInputError(f"{label}: column {clash[0]} is also a pass column; rename it")
    return pa.schema(list(places) + passes)


def pass_job(
    elements: ElementSet | ElementsInUse | str,
    start: datetime,
    days: float,
    min_elevation_deg: float = DEFAULT_MIN_ELEVATION_DEG,
    std_magnitude: float = DEFAULT_STD_MAGNITUDE,
    all_passes: bool = False,
    max_magnitude: float | None = None,
) -> PassJob:
    """Return a checked PassJob; `elements` is an ElementSet, an ElementsInUse or TLE text (2 or 3 lines)."""
    if isinstance(elements, str):
        elements = parse_elements(elements)
    elif isinstance(elements, ElementsInUse):
        elements = elements.elements
    return checked_job(elements, start, days, min_elevation_deg, std_magnitude, all_passes, max_magnitude)


def passes_for_batches(
    batches: Iterable[Any],
    elements: ElementSet | ElementsInUse | str,
    start: datetime,
    days: float = 10.0,
    *,
    min_elevation_deg: float = DEFAULT_MIN_ELEVATION_DEG,
    std_magnitude: float = DEFAULT_STD_MAGNITUDE,
    all_passes: bool = False,
    max_magnitude: float | None = None,
) -> Iterator[Any]:
    """Yield record batches of passes (pass_schema) for record batches of places, in input order.

    Visible passes only unless `all_passes`; each input batch yields at least one batch (perhaps
    empty), so an engine gets the schema even when a batch of places has no pass.
    """
    require_pyarrow("passes_for_batches")
    job = pass_job(elements, start, days, min_elevation_deg, std_magnitude, all_passes, max_magnitude)
    for number, batch in enumerate(batches, start=1):
        yield from pass_batches(job, batch, f"batch {number}")


def pass_batches(job: PassJob, batch: Any, label: str) -> Iterator[Any]:
    """Yield the passes of one batch (or Table) of places, CHUNK_PLACES places at a time."""
    import pyarrow as pa

    table = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
    schema = pass_schema(table.schema, label)
    if table.num_rows == 0:
        yield _empty(schema)
        return
    carried, latitude, longitude, elevation, _ = place_columns(table, label)
    wanted = place_schema(table.schema, label)
    carried = pa.Table.from_arrays(carried.select(wanted.names).columns, schema=wanted)
    for first in range(0, table.num_rows, CHUNK_PLACES):
        stop = min(first + CHUNK_PLACES, table.num_rows)
        yield chunk_batch(
            job,
            carried.slice(first, stop - first),
            latitude[first:stop],
            longitude[first:stop],
            elevation[first:stop],
            schema,
        )


def _empty(schema: Any) -> Any:
    import pyarrow as pa

    return pa.RecordBatch.from_arrays([pa.array([], f.type) for f in schema], schema=schema)


def chunk_batch(
    job: PassJob, carried: Any, latitude: Any, longitude: Any, elevation: Any, schema: Any
) -> Any:
    """Return one record batch of the passes of a chunk of places: place columns repeated, then the pass's."""

    return assemble(carried, search_columns(job, latitude, longitude, elevation), schema)


def assemble(carried: Any, columns: Columns, schema: Any) -> Any:
    """Return the record batch of passes from their numpy columns and their places' own columns."""
    import pyarrow as pa

    places = carried.take(pa.array(columns["place"]))
    arrays = [column.combine_chunks() for column in places.columns]
    names = pa.array(direction_names())
    kinds = pa.array(KINDS)
    for field in pass_fields():
        values = columns[field.name]
        if field.name.endswith("_time"):
            arrays.append(pa.array(values, field.type, mask=values == NO_TIME))
        elif field.name.endswith("_direction"):
            arrays.append(names.take(pa.array(values, pa.int8(), mask=values < 0)))
        elif field.name == "kind":
            arrays.append(kinds.take(pa.array(values, pa.int8())))
        elif pa.types.is_floating(field.type):
            arrays.append(pa.array(values, field.type, mask=np.isnan(values)))
        else:
            arrays.append(pa.array(values, field.type))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)
