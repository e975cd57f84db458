"""The reference for `passes --places`: a per-observer Skyfield find_events loop over a places CSV.

For each place it runs find_events over the window and checks is_sunlit at each culmination,
loading the same TLE file and bundled ephemeris excerpt that isstrack uses.
"""

import csv
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from skyfield.api import EarthSatellite, load, load_file, wgs84

lines = Path(sys.argv[1]).read_text().splitlines()
ephemeris = load_file(sys.argv[2])
ts = load.timescale()
satellite = EarthSatellite(lines[1], lines[2], lines[0], ts)
start = datetime.fromisoformat(sys.argv[4]).replace(tzinfo=timezone.utc)
t0, t1 = ts.from_datetime(start), ts.from_datetime(start + timedelta(days=float(sys.argv[5])))
with open(sys.argv[3], newline="") as handle:
    for row in csv.DictReader(handle):
        place = wgs84.latlon(
            float(row["latitude_deg"]), float(row["longitude_deg"]), float(row["elevation_m"])
        )
        times, events = satellite.find_events(place, t0, t1, altitude_degrees=10.0)
        culminations = times[events == 1]
        if len(culminations):
            sunlit = satellite.at(culminations).is_sunlit(ephemeris)
            for t, lit in zip(culminations, sunlit, strict=True):
                print(row["name"], t.utc_iso(), bool(lit))
