"""Hermite interpolation of states (position and velocity) over a few neighbouring nodes, for time arrays.

With n nodes the interpolant is the polynomial of degree 2n - 1 that matches every node's position
and velocity. Measured on NASA's ISS states (tests/test_oem_interpolation.py): 4 nodes 8 minutes
apart reproduce held-out states to about 1.5 m, and 6 nodes 12 minutes apart to about 1 m; cubic
Hermite (2 nodes) is about 100 m off at 8 minutes. Interpolation stays inside one *arc*: a run of
nodes with no burn, segment boundary or gap in it (`isstrack.sky.oemephemeris` draws them), so a
burn is never smoothed over; near an arc's ends the window of nodes shifts inwards, and an arc with
fewer nodes than asked uses all it has.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # numpy.typing costs about 30 ms to import: annotations only
    from numpy.typing import NDArray

    Array = NDArray[Any]


# Nodes per window by the arc's usual step: 4 at NASA's 4-minute step (and up to 8.5 minutes),
# 6 beyond (4 nodes 12 minutes apart are about 8 m off, 6 about 1 m).
FEW_NODES, MANY_NODES = 4, 6
FEW_NODES_MAX_STEP_S = 510.0


def nodes_for_step(step_s: float) -> int:
    """Return how many nodes a window should use for an arc whose usual step is `step_s`."""
    return FEW_NODES if step_s <= FEW_NODES_MAX_STEP_S else MANY_NODES


def hermite_window(t_nodes: Array, position: Array, velocity: Array, t: Array) -> tuple[Array, Array]:
    """Return position and velocity at `t` (m,) from each row's nodes: times (m, n), states (m, n, 3)."""
    n = t_nodes.shape[1]
    # Work in units of the window's span: well-conditioned whatever the step.
    origin = t_nodes[:, :1]
    scale = np.maximum(t_nodes[:, -1:] - origin, 1e-9)
    x = (t_nodes - origin) / scale  # (m, n)
    u = ((t[:, None] - origin) / scale)[:, :, None]  # (m, 1, 1)
    slope = velocity * scale[:, :, None]
    eye = np.eye(n, dtype=bool)
    gap = x[:, :, None] - x[:, None, :]  # x_j - x_k, (m, n, n)
    gap_safe = np.where(eye, 1.0, gap)
    ratio = np.where(eye, 1.0, (u - x[:, None, :]) / gap_safe)  # (u - x_k)/(x_j - x_k)
    lagrange = np.prod(ratio, axis=2)  # L_j(u), (m, n)
    inverse = np.where(eye, 0.0, 1.0 / gap_safe)  # 1/(x_j - x_k)
    c = inverse.sum(axis=2)  # L_j'(x_j)
    derivative = np.zeros_like(lagrange)
    for k in range(n):
        others = ratio.copy()
        others[:, :, k] = 1.0
        derivative += inverse[:, :, k] * np.prod(others, axis=2)  # product rule, safe at the nodes
    d = u[:, :, 0] - x  # (m, n)
    a = 1.0 - 2.0 * c * d
    l2 = lagrange * lagrange
    dl2 = 2.0 * lagrange * derivative
    weight_p = (a * l2)[:, :, None]
    weight_v = (d * l2)[:, :, None]
    rate_p = (-2.0 * c * l2 + a * dl2)[:, :, None]
    rate_v = (l2 + d * dl2)[:, :, None]
    r = np.sum(weight_p * position + weight_v * slope, axis=1)
    v = np.sum(rate_p * position + rate_v * slope, axis=1) / scale
    return r, v


@dataclass(frozen=True)
class Arcs:
    """Nodes (times in s, positions km, velocities km/s) and the runs of them that may be interpolated.

    `first[i]` and `last[i]` are the indices of the first and last node of arc i, `nodes[i]` the
    window size there, `end_s[i]` the last time it answers for (its last node's, or a little after
    when the next node starts another solution); arcs are in time order and may share an end node
    (the state at a burn's start belongs to both sides).
    """

    times_s: Array
    position_km: Array
    velocity_km_s: Array
    first: Array
    last: Array
    nodes: Array
    end_s: Array

    def covered(self, t_s: Array) -> Array:
        """Return whether each time lies inside an arc."""
        return self._arc_of(np.asarray(t_s, dtype=float)) >= 0

    def _arc_of(self, t_s: Array) -> Array:
        starts = self.times_s[self.first]
        ends = self.end_s
        arc = np.searchsorted(starts, t_s, side="right") - 1
        inside = (arc >= 0) & (t_s <= ends[np.clip(arc, 0, None)])
        return np.where(inside, arc, -1)

    def states(self, t_s: Array) -> tuple[Array, Array, Array]:
        """Return positions (km), velocities (km/s) at `t_s`, and which were covered (NaN where not)."""
        t_s = np.asarray(t_s, dtype=float)
        arc = self._arc_of(t_s)
        r = np.full((len(t_s), 3), np.nan)
        v = np.full((len(t_s), 3), np.nan)
        ok = arc >= 0
        if not ok.any():
            return r, v, ok
        which = np.flatnonzero(ok)
        first, last = self.first[arc[which]], self.last[arc[which]]
        size = np.minimum(self.nodes[arc[which]], last - first + 1)
        k = np.clip(np.searchsorted(self.times_s, t_s[which], side="right") - 1, first, last)
        for n in np.unique(size).tolist():
            pick = size == n
            # n nodes around t, as many before as after, slid inside the arc.
            lo = np.clip(k[pick] - (n - 1) // 2, first[pick], last[pick] - n + 1)
            index = lo[:, None] + np.arange(n)
            rows = which[pick]
            r[rows], v[rows] = hermite_window(
                self.times_s[index], self.position_km[index], self.velocity_km_s[index], t_s[rows]
            )
        return r, v, ok
