"""The floor for `isstrack passes`: minimal Skyfield code finding 10 days of passes.

It runs find_events and checks is_sunlit at each culmination, loading the same TLE file and
the same bundled ephemeris excerpt that isstrack uses.
"""

import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from skyfield.api import EarthSatellite, load, load_file, wgs84

lines = Path(sys.argv[1]).read_text().splitlines()
ephemeris = load_file(sys.argv[2])
ts = load.timescale()
satellite = EarthSatellite(lines[1], lines[2], lines[0], ts)
place = wgs84.latlon(float(sys.argv[3]), float(sys.argv[4]))
start = datetime.fromisoformat(sys.argv[5]).replace(tzinfo=timezone.utc)
t0, t1 = ts.from_datetime(start), ts.from_datetime(start + timedelta(days=10))
times, events = satellite.find_events(place, t0, t1, altitude_degrees=10.0)
culminations = times[events == 1]
sunlit = satellite.at(culminations).is_sunlit(ephemeris)
for t, lit in zip(culminations, sunlit, strict=True):
    print(t.utc_iso(), bool(lit))
