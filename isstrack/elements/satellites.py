"""Turn what the user typed after --sat into a CelesTrak GP query, and pick the object from its answer.

`--sat` takes a catalog number (1-9 digits), an international designator (1998-067A, or 98067A as
two-line elements write it), an alias (iss, css/tiangong, hubble), or a name, which CelesTrak's
`NAME=` query looks up. Text that no satellite name contains (control characters, markup brackets)
is refused here, before any request is made.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

from isstrack import ISS_CATALOG_NUMBER
from isstrack.elements.omm import MAX_CATALOG_NUMBER, OmmRecord
from isstrack.errors import AmbiguousSatelliteError, BadInputError, UnknownSatelliteError

QueryKind = Literal["CATNR", "INTDES", "NAME", "GROUP"]

TIANGONG_CATALOG_NUMBER = 48274  # CSS (TIANHE), the core module
HUBBLE_CATALOG_NUMBER = 20580
ALIASES = {
    "iss": ISS_CATALOG_NUMBER,
    "zarya": ISS_CATALOG_NUMBER,
    "css": TIANGONG_CATALOG_NUMBER,
    "tiangong": TIANGONG_CATALOG_NUMBER,
    "tianhe": TIANGONG_CATALOG_NUMBER,
    "hubble": HUBBLE_CATALOG_NUMBER,
    "hst": HUBBLE_CATALOG_NUMBER,
}
STATIONS = frozenset({ISS_CATALOG_NUMBER, TIANGONG_CATALOG_NUMBER})
GROUPS = frozenset({"visual", "stations", "starlink", "active", "last-30-days", "gps-ops", "galileo"})
MAX_NAME_CHARS = 40
MAX_LISTED = 12

_NUMBER = re.compile(r"\d+")
_DESIGNATOR = re.compile(r"(\d{4})-(\d{3})([A-Z]{0,3})")
_TLE_DESIGNATOR = re.compile(r"(\d{2})(\d{3})([A-Z]{1,3})")
# What CelesTrak's object names are written with: 'ISS (ZARYA)', 'SL-16 R/B', 'NAVSTAR 54 (USA 177)'.
_NAME = re.compile(r"[A-Za-z0-9 ()\-/.+&'#:,_*]+")
_FIX = "give a catalog number (25544), a designator (1998-067A), an alias (iss, css, hubble) or a name"


@dataclass(frozen=True)
class GpQuery:
    """One query of CelesTrak's GP API: what it asks for, in the API's own terms."""

    kind: QueryKind
    value: str  # "48274", "1998-067A", "HST", "visual"

    @property
    def parameter(self) -> str:
        """Return the query parameter, e.g. CATNR=48274."""
        return f"{self.kind}={quote(self.value, safe='')}"

    def url(self, base_url: str, output_format: str = "JSON") -> str:
        """Return the URL of this query under the GP endpoint `base_url` (always naming the FORMAT)."""
        return f"{base_url}?{self.parameter}&FORMAT={output_format}"

    @property
    def file_stem(self) -> str:
        """Return the stem of this query's cache, log and lock files (distinct from the ISS's gp-25544)."""
        if self.kind == "NAME":
            slug = re.sub(r"[^a-z0-9]+", "-", self.value.lower()).strip("-")[:24]
            digest = f"{zlib.crc32(self.value.upper().encode('utf-8')):08x}"
            return f"omm-name-{slug}-{digest}"
        return f"omm-{self.kind.lower()}-{self.value}"

    def describe(self) -> str:
        """Return the query in words, for messages."""
        return {
            "CATNR": f"catalog number {self.value}",
            "INTDES": f"designator {self.value}",
            "NAME": f"name {self.value!r}",
            "GROUP": f"group {self.value!r}",
        }[self.kind]

    def mismatch(self, record: OmmRecord) -> str | None:
        """Return why `record` cannot be part of the answer to this query (None when it can)."""
        if self.kind == "CATNR" and record.catalog_number != int(self.value):
            return f"catalog number {record.catalog_number} came back for {self.value}"
        if self.kind == "INTDES" and not record.object_id.startswith(self.value):
            return f"designator {record.object_id or '(none)'} came back for {self.value}"
        if self.kind == "NAME" and self.value.upper() not in record.object_name.upper():
            return f"{record.object_name!r} came back for the name {self.value!r}"
        return None


def catalog_query(catalog_number: int) -> GpQuery:
    """Return the query for one catalog number."""
    return GpQuery("CATNR", str(catalog_number))


def group_query(name: str) -> GpQuery:
    """Return the query for one of CelesTrak's groups (visual, stations, starlink, ...)."""
    if name not in GROUPS:
        raise BadInputError(f"unknown group {name!r}; use one of {', '.join(sorted(GROUPS))}")
    return GpQuery("GROUP", name)


