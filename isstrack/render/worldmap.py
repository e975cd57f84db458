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

import itertools
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from isstrack.render.mapgrid import ARROW_STEPS, _coast_and_land, hatching, label_cells, sample_mask
from isstrack.render.mapgrid import braille as braille
from isstrack.render.mapgrid import cell_of as cell_of
from isstrack.render.mapgrid import heading_arrow as heading_arrow
from isstrack.render.mapgrid import map_rows as map_rows
from isstrack.render.mapgrid import rasterise as rasterise
from isstrack.render.maplegend import legend_lines
from isstrack.render.mapstyle import (
    COAST,
    DRAW_ORDER,
    FOOTPRINT,
    HATCH_PERIOD_DOTS,
    HEADING,
    HOME,
    ISS,
    LABEL,
    MARKER_BASE,
    OBSERVER,
    PASS,
    PAST,
    PLAIN_SHADE,
    PLAIN_TABLE,
    REGION,
    SHADOW,
    STATION,
    SUBSOLAR,
    SUN_MARK,
    SUNLIT,
    _style,
    region_colour,
)
from isstrack.render.mapstyle import Overlay as Overlay
from isstrack.render.mapstyle import Run as Run
from isstrack.render.mapstyle import cells as cells
from isstrack.render.mapstyle import shown as shown
from isstrack.render.palette import TRUECOLOR_PALETTE, Palette
from isstrack.render.safe import to_ascii
from isstrack.scene.mapscene import MapScene
from isstrack.sky.groundtrack import (
    NIGHT,
    TWILIGHT,
    circle,
    light_classes,
    split_at_antimeridian,
    sun_altitudes_deg,
)

MIN_COLUMNS = 60
MAX_COLUMNS = 400
# One ASCII character for each map glyph, for output that cannot carry Unicode (PYTHONIOENCODING=ascii):
# every cell stays one character wide, so the picture keeps its shape. See README, "Map and sky charts".
ASCII_GLYPHS = {
    STATION: "@",
    OBSERVER: "H",
    SUBSOLAR: "S",
    "·": ".",  # night
    "▒": "=",  # an overlay's cells
    "\u2800": " ",  # braille with no dots
    **dict(zip("↑↗→↘↓↙←↖", "^/>\\v/<\\", strict=True)),
    **{chr(code): "%" for code in range(0x2801, 0x2900)},  # coast (and the legend's braille swatches)
}
_ASCII_TABLE = str.maketrans(ASCII_GLYPHS)


@cache
def _glyph_tables() -> tuple[Any, Any]:
    """Return numpy lookup tables: braille character by code, plain glyph by layer."""
    import numpy as np

    return np.array([chr(0x2800 + n) for n in range(256)]), np.array(PLAIN_TABLE)


@dataclass
class MapFrame:
    """One drawn map: lines of styled runs, then legend lines."""

    lines: list[list[Run]]
    legend: list[list[Run]] = field(default_factory=list)

    def plain(self, ascii_only: bool = False) -> str:
        """Return the whole picture as plain text lines (no Rich needed: fast start-up when piped)."""
        text = "\n".join("".join(text for text, _ in line) for line in [*self.lines, *self.legend]) + "\n"
        return as_ascii(text) if ascii_only else text

    def text(self, ascii_only: bool = False) -> Any:
        """Return the whole picture as one Rich Text (its glyphs in ASCII with `ascii_only`)."""
        from rich.text import Text

        out = Text(no_wrap=True, overflow="crop")
        for n, line in enumerate([*self.lines, *self.legend]):
            if n:
                out.append("\n")
            for chunk, style in line:
                out.append(as_ascii(chunk) if ascii_only else chunk, style)
        return out


def fit_columns(
    world: WorldMap,
    scene: MapScene,
    zone: Any,
    place_name: str,
    columns: int,
    lines: int,
    rows_of: Any = map_rows,
    narrowest: int = MIN_COLUMNS,
) -> int:
    """Return the widest map, `narrowest` to `columns` wide, whose rows (`rows_of` a width) and
    legend take at most `lines` lines; the legend grows as the map narrows, so failing that,
    the width that takes fewest."""

    def height(width: int) -> int:
        legend = legend_lines(scene, zone, place_name, width, world.colour, world.overlay, world.palette)
        return int(rows_of(width)) + len(legend)

    widths = range(columns, min(narrowest, columns) - 1, -1)
    return next((width for width in widths if height(width) <= lines), min(widths, key=height))


