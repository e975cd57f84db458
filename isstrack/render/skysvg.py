"""A small sky chart of one pass as inline SVG: looking up, north at the top, east on the left.

The path is drawn from where the station appears, through its highest point, to where it
disappears: two quadratic curves, each through the point halfway along the great circle of the
sky between its ends (a pass's path across the sky is close to one), so charts for thousands of
pages need no further orbit calculation.
The background (horizon, 30° and 60° rings, the cardinal points) is drawn once per page and used.
"""

from __future__ import annotations

import math

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


def path_data(item: Pass) -> tuple[str, tuple[float, float]]:
    """Return the SVG path (two quadratic curves, each through its halfway point) and the start point."""
    p0, h1, p1, h2, p2 = (chart_xy(az, el) for az, el in sky_points(item))
    # A quadratic Bezier passes through its halfway point when its control point is 2h - (p + q)/2.
    c1 = (2 * h1[0] - (p0[0] + p1[0]) / 2, 2 * h1[1] - (p0[1] + p1[1]) / 2)
    c2 = (2 * h2[0] - (p1[0] + p2[0]) / 2, 2 * h2[1] - (p1[1] + p2[1]) / 2)
    numbers = (*p0, *c1, *p1, *c2, *p2)
    return "M{:.0f} {:.0f}Q{:.0f} {:.0f} {:.0f} {:.0f}Q{:.0f} {:.0f} {:.0f} {:.0f}".format(*numbers), p0


def pass_svg(item: Pass, label: str, size_px: int = 88) -> str:
    """Return one pass's chart: the path with a dot where it appears; `label` describes it (escaped)."""
    path, (x0, y0) = path_data(item)
    return (
        f'<svg class="sky" viewBox="-50 -50 100 100" width="{size_px}" height="{size_px}" role="img" '
        f'aria-label="{label}"><use href="#{SYMBOL_ID}"/><path d="{path}"/>'
        f'<circle cx="{x0:.0f}" cy="{y0:.0f}" r="3.5"/></svg>'
    )
