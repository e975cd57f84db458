"""Decoders for the pictures isstrack emits (PNG, sixel, kitty, iTerm2), written for the tests alone."""

from __future__ import annotations

import base64
import re
import struct
import zlib

import numpy as np


def decode_png(data: bytes) -> np.ndarray:
    """Return an 8-bit RGB PNG as an H x W x 3 array (all five row filters, no interlace)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, f"bad CRC in {kind!r}"
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + length
    assert header is not None
    width, height, depth, colour_type, _, _, interlace = header
    assert (depth, colour_type, interlace) == (8, 2, 0), header
    raw = zlib.decompress(idat)
    stride = width * 3
    out = np.zeros((height, stride), dtype=np.int32)
    prev = np.zeros(stride, dtype=np.int32)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = np.frombuffer(raw, np.uint8, stride, y * (stride + 1) + 1).astype(np.int32)
        cur = np.zeros(stride, dtype=np.int32)
        for x in range(stride):
            a = cur[x - 3] if x >= 3 else 0
            b = prev[x]
            c = prev[x - 3] if x >= 3 else 0
            if kind == 0:
                pred = 0
            elif kind == 1:
                pred = a
            elif kind == 2:
                pred = b
            elif kind == 3:
                pred = (a + b) // 2
            else:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
            cur[x] = (line[x] + pred) & 255
        out[y], prev = cur, cur
    return out.reshape(height, width, 3).astype(np.uint8)


def decode_sixel(text: str) -> np.ndarray:
    """Return a sixel escape's picture as an H x W x 3 array (pixels never set stay black)."""
    assert text.startswith("\x1bP") and text.endswith("\x1b\\"), "not a DCS string"
    body = text[2:-2]
    body = body[body.index("q") + 1 :]
    size = re.match(r'"1;1;(\d+);(\d+)', body)
    assert size, "no raster attributes"
    width, height = int(size.group(1)), int(size.group(2))
    body = body[size.end() :]
    image = np.zeros((height + 6, width, 3), dtype=np.uint8)
    palette: dict[int, tuple[int, int, int]] = {}
    colour, x, band = 0, 0, 0
    pos = 0
    while pos < len(body):
        ch = body[pos]
        if ch == "#":
            m = re.match(r"#(\d+)(?:;2;(\d+);(\d+);(\d+))?", body[pos:])
            assert m
            colour = int(m.group(1))
            if m.group(2) is not None:
                palette[colour] = tuple(round(int(m.group(k)) * 255 / 100) for k in (2, 3, 4))  # type: ignore[assignment]
            pos += m.end()
            continue
        if ch == "$":
            x = 0
        elif ch == "-":
            x, band = 0, band + 1
        elif ch == "!":
            m = re.match(r"!(\d+)(.)", body[pos:])
            assert m
            for _ in range(int(m.group(1))):
                _put(image, palette[colour], band, x, ord(m.group(2)) - 63)
                x += 1
            pos += m.end()
            continue
        else:
            _put(image, palette[colour], band, x, ord(ch) - 63)
            x += 1
        pos += 1
    return image[:height]


def _put(image: np.ndarray, rgb: tuple[int, int, int], band: int, x: int, bits: int) -> None:
    assert 0 <= bits < 64 and x < image.shape[1]
    for k in range(6):
        if bits >> k & 1:
            image[band * 6 + k, x] = rgb


def kitty_payload(text: str) -> tuple[dict[str, str], bytes]:
    """Return the first escape's keys and the whole base64 payload of kitty graphics escapes."""
    parts = re.findall(r"\x1b_G([^;]*);([^\x1b]*)\x1b\\", text)
    assert parts and "".join(f"\x1b_G{k};{v}\x1b\\" for k, v in parts) == text
    keys = dict(item.split("=") for item in parts[0][0].split(","))
    assert all(len(v) <= 4096 for _, v in parts)
    assert [dict(i.split("=") for i in k.split(","))["m"] for k, _ in parts] == ["1"] * (len(parts) - 1) + [
        "0"
    ]
    return keys, base64.b64decode("".join(v for _, v in parts))


def iterm_payload(text: str) -> tuple[dict[str, str], bytes]:
    """Return the arguments and file bytes of an iTerm2 OSC 1337 File= escape."""
    m = re.fullmatch(r"\x1b\]1337;File=([^:]*):([A-Za-z0-9+/=]*)\x07", text)
    assert m, "not one OSC 1337 File= escape"
    return dict(item.split("=") for item in m.group(1).split(";")), base64.b64decode(m.group(2))
