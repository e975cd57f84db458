"""Draw a MapScene as a world map of terminal cells: equirectangular, braille lines over shaded cells.

Braille gives each cell 2x4 dots, fine enough for coastlines, the track and the footprint to read
as lines; a cell has one foreground colour, so where lines meet the more important one wins
(next visible pass > future track > footprint > last orbit > coast). Day, twilight and night (and
land versus sea) are cell background colours. Without colour the lines keep their glyphs apart:
coasts stay braille, the track and footprint use plain characters, night is dotted.

Overlays (for example regions from which a pass is visible) come in as an `Overlay`: a boolean
latitude x longitude grid with a legend label, see `Overlay`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from isstrack.groundtrack import (
    NIGHT,
    TWILIGHT,
    circle,
    light_classes,
    split_at_antimeridian,
    sun_altitudes_deg,
)
from isstrack.mapscene import MapScene

MIN_COLUMNS = 60
MAX_COLUMNS = 400
DOT_WEIGHTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))  # braille dot bits, row by column
STATION, OBSERVER, SUBSOLAR = "✦", "⌂", "☼"
ARROWS = "↑↗→↘↓↙←↖"

# Layers from the bottom up; the highest layer with a dot in a cell draws that cell.
COAST, PAST, FOOTPRINT, SHADOW, SUNLIT, PASS = range(6)
LAYER_FG = {
    COAST: "#b5c99a",
    PAST: "#a8a8a8",
    FOOTPRINT: "#ff9f43",
    SHADOW: "#6fd3ff",
    SUNLIT: "bold #ffe066",
    PASS: "bold #ff5fd7",
}
PLAIN_GLYPH = {PAST: "~", FOOTPRINT: "o", SHADOW: "+", SUNLIT: "*", PASS: "#"}
PLAIN_SHADE = {TWILIGHT: ":", NIGHT: "·"}
# Backgrounds by (light class, land): day, twilight, night over sea and over land.
BACKGROUND = {
    (0, False): "#2a5b8c",
    (1, False): "#1b3a5c",
    (2, False): "#0c1828",
    (0, True): "#4f6f34",
    (1, True): "#334722",
    (2, True): "#172012",
}
MARKER_STYLE = {STATION: "bold #ffffff on #d7263d", OBSERVER: "bold #ffffff", SUBSOLAR: "bold #ffd700"}


@dataclass(frozen=True)
class Overlay:
    """A region to shade on the map, with its legend entry.

    `mask` is a 2-D boolean array over the whole globe at any resolution: row 0 is the band at
    90° N and the last row the band at 90° S, column 0 starts at 180° W and the last ends at
    180° E (cell-centred, equal steps). A map cell is in the region when the mask is true at the
    cell's centre. In colour it gets the background `colour`; without colour, empty and
    coast-only cells show `glyph`. `label` is the legend text, shown after the swatch.
    """

    mask: Any
    label: str
    colour: str = "#7b2fbe"
    glyph: str = "▒"


Run = tuple[str, Any]  # text and its Rich Style (None without colour)


@dataclass
class MapFrame:
    """One drawn map: lines of styled runs, then legend lines."""

    lines: list[list[Run]]
    legend: list[list[Run]] = field(default_factory=list)

    def text(self) -> Any:
        """Return the whole picture as one Rich Text."""
        from rich.text import Text

        out = Text(no_wrap=True, overflow="crop")
        for n, line in enumerate([*self.lines, *self.legend]):
            if n:
                out.append("\n")
            for chunk, style in line:
                out.append(chunk, style)
        return out


def shown(text: str) -> str:
    """Return an outside string safe to display: control characters escaped (render/safe.literal)."""
    import importlib

    try:
        literal = importlib.import_module("isstrack.render.safe").literal
    except ModuleNotFoundError:  # until the shared helper lands: escape C0, DEL and C1 controls
        return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
    return str(literal(text))


def map_rows(columns: int) -> int:
    """Return the rows of a map `columns` wide: square degrees when a cell is twice as tall as wide."""
    return max(1, round(columns / 4))


def cell_of(latitude_deg: float, longitude_deg: float, columns: int, rows: int) -> tuple[int, int]:
    """Return the (row, column) of the cell that holds a point."""
    col = int((longitude_deg + 180.0) / 360.0 * columns) % columns
    row = min(rows - 1, max(0, int((90.0 - latitude_deg) / 180.0 * rows)))
    return row, col


def braille(dots: Any) -> Any:
    """Return the braille offset (0-255) of every cell from a (4 x rows, 2 x columns) boolean array."""
    import numpy as np

    height, width = dots.shape
    blocks = dots.reshape(height // 4, 4, width // 2, 2)
    return (blocks * np.array(DOT_WEIGHTS)[None, :, None, :]).sum(axis=(1, 3))


def rasterise(segments: list[tuple[float, float, float, float]], width: int, height: int) -> Any:
    """Return (ys, xs, segment index) of the dots along each (lat0, lon0, lat1, lon1) segment."""
    import numpy as np

    if not segments:
        empty = np.zeros(0, dtype=int)
        return empty, empty, empty
    s = np.asarray(segments, dtype=float)
    x0, x1 = (s[:, 1] + 180.0) / 360.0 * width, (s[:, 3] + 180.0) / 360.0 * width
    y0, y1 = (90.0 - s[:, 0]) / 180.0 * height, (90.0 - s[:, 2]) / 180.0 * height
    steps = np.ceil(np.maximum(np.abs(x1 - x0), np.abs(y1 - y0))).astype(int) + 1
    index = np.repeat(np.arange(len(s)), steps)
    offsets = np.concatenate(([0], np.cumsum(steps)[:-1]))
    t = (np.arange(len(index)) - offsets[index]) / np.maximum(steps[index] - 1, 1)
    xs = np.clip(np.floor(x0[index] + t * (x1 - x0)[index]), 0, width - 1).astype(int)
    ys = np.clip(np.floor(y0[index] + t * (y1 - y0)[index]), 0, height - 1).astype(int)
    return ys, xs, index


@cache
def _land_dots(width: int, height: int) -> Any:
    """Return the land mask sampled at every dot centre."""
    import numpy as np

    from isstrack.landmask import land_at

    lat = 90.0 - (np.arange(height) + 0.5) * 180.0 / height
    lon = -180.0 + (np.arange(width) + 0.5) * 360.0 / width
    return land_at(lat, lon)


@cache
def _coast_and_land(columns: int, rows: int) -> tuple[Any, Any]:
    """Return (coast braille codes, land cells): coast dots are land dots with a sea neighbour."""
    import numpy as np

    land = _land_dots(2 * columns, 4 * rows)
    padded = np.pad(land, 1, mode="edge")
    padded[:, 0], padded[:, -1] = padded[:, -2], padded[:, 1]  # wrap east-west
    sea_near = ~padded[:-2, 1:-1] | ~padded[2:, 1:-1] | ~padded[1:-1, :-2] | ~padded[1:-1, 2:]
    coast = braille(land & sea_near)
    land_cells = land.reshape(rows, 4, columns, 2).mean(axis=(1, 3)) >= 0.5
    return coast, land_cells


@cache
def _style(spec: str) -> Any:
    from rich.style import Style

    return Style.parse(spec)


class WorldMap:
    """A world map of a fixed size that draws scenes, caching what does not change every frame."""

    def __init__(self, columns: int, colour: bool, overlay: Overlay | None = None) -> None:
        self.columns = columns
        self.rows = map_rows(columns)
        self.colour = colour
        self.overlay = overlay
        self._track_key: tuple[int, int] | None = None
        self._track_dots: Any = None
        self._light_key: tuple[float, float] | None = None
        self._light: Any = None
        self._overlay_cells = self._sample_overlay() if overlay is not None else None
        self._rows: dict[Any, list[Run]] = {}
        self._ansi: dict[int, str] = {}

    def _sample_overlay(self) -> Any:
        import numpy as np

        assert self.overlay is not None
        mask = np.asarray(self.overlay.mask, dtype=bool)
        lat = 90.0 - (np.arange(self.rows) + 0.5) * 180.0 / self.rows
        lon = -180.0 + (np.arange(self.columns) + 0.5) * 360.0 / self.columns
        r = np.clip(((90.0 - lat) / 180.0 * mask.shape[0]).astype(int), 0, mask.shape[0] - 1)
        c = np.clip(((lon + 180.0) / 360.0 * mask.shape[1]).astype(int), 0, mask.shape[1] - 1)
        return mask[r[:, None], c[None, :]]

    def light(self, scene: MapScene) -> Any:
        """Return the light class of every cell, recomputed when the Sun has moved 0.25° or more."""
        key = (round(scene.subsolar.latitude_deg * 4) / 4, round(scene.subsolar.longitude_deg * 4) / 4)
        if key != self._light_key:
            import numpy as np

            lat = 90.0 - (np.arange(self.rows) + 0.5) * 180.0 / self.rows
            lon = -180.0 + (np.arange(self.columns) + 0.5) * 360.0 / self.columns
            self._light = light_classes(sun_altitudes_deg(scene.subsolar, lat, lon))
            self._light_key = key
        return self._light

    def _track(self, scene: MapScene) -> Any:
        key = (id(scene.track), len(scene.track))
        if key != self._track_key:
            points = scene.track
            self._track_dots = self._rasterise_path(points)
            self._track_key = key
        return self._track_dots

    def _rasterise_path(self, points: Any) -> tuple[Any, Any, Any]:
        """Return dots of a track, each with the index of the track point its segment starts from."""
        import numpy as np

        lats = [p.latitude_deg for p in points]
        lons = [p.longitude_deg for p in points]
        owners: list[int] = []
        segments: list[tuple[float, float, float, float]] = []
        for k in range(len(points) - 1):
            pieces = split_at_antimeridian(lats[k : k + 2], lons[k : k + 2])
            segments.extend(pieces)
            owners.extend([k] * len(pieces))
        ys, xs, index = rasterise(segments, 2 * self.columns, 4 * self.rows)
        return ys, xs, np.asarray(owners, dtype=int)[index] if len(index) else index

    def layers(self, scene: MapScene) -> dict[int, Any]:
        """Return the braille codes of every line layer for a scene."""
        import numpy as np

        width, height = 2 * self.columns, 4 * self.rows
        coast, _ = _coast_and_land(self.columns, self.rows)
        ys, xs, owner = self._track(scene)
        times = np.array([p.time.timestamp() for p in scene.track])
        sunlit = np.array([p.sunlit for p in scene.track], dtype=bool)
        past = times[np.minimum(owner + 1, len(times) - 1)] <= scene.at.timestamp()
        layers = {COAST: coast}
        for layer, chosen in (
            (PAST, past),
            (SHADOW, ~past & ~sunlit[owner]),
            (SUNLIT, ~past & sunlit[owner]),
        ):
            dots = np.zeros((height, width), dtype=bool)
            dots[ys[chosen], xs[chosen]] = True
            layers[layer] = braille(dots)
        ring_lat, ring_lon = circle(
            scene.state.latitude_deg, scene.state.longitude_deg, scene.footprint_radius_deg
        )
        ry, rx, _ = rasterise(split_at_antimeridian(ring_lat, ring_lon), width, height)
        dots = np.zeros((height, width), dtype=bool)
        dots[ry, rx] = True
        layers[FOOTPRINT] = braille(dots)
        dots = np.zeros((height, width), dtype=bool)
        if len(scene.pass_track) > 1:
            py, px, _ = self._rasterise_path(scene.pass_track)
            dots[py, px] = True
        layers[PASS] = braille(dots)
        return layers

    def markers(self, scene: MapScene, zone: Any) -> dict[tuple[int, int], tuple[str, str]]:
        """Return the glyphs placed on single cells, by (row, column): station, heading, Sun, place."""
        placed: dict[tuple[int, int], tuple[str, str]] = {}
        rows, cols = self.rows, self.columns
        if scene.pass_track and scene.next_visible is not None:
            start = scene.pass_track[0]
            label = scene.next_visible.start.astimezone(zone).strftime("%H:%M")
            row, col = cell_of(start.latitude_deg, start.longitude_deg, cols, rows)
            first = col + 1 if col + 1 + len(label) <= cols else col - len(label)
            for k, ch in enumerate(label):
                placed[(row, first + k)] = (ch, LAYER_FG[PASS])
        sub = scene.subsolar
        placed[cell_of(sub.latitude_deg, sub.longitude_deg, cols, rows)] = (SUBSOLAR, MARKER_STYLE[SUBSOLAR])
        if scene.place is not None:
            spot = cell_of(scene.place.latitude_deg, scene.place.longitude_deg, cols, rows)
            placed[spot] = (OBSERVER, MARKER_STYLE[OBSERVER])
        s = scene.state
        row, col = cell_of(s.latitude_deg, s.longitude_deg, cols, rows)
        arrow = heading_arrow(scene.heading_deg, s.latitude_deg)
        d_col, d_row = ARROW_STEPS[arrow]
        if 0 <= row + d_row < rows:
            placed[(row + d_row, (col + d_col) % cols)] = (arrow, MARKER_STYLE[STATION].split(" on ")[0])
        placed[(row, col)] = (STATION, MARKER_STYLE[STATION])
        return placed

    def frame(self, scene: MapScene, zone: Any = None, place_name: str = "") -> MapFrame:
        """Draw a scene: the map's lines and its legend."""
        import numpy as np

        layers = self.layers(scene)
        top = np.full((self.rows, self.columns), -1)
        for layer in sorted(layers):
            top = np.where(layers[layer] > 0, layer, top)
        codes = np.zeros((self.rows, self.columns), dtype=int)
        for layer, layer_codes in layers.items():
            codes = np.where(top == layer, layer_codes, codes)
        light = self.light(scene)
        _, land = _coast_and_land(self.columns, self.rows)
        markers = self.markers(scene, zone)
        by_row: dict[int, list[tuple[int, str, str]]] = {}
        for (r, c), (glyph, spec) in markers.items():
            by_row.setdefault(r, []).append((c, glyph, spec))
        if len(self._rows) > 8 * self.rows:
            self._rows.clear()
            self._ansi.clear()
        lines: list[list[Run]] = []
        for r in range(self.rows):
            key = (top[r].tobytes(), codes[r].tobytes(), light[r].tobytes(), tuple(sorted(by_row.get(r, []))))
            runs = self._rows.get(key)
            if runs is None:
                cells = [
                    self._cell(
                        r, c, int(top[r, c]), int(codes[r, c]), int(light[r, c]), bool(land[r, c]), markers
                    )
                    for c in range(self.columns)
                ]
                runs = self._rows[key] = _merge(cells)
            lines.append(runs)
        return MapFrame(lines, legend_lines(self, scene, zone, place_name))

    def ansi(self, runs: list[Run], color_system: Any) -> str:
        """Return one line of runs as terminal text (cached while the line is), for live redraws."""
        cached = self._ansi.get(id(runs))
        if cached is None:
            if color_system is None:
                cached = "".join(text for text, _ in runs)
            else:
                cached = "".join(
                    style.render(text, color_system=color_system) if style else text for text, style in runs
                )
            self._ansi[id(runs)] = cached
        return cached

    def _cell(
        self,
        r: int,
        c: int,
        layer: int,
        code: int,
        light: int,
        land: bool,
        markers: dict[tuple[int, int], tuple[str, str]],
    ) -> Run:
        in_overlay = self._overlay_cells is not None and bool(self._overlay_cells[r, c])
        marker = markers.get((r, c))
        if self.colour:
            assert self.overlay is not None or not in_overlay
            bg = self.overlay.colour if in_overlay and self.overlay else BACKGROUND[(light, land)]
            if marker is not None:
                glyph, spec = marker
                return glyph, _style(spec if " on " in spec else f"{spec} on {bg}")
            if layer < 0:
                return " ", _style(f"on {bg}")
            return chr(0x2800 + code), _style(f"{LAYER_FG[layer]} on {bg}")
        if marker is not None:
            return marker[0], None
        if layer > COAST:
            return PLAIN_GLYPH[layer], None
        if in_overlay and self.overlay is not None:
            return self.overlay.glyph, None
        if layer == COAST:
            return chr(0x2800 + code), None
        return PLAIN_SHADE.get(light, " "), None


