"""Benchmark `isstrack tonight` (12 hours, many satellites) against one single-satellite `passes --days 1`.

    python benchmarks/bench_tonight.py [--runs 9]

Two fleets, both from the real records in shared/reference/omm: the 44 records as they are (42
objects, the ISS three times; the July station sets are too old for September and are skipped as
untrusted, as they would be in use), and the September records repeated to 150 objects, the size of
CelesTrak's visual group. The copies get new catalog numbers and their mean anomaly advanced by
37° per copy, only so that they are distinct objects (identical orbits would be merged as docked);
no copy is used for anything but timing.

Target (issue 19): tonight within 3x of the single-satellite run, in one run.
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from harness import REFERENCE_TLE, ROOT, compare, isstrack_command

OMM = ROOT.parent / "shared" / "reference" / "omm"
if not OMM.is_dir():
    OMM = Path("/work/shared/reference/omm")
FILES = ("celestrak-2026-09-19.json", "stations-2026-07-17.json", "celestrak-2026-10-02.json")
LAT, LON, AT = "52.37", "4.89", "2026-09-19T16:00:00Z"
TARGET = 3.0


def fleets(directory: Path) -> dict[str, Path]:
    """Write the two fleets as OMM JSON files and return their paths by name."""
    real = [record for name in FILES for record in json.loads((OMM / name).read_text())]
    september = json.loads((OMM / FILES[0]).read_text())
    repeated = []
    for copy in range(150 // len(september) + 1):
        for record in september:
            if copy:
                anomaly = (record["MEAN_ANOMALY"] + 37.0 * copy) % 360.0
                record = dict(record, NORAD_CAT_ID=900000 + 100 * copy + len(repeated), MEAN_ANOMALY=anomaly)
            repeated.append(record)
    paths = {}
    for name, records in (("44 real records", real), ("150 objects", repeated[:150])):
        path = directory / f"{len(records)}.json"
        path.write_text(json.dumps(records))
        paths[name] = path
    return paths


def main() -> None:
    """Run both comparisons and exit 1 if either misses the target."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    floor = [
        *isstrack_command(),
        *("passes", "--json", "--days", "1", "--lat", LAT, "--lon", LON, "--from", AT),
        *("--tle-file", str(REFERENCE_TLE), "--offline", "--quiet"),
    ]
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in fleets(Path(tmp)).items():
            ours = [
                *isstrack_command(),
                *("tonight", "--json", "--hours", "12", "--lat", LAT, "--lon", LON, "--at", AT),
                *("--tle-file", str(path), "--offline", "--quiet"),
            ]
            worst = max(worst, compare(f"tonight, {name}", ours, floor, args.runs, TARGET))
    sys.exit(0 if worst <= TARGET else 1)


if __name__ == "__main__":
    main()