def as_ascii(text: str) -> str:
    """Return map text in ASCII: a glyph as one ASCII character, anything else as safe.to_ascii spells it."""
    return to_ascii(text.translate(_ASCII_TABLE))


class WorldMap:
    """A world map of a fixed size that draws scenes, caching what does not change every frame."""

    def __init__(
        self, columns: int, colour: bool, overlay: Overlay | None = None, palette: Palette | None = None
    ) -> None:
        self.columns = columns
        self.palette = palette or TRUECOLOR_PALETTE
        self.rows = map_rows(columns)
        self.colour = colour
        self.overlay = overlay
        self._track_key: tuple[int, int] | None = None
        self._track_dots: Any = None
        self._light_key: tuple[float, float] | None = None
        self._light: Any = None
        self._region = self._region_codes() if overlay is not None else None
        self._rows: dict[Any, list[Run]] = {}
        self._ansi: dict[int, str] = {}
        self._styles: dict[int, Any] = {}

    def _region_codes(self) -> Any:
        """Return the overlay region's layer: diagonal hatching, never a fill, so the map shows through.

        In colour these are braille dots; without colour, cells for the plain glyph on every fourth
        diagonal.
        """
        import numpy as np

        assert self.overlay is not None
        if self.colour:
            inside = sample_mask(self.overlay.mask, 4 * self.rows, 2 * self.columns)
            ys, xs = np.nonzero(inside & hatching(inside.shape, HATCH_PERIOD_DOTS))
            return braille(ys, xs, self.rows, self.columns)
        inside = sample_mask(self.overlay.mask, self.rows, self.columns)
        return (inside & hatching(inside.shape, 4)).astype(np.uint8)

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

        rows, cols = self.rows, self.columns
        coast, _ = _coast_and_land(cols, rows)
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
            layers[layer] = braille(ys[chosen], xs[chosen], rows, cols)
        s = scene.state
        ring_lat, ring_lon = circle(s.latitude_deg, s.longitude_deg, scene.footprint_radius_deg)
        ry, rx, _ = rasterise(split_at_antimeridian(ring_lat, ring_lon), 2 * cols, 4 * rows)
        layers[FOOTPRINT] = braille(ry, rx, rows, cols)
        py, px, _ = (
            self._rasterise_path(scene.pass_track) if len(scene.pass_track) > 1 else (ry[:0], rx[:0], 0)
        )
        layers[PASS] = braille(py, px, rows, cols)
        return layers

    def markers(
        self, scene: MapScene, zone: Any, occupied: Any = None
    ) -> dict[tuple[int, int], tuple[str, int]]:
        """Return the glyphs placed on single cells, by (row, column), with their MARKERS index.

        The next pass's time goes where it covers fewest cells `occupied` by lines (a boolean
        rows x columns array) and no marker: beside the pass's start, or a row above or below.
        """
        placed: dict[tuple[int, int], tuple[str, int]] = {}
        rows, cols = self.rows, self.columns
        s = scene.state
        keep = {cell_of(s.latitude_deg, s.longitude_deg, cols, rows)}
        keep |= {(r + dr, c + dc) for r, c in keep for dr in (-1, 0, 1) for dc in (-1, 0, 1)}  # and its arrow
        keep.add(cell_of(scene.subsolar.latitude_deg, scene.subsolar.longitude_deg, cols, rows))
        if scene.place is not None:
            keep.add(cell_of(scene.place.latitude_deg, scene.place.longitude_deg, cols, rows))
        if scene.pass_track and scene.next_visible is not None:
            start = scene.pass_track[0]
            label = scene.next_visible.start.astimezone(zone).strftime("%H:%M")
            row, col = cell_of(start.latitude_deg, start.longitude_deg, cols, rows)
            for (r, c), ch in zip(
                label_cells(row, col, label, rows, cols, occupied, keep), label, strict=True
            ):
                placed[(r, c)] = (ch, LABEL)
        sub = scene.subsolar
        placed[cell_of(sub.latitude_deg, sub.longitude_deg, cols, rows)] = (SUBSOLAR, SUN_MARK)
        if scene.place is not None:
            placed[cell_of(scene.place.latitude_deg, scene.place.longitude_deg, cols, rows)] = (
                OBSERVER,
                HOME,
            )
        s = scene.state
        row, col = cell_of(s.latitude_deg, s.longitude_deg, cols, rows)
        arrow = heading_arrow(scene.heading_deg, s.latitude_deg)
        d_col, d_row = ARROW_STEPS[arrow]
        if 0 <= row + d_row < rows:
            placed[(row + d_row, (col + d_col) % cols)] = (arrow, HEADING)
        placed[(row, col)] = (STATION, ISS)
        return placed

    def frame(
        self,
        scene: MapScene,
        zone: Any = None,
        place_name: str = "",
        stamp: bool = True,
        centre_deg: float | None = None,
    ) -> MapFrame:
        """Draw a scene: the map's lines (centred on longitude `centre_deg` if given) and its legend.

        With `stamp` the legend starts with the moment shown and, for elements too old, a warning.
        """
        import numpy as np

        layers = self.layers(scene)
        top = np.full((self.rows, self.columns), -1)
        codes = np.zeros((self.rows, self.columns), dtype=np.uint8)
        if self._region is not None:
            layers[REGION] = self._region
        for layer in (layer for layer in DRAW_ORDER if layer in layers):
            drawn = layers[layer] > 0
            top[drawn] = layer
            codes[drawn] = layers[layer][drawn]
        light = self.light(scene)
        _, land = _coast_and_land(self.columns, self.rows)
        background = light * 2 + land
        braille_chars, plain = _glyph_tables()
        if self.colour:
            chars = np.where(top >= 0, braille_chars[codes], " ")
            style_ids = (top + 1) * 8 + background
        else:
            chars = np.array([" ", PLAIN_SHADE[TWILIGHT], PLAIN_SHADE[NIGHT]])[light]
            chars = np.where(top == COAST, braille_chars[codes], chars)
            chars = np.where(top > COAST, plain[np.maximum(top, 0)], chars)
            if self.overlay is not None:
                chars = np.where(top == REGION, self.overlay.glyph, chars)
            style_ids = np.zeros((self.rows, self.columns), dtype=int)
        for (r, c), (glyph, kind) in self.markers(scene, zone, top > COAST).items():
            chars[r, c] = glyph
            style_ids[r, c] = MARKER_BASE + kind * 8 + background[r, c]
        if not self.colour:
            style_ids[:] = 0
        if centre_deg is not None:
            # The map is a cylinder: recentring turns every row, labels and markers with it.
            shift = self.columns // 2 - cell_of(0.0, centre_deg, self.columns, self.rows)[1]
            chars, style_ids = np.roll(chars, shift, axis=1), np.roll(style_ids, shift, axis=1)
        if len(self._rows) > 8 * self.rows:
            self._rows.clear()
            self._ansi.clear()
        lines: list[list[Run]] = []
        for r in range(self.rows):
            text = "".join(chars[r].tolist())
            ids = style_ids[r]
            key = (text, ids.tobytes())
            runs = self._rows.get(key)
            if runs is None:
                cuts = [0, *(np.flatnonzero(ids[1:] != ids[:-1]) + 1).tolist(), len(ids)]
                runs = [(text[a:b], self._style_of(int(ids[a]))) for a, b in itertools.pairwise(cuts)]
                self._rows[key] = runs
            lines.append(runs)
        legend = legend_lines(
            scene, zone, place_name, self.columns, self.colour, self.overlay, self.palette, stamp
        )
        return MapFrame(lines, legend)

    def _style_of(self, style_id: int) -> Any:
        if not self.colour:
            return None
        if style_id not in self._styles:
            self._styles[style_id] = self._make_style(style_id)
        return self._styles[style_id]

    def _make_style(self, style_id: int) -> Any:
        kind, background = divmod(style_id, 8)
        palette = self.palette
        bg = palette.background[background]
        if style_id >= MARKER_BASE:
            spec = palette.markers[(style_id - MARKER_BASE) // 8]
            return _style(spec if " on " in spec else f"{spec} on {bg}")
        if kind == 0:
            return _style(f"on {bg}")
        if kind - 1 == REGION and self.overlay is not None:
            return _style(f"{region_colour(self.overlay, palette.system)} on {bg}")
        return _style(f"{palette.lines[kind - 1]} on {bg}")

    def ansi(self, runs: list[Run], color_system: Any) -> str:
        """Return one map line as terminal text (cached while the line is), for live redraws."""
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
