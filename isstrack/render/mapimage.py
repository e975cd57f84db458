"""Draw a MapScene as a picture: Natural Earth's day-side Earth, night shaded, track and station over it.

The picture is plate carrée like the braille map (x from 180° W to 180° E, y from 90° N to 90° S),
so a pixel is (column, row) = ((lon + 180) / 360 W, (90 - lat) / 180 H), and it is twice as wide as
tall. Lines and markers use the truecolour palette's colours, so the picture reads like the map.
The Earth picture is data/earth-natural-earth-360x720.npz (public domain; tools/make_earth_raster.py).
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

from isstrack.io.paths import data_file
from isstrack.render.mapfont import GLYPH_HEIGHT, text_mask
from isstrack.render.mapgrid import rasterise
from isstrack.render.png import png_bytes
from isstrack.scene.mapscene import MapScene
from isstrack.sky.groundtrack import (
    SUNRISE_ALTITUDE_DEG,
    TrackPoint,
    circle,
    split_at_antimeridian,
    sun_altitudes_deg,
)
from isstrack.sky.orbit import DARK_SKY_SUN_ALTITUDE_DEG

EARTH_FILE = "earth-natural-earth-360x720.npz"
MIN_WIDTH_PX, MAX_WIDTH_PX = 120, 2400
NIGHT_TINT = (0.20, 0.24, 0.42)  # what is left of each channel in full night: dark, slightly blue
PAST_RGB = (0xA8, 0xA8, 0xA8)
FOOTPRINT_RGB = (0xFF, 0x9F, 0x43)
SHADOW_RGB = (0x6F, 0xD3, 0xFF)
SUNLIT_RGB = (0xFF, 0xE0, 0x66)
PASS_RGB = (0xFF, 0x5F, 0xD7)
STATION_RGB = (0xD7, 0x26, 0x3D)
WHITE = (0xFF, 0xFF, 0xFF)
SUN_RGB = (0xFF, 0xD7, 0x00)
OUTLINE = (0x10, 0x10, 0x10)
REGION_RGB = (0xE0, 0xA0, 0xFF)  # an overlay region's hatching, as the braille map's
CAPTION_BACKGROUND = (0x14, 0x18, 0x1E)
WARNING_RGB = (0xC0, 0x39, 0x2B)  # the too-old warning: white on red, as in the terminal
# The colours drawn over the Earth, kept exact when a picture is cut down to 256 colours (sixel).
DRAWN_RGB = (STATION_RGB, WHITE, SUN_RGB, OUTLINE, SUNLIT_RGB, SHADOW_RGB, PAST_RGB, FOOTPRINT_RGB, PASS_RGB)


@cache
def earth_day() -> Any:
    """Return the bundled day-side Earth as a 360 x 720 x 3 uint8 array."""
    import numpy as np

    with np.load(data_file(EARTH_FILE)) as data:
        return data["palette"][data["index"]]


@cache
def _earth_at(width_px: int, height_px: int) -> Any:
    """Return the Earth picture resampled to a size (bilinear, wrapping east-west)."""
    import numpy as np

    src = earth_day().astype(np.float32)
    h, w, _ = src.shape
    y = np.clip((np.arange(height_px) + 0.5) * h / height_px - 0.5, 0, h - 1)
    x = (np.arange(width_px) + 0.5) * w / width_px - 0.5
    y0 = np.floor(y).astype(int)
    y1 = np.minimum(y0 + 1, h - 1)
    x0 = np.floor(x).astype(int)
    fy = (y - y0)[:, None, None]
    fx = (x - x0)[None, :, None]
    x0w, x1w = x0 % w, (x0 + 1) % w
    top = src[y0][:, x0w] * (1 - fx) + src[y0][:, x1w] * fx
    bottom = src[y1][:, x0w] * (1 - fx) + src[y1][:, x1w] * fx
    return top * (1 - fy) + bottom * fy


def pixel_of(latitude_deg: float, longitude_deg: float, width_px: int, height_px: int) -> tuple[int, int]:
    """Return the (row, column) of the pixel that holds a point."""
    col = int((longitude_deg + 180.0) / 360.0 * width_px) % width_px
    row = min(height_px - 1, max(0, int((90.0 - latitude_deg) / 180.0 * height_px)))
    return row, col


_shades: dict[tuple[float, float, int, int], Any] = {}


def _night_shade(scene: MapScene, width_px: int, height_px: int) -> Any:
    """Return each pixel's light factor per channel: 1 by day, NIGHT_TINT in the dark, a ramp between."""
    import numpy as np

    # The Sun moves 0.1° in 24 s: a live map recomputes the shading only that often.
    key = (round(scene.subsolar.latitude_deg, 1), round(scene.subsolar.longitude_deg, 1), width_px, height_px)
    if key in _shades:
        return _shades[key]
    if len(_shades) >= 4:
        _shades.clear()

    lat = 90.0 - (np.arange(height_px) + 0.5) * 180.0 / height_px
    lon = -180.0 + (np.arange(width_px) + 0.5) * 360.0 / width_px
    alt = sun_altitudes_deg(scene.subsolar, lat, lon)
    t = np.clip((alt - DARK_SKY_SUN_ALTITUDE_DEG) / (SUNRISE_ALTITUDE_DEG - DARK_SKY_SUN_ALTITUDE_DEG), 0, 1)
    t = t * t * (3 - 2 * t)  # smoothstep: the terminator reads as a soft edge, not a seam
    tint = np.array(NIGHT_TINT, dtype=np.float32)
    _shades[key] = tint + (1 - tint) * t[:, :, None].astype(np.float32)
    return _shades[key]


