"""Benchmark `isstrack now --json --tle-file F --offline` against a minimal Skyfield script.

    python benchmarks/bench_now.py [--runs 21]

Target: median ratio <= 1.2 (issue 11; was 1.4).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from harness import REFERENCE_TLE, compare, isstrack_command

HERE = Path(__file__).parent


def main() -> None:
    """Run the comparison and exit 1 if the target is missed."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    ours = [*isstrack_command(), "now", "--json", "--tle-file", str(REFERENCE_TLE), "--offline"]
    floor = [sys.executable, str(HERE / "floor_now.py"), str(REFERENCE_TLE)]
    ratio = compare("now", ours, floor, args.runs, 1.2)
    sys.exit(0 if ratio <= 1.2 else 1)


if __name__ == "__main__":
    main()
