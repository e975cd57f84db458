"""The floor for `isstrack now`: a minimal Skyfield script that loads a TLE file and prints the subpoint."""

import sys
from pathlib import Path

from skyfield.api import EarthSatellite, load, wgs84

lines = Path(sys.argv[1]).read_text().splitlines()
ts = load.timescale()
satellite = EarthSatellite(lines[1], lines[2], lines[0], ts)
point = wgs84.geographic_position_of(satellite.at(ts.now()))
print(point.latitude.degrees, point.longitude.degrees, point.elevation.km)
