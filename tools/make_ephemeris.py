"""Regenerate data/sun-moon-earth-2000-2050.bsp, the bundled excerpt of JPL DE421.

Run once by a maintainer, never at install or run time:

    pip install skyfield-data jplephem
    python tools/make_ephemeris.py

The excerpt keeps only the segments Skyfield needs for the Sun and the Moon as
seen from Earth (targets 3 Earth-Moon barycenter, 10 Sun, 301 Moon, 399 Earth)
for 2000 to 2050, about 3.7 MB instead of 16.8 MB.  tests/test_transits.py
checks the Sun and the Moon against the full file when skyfield-data is installed.
"""

import subprocess
import sys
from pathlib import Path

from skyfield_data import get_skyfield_data_path  # type: ignore[import-not-found]

OUT = Path(__file__).resolve().parents[1] / "data" / "sun-moon-earth-2000-2050.bsp"


def main() -> None:
    """Write the excerpt with jplephem's own command."""
    full = Path(get_skyfield_data_path()) / "de421.bsp"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "jplephem",
            "excerpt",
            "--targets",
            "3,10,301,399",
            "2000/01/01",
            "2050/01/01",
            str(full),
            str(OUT),
        ],
        check=True,
    )


if __name__ == "__main__":
    main()
