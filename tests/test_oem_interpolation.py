"""Interpolating NASA's states: held-out real states, a burn never smoothed over, an independent check."""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np

from isstrack.elements.oem import parse_oem
from isstrack.sky.frames import eme2000_to_gcrs
from isstrack.sky.hermite import Arcs
from isstrack.sky.oemephemeris import build_ephemeris
from tests.oem_reference import BREAKS, BURN_END, BURN_START, read_segments, reference_position
from tests.oem_tools import NOW, halve, oem_text, state_time

M = 1e-3  # km


def _halved():
    text, dropped = halve(oem_text())
    ephemeris = build_ephemeris(parse_oem(text.encode(), "halved", NOW))
    t = np.array([state_time(line) for line in dropped])
    truth = np.array([[float(x) for x in line.split()[1:4]] for line in dropped]) @ eme2000_to_gcrs().T
    return ephemeris, t, truth


def test_held_out_states_within_5_m_from_8_minute_nodes() -> None:
    """Drop every other state and predict it.

    The 5 m promise is for nodes at most 8 minutes apart: NASA's product is every 4 minutes, so the
    4-minute runs of the reference (the arc around the burn) halve to 8 minutes. Its 12-minute runs
    halve to 24 minutes, over the 15-minute gap limit: those times are not covered at all.
    """
    ephemeris, t, truth = _halved()
    r, _, covered = ephemeris.states_gcrs(t)
    nodes = ephemeris.arcs.times_s
    k = np.searchsorted(nodes, t)
    spacing = nodes[np.clip(k, 0, len(nodes) - 1)] - nodes[np.clip(k - 1, 0, len(nodes) - 1)]
    error_m = np.linalg.norm(r - truth, axis=1) / M
    close = covered & (spacing <= 480.5)
    assert np.count_nonzero(close) >= 30
    assert float(np.max(error_m[close])) < 5.0
    # 24-minute nodes are gaps: nothing is made up there.
    assert not np.any(covered & (spacing > 900))
    # 12-minute nodes (the first segment's 4/8-minute states halved): 6 nodes, metres in the middle.
    twelve = covered & (np.abs(spacing - 720) < 1)
    assert np.median(error_m[twelve]) < 5.0


def test_the_burn_is_not_smoothed_over() -> None:
    """Across 16:08-16:26:31 on 25 September, the states just after the burn are matched."""
    ephemeris, t, truth = _halved()
    after = (t > BURN_END) & (t < BURN_END + 1800)
    r, _, covered = ephemeris.states_gcrs(t[after])
    assert covered.all()
    assert float(np.max(np.linalg.norm(r - truth[after], axis=1))) < 5 * M
    # The same nodes joined across the burn into one arc: what "smoothing over" it would give.
    arcs = ephemeris.arcs
    lo = int(np.searchsorted(arcs.times_s, BURN_START - 3600))
    hi = int(np.searchsorted(arcs.times_s, BURN_END + 3600))
    pick = [i for i in range(lo, hi) if not BURN_START < arcs.times_s[i] < BURN_END]
    one = Arcs(
        arcs.times_s[pick],
        arcs.position_km[pick],
        arcs.velocity_km_s[pick],
        np.array([0]),
        np.array([len(pick) - 1]),
        np.array([4]),
        np.array([arcs.times_s[pick][-1]]),
    )
    smooth, _, _ = one.states(t[after])
    assert float(np.max(np.linalg.norm(smooth - truth[after], axis=1))) > 50 * M


def test_agrees_with_an_independent_interpolation_of_the_same_states() -> None:
    """isstrack's Lagrange-form Hermite against the test's own linear-solve Hermite, over the span."""
    ephemeris = build_ephemeris(parse_oem(oem_text().encode(), "ref", NOW))
    segments = read_segments()
    times = np.concatenate([s[0][:-1] + 0.37 * np.diff(s[0]) for s in segments])
    r, _, covered = ephemeris.states_gcrs(times)
    bias = eme2000_to_gcrs()
    worst = 0.0
    for i in np.flatnonzero(covered):
        reference = reference_position(segments, float(times[i]), BREAKS)
        assert reference is not None
        worst = max(worst, float(np.linalg.norm(r[i] - bias @ reference)))
    assert np.count_nonzero(covered) > 900
    # Grid snapping (0.5 ms, 3.8 m) and window choices near arc ends are the only differences.
    assert worst < 20 * M


def test_times_outside_the_states_are_not_covered() -> None:
    ephemeris = build_ephemeris(parse_oem(oem_text().encode(), "ref", NOW))
    hole = datetime(2026, 9, 22, 0, tzinfo=timezone.utc).timestamp()  # between the first two runs
    before = datetime(2026, 9, 21, 11, tzinfo=timezone.utc).timestamp()
    after = datetime(2026, 10, 6, 8, tzinfo=timezone.utc).timestamp()
    r, v, covered = ephemeris.states_gcrs(np.array([hole, before, after]))
    assert not covered.any()
    assert np.isnan(r).all() and np.isnan(v).all()
