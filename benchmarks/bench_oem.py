"""Benchmark the OEM source against the TLE source, same commands otherwise, alternating in one run.

    python benchmarks/bench_oem.py [--runs 9] [--places 10000]

Targets (issue 18): `passes --days 10` with `--ephemeris` within 1.2x of the same with the TLE;
`passes --places` over 10,000 places with `--ephemeris` within 1.3x of the TLE source.
The ephemeris is NASA's states of 2026-09-21 to 10-06 (tests/iss-oem-2026-09-21.txt).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_places import write_places
from harness import REFERENCE_TLE, ROOT, compare, isstrack_command

OEM_FILE = ROOT / "tests" / "iss-oem-2026-09-21.txt"
START = "2026-09-24T06:00:00Z"


def main() -> None:
    """Run both comparisons and exit 1 if a target is missed."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--places", type=int, default=10_000)
    args = parser.parse_args()
    common = ["--from", START, "--days", "10", "--tle-file", str(REFERENCE_TLE), "--quiet"]
    one = [*isstrack_command(), "passes", "--json", "--lat", "52.37", "--lon", "4.89", *common]
    ok = (
        compare("passes --days 10, OEM vs TLE", [*one, "--ephemeris", str(OEM_FILE)], one, args.runs, 1.2)
        <= 1.2
    )
    with tempfile.TemporaryDirectory() as tmp:
        places = Path(tmp) / "places.csv"
        write_places(places, args.places)
        many = [*isstrack_command(), "passes", "--places", str(places), "--json", *common]
        runs = max(3, args.runs // 3)
        label = f"passes --places {args.places:,}, OEM vs TLE"
        ok &= compare(label, [*many, "--ephemeris", str(OEM_FILE)], many, runs, 1.3) <= 1.3
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
