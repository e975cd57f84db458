"""Benchmark `isstrack map --tle-file F --offline` (one frame) against the minimal Skyfield `now` script.

    python benchmarks/bench_map.py [--runs 21]

Target: median ratio <= 1.6 (issue: map).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from harness import REFERENCE_TLE, compare, isstrack_command

HERE = Path(__file__).parent
TARGET = 1.6


def main() -> None:
    """Run the comparison and exit 1 if the target is missed."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    ours = [*isstrack_command(), "map", "--width", "120", "--tle-file", str(REFERENCE_TLE), "--offline"]
    floor = [sys.executable, str(HERE / "floor_now.py"), str(REFERENCE_TLE)]
    ratio = compare("map", ours, floor, args.runs, TARGET)
    sys.exit(0 if ratio <= TARGET else 1)


if __name__ == "__main__":
    main()
