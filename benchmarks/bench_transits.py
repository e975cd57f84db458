"""Benchmark `isstrack transits --days 10 --radius 100` against `isstrack passes --days 10`, same place.

    python benchmarks/bench_transits.py [--runs 11]

Both whole processes, alternating, from the same elements; target: median ratio <= 3 (issue 12:
"within a small multiple" of passes).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from harness import REFERENCE_TLE, compare, isstrack_command

LAT, LON, START = "52.37", "4.89", "2026-09-24T06:00:00Z"
TARGET = 3.0


def main() -> None:
    """Run the comparison and exit 1 if the target is missed."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    common = ["--days", "10", "--lat", LAT, "--lon", LON, "--from", START]
    common += ["--tle-file", str(REFERENCE_TLE), "--offline", "--quiet", "--json"]
    ours = [*isstrack_command(), "transits", "--radius", "100", *common]
    reference = [*isstrack_command(), "passes", *common]
    ratio = compare("transits vs passes", ours, reference, args.runs, TARGET)
    sys.exit(0 if ratio <= TARGET else 1)


if __name__ == "__main__":
    main()
