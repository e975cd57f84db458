"""Find burns and other planned events in an ephemeris's states when its summary does not list them.

A burn changes the orbit's energy. The energy of each state, counted with the Earth's zonal field
(J2-J4, about the pole of date) so that it stays nearly constant along a quiet orbit, is turned into
a semi-major axis: on NASA's 2026 ISS states it wanders by about +-100 m over an orbit (the rest of the
gravity field) and drifts down by about 40 m a day (drag), while the 1.1 m/s reboost of 25 September
raised it by 1.86 km. The time grid of NASA's file also restarts at planned events (at the end of a
burn, at a docking or an undocking): a step that is not a multiple of the usual one.

So an event is a run of neighbouring states joined by irregular steps or by a fast change of that
semi-major axis (over 0.6 m/s; quiet orbits stay under 0.45). Its states either side, over one orbit,
give the change it made: 300 m or more (about 0.17 m/s) is a burn, anything less an event that left
the orbit alone. A change of the same size across a hole between two segments is a burn in the hole.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import numpy as np

from isstrack.elements.oem import Oem, OemSegment
from isstrack.elements.oemevents import TrajectoryEvent
from isstrack.sky.ephemeris import timescale
from isstrack.sky.frames import eme2000_to_gcrs

if TYPE_CHECKING:  # numpy.typing costs about 30 ms to import: annotations only
    from numpy.typing import NDArray

    Array = NDArray[Any]


MU_KM3_S2 = 398600.4418
RADIUS_KM = 6378.137
J2, J3, J4 = 1.08262668e-3, -2.53265649e-6, -1.61962159e-6
RATE_LIMIT_KM_S = 0.6e-3  # semi-major axis change per second that marks thrust (reboosts: ~1.7 m/s)
SHORT_STEP_S = 20.0  # closer states carry too little signal for a rate (positions to 0.1 m)
BURN_DELTA_A_KM = 0.3
DECAY_ALLOWANCE_KM_PER_DAY = 0.1  # drag lowers the ISS by 40-100 m a day
GRID_TOLERANCE_S = 0.002  # NASA prints epochs to the millisecond
COMMON_STEP_SHARE = 0.2


@dataclass(frozen=True)
class Cluster:
    """A run of a segment's states around an event: node indices `first`..`last` (inclusive)."""

    segment: int
    first: int
    last: int
    burn: bool


def zonal_semi_major_axis_km(position_km: Array, velocity_km_s: Array, to_date: Array) -> Array:
    """Return the semi-major axis (km) from each state's energy in the J2-J4 field of the pole of date.

    `to_date` turns the states' axes into the true equator of date, the axis of the zonal field.
    """
    r = position_km @ to_date.T
    v = velocity_km_s @ to_date.T
    radius = np.sqrt(np.einsum("ij,ij->i", r, r))
    s = r[:, 2] / radius
    q = RADIUS_KM / radius
    p2 = (3 * s**2 - 1) / 2
    p3 = (5 * s**3 - 3 * s) / 2
    p4 = (35 * s**4 - 30 * s**2 + 3) / 8
    potential = -MU_KM3_S2 / radius * (1 - J2 * q**2 * p2 - J3 * q**3 * p3 - J4 * q**4 * p4)
    energy = 0.5 * np.einsum("ij,ij->i", v, v) + potential
    return np.asarray(-MU_KM3_S2 / (2 * energy))


def to_date_matrix(moment_s: float) -> Array:
    """Return the matrix turning EME2000 axes into the true equator and equinox at POSIX time `moment_s`."""
    t = timescale().from_datetime(datetime.fromtimestamp(moment_s, timezone.utc))
    return np.asarray(t.M, dtype=float) @ eme2000_to_gcrs()


def usual_step_s(times_s: Array) -> float:
    """Return the segment's grid step: the shortest step that makes up a fifth or more of all steps."""
    steps = np.round(np.diff(times_s), 2)
    values, counts = np.unique(steps, return_counts=True)
    common = values[counts >= COMMON_STEP_SHARE * len(steps)]
    return float(common.min()) if len(common) else float(np.median(steps))


def irregular_steps(times_s: Array, step_s: float) -> Array:
    """Return, per step, whether it is not a whole multiple of the grid step (a restarted grid)."""
    steps = np.diff(times_s)
    multiple = np.round(steps / step_s)
    return np.asarray((multiple < 1) | (np.abs(steps - multiple * step_s) > GRID_TOLERANCE_S))


