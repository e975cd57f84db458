"""The map as a terminal picture: size it to the terminal's cells, draw it, and encode it for the protocol."""

from __future__ import annotations

from typing import Any

from isstrack.render.graphics import cell_pixels, picture_escape, placement
from isstrack.render.mapimage import map_picture, map_png
from isstrack.scene.mapscene import MapScene


def hex_rgb(colour: str) -> tuple[int, int, int]:
    """Return a '#rrggbb' colour as an (r, g, b) tuple."""
    value = int(colour.lstrip("#")[:6], 16)
    return value >> 16, (value >> 8) & 255, value & 255


def terminal_picture(
    scene: MapScene, protocol: str, columns: int, fd: int | None, overlay: Any = None
) -> tuple[str, int]:
    """Return (escape, rows) that draw the scene `columns` cells wide; `overlay` is a worldmap.Overlay."""
    cell = cell_pixels(fd) if fd is not None else None
    where = placement(columns, cell)
    mask, rgb = (None, (0, 0, 0)) if overlay is None else (overlay.mask, hex_rgb(overlay.colour))
    picture = map_picture(scene, where.width_px, mask, rgb)
    return picture_escape(protocol, picture, where.columns, where.rows), where.rows


def png_file_bytes(scene: MapScene, width_px: int, overlay: Any = None) -> bytes:
    """Return the scene's picture as a PNG file's bytes, `width_px` wide (`overlay` a worldmap.Overlay)."""
    if overlay is None:
        return map_png(scene, width_px)
    return map_png(scene, width_px, overlay.mask, hex_rgb(overlay.colour))
