"""A small PNG encoder (zlib and numpy only): 8-bit RGB, so pictures need no imaging library."""

from __future__ import annotations

import struct
import zlib
from typing import Any


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bytes(rgb: Any, compression: int = 6) -> bytes:
    """Return an H x W x 3 uint8 array as the bytes of a PNG file."""
    import numpy as np

    pixels = np.ascontiguousarray(rgb, dtype=np.uint8)
    if pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ValueError(f"expected an H x W x 3 array, got shape {pixels.shape}")
    height, width, _ = pixels.shape
    # Filter "sub" on every row: the difference to the pixel on the left, which makes the flat
    # areas of a map (sea, night) compress to almost nothing.
    diff = pixels.astype(np.int16)
    diff[:, 1:] -= pixels[:, :-1]
    rows = np.empty((height, 1 + width * 3), dtype=np.uint8)
    rows[:, 0] = 1
    rows[:, 1:] = (diff % 256).astype(np.uint8).reshape(height, width * 3)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", zlib.compress(rows.tobytes(), compression)),
            _chunk(b"IEND", b""),
        )
    )
