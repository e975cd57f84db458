"""Pictures in the terminal: kitty's graphics protocol, iTerm2's inline images and sixel, and detection.

All three encoders are written here (MIT, like the project): kitty and iTerm2 carry a PNG in
base64; sixel is a 6-pixel-band format of up to 256 palette colours, run-length encoded. Detection
(`--graphics auto`) trusts what the terminal says about itself first (KITTY_WINDOW_ID,
TERM=xterm-kitty, TERM_PROGRAM), then asks it: kitty's graphics query and the DA1 request, whose
reply lists 4 when the terminal draws sixel. The reply is awaited for a fraction of a second only;
a terminal that says nothing gets the braille map.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from isstrack.render.mapimage import DRAWN_RGB
from isstrack.render.png import png_bytes

KITTY, SIXEL, ITERM = "kitty", "sixel", "iterm"
CHOICES = ("auto", KITTY, SIXEL, ITERM, "none")
QUERY_DEADLINE_S = 0.3
DEFAULT_CELL_PX = (10, 20)  # width, height of a cell when the terminal does not say
KITTY_CHUNK = 4096  # the protocol's largest base64 payload per escape
KITTY_QUERY = "\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\"
DA1_QUERY = "\x1b[c"
_DA1_REPLY = re.compile(r"\x1b\[\?([0-9;]*)c")


@dataclass(frozen=True)
class Placement:
    """How big a picture is drawn: its pixels and the terminal cells it covers."""

    width_px: int
    columns: int
    rows: int


def placement(columns: int, cell_px: tuple[int, int] | None, max_width_px: int = 1600) -> Placement:
    """Return the size of a 2:1 map picture `columns` cells wide, given the cell size in pixels."""
    cell_w, cell_h = cell_px or DEFAULT_CELL_PX
    width_px = max(120, min(max_width_px, columns * cell_w))
    rows = max(1, -(-(width_px // 2) // cell_h))  # the cells the picture's height covers, rounded up
    return Placement(width_px, columns, rows)


def kitty_escape(png: bytes, columns: int, rows: int, image_id: int = 1) -> str:
    """Return kitty graphics escapes that show a PNG scaled to `columns` x `rows` cells."""
    data = base64.b64encode(png).decode("ascii")
    chunks = [data[k : k + KITTY_CHUNK] for k in range(0, len(data), KITTY_CHUNK)] or [""]
    out = []
    for n, chunk in enumerate(chunks):
        more = int(n < len(chunks) - 1)
        # q=2: no replies (they would arrive as typed input); i: a redraw replaces the last picture.
        head = f"a=T,f=100,t=d,i={image_id},c={columns},r={rows},q=2,m={more}" if n == 0 else f"m={more}"
        out.append(f"\x1b_G{head};{chunk}\x1b\\")
    return "".join(out)


def iterm_escape(png: bytes, columns: int, rows: int) -> str:
    """Return the iTerm2 inline-image escape (OSC 1337 File=) for a PNG over `columns` x `rows` cells."""
    data = base64.b64encode(png).decode("ascii")
    return (
        f"\x1b]1337;File=inline=1;size={len(png)};width={columns};height={rows};"
        f"preserveAspectRatio=0:{data}\x07"
    )


def quantise(rgb: Any, keep: tuple[tuple[int, int, int], ...] = ()) -> tuple[Any, Any]:
    """Return (indices, palette) of at most 256 colours: the picture's own when it has that few.

    Otherwise the most common colours win (popularity on a 15-bit histogram, each bin its mean
    colour), with the colours in `keep` always in the palette so that thin lines and markers keep
    their exact colour; every pixel then takes the nearest palette colour.
    """
    import numpy as np

    pixels = np.asarray(rgb, dtype=np.uint8)
    flat = pixels.reshape(-1, 3)
    packed = (flat[:, 0].astype(np.uint32) << 16) | (flat[:, 1].astype(np.uint32) << 8) | flat[:, 2]
    colours, inverse = np.unique(packed, return_inverse=True)
    if len(colours) <= 256:
        palette = np.stack([(colours >> 16) & 255, (colours >> 8) & 255, colours & 255], axis=1)
        return inverse.reshape(pixels.shape[:2]).astype(np.uint8), palette.astype(np.uint8)
    bins = (
        ((flat[:, 0] >> 3).astype(np.int32) << 10)
        | ((flat[:, 1] >> 3).astype(np.int32) << 5)
        | (flat[:, 2] >> 3)
    )
    counts = np.bincount(bins, minlength=1 << 15)
    sums = np.stack([np.bincount(bins, flat[:, k], minlength=1 << 15) for k in range(3)], axis=1)
    fixed = np.array(keep, dtype=np.float64).reshape(-1, 3)
    popular = np.argsort(counts)[::-1][: 256 - len(fixed)]
    popular = popular[counts[popular] > 0]
    palette_f = np.vstack([fixed, sums[popular] / counts[popular, None]])
    used = np.flatnonzero(counts)
    means = sums[used] / counts[used, None]
    nearest = np.empty(len(used), dtype=np.uint8)
    for start in range(0, len(used), 4096):  # bounded memory: 4096 bins x 256 colours at a time
        d = ((means[start : start + 4096, None, :] - palette_f[None, :, :]) ** 2).sum(axis=2)
        nearest[start : start + 4096] = d.argmin(axis=1)
    lookup = np.zeros(1 << 15, dtype=np.uint8)
    lookup[used] = nearest
    index = lookup[bins]
    if len(fixed):  # a kept colour's own pixels take it exactly, whatever else shares their bin
        for k, colour in enumerate(keep):
            index[(flat == np.array(colour, dtype=np.uint8)).all(axis=1)] = k
    palette = np.clip(np.rint(palette_f), 0, 255).astype(np.uint8)
    return index.reshape(pixels.shape[:2]), palette


def _runs(chars: bytes) -> str:
    """Return sixel data with runs of four or more equal characters as !count<char>."""
    out: list[str] = []
    n, length = 0, len(chars)
    while n < length:
        m = n
        while m < length and chars[m] == chars[n]:
            m += 1
        ch = chr(chars[n])
        out.append(f"!{m - n}{ch}" if m - n > 3 else ch * (m - n))
        n = m
    return "".join(out)


def sixel_escape(rgb: Any, keep: tuple[tuple[int, int, int], ...] = ()) -> str:
    """Return an H x W x 3 picture as a sixel escape (DCS q ... ST), `keep` colours exact."""
    import numpy as np

    index, palette = quantise(rgb, keep)
    height, width = index.shape
    out = [f'\x1bP0;1;0q"1;1;{width};{height}']
    for n, (r, g, b) in enumerate(palette.tolist()):
        out.append(f"#{n};2;{round(r * 100 / 255)};{round(g * 100 / 255)};{round(b * 100 / 255)}")
    weights = (1 << np.arange(6)).astype(np.uint8)[:, None]
    for top in range(0, height, 6):
        band = index[top : top + 6].astype(np.int16)
        if band.shape[0] < 6:
            band = np.vstack([band, np.full((6 - band.shape[0], width), -1, dtype=np.int16)])
        lines = []
        for colour in np.unique(band[band >= 0]).tolist():
            bits = ((band == colour) * weights).sum(axis=0).astype(np.uint8)
            last = int(np.flatnonzero(bits)[-1]) + 1  # trailing empty columns need not be sent
            lines.append(f"#{colour}" + _runs((bits[:last] + 63).tobytes()))
        out.append("$".join(lines) + "-")
    out.append("\x1b\\")
    return "".join(out)


def from_environment(environ: Mapping[str, str]) -> str | None:
    """Return the protocol a terminal announces in its environment, or None if it does not."""
    if environ.get("TMUX"):
        return None  # tmux passes none of kitty's or iTerm2's escapes through by default
    term, program = environ.get("TERM", ""), environ.get("TERM_PROGRAM", "")
    if environ.get("KITTY_WINDOW_ID") or term in ("xterm-kitty", "xterm-ghostty") or program == "ghostty":
        return KITTY
    if program in ("iTerm.app", "WezTerm"):
        return ITERM
    return None


def parse_reply(reply: str) -> str | None:
    """Return the protocol a terminal's answer to KITTY_QUERY + DA1_QUERY shows it draws, or None."""
    if "\x1b_Gi=31;OK" in reply:
        return KITTY
    match = _DA1_REPLY.search(reply)
    if match and "4" in match.group(1).split(";"):
        return SIXEL
    return None


