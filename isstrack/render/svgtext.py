"""SVG from Rich's recorder made to stand alone: no web font, so it renders the same offline."""

from __future__ import annotations

import re

# Rich's template loads Fira Code from a CDN (@font-face with url(...)): a picture that needs the
# network is not a picture offline. Local monospace fonts stand in; the cell grid is Rich's own.
_FONT_FACE = re.compile(r"\s*@font-face\s*\{[^{}]*\}")
_RICH_FONT = "font-family: Fira Code, monospace"
LOCAL_FONTS = "font-family: 'Fira Code', 'DejaVu Sans Mono', 'Menlo', 'Consolas', monospace"


def standalone_svg(svg: str) -> str:
    """Return `svg` without web fonts: every font it names is looked up on the viewer's machine."""
    return _FONT_FACE.sub("", svg).replace(_RICH_FONT, LOCAL_FONTS)
