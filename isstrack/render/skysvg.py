"""A small sky chart of one pass as inline SVG: looking up, north at the top, east on the left.

The path is drawn from where the station appears, through its highest point, to where it
disappears: two quadratic curves, each through the point halfway along the great circle of the
sky between its ends (a pass's path across the sky is close to one), so charts for thousands of
pages need no further orbit calculation.
The background (horizon, 30° and 60° rings, the cardinal points) is drawn once per page and used.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from isstrack.sky.passes import Pass, PassPoint

RADIUS = 45.0  # the horizon's radius in the chart's viewBox (-50 -50 100 100)
SYMBOL_ID = "sky"

SKY_SYMBOL = (
    '<svg width="0" height="0" style="position:absolute" aria-hidden="true">'
    f'<defs><g id="{SYMBOL_ID}">'
    f'<circle r="{RADIUS:g}" class="h"/><circle r="{RADIUS * 2 / 3:g}" class="r"/>'
    f'<circle r="{RADIUS / 3:g}" class="r"/>'
    '<text x="0" y="-36" class="c">N</text><text x="0" y="43" class="c">S</text>'
    '<text x="-39" y="4" class="c">E</text><text x="39" y="4" class="c">W</text>'
    "</g></defs></svg>"
)


def chart_xy(azimuth_deg: float, elevation_deg: float) -> tuple[float, float]:
    """Return chart coordinates: zenith at the centre, horizon at RADIUS, north up, east to the left."""
    r = RADIUS * (90.0 - max(0.0, min(90.0, elevation_deg))) / 90.0
    a = math.radians(azimuth_deg)
    return -r * math.sin(a), -r * math.cos(a)


def _unit(point: PassPoint) -> tuple[float, float, float]:
    az, el = math.radians(point.azimuth_deg), math.radians(point.elevation_deg)
    return math.cos(el) * math.sin(az), math.cos(el) * math.cos(az), math.sin(el)


def _halfway(a: tuple[float, float, float], b: tuple[float, float, float]) -> tuple[float, float]:
    """Return (azimuth, elevation) in degrees halfway between two directions along their great circle."""
    x, y, z = a[0] + b[0], a[1] + b[1], a[2] + b[2]
    norm = math.sqrt(x * x + y * y + z * z) or 1.0
    return math.degrees(math.atan2(x, y)) % 360.0, math.degrees(math.asin(max(-1.0, min(1.0, z / norm))))


def sky_points(item: Pass) -> list[tuple[float, float]]:
    """Return (azimuth, elevation) in degrees: appears, halfway up, highest, halfway down, disappears."""
    assert item.visible_start is not None and item.visible_end is not None
    start, top, end = item.visible_start, item.visible_highest or item.culmination, item.visible_end
    a, m, b = _unit(start), _unit(top), _unit(end)
    return [
        (start.azimuth_deg, start.elevation_deg),
        _halfway(a, m),
        (top.azimuth_deg, top.elevation_deg),
        _halfway(m, b),
        (end.azimuth_deg, end.elevation_deg),
    ]


_PATH = "M{:.0f} {:.0f}Q{:.0f} {:.0f} {:.0f} {:.0f}Q{:.0f} {:.0f} {:.0f} {:.0f}"
_MARKS = '<path d="' + _PATH + '"/><circle cx="{:.0f}" cy="{:.0f}" r="3.5"/>'


def path_data(item: Pass) -> tuple[str, tuple[float, float]]:
    """Return the SVG path (two quadratic curves, each through its halfway point) and the start point."""
    p0, h1, p1, h2, p2 = (chart_xy(az, el) for az, el in sky_points(item))
    # A quadratic Bezier passes through its halfway point when its control point is 2h - (p + q)/2.
    c1 = (2 * h1[0] - (p0[0] + p1[0]) / 2, 2 * h1[1] - (p0[1] + p1[1]) / 2)
    c2 = (2 * h2[0] - (p1[0] + p2[0]) / 2, 2 * h2[1] - (p1[1] + p2[1]) / 2)
    numbers = (*p0, *c1, *p1, *c2, *p2)
    return _PATH.format(*numbers), p0


def chart_marks(item: Pass) -> str:
    """Return one pass's path and start dot as SVG elements (what `chart_marks_many` gives many at once)."""
    path, (x0, y0) = path_data(item)
    return f'<path d="{path}"/><circle cx="{x0:.0f}" cy="{y0:.0f}" r="3.5"/>'


def chart_marks_many(items: Sequence[Pass]) -> list[str]:
    """Return `chart_marks` of many passes, the same text, with the arithmetic done by numpy at once."""
    import numpy as np

    if not items:
        return []
    flat: list[float] = []
    for item in items:
        assert item.visible_start is not None and item.visible_end is not None
        top = item.visible_highest or item.culmination
        start, end = item.visible_start, item.visible_end
        flat += (start.azimuth_deg, start.elevation_deg, top.azimuth_deg, top.elevation_deg)
        flat += (end.azimuth_deg, end.elevation_deg)
    az, el = np.array(flat, dtype=float).reshape(-1, 3, 2).transpose(2, 0, 1)  # (passes, 3 points) each
    # The same operations, in the same order, as sky_points, _unit, _halfway and chart_xy.
    a_rad, e_rad = np.radians(az), np.radians(el)
    unit = np.stack((np.cos(e_rad) * np.sin(a_rad), np.cos(e_rad) * np.cos(a_rad), np.sin(e_rad)))
    halves = unit[:, :, :2] + unit[:, :, 1:]  # (xyz, passes, 2): start+top, top+end
    x, y, z = halves
    norm = np.sqrt(x * x + y * y + z * z)
    norm[norm == 0] = 1.0
    half_az = np.degrees(np.arctan2(x, y)) % 360.0
    half_el = np.degrees(np.arcsin(np.clip(z / norm, -1.0, 1.0)))
    five_az = np.stack((az[:, 0], half_az[:, 0], az[:, 1], half_az[:, 1], az[:, 2]), axis=1)
    five_el = np.stack((el[:, 0], half_el[:, 0], el[:, 1], half_el[:, 1], el[:, 2]), axis=1)
    r = RADIUS * (90.0 - np.clip(five_el, 0.0, 90.0)) / 90.0
    a = np.radians(five_az)
    cx, cy = -r * np.sin(a), -r * np.cos(a)  # (passes, 5): p0, h1, p1, h2, p2
    c1x, c1y = 2 * cx[:, 1] - (cx[:, 0] + cx[:, 2]) / 2, 2 * cy[:, 1] - (cy[:, 0] + cy[:, 2]) / 2
    c2x, c2y = 2 * cx[:, 3] - (cx[:, 2] + cx[:, 4]) / 2, 2 * cy[:, 3] - (cy[:, 2] + cy[:, 4]) / 2
    columns = (cx[:, 0], cy[:, 0], c1x, c1y, cx[:, 2], cy[:, 2], c2x, c2y, cx[:, 4], cy[:, 4])
    numbers = np.stack((*columns, cx[:, 0], cy[:, 0]), axis=1).tolist()
    return [_MARKS.format(*row) for row in numbers]


def pass_svg(item: Pass, label: str, size_px: int = 88, marks: str | None = None) -> str:
    """Return one pass's chart: the path with a dot where it appears; `label` describes it (escaped).

    `marks` is the pass's `chart_marks` when the caller made them already (for many at once).
    """
    return (
        f'<svg class="sky" viewBox="-50 -50 100 100" width="{size_px}" height="{size_px}" role="img" '
        f'aria-label="{label}"><use href="#{SYMBOL_ID}"/>{marks or chart_marks(item)}</svg>'
    )
