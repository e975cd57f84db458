"""How far off a pass time may be: from the source of the positions and how far ahead they are used.

Almost all of a position error is along the track, and 7.4 km along the track is about 1 s of pass
time at the station's ground speed. The figures (docs/accuracy.md says where each comes from):
- a TLE or OMM against NASA's 2026 ISS trajectory: at most 1.6 km under a day from its epoch,
  3.0 km at 2-3 days, 7.3 km at 3-7 days, 34 km at 7-10 days (about 1 km at epoch);
- the same elements after a burn they predate (the 1.1 m/s reboost of 25 September 2026): 24 km
  after 2 hours, 274 km after a day, 586 km after two, 1,972 km after seven, scaled by the burn's
  delta-v when known;
- NASA's trajectory itself: within 0.9 km of a fresh TLE 2-3 days after it was made, so an error
  growing with the square of the lead time (drag), 0.15 km times days squared, over an
  interpolation floor of 10 m;
- a planned burn not yet confirmed: a 5 % error in its delta-v (at least 0.02 m/s), which moves the
  station along the track by three times that error per second after it.
Between the measured points the table is interpolated linearly; beyond the last it grows linearly
with the same slope. These are honest envelopes, not statistics of many reboosts.
"""

from __future__ import annotations

from bisect import bisect_right

from isstrack.elements.oemevents import TrajectoryEvent

ALONG_TRACK_KM_PER_S = 7.4
# (days from epoch, km): TLE/OMM against NASA's trajectory on a quiet orbit.
TLE_ERROR_KM = ((0.0, 1.0), (1.0, 1.6), (3.0, 3.0), (7.0, 7.3), (10.0, 34.0))
# (days after a burn the elements predate, km), for the 1.1 m/s reboost of 2026-09-25.
AFTER_BURN_ERROR_KM = ((0.0, 0.0), (2.0 / 24.0, 24.0), (1.0, 274.0), (2.0, 586.0), (7.0, 1972.0))
REFERENCE_BURN_M_S = 1.1
OEM_FLOOR_KM = 0.01
OEM_GROWTH_KM_PER_DAY2 = 0.15
PLANNED_BURN_SHARE = 0.05
PLANNED_BURN_MIN_M_S = 0.02
DAY_S = 86400.0


def _table(points: tuple[tuple[float, float], ...], x: float) -> float:
    """Return the table's value at x, linear between points and beyond the last."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    if x <= xs[0]:
        return ys[0]
    if x <= xs[-1]:  # as numpy.interp, without loading numpy on every run for one number
        i = min(bisect_right(xs, x), len(xs) - 1)
        return ys[i - 1] + (ys[i] - ys[i - 1]) * (x - xs[i - 1]) / (xs[i] - xs[i - 1])
    slope = (ys[-1] - ys[-2]) / (xs[-1] - xs[-2])
    return ys[-1] + slope * (x - xs[-1])


def elements_error_km(
    age_days: float, days_after_unseen_burns: tuple[tuple[float, float | None], ...] = ()
) -> float:
    """Return the position error (km) of elements `age_days` from their epoch.

    `days_after_unseen_burns` holds, for each burn after the epoch and before the time, the days since
    it and its delta-v (m/s, None if unknown).
    """
    error = _table(TLE_ERROR_KM, abs(age_days))
    for days, delta_v in days_after_unseen_burns:
        scale = 1.0 if delta_v is None else max(delta_v, 0.0) / REFERENCE_BURN_M_S
        error += scale * _table(AFTER_BURN_ERROR_KM, max(days, 0.0))
    return error


def oem_error_km(
    lead_days: float, days_after_planned_burns: tuple[tuple[float, float | None], ...] = ()
) -> float:
    """Return the position error (km) of NASA's trajectory `lead_days` after it was made.

    `days_after_planned_burns` holds, for each planned burn not yet confirmed and before the time, the
    days since it and its delta-v (m/s, None if unknown: then the reference 1.1 m/s).
    """
    lead = max(lead_days, 0.0)
    error = OEM_FLOOR_KM + OEM_GROWTH_KM_PER_DAY2 * lead * lead
    for days, delta_v in days_after_planned_burns:
        size = REFERENCE_BURN_M_S if delta_v is None else abs(delta_v)
        sigma_km_s = max(PLANNED_BURN_SHARE * size, PLANNED_BURN_MIN_M_S) / 1000.0
        error += 3.0 * sigma_km_s * max(days, 0.0) * DAY_S
    return error


def time_uncertainty_s(error_km: float) -> float:
    """Return the pass-time uncertainty (s) of a position error (km) along the track."""
    return error_km / ALONG_TRACK_KM_PER_S


def burns_between(
    burns: tuple[TrajectoryEvent, ...], after_s: float, before_s: float
) -> tuple[tuple[float, float | None], ...]:
    """Return (days from each burn's end to `before_s`, delta-v) for the burns starting after `after_s`.

    Times are POSIX seconds: `after_s` the elements' epoch (or the trajectory's creation), `before_s`
    the moment asked about.
    """
    found = []
    for burn in burns:
        start = burn.time.timestamp()
        end = (burn.end or burn.time).timestamp()
        if after_s < start < before_s:
            found.append((max(before_s - end, 0.0) / DAY_S, burn.delta_v_m_s))
    return tuple(found)
