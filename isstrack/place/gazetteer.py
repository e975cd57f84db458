"""Offline gazetteer: find a city by name, say what lies below a point."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from isstrack.errors import AmbiguousCityError, LocationError
from isstrack.io.paths import data_file
from isstrack.place.timezones import _common_country_names, _country_names
from isstrack.sky.earth import bearing_deg, compass, distance_km

PLACES_FILE = "places.npz"
CITIES_FILE = "cities.npz"
COUNTRY_GRID_FILE = "country-grid.npz"
DOMINANCE = 10.0  # a name means its biggest city when that has this many times the next one's people
MAX_LISTED = 5  # candidates named for an ambiguous city
MAX_QUERY_CHARS = 200


@dataclass(frozen=True)
class City:
    """A populated place from GeoNames."""

    name: str
    country_code: str
    admin1_code: str
    latitude_deg: float
    longitude_deg: float
    population: int
    time_zone: str

    @property
    def label(self) -> str:
        """Return 'Name, CC' (US places as 'Name, US-ST')."""
        if self.country_code == "US" and self.admin1_code.isalpha():
            return f"{self.name}, US-{self.admin1_code}"
        return f"{self.name}, {self.country_code}"


@dataclass(frozen=True)
class Whereabouts:
    """What lies below a point: a country or open water, and the nearest notable place."""

    country_code: str | None
    country: str | None
    nearest_place: str
    nearest_country_code: str
    distance_km: float
    direction_from_place: str

    @property
    def over_water(self) -> bool:
        """Return whether the point is over open water (no country's land or territorial waters)."""
        return self.country_code is None

    def describe(self) -> str:
        """Return words like 'over France, 120 km SW of Paris, FR'."""
        region = f"over {self.country}" if self.country else "over open water"
        place = f"{self.nearest_place}, {self.nearest_country_code}"
        if self.distance_km < 15:
            return f"{region}, near {place}"
        return f"{region}, {self.distance_km:,.0f} km {self.direction_from_place} of {place}"


def whereabouts(latitude_deg: float, longitude_deg: float) -> Whereabouts:
    """Return the country or open water below a point (0.25° grid from tz boundaries) and the nearest city."""
    code = country_at(latitude_deg, longitude_deg)
    name, cc, lat, lon = _nearest_notable(latitude_deg, longitude_deg)
    return Whereabouts(
        country_code=code,
        country=_country_grid()[3].get(code) if code else None,
        nearest_place=name,
        nearest_country_code=cc,
        distance_km=distance_km(lat, lon, latitude_deg, longitude_deg),
        direction_from_place=compass(bearing_deg(lat, lon, latitude_deg, longitude_deg)),
    )


@cache
def _country_grid() -> tuple[Any, list[str], float, dict[str, str]]:
    import numpy as np

    with np.load(data_file(COUNTRY_GRID_FILE), allow_pickle=False) as data:
        codes = [str(c) for c in data["codes"]]
        names = dict(zip(codes, (str(n) for n in data["names"]), strict=True))
        return data["grid"], codes, float(data["step_deg"]), names


def country_at(latitude_deg: float, longitude_deg: float) -> str | None:
    """Return the ISO country code whose land or territorial waters hold a point, or None for open water."""
    grid, codes, step, _ = _country_grid()
    rows, cols = grid.shape
    row = min(rows - 1, max(0, int((90.0 - latitude_deg) / step)))
    col = int(((longitude_deg + 180.0) % 360.0) / step) % cols
    value = int(grid[row, col])
    return None if value == 0 or value >= len(codes) else codes[value]


@cache
def _notable() -> tuple[Any, Any, Any, Any, Any]:
    import numpy as np

    with np.load(data_file(PLACES_FILE), allow_pickle=False) as data:
        return (
            data["name"],
            data["country_code"],
            data["latitude_deg"],
            data["longitude_deg"],
            data["unit_vector"],
        )


def _nearest_notable(latitude_deg: float, longitude_deg: float) -> tuple[str, str, float, float]:
    names, codes, lats, lons, units = _notable()
    lat, lon = math.radians(latitude_deg), math.radians(longitude_deg)
    point = (math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat))
    index = int((units @ point).argmax())  # the largest cosine of the central angle is the nearest
    return str(names[index]), str(codes[index]), float(lats[index]), float(lons[index])


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


# Abbreviations people type for the words city names spell out (St. Petersburg, Ste-Foy, Ft Worth).
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}
_WORD_BREAKS = str.maketrans({c: " " for c in ".-\u2010\u2011\u2012\u2013\u2014'\u2019`\u00b4\u02bc"})
NAME_KEY_VERSION = 1  # bump when name_key changes, and rerun tools/make_city_index.py


def name_key(text: str) -> str:
    """Return the form names are compared in: case, accents, punctuation, spaces and St/Saint folded."""
    folded = text.lower() if text.isascii() else _fold(text)
    return "".join(_ABBREVIATIONS.get(w, w) for w in folded.translate(_WORD_BREAKS).split())


def key_hash(key: str) -> int:
    """Return the 64-bit hash a name key is stored under in the bundled index."""
    import hashlib

    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


def is_code(alternate: str) -> bool:
    """Return whether an alternate name is an airport or similar code (LED, BJX, KORD), not a name."""
    return len(alternate) <= 4 and alternate.isupper() and alternate.isalpha()