def parse_sat(text: str) -> GpQuery:
    """Return the query for a --sat value, or BadInputError naming what is wrong with it."""
    if any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in text):
        raise BadInputError(f"--sat {text[:60]!r} holds control characters; {_FIX}")
    value = " ".join(text.split())
    if not value:
        raise BadInputError(f"--sat is empty; {_FIX}")
    alias = ALIASES.get(value.lower())
    if alias is not None:
        return catalog_query(alias)
    if _NUMBER.fullmatch(value):
        number = int(value)
        if len(value.lstrip("0")) > 9 or number > MAX_CATALOG_NUMBER:
            raise BadInputError(f"--sat {value[:20]}: catalog numbers have at most 9 digits; {_FIX}")
        if number == 0:
            raise BadInputError(f"--sat {value}: catalog numbers start at 1; {_FIX}")
        return catalog_query(number)
    upper = value.upper()
    match = _DESIGNATOR.fullmatch(upper)
    if match:
        return GpQuery("INTDES", upper)
    match = _TLE_DESIGNATOR.fullmatch(upper)
    if match:
        year, launch, piece = match.groups()
        century = 1900 if int(year) >= 57 else 2000
        return GpQuery("INTDES", f"{century + int(year)}-{launch}{piece}")
    if len(value) > MAX_NAME_CHARS:
        raise BadInputError(
            f"--sat {value[:40]!r}...: a name has at most {MAX_NAME_CHARS} characters; {_FIX}"
        )
    if not _NAME.fullmatch(value):
        odd = "".join(sorted({ch for ch in value if not _NAME.fullmatch(ch)}))
        raise BadInputError(
            f"--sat {value!r} holds {odd!r}, which no satellite name has (markup is not read); {_FIX}"
        )
    return GpQuery("NAME", value)


def choose(query: GpQuery, records: Sequence[OmmRecord]) -> OmmRecord:
    """Return the one object the answer to `query` means; UnknownSatelliteError or AmbiguousSatelliteError."""
    newest: dict[int, OmmRecord] = {}
    for record in records:
        if record.catalog_number not in newest or record.epoch > newest[record.catalog_number].epoch:
            newest[record.catalog_number] = record
    number = choose_number(query, [(r.catalog_number, r.object_name, r.object_id) for r in newest.values()])
    return newest[number]


def choose_number(query: GpQuery, objects: Sequence[tuple[int, str, str]]) -> int:
    """Return the catalog number of the one object (number, name, designator) that `query` means."""
    names = {number: (name, designator) for number, name, designator in objects}
    if not names:
        raise UnknownSatelliteError(no_such(query))
    if len(names) == 1:
        return next(iter(names))
    exact = [
        number
        for number, (name, designator) in names.items()
        if (query.kind == "NAME" and name.upper() == query.value.upper())
        or (query.kind == "INTDES" and designator == query.value)
    ]
    if len(exact) == 1:
        return exact[0]
    listed = [f"{number} {names[number][0]}" for number in sorted(names)]
    shown = "; ".join(listed[:MAX_LISTED])
    more = f"; and {len(listed) - MAX_LISTED} more" if len(listed) > MAX_LISTED else ""
    raise AmbiguousSatelliteError(
        f"--sat {query.value!r} matches {len(listed)} objects: {shown}{more}; give one catalog number",
        listed,
    )


def no_such(query: GpQuery) -> str:
    """Return the line that says CelesTrak has no current elements for `query`."""
    return (
        f"no satellite with {query.describe()} in CelesTrak's current data (never catalogued, "
        "mistyped, or decayed and no longer tracked); check it, e.g. on celestrak.org's SATCAT"
    )
