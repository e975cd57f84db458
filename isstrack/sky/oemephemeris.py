"""An OEM's states made ready to interpolate: arcs that never cross a burn, a segment boundary or a gap.

Arcs end at every segment boundary, at both ends of every event's run of states (`isstrack.sky.burns`)
and at the time of ignition of every burn the file's summary lists; a step over three times the
usual one, or over 15 minutes, is a gap nobody interpolates across. The states during a burn (NASA's
file has them every few seconds to a minute) make an arc of their own; a burn between two sparse
states leaves the time between them uncovered. The state where the grid restarts after a burn
starts the next solution, which need not join the burn's: on 25 September 2026 the states at
16:26:30 and 16:26:30.953 are 3.7 m apart. So the burn's arc ends at the state before the restart
and answers, extrapolating by at most one of its steps, up to it.

NASA prints epochs to the millisecond, and on a grid whose true phase is a fraction of one (like
16:26:30.9525) the printed times alternate .952 and .953: half a millisecond is 3.8 m along the
track. So a run of steps that are all whole multiples of the grid step (within 1.5 ms) gets its
times back from the least-squares regular grid, if every printed time is within 1.5 ms of it.
Positions and velocities are EME2000, turned into the GCRS by the frame bias (under 1 m).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from isstrack.elements.oem import Oem
from isstrack.elements.oemevents import TrajectoryEvent, parse_event_summary
from isstrack.sky.burns import Cluster, detect_events, irregular_steps, true_runs, usual_step_s
from isstrack.sky.frames import eme2000_to_gcrs
from isstrack.sky.hermite import Arcs, nodes_for_step

if TYPE_CHECKING:  # numpy.typing costs about 30 ms to import: annotations only
    from numpy.typing import NDArray

    Array = NDArray[Any]


GAP_FACTOR = 3.0
MAX_STEP_S = 900.0  # 6 nodes 15 minutes apart: about 15 m; 20 minutes apart: km
SNAP_TOLERANCE_S = 0.0015
TIG_TOLERANCE_S = 1.0


@dataclass(frozen=True)
class OemEphemeris:
    """An OEM ready to give GCRS states at any covered time, with the events it lists or shows."""

    oem: Oem
    arcs: Arcs
    events: tuple[TrajectoryEvent, ...]
    has_summary: bool
    summary_problems: tuple[str, ...]

    def states_gcrs(self, t_s: Array) -> tuple[Array, Array, Array]:
        """Return GCRS positions (km) and velocities (km/s) at POSIX times `t_s`, and which are covered."""
        return self.arcs.states(t_s)

    def covered(self, t_s: Array) -> Array:
        """Return whether each POSIX time can be interpolated."""
        return self.arcs.covered(t_s)

    @property
    def burns(self) -> tuple[TrajectoryEvent, ...]:
        """Return the events that changed the orbit, listed or detected."""
        return tuple(e for e in self.events if e.is_burn)


def snap_to_grid(times_s: Array, step_s: float) -> Array:
    """Return `times_s` with each run of regular steps moved onto its least-squares regular grid."""
    t = np.array(times_s, dtype=float)
    if len(t) < 3:
        return t
    regular = ~irregular_steps(t, step_s) & (
        np.abs(np.diff(t) - np.round(np.diff(t) / step_s) * step_s) <= SNAP_TOLERANCE_S
    )
    for k, end in true_runs(regular):
        run = slice(k, end + 2)
        if end + 2 - k >= 3:
            multiples = np.round((t[run] - t[k]) / step_s)
            slope, intercept = np.polyfit(multiples, t[run] - t[k], 1)
            fitted = t[k] + intercept + slope * multiples
            if np.max(np.abs(fitted - t[run])) <= SNAP_TOLERANCE_S:
                t[run] = fitted
    return t


def _segment_arcs(
    times_s: Array, breaks: set[int], holes: set[int], thrust: list[Cluster], step_s: float
) -> list[tuple[int, int, int, float]]:
    """Return (first, last, nodes, end time) of each arc of one segment (indices local to it)."""
    spans: list[tuple[int, int]] = []
    start = 0
    final = len(times_s) - 1
    for i in range(final):  # step i joins nodes i and i + 1
        if i in holes:
            if i > start:
                spans.append((start, i))
            start = i + 1
        elif i + 1 in breaks or i + 1 == final:
            spans.append((start, i + 1))
            start = i + 1
    arcs: list[tuple[int, int, int, float]] = []
    for first, last in spans:
        if not any(c.first == first and c.last == last for c in thrust):
            # A run may change its step (4 minutes before a burn, 12 after): nodes for the longer.
            own_step = (
                max(step_s, float(np.median(np.diff(times_s[first : last + 1])))) if last > first else step_s
            )
            arcs.append((first, last, nodes_for_step(own_step), float(times_s[last])))
            continue
        end = float(times_s[last])
        last -= 1  # the restart state starts the next solution: the burn's arc reaches it from before
        # A burn's own run is an arc only with a state inside it: between two bare states nobody
        # knows when the burn happened.
        if last - first >= 2:
            step = float(np.median(np.diff(times_s[first : last + 1])))
            arcs.append((first, last, nodes_for_step(step), end))
    return arcs


def _holes(dt: Array, step_s: float) -> Array:
    """Return the steps nobody interpolates across: over MAX_STEP_S, or GAP_FACTOR times the usual step
    and both neighbouring steps (a run that changes its step, as NASA's does after a burn, is no gap).
    """
    before = np.concatenate([[np.inf], dt[:-1]])
    after = np.concatenate([dt[1:], [np.inf]])
    local = np.maximum(step_s, np.minimum(np.maximum(before, after), MAX_STEP_S))
    long = (dt > GAP_FACTOR * step_s) & (dt > GAP_FACTOR * local * (1 - 1e-6))
    return np.flatnonzero(long | (dt > MAX_STEP_S))


def build_ephemeris(oem: Oem) -> OemEphemeris:
    """Return the OEM's arcs and events (its summary's, and those found in its states)."""
    summary = parse_event_summary(oem.comments, oem.start)
    detected, clusters = detect_events(oem)
    times: list[Array] = []
    firsts: list[int] = []
    lasts: list[int] = []
    nodes: list[int] = []
    ends: list[float] = []
    offset = 0
    for index, segment in enumerate(oem.segments):
        step = usual_step_s(segment.times_s)
        t = snap_to_grid(segment.times_s, step)
        own = [c for c in clusters if c.segment == index]
        breaks = {c.first for c in own} | {c.last for c in own}
        dt = np.diff(t)
        holes = set(_holes(dt, step).tolist())
        for c in own:
            holes -= set(range(c.first, c.last)) if c.burn else set()
        for event in summary.events:
            if event.is_burn:
                breaks |= _tig_breaks(t, event.time, holes)
        for first, last, count, end in _segment_arcs(t, breaks, holes, [c for c in own if c.burn], step):
            firsts.append(offset + first)
            lasts.append(offset + last)
            nodes.append(count)
            ends.append(end)
        times.append(t)
        offset += len(t)
    bias = eme2000_to_gcrs()
    arcs = Arcs(
        times_s=np.concatenate(times),
        position_km=np.concatenate([s.position_km for s in oem.segments]) @ bias.T,
        velocity_km_s=np.concatenate([s.velocity_km_s for s in oem.segments]) @ bias.T,
        first=np.array(firsts, dtype=np.int64),
        last=np.array(lasts, dtype=np.int64),
        nodes=np.array(nodes, dtype=np.int64),
        end_s=np.array(ends, dtype=float),
    )
    events = tuple(sorted(summary.events + detected, key=lambda e: e.time))
    return OemEphemeris(oem, arcs, events, summary.found, summary.problems)


def _tig_breaks(times_s: Array, tig: datetime, holes: set[int]) -> set[int]:
    """Return the node at a listed burn's ignition, or make the step holding it a hole."""
    moment = tig.timestamp()
    if not times_s[0] <= moment <= times_s[-1]:
        return set()
    k = int(np.argmin(np.abs(times_s - moment)))
    if abs(times_s[k] - moment) <= TIG_TOLERANCE_S:
        return {k}
    step = int(np.searchsorted(times_s, moment) - 1)
    holes.add(step)
    return set()