@cache
def _gazetteer() -> dict[str, Any]:
    import numpy as np

    with np.load(data_file(CITIES_FILE), allow_pickle=False) as data:
        index = {name: data[name] for name in data.files}
    if int(index["key_version"]) != NAME_KEY_VERSION:  # pragma: no cover - a packaging mistake
        raise RuntimeError(f"{CITIES_FILE} is stale: rerun tools/make_city_index.py")
    return index


def _named(key: str) -> list[City]:
    """Return the cities a name key names (by name or alternate name), from the bundled index."""
    g = _gazetteer()
    hashes = g["key_hash"]
    wanted = key_hash(key)
    at = int(hashes.searchsorted(wanted))
    if at >= len(hashes) or int(hashes[at]) != wanted:
        return []
    positions = g["key_city"][g["key_start"][at] : g["key_start"][at + 1]]
    return [
        City(
            name=str(g["name"][i]),
            country_code=str(g["country_code"][i]),
            admin1_code=str(g["admin1_code"][i]),
            latitude_deg=float(g["latitude_deg"][i]),
            longitude_deg=float(g["longitude_deg"][i]),
            population=int(g["population"][i]),
            time_zone=str(g["time_zone"][i]),
        )
        for i in positions
    ]


def _country_code_for(text: str) -> str | None:
    folded = _fold(text)
    names = _country_names()
    if len(folded) == 2 and folded.upper() in names:
        return folded.upper()
    for code, name in names.items():
        if _fold(name) == folded:
            return code
    return None


def similar_names(text: str, count: int = 3) -> list[str]:
    """Return up to `count` gazetteer city names spelt like `text`, most alike first."""
    import difflib

    names = _gazetteer()["name"]  # ordered by population, largest first
    by_key: dict[str, str] = {}
    for name in names.tolist():
        by_key.setdefault(name_key(name), name)
    close = difflib.get_close_matches(name_key(text), list(by_key), n=count, cutoff=0.8)
    return [by_key[key] for key in close]


@dataclass(frozen=True)
class CityChoice:
    """The city a name was taken to mean, and the smaller places of the same name it was preferred to."""

    city: City
    others: tuple[City, ...]


def find_city(query: str) -> City:
    """Return the city a name means: 'Paris', 'Paris, FR', 'Paris, France', 'Springfield, US-IL'.

    Raises LocationError for an unknown name and AmbiguousCityError (with candidates) for an
    ambiguous one.
    """
    return choose_city(query).city


def choose_city(query: str) -> CityChoice:
    """Return the city a name means and the others of that name it won over (see DOMINANCE).

    Names match after folding case, accents, punctuation and St/Saint, against GeoNames names and
    alternate names alike; candidates rank by population. The largest wins outright when it has at
    least DOMINANCE times the people of the next; otherwise the name is ambiguous.
    """
    if len(query) > MAX_QUERY_CHARS:
        raise LocationError(
            f"--city is {len(query)} characters long; a city name has at most {MAX_QUERY_CHARS}"
        )
    name_part, _, qualifier = query.partition(",")
    wanted = name_key(name_part)
    qualifier = qualifier.strip()
    if not wanted:
        raise LocationError("--city needs a name, like 'Paris' or 'Springfield, US-IL'")
    matches = _named(wanted)
    if qualifier:
        matches = _filter_by_qualifier(matches, qualifier, query)
    if not matches:
        guesses = similar_names(name_part)
        hint = f"did you mean {' or '.join(repr(g) for g in guesses)}? " if guesses else ""
        raise LocationError(
            f"no city called {query!r} in the offline gazetteer (places over 15,000 people); "
            f"{hint}check the spelling or give --lat and --lon"
        )
    matches.sort(key=lambda c: (-c.population, c.label))
    if len(matches) == 1 or matches[0].population >= DOMINANCE * matches[1].population:
        return CityChoice(matches[0], tuple(matches[1:]))
    top = [describe(c) for c in matches[:MAX_LISTED]]
    more = len(matches) - MAX_LISTED
    raise AmbiguousCityError(
        f"--city {query!r} is ambiguous: {'; '.join(top)}"
        + (f"; and {more} smaller" if more > 0 else "")
        + f". Add the country or state, like --city '{matches[0].label}'",
        [c.label for c in matches],
    )


def describe(city: City) -> str:
    """Return a candidate as 'León, NI (Nicaragua, 144,538 people)'."""
    country = _common_country_names().get(city.country_code, city.country_code)
    return f"{city.label} ({country}, {city.population:,} people)"


def _filter_by_qualifier(matches: list[City], qualifier: str, query: str) -> list[City]:
    upper = qualifier.upper().replace(" ", "")
    if len(upper) > 3 and upper[2] == "-":  # US-IL, FR-IDF style
        country, region = upper[:2], upper[3:]
        return [c for c in matches if c.country_code == country and c.admin1_code.upper() == region]
    by_code = [c for c in matches if c.country_code == upper]  # also codes tzdata lacks, like XK
    if by_code:
        return by_code
    code = _country_code_for(qualifier)
    if code is not None:
        by_country = [c for c in matches if c.country_code == code]
        if by_country:
            return by_country
    us_state = [c for c in matches if c.country_code == "US" and c.admin1_code.upper() == upper]
    if us_state:
        return us_state
    if code is None:
        raise LocationError(
            f"--city {query!r}: {qualifier!r} is not a country or US state; write it like "
            "'Paris, FR', 'Paris, France' or 'Springfield, US-IL'"
        )
    return []