def _ask(fd: int, query: str, deadline_s: float) -> str:
    """Write a query ending in DA1 to the terminal and return what came back before its DA1 reply."""
    import select
    import time

    os.write(fd, query.encode("ascii"))
    end = time.monotonic() + deadline_s
    reply = b""
    # Every terminal answers DA1, so its reply ends the wait (kitty's answer comes before it).
    while not _DA1_REPLY.search(reply.decode("latin-1")):
        left = end - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            break
        chunk = os.read(fd, 1024)
        if not chunk:
            break
        reply += chunk
    return reply.decode("latin-1")


def query_terminal(fd: int, deadline_s: float = QUERY_DEADLINE_S) -> str:
    """Ask the terminal on `fd` about graphics and return its answers (within the deadline each).

    DA1 goes first: every terminal since the VT100 answers it, and the reply lists 4 for sixel.
    Only a terminal that answered gets kitty's graphics query, an APC string that such terminals
    skip but something less (a bare emulator) might print.
    """
    import termios

    saved = termios.tcgetattr(fd)
    raw = termios.tcgetattr(fd)
    raw[3] &= ~(termios.ICANON | termios.ECHO)  # read the reply byte by byte, and keep it off the screen
    raw[6][termios.VMIN], raw[6][termios.VTIME] = 0, 0
    try:
        termios.tcsetattr(fd, termios.TCSANOW, raw)
        reply = _ask(fd, DA1_QUERY, deadline_s)
        if _DA1_REPLY.search(reply) and parse_reply(reply) is None:
            reply += _ask(fd, KITTY_QUERY + DA1_QUERY, deadline_s)
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, saved)
    return reply


def cell_pixels(fd: int) -> tuple[int, int] | None:
    """Return a terminal cell's (width, height) in pixels, if the terminal reports its pixel size."""
    import fcntl
    import struct
    import termios

    try:
        rows, cols, x_px, y_px = struct.unpack("HHHH", fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8))
    except OSError:
        return None
    if not (rows and cols and x_px and y_px):
        return None
    return max(1, x_px // cols), max(1, y_px // rows)


def detect(choice: str, environ: Mapping[str, str], fd: int | None) -> str | None:
    """Return the protocol to draw with: `choice` unless it is auto, else what the terminal on `fd` shows."""
    if choice == "none":
        return None
    if choice != "auto":
        return choice
    if fd is None or not os.isatty(fd) or environ.get("TERM", "") in ("", "dumb"):
        return None
    announced = from_environment(environ)
    if announced is not None:
        return announced
    try:
        return parse_reply(query_terminal(fd))
    except OSError:
        return None


def picture_escape(protocol: str, rgb: Any, columns: int, rows: int) -> str:
    """Return the escape that draws an H x W x 3 picture with a protocol over `columns` x `rows` cells."""
    if protocol == SIXEL:
        return sixel_escape(rgb, DRAWN_RGB)

    png = png_bytes(rgb)
    return kitty_escape(png, columns, rows) if protocol == KITTY else iterm_escape(png, columns, rows)
