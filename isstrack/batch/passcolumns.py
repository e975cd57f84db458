"""The passes of a chunk of places as numpy columns: what a worker sends back, small and quick to pickle.

A worker needs only the places' coordinates; their own columns stay with the caller, who repeats
them by `place` (the index of each pass's place in the chunk). Values are rounded as the JSON output
rounds them: times to the nearest second (half up) as UTC microseconds, angles to 0.1 degree,
durations to whole seconds, magnitudes to 0.01; a missing point has time -1 and NaN angles.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from isstrack.batch.runner import PassJob, _orbit
from isstrack.sky.earth import COMPASS_POINTS
from isstrack.sky.engine import pass_columns_many
from isstrack.sky.orbit import Observer

POINTS = ("rise", "culmination", "set", "visible_start", "visible_highest", "visible_end")
NO_TIME = -1
Columns = dict[str, Any]


def search_columns(
    job: PassJob, latitude: Any, longitude: Any, elevation: Any, compiled: bool | None = None
) -> Columns:
    """Return the kept passes of a chunk of places as numpy columns (see module doc), in place order.

    `compiled`: whether the compiled loops do the work (`isstrack.sky.engine.use_compiled`).
    """
    observers = [
        Observer(a, o, h)
        for a, o, h in zip(
            np.asarray(latitude).tolist(),
            np.asarray(longitude).tolist(),
            np.asarray(elevation).tolist(),
            strict=True,
        )
    ]
    columns = pass_columns_many(
        _orbit(job.elements),
        observers,
        job.start,
        job.end,
        job.min_elevation_deg,
        0.0 if job.std_magnitude is None else job.std_magnitude,
        visible_only=not job.all_passes,
        compiled=compiled,
    )
    if not columns:
        return empty_columns()
    if job.std_magnitude is None:  # unknown brightness: no magnitudes (searched with 0), as kept_passes
        columns["magnitude"] = np.full(len(columns["magnitude"]), np.nan)
    keep = columns["visible"] | job.all_passes
    if job.max_magnitude is not None:
        keep &= columns["magnitude"] <= job.max_magnitude  # NaN (no magnitude) is never kept
    if not keep.all():
        columns = {name: values[keep] for name, values in columns.items()}
    return columns


def empty_columns() -> Columns:
    """Return the columns of no pass."""
    columns: Columns = {"place": np.zeros(0, dtype=np.int64)}
    for point in POINTS:
        columns[f"{point}_time"] = np.zeros(0, dtype=np.int64)
        columns[f"{point}_azimuth_deg"] = np.zeros(0)
        columns[f"{point}_elevation_deg"] = np.zeros(0)
        columns[f"{point}_direction"] = np.zeros(0, dtype=np.int8)
    for name in ("duration_s", "visible_duration_s", "revolution"):
        columns[name] = np.zeros(0, dtype=np.int64)
    for name in ("visible", "emerges_from_shadow", "fades_into_shadow", "in_progress"):
        columns[name] = np.zeros(0, dtype=bool)
    columns["kind"] = np.zeros(0, dtype=np.int8)
    columns["magnitude"] = np.zeros(0)
    return columns


def direction_names() -> tuple[str, ...]:
    """Return the compass names the direction codes index."""
    return COMPASS_POINTS