def _path_dots(points: tuple[TrackPoint, ...], width_px: int, height_px: int) -> tuple[Any, Any, Any]:
    """Return the pixels along a track, each with the index of the track point its segment starts from."""
    import numpy as np

    owners: list[int] = []
    segments: list[tuple[float, float, float, float]] = []
    for k in range(len(points) - 1):
        pair = points[k : k + 2]
        pieces = split_at_antimeridian([p.latitude_deg for p in pair], [p.longitude_deg for p in pair])
        segments.extend(pieces)
        owners.extend([k] * len(pieces))
    ys, xs, index = rasterise(segments, width_px, height_px)
    return ys, xs, np.asarray(owners, dtype=int)[index] if len(index) else index


def _paint(image: Any, ys: Any, xs: Any, rgb: tuple[int, int, int], thickness: int) -> None:
    """Set the pixels at (ys, xs), thickened to a square of `thickness`, wrapping east-west."""
    import numpy as np

    h, w, _ = image.shape
    lo = -(thickness // 2)
    for dy in range(lo, lo + thickness):
        for dx in range(lo, lo + thickness):
            image[np.clip(ys + dy, 0, h - 1), (xs + dx) % w] = rgb


def _disk(image: Any, row: int, col: int, radius: float, rgb: tuple[int, int, int]) -> None:
    import numpy as np

    h, w, _ = image.shape
    r = math.ceil(radius)
    dy, dx = np.mgrid[-r : r + 1, -r : r + 1]
    inside = dy * dy + dx * dx <= radius * radius
    image[np.clip(row + dy[inside], 0, h - 1), (col + dx[inside]) % w] = rgb


def map_picture(
    scene: MapScene,
    width_px: int,
    overlay: Any = None,
    overlay_rgb: tuple[int, int, int] = REGION_RGB,
    centre_deg: float | None = None,
) -> Any:
    """Return the scene as a (width / 2) x width x 3 uint8 picture; `overlay` is a globe mask to mark.

    With `centre_deg` the picture is turned east-west to put that longitude in the middle.
    """
    import numpy as np

    width_px = max(MIN_WIDTH_PX, min(MAX_WIDTH_PX, width_px))
    height_px = width_px // 2
    picture = _earth_at(width_px, height_px) * _night_shade(scene, width_px, height_px)
    if overlay is not None:
        mask = np.asarray(overlay, dtype=bool)
        r = ((np.arange(height_px) + 0.5) / height_px * mask.shape[0]).astype(int)
        c = ((np.arange(width_px) + 0.5) / width_px * mask.shape[1]).astype(int)
        hit = mask[r[:, None], c[None, :]]
        # Hatched, never filled: thin diagonal stripes, so land, sea, day and night show between.
        period = max(6, width_px // 120)
        stripes = (np.arange(height_px)[:, None] + np.arange(width_px)[None, :]) % period < max(
            1, period // 5
        )
        hit &= stripes
        picture[hit] = picture[hit] * 0.25 + np.array(overlay_rgb, dtype=np.float32) * 0.75
    image = np.clip(picture + 0.5, 0, 255).astype(np.uint8)
    thickness = max(1, round(width_px / 500))

    ys, xs, owner = _path_dots(scene.track, width_px, height_px)
    if len(owner):
        times = np.array([p.time.timestamp() for p in scene.track])
        sunlit = np.array([p.sunlit for p in scene.track], dtype=bool)
        past = times[np.minimum(owner + 1, len(times) - 1)] <= scene.at.timestamp()
        _paint(image, ys[past], xs[past], PAST_RGB, thickness)
    s = scene.state
    ring_lat, ring_lon = circle(s.latitude_deg, s.longitude_deg, scene.footprint_radius_deg, count=720)
    ry, rx, _ = rasterise(split_at_antimeridian(ring_lat, ring_lon), width_px, height_px)
    _paint(image, ry, rx, FOOTPRINT_RGB, thickness)
    if len(owner):
        ahead = ~past
        _paint(image, ys[ahead & ~sunlit[owner]], xs[ahead & ~sunlit[owner]], SHADOW_RGB, thickness)
        _paint(image, ys[ahead & sunlit[owner]], xs[ahead & sunlit[owner]], SUNLIT_RGB, thickness)
    if len(scene.pass_track) > 1:
        py, px, _ = _path_dots(scene.pass_track, width_px, height_px)
        _paint(image, py, px, PASS_RGB, thickness + 1)

    unit = max(2.0, width_px / 160)
    sub = scene.subsolar
    _disk(image, *pixel_of(sub.latitude_deg, sub.longitude_deg, width_px, height_px), unit * 0.9, OUTLINE)
    _disk(image, *pixel_of(sub.latitude_deg, sub.longitude_deg, width_px, height_px), unit * 0.7, SUN_RGB)
    if scene.place is not None:
        row, col = pixel_of(scene.place.latitude_deg, scene.place.longitude_deg, width_px, height_px)
        _disk(image, row, col, unit * 0.7, OUTLINE)
        _disk(image, row, col, unit * 0.45, WHITE)
    row, col = pixel_of(s.latitude_deg, s.longitude_deg, width_px, height_px)
    heading = math.radians(scene.heading_deg)
    # The heading as a short white stroke, drawn in map directions (east stretched by 1 / cos lat).
    east, north = math.sin(heading) / max(math.cos(math.radians(s.latitude_deg)), 0.2), math.cos(heading)
    norm = math.hypot(east, north) or 1.0
    steps = np.linspace(unit, 4 * unit, max(2, int(4 * unit)))
    _paint(
        image,
        np.clip(np.round(row - steps * north / norm).astype(int), 0, height_px - 1),
        np.round(col + steps * east / norm).astype(int) % width_px,
        WHITE,
        thickness + 1,
    )
    _disk(image, row, col, unit * 1.15, WHITE)
    _disk(image, row, col, unit * 0.85, STATION_RGB)
    if centre_deg is not None:
        shift = width_px // 2 - pixel_of(0.0, centre_deg, width_px, height_px)[1]
        image = np.roll(image, shift, axis=1)
    return image


def map_png(
    scene: MapScene,
    width_px: int,
    overlay: Any = None,
    overlay_rgb: tuple[int, int, int] = REGION_RGB,
) -> bytes:
    """Return the scene's picture as PNG bytes (`overlay` a globe mask to tint with `overlay_rgb`)."""

    return png_bytes(map_picture(scene, width_px, overlay, overlay_rgb))


def captioned(picture: Any, words: str, warning: str | None = None) -> Any:
    """Return `picture` with a band below it: `words` and, white on red, a `warning` if there is one.

    The band is added under the map, never over it, so the map's pixels keep their places.
    """
    import numpy as np

    _, width_px, _ = picture.shape
    scale = max(1, width_px // 480)
    pad = 2 * scale
    pieces: list[tuple[str, tuple[int, int, int], tuple[int, int, int] | None]] = [
        (words.upper(), WHITE, None)
    ]
    if warning is not None:
        pieces.append((f" {warning.upper()} ", WHITE, WARNING_RGB))
    masks = [text_mask(text, scale) for text, _, _ in pieces]
    gap = 3 * scale * 6
    one_line = sum(m.shape[1] for m in masks) + gap * (len(masks) - 1) + 2 * pad <= width_px
    lines = [list(range(len(pieces)))] if one_line else [[n] for n in range(len(pieces))]
    line_px = GLYPH_HEIGHT * scale + 2 * pad
    band = np.empty((line_px * len(lines), width_px, 3), dtype=np.uint8)
    band[:] = CAPTION_BACKGROUND
    for number, members in enumerate(lines):
        x = pad
        for n in members:
            mask, (_, colour, background) = masks[n], pieces[n]
            mask = mask[:, : max(0, width_px - x)]
            top = number * line_px
            if background is not None:
                band[top + pad // 2 : top + line_px - pad // 2, x : x + mask.shape[1]] = background
            area = band[top + pad : top + pad + mask.shape[0], x : x + mask.shape[1]]
            area[mask] = colour
            x += mask.shape[1] + gap
    return np.concatenate([picture, band], axis=0)
