"""The map as a terminal picture: size it to the terminal's cells, draw it, and encode it for the protocol."""

from __future__ import annotations

from typing import Any

from isstrack.render.graphics import cell_pixels, picture_escape, placement
from isstrack.render.mapimage import REGION_RGB, captioned, map_picture
from isstrack.render.mapstamp import age_warning, moment_words
from isstrack.render.mapstyle import Overlay
from isstrack.render.png import png_bytes
from isstrack.scene.mapscene import MapScene


def hex_rgb(colour: str) -> tuple[int, int, int]:
    """Return a '#rrggbb' colour as an (r, g, b) tuple."""
    value = int(colour.lstrip("#")[:6], 16)
    return value >> 16, (value >> 8) & 255, value & 255


class TerminalPicture:
    """The map drawn as a picture in one terminal: its size in cells, and each frame's escape."""

    def __init__(self, protocol: str, fd: int | None, overlay: Any = None) -> None:
        self.protocol = protocol
        self.cell_px = cell_pixels(fd) if fd is not None else None
        self.overlay = overlay

    def rows(self, columns: int) -> int:
        """Return the terminal rows a picture `columns` wide covers."""
        return placement(columns, self.cell_px).rows

    def escape(self, scene: MapScene, columns: int, centre_deg: float | None = None) -> str:
        """Return the escape that draws the scene `columns` cells wide (centred on `centre_deg`)."""
        where = placement(columns, self.cell_px)
        overlay = self.overlay
        mask, rgb = (None, REGION_RGB) if overlay is None else (overlay.mask, region_rgb(overlay))
        picture = map_picture(scene, where.width_px, mask, rgb, centre_deg)
        return picture_escape(self.protocol, picture, where.columns, where.rows)

    def block(self, scene: MapScene, columns: int, first_row: int, centre_deg: float | None = None) -> str:
        """Return the picture for a full screen: drawn at 1-based `first_row`, then a newline per row.

        Terminals leave the cursor in different places after a picture (kitty: its last row; sixel:
        below it), so the cursor goes back to the picture's top and steps down one row per line: the
        text after it starts on the row below the picture, and counting newlines counts screen rows.
        """
        rows = self.rows(columns)
        drawn = self.escape(scene, columns, centre_deg)
        return f"\x1b[{first_row};1H" + drawn + f"\x1b[{first_row};1H" + "\n" * rows


def png_file_bytes(scene: MapScene, width_px: int, overlay: Any = None, zone: Any = None) -> bytes:
    """Return the scene's picture as a PNG file's bytes, `width_px` wide (`overlay` a worldmap.Overlay),
    with the moment it shows (in UTC and `zone`) and any too-old warning written under the map."""
    mask, rgb = (None, REGION_RGB) if overlay is None else (overlay.mask, region_rgb(overlay))
    picture = map_picture(scene, width_px, mask, rgb)
    words = f"{scene.name}  {moment_words(scene, zone)}"
    return png_bytes(captioned(picture, words, age_warning(scene.elements_age_days)))


def region_rgb(overlay: Overlay) -> tuple[int, int, int]:
    """Return the colour of an overlay's hatching: its own if it chose one, else the map's."""
    return REGION_RGB if overlay.colour == Overlay.colour else hex_rgb(overlay.colour)
