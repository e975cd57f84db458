"""Benchmark `isstrack passes --json --days 10` against minimal Skyfield pass-finding code.

    python benchmarks/bench_passes.py [--runs 15]

Target: median ratio <= 1.5 (issue: isstrack passes).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from harness import REFERENCE_TLE, ROOT, compare, isstrack_command

HERE = Path(__file__).parent
LAT, LON, START = "52.37", "4.89", "2026-09-24T06:00:00"


def main() -> None:
    """Run the comparison and exit 1 if the target is missed."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    ours = [
        *isstrack_command(),
        "passes",
        "--json",
        "--days",
        "10",
        "--lat",
        LAT,
        "--lon",
        LON,
        "--from",
        START + "Z",
        "--tle-file",
        str(REFERENCE_TLE),
        "--offline",
        "--quiet",
    ]
    ephemeris = ROOT / "data" / "sun-moon-earth-2000-2050.bsp"
    floor = [
        sys.executable,
        str(HERE / "floor_passes.py"),
        str(REFERENCE_TLE),
        str(ephemeris),
        LAT,
        LON,
        START,
    ]
    ratio = compare("passes", ours, floor, args.runs, 1.5)
    sys.exit(0 if ratio <= 1.5 else 1)


if __name__ == "__main__":
    main()
