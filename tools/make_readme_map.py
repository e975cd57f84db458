"""Regenerate docs/map.png, the README's picture of the map, from isstrack's own `map --svg`.

Run by a maintainer from the repository root, with isstrack installed (`pip install -e .`) and
headless Chromium on the PATH (`apt-get install chromium`):

    python tools/make_readme_map.py

How: `isstrack map --svg` (Rich's console export of the terminal map, in colour, no web font) with
the bundled elements, offline, at a fixed time and place, so the picture is the same on every run
and needs no network; then `chromium --headless --screenshot` renders that SVG at its own size
(its viewBox) to PNG. The screenshot, not `map --png`: the README shows the terminal map a newcomer
sees, and `--png` draws a different picture (the raster Earth).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "map.png"
# Near the bundled elements' epoch (2026-09-24 03:24 UTC), ten minutes before a pass over Amsterdam.
AT = "2026-09-24T19:10:00Z"
ARGS = ["map", "--city", "Amsterdam, NL", "--at", AT, "--width", "120", "--offline", "--quiet"]


def main() -> None:
    """Write the SVG with isstrack, screenshot it with headless Chromium, save docs/map.png."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        sys.exit("make_readme_map: headless Chromium is needed (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        env = {
            **os.environ,
            "ISSTRACK_OFFLINE": "1",
            "ISSTRACK_CACHE_DIR": str(work / "cache"),  # never the user's cache: the bundled set answers
            "ISSTRACK_CONFIG_DIR": str(work / "config"),
            "ISSTRACK_STATE_DIR": str(work / "state"),
        }
        svg = work / "map.svg"
        command = [sys.executable, "-m", "isstrack", *ARGS, "--svg", str(svg)]
        subprocess.run(command, env=env, check=True, timeout=120)
        box = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg.read_text(encoding="utf-8"))
        if box is None:
            sys.exit("make_readme_map: the SVG has no viewBox to size the screenshot by")
        width, height = (round(float(value) + 0.49) for value in box.groups())
        shot = work / "map.png"
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--window-size={width},{height}", f"--screenshot={shot}", svg.as_uri()],
            env=env, check=True, timeout=120, capture_output=True,
        )  # fmt: skip
        shutil.copyfile(shot, OUT)
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size:,} bytes, {width}x{height})")


if __name__ == "__main__":
    main()
