"""Print how far each reference ISS element set is off at the epoch of every later one.

Used to choose the staleness thresholds documented in README.md:

    python tools/drift.py tests/iss-tle-history.tle
"""

import sys
from pathlib import Path

from sgp4.api import Satrec

from isstrack.elements.tle import parse_all


def main(path: str) -> None:
    """Propagate each set to the epochs of the later ones and print the position error."""
    sets = parse_all(Path(path).read_text(encoding="utf-8"))
    recs = [Satrec.twoline2rv(s.line1, s.line2) for s in sets]
    print("age_days  error_km  from_epoch")
    for i, old in enumerate(recs):
        for j in range(i + 1, len(recs)):
            new = recs[j]
            jd, fr = new.jdsatepoch, new.jdsatepochF
            _, r_old, _ = old.sgp4(jd, fr)
            _, r_new, _ = new.sgp4(jd, fr)
            err = sum((a - b) ** 2 for a, b in zip(r_old, r_new, strict=True)) ** 0.5
            age = (jd - old.jdsatepoch) + (fr - old.jdsatepochF)
            if age <= 16:
                print(f"{age:8.2f}  {err:8.1f}  {sets[i].epoch:%Y-%m-%d %H:%M}")


if __name__ == "__main__":
    main(sys.argv[1])