ARROW_STEPS = {
    "↑": (0, -1),
    "↗": (1, -1),
    "→": (1, 0),
    "↘": (1, 1),
    "↓": (0, 1),
    "↙": (-1, 1),
    "←": (-1, 0),
    "↖": (-1, -1),
}


def heading_arrow(heading_deg: float, latitude_deg: float) -> str:
    """Return the arrow for a compass heading as it looks on an equirectangular map at a latitude."""
    h = math.radians(heading_deg)
    east = math.sin(h) / max(math.cos(math.radians(latitude_deg)), 1e-6)
    angle = math.degrees(math.atan2(east, math.cos(h))) % 360.0
    return ARROWS[round(angle / 45.0) % 8]


def _merge(cells: list[Run]) -> list[Run]:
    merged: list[Run] = []
    for text, style in cells:
        if merged and merged[-1][1] is style:
            merged[-1] = (merged[-1][0] + text, style)
        else:
            merged.append((text, style))
    return merged


def legend_lines(world: WorldMap, scene: MapScene, zone: Any, place_name: str) -> list[list[Run]]:
    """Return the legend, wrapped to the map's width: one entry per thing drawn."""
    colour = world.colour

    def line_item(layer: int, words: str) -> list[Run]:
        if colour:
            return [("⠶", _style(LAYER_FG[layer])), (f" {words}", None)]
        return [(PLAIN_GLYPH[layer] * 2, None), (f" {words}", None)]

    s = scene.state
    arrow = heading_arrow(scene.heading_deg, s.latitude_deg)
    station = (STATION, _style(MARKER_STYLE[STATION]) if colour else None)
    items: list[list[Run]] = [
        [station, (f" ISS {arrow}", None)],
        line_item(SUNLIT, "sunlit"),
        line_item(SHADOW, "in shadow"),
        line_item(PAST, "last orbit"),
        line_item(FOOTPRINT, "in view"),
        [(SUBSOLAR, _style(MARKER_STYLE[SUBSOLAR]) if colour else None), (" Sun overhead", None)],
    ]
    if scene.place is not None:
        items.append(
            [(OBSERVER, _style(MARKER_STYLE[OBSERVER]) if colour else None), (f" {shown(place_name)}", None)]
        )
    if scene.next_visible is not None:
        when = scene.next_visible.start.astimezone(zone).strftime("%a %H:%M")
        items.append(line_item(PASS, f"next visible pass {when}"))
    if colour:
        for light, words in ((0, "day"), (TWILIGHT, "twilight"), (NIGHT, "night")):
            items.append([(f" {words} ", _style(f"#ffffff on {BACKGROUND[(light, False)]}"))])
    else:
        items.append([(PLAIN_SHADE[TWILIGHT], None), (" twilight", None)])
        items.append([(PLAIN_SHADE[NIGHT], None), (" night", None)])
        items.append([("⠿", None), (" coast", None)])
    if world.overlay is not None:
        swatch = ("  ", _style(f"on {world.overlay.colour}")) if colour else (world.overlay.glyph, None)
        items.append([swatch, (f" {world.overlay.label}", None)])
    return wrap_items(items, world.columns)


def wrap_items(items: list[list[Run]], width: int, gap: int = 3) -> list[list[Run]]:
    """Return legend items laid out on lines no wider than `width`."""
    from rich.cells import cell_len

    lines: list[list[Run]] = [[]]
    used = 0
    for item in items:
        size = sum(cell_len(text) for text, _ in item)
        if used and used + gap + size > width:
            lines.append([])
            used = 0
        if used:
            lines[-1].append((" " * gap, None))
            used += gap
        lines[-1].extend(item)
        used += size
    return lines