def true_runs(mask: Array) -> list[tuple[int, int]]:
    """Return (first, last) indices of each run of consecutive true values."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return [(int(a), int(b) - 1) for a, b in zip(edges[0::2], edges[1::2], strict=True)]


def _period_s(a_km: float) -> float:
    return 2 * math.pi * math.sqrt(a_km**3 / MU_KM3_S2)


def _mean_over(times_s: Array, a_km: Array, lo: float, hi: float) -> float | None:
    pick = (times_s >= lo) & (times_s <= hi)
    if np.count_nonzero(pick) < 3 or float(np.ptp(times_s[pick])) < 0.4 * (hi - lo):
        return None
    return float(np.mean(a_km[pick]))


def find_clusters(segment: OemSegment, a_km: Array, index: int) -> list[tuple[Cluster, float | None]]:
    """Return the runs of states around events in one segment, each with its change of semi-major axis."""
    t = segment.times_s
    if len(t) < 3:
        return []
    step = usual_step_s(t)
    dt = np.diff(t)
    rate = np.diff(a_km) / np.maximum(dt, 1e-9)
    special = irregular_steps(t, step) | ((dt >= SHORT_STEP_S) & (np.abs(rate) > RATE_LIMIT_KM_S))
    found: list[tuple[Cluster, float | None]] = []
    period = _period_s(float(np.median(a_km)))
    for k, end in true_runs(special):
        first, last = k, end + 1
        before = _mean_over(t, a_km, t[first] - period, t[first])
        after = _mean_over(t, a_km, t[last], t[last] + period)
        change = None if before is None or after is None else after - before
        fast = bool(np.any((dt[first:last] >= SHORT_STEP_S) & (np.abs(rate[first:last]) > RATE_LIMIT_KM_S)))
        burn = (change is not None and abs(change) >= BURN_DELTA_A_KM) or (change is None and fast)
        if burn or bool(np.any(irregular_steps(t[first : last + 1], step))):
            found.append((Cluster(index, first, last, burn), change))
    return found


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)


def delta_v_m_s(delta_a_km: float, a_km: float) -> float:
    """Return the along-track delta-v (m/s) that changes a near-circular orbit's size by `delta_a_km`."""
    return abs(delta_a_km) * math.sqrt(MU_KM3_S2 / a_km) / (2 * a_km) * 1000.0


def detect_events(oem: Oem) -> tuple[tuple[TrajectoryEvent, ...], tuple[Cluster, ...]]:
    """Return the events found in the states (burns and grid restarts) and their runs of states."""
    events: list[TrajectoryEvent] = []
    clusters: list[Cluster] = []
    middle = (oem.segments[0].times_s[0] + oem.segments[-1].times_s[-1]) / 2
    to_date = to_date_matrix(float(middle))
    sizes = [zonal_semi_major_axis_km(s.position_km, s.velocity_km_s, to_date) for s in oem.segments]
    for index, (segment, a_km) in enumerate(zip(oem.segments, sizes, strict=True)):
        for cluster, change in find_clusters(segment, a_km, index):
            clusters.append(cluster)
            t = segment.times_s
            events.append(
                _event(cluster.burn, t[cluster.first], t[cluster.last], change, float(np.median(a_km)))
            )
    for index in range(1, len(oem.segments)):
        previous, segment = oem.segments[index - 1], oem.segments[index]
        period = _period_s(float(np.median(sizes[index])))
        end, start = float(previous.times_s[-1]), float(segment.times_s[0])
        before = _mean_over(previous.times_s, sizes[index - 1], end - period, end)
        after = _mean_over(segment.times_s, sizes[index], start, start + period)
        if before is None or after is None:
            continue
        allowance = BURN_DELTA_A_KM + DECAY_ALLOWANCE_KM_PER_DAY * (start - end) / 86400.0
        if abs(after - before) >= allowance:
            events.append(_event(True, end, start, after - before, float(np.median(sizes[index]))))
    events.sort(key=lambda e: e.time)
    return tuple(events), tuple(clusters)


def _event(burn: bool, start_s: float, end_s: float, change: float | None, a_km: float) -> TrajectoryEvent:
    if burn:
        what = "Reboost" if change is None or change > 0 else "Burn lowering the orbit"
        return TrajectoryEvent(
            name=f"{what} (detected)",
            kind="burn",
            origin="detected",
            time=_moment(start_s),
            end=_moment(end_s),
            delta_v_m_s=None if change is None else round(delta_v_m_s(change, a_km), 2),
            delta_a_km=None if change is None else round(change, 3),
        )
    return TrajectoryEvent(
        name="Planned event, no burn (the time grid restarts)",
        kind="other",
        origin="detected",
        time=_moment(start_s),
        end=_moment(end_s),
        delta_a_km=None if change is None else round(change, 3),
    )
