"""Regenerate data/earth-natural-earth-360x720.npz, the bundled day-side picture of the Earth.

Run once by a maintainer, never at install or run time:

    pip install --target /tmp/pil pillow         # Pillow (HPND) only for this script
    pip download --no-deps -d /tmp/cartopy cartopy  # the wheel ships the source image
    PYTHONPATH=/tmp/pil python tools/make_earth_raster.py \
        cartopy/data/raster/natural_earth/50-natural-earth-1-downsampled.png   # unzipped from the wheel

The source is Natural Earth I with Shaded Relief (1:50m), downsampled by Cartopy to 720 x 360
pixels in plate carrée (column 0 starts at 180° W, row 0 at 90° N). Natural Earth is in the public
domain (https://www.naturalearthdata.com/about/terms-of-use/), and Cartopy's data/LICENSE says so
for this file. The script quantises it to 256 colours (Pillow's median cut) and stores the colour
indices and the palette in a compressed .npz: about 170 kB instead of 340 kB, and isstrack reads
it with numpy alone.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image

OUT = Path(__file__).resolve().parents[1] / "data" / "earth-natural-earth-360x720.npz"


def main(source: str) -> None:
    """Quantise the source picture and write the .npz."""
    image = Image.open(source).convert("RGB")
    if image.size != (720, 360):
        raise SystemExit(f"{source} is {image.size}, expected 720 x 360 plate carrée")
    quantised = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    palette = np.array(quantised.getpalette()[: 256 * 3], dtype=np.uint8).reshape(-1, 3)
    np.savez_compressed(
        OUT,
        index=np.asarray(quantised, dtype=np.uint8),
        palette=palette,
        source=np.array("Natural Earth I with Shaded Relief 1:50m (public domain), 720x360 via Cartopy"),
    )
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1])
