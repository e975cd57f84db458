"""Parse and validate orbital elements: TLE, 3LE and CelesTrak OMM JSON or CSV, told apart by content."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from isstrack.errors import NoGpDataError, TleFormatError

if TYPE_CHECKING:
    from isstrack.elements.omm import OmmRecord

_J2000_JD = 2451545.0
_J2000 = datetime(2000, 1, 1, 12, tzinfo=timezone.utc)


@dataclass(frozen=True)
class ElementSet:
    """One validated two-line element set.

    `catalog_number` is the object's real number; above 339999 the lines carry a stand-in
    (`isstrack.elements.omm.STAND_IN_CATALOG_NUMBER`), as two-line elements cannot hold it.
    """

    name: str
    catalog_number: int
    epoch: datetime
    line1: str
    line2: str
    object_id: str = ""  # international designator (1998-067A), when the source gave it

    @property
    def mean_motion_rev_per_day(self) -> float:
        """Return the mean motion from line 2, in revolutions per day."""
        return float(self.line2[52:63])

    @property
    def revolution_number_at_epoch(self) -> int:
        """Return the revolution count stated in line 2 (columns 64-68)."""
        text = self.line2[63:68].strip()
        return int(text) if text.isdigit() else 0

    def age_days(self, at: datetime) -> float:
        """Return how many days `at` lies after the epoch (negative before it)."""
        return (at - self.epoch).total_seconds() / 86400.0

    def as_text(self) -> str:
        """Return the set as three lines: name, line 1, line 2."""
        return f"{self.name}\n{self.line1}\n{self.line2}\n"


def checksum(line: str) -> int:
    """Return the TLE checksum of columns 1-68: digits summed, minus signs count 1, modulo 10."""
    total = 0
    for ch in line[:68]:
        if ch.isdigit():
            total += int(ch)
        elif ch == "-":
            total += 1
    return total % 10


def parse_elements(text: str, catalog_number: int | None = None) -> ElementSet:
    """Parse `text` and return the element set for `catalog_number` (or the only one).

    Raises TleFormatError (or NoGpDataError) for anything that is not a valid set.
    """
    sets = parse_all(text)
    if catalog_number is None:
        if len(sets) > 1:
            raise TleFormatError(f"the text holds {len(sets)} element sets; name the catalog number to use")
        return sets[0]
    for element_set in sets:
        if element_set.catalog_number == catalog_number:
            return element_set
    found = ", ".join(sorted({str(s.catalog_number) for s in sets}))
    raise TleFormatError(f"no elements for catalog number {catalog_number} (found {found} instead)")


def parse_all(text: str) -> list[ElementSet]:
    """Parse every element set in `text` (TLE, 3LE, OMM JSON or CSV); raise TleFormatError if none."""

    if not isinstance(text, str):
        raise TleFormatError("elements must be text")
    stripped = text.lstrip("\ufeff").strip()
    if not stripped:
        raise TleFormatError("empty: no element lines at all")
    if "no gp data found" in stripped.lower():
        raise NoGpDataError("the server has no GP data for that catalog number")
    head = stripped[:200].lower()
    if head.startswith(("<?xml", "<ndm", "<omm")):
        raise TleFormatError("got XML, which isstrack does not read; give OMM as JSON or CSV")
    if head.startswith("<") or "<html" in head or "<!doctype" in head:
        raise TleFormatError("got an HTML page, not orbital elements")
    records = parse_omm(stripped)
    if records is not None:
        return [from_omm(record) for record in records]
    return _parse_tle_lines(stripped)


def parse_omm(text: str) -> list[OmmRecord] | None:
    """Return the records of `text` if it is OMM (JSON or CSV, by its content), else None (TLE or 3LE)."""
    stripped = text.lstrip("\ufeff").strip()
    # A 3LE whose name starts with a bracket is still a 3LE: JSON has no line starting "1 ".
    if stripped[:1] in ("[", "{") and not any(line.startswith("1 ") for line in stripped.splitlines()):
        from isstrack.elements.omm import parse_json

        return parse_json(stripped)
    header = stripped.split("\n", 1)[0].upper()
    if "," in header and "NORAD_CAT_ID" in header:  # OMM CSV's header row
        from isstrack.elements.omm import parse_csv

        return parse_csv(stripped)
    return None


def _parse_tle_lines(text: str) -> list[ElementSet]:
    lines = [line.rstrip() for line in text.splitlines()]
    lines = [line for line in lines if line.strip()]
    sets: list[ElementSet] = []
    name = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("1 "):
            if i + 1 >= len(lines) or not lines[i + 1].startswith("2 "):
                raise TleFormatError(f"line 1 at line {i + 1} has no line 2 after it (truncated?)")
            sets.append(_from_lines(name or "UNNAMED", line, lines[i + 1]))
            name = ""
            i += 2
            continue
        if line.startswith("2 "):
            raise TleFormatError(f"line 2 at line {i + 1} has no line 1 before it")
        if name:
            raise TleFormatError(f"unexpected text at line {i + 1}: {line[:40]!r}")
        name = line[2:].strip() if line.startswith("0 ") else line.strip()
        if len(name) > 80:
            raise TleFormatError(f"unexpected text at line {i + 1}: {line[:40]!r}")
        i += 1
    if not sets:
        raise TleFormatError("no TLE line pairs found")
    return sets


def _from_lines(name: str, line1: str, line2: str) -> ElementSet:
    from sgp4.api import WGS72, Satrec
    from sgp4.io import twoline2rv

    for number, line in ((1, line1), (2, line2)):
        if len(line) != 69:
            raise TleFormatError(
                f"TLE line {number} has {len(line)} characters, not 69 (truncated or damaged)"
            )
        if not line[68].isdigit():
            raise TleFormatError(f"TLE line {number} does not end in a checksum digit")
        if checksum(line) != int(line[68]):
            raise TleFormatError(
                f"TLE line {number} fails its checksum (computed {checksum(line)}, line says {line[68]})"
            )
    try:
        # The pure-Python reader checks the column layout and that both lines agree.
        twoline2rv(line1, line2, _wgs72())
    except Exception as exc:  # sgp4 raises ValueError, and others on odd input
        raise TleFormatError(f"TLE column layout is invalid: {_first_line(exc)}") from None
    satrec = Satrec.twoline2rv(line1, line2, WGS72)
    _check_propagates(satrec)
    return ElementSet(
        name=name,
        catalog_number=int(satrec.satnum),
        epoch=_epoch(satrec),
        line1=line1,
        line2=line2,
        object_id=designator(line1[9:17]),
    )


def designator(tle_field: str) -> str:
    """Return the international designator of a line 1 field like '98067A  ' as 1998-067A ('' if none)."""
    text = tle_field.strip()
    if len(text) < 6 or not text[:5].isdigit() or not text[5:].isalpha() or not text[5:].isupper():
        return ""
    year = int(text[:2])
    return f"{1900 + year if year >= 57 else 2000 + year}-{text[2:5]}{text[5:]}"


def from_omm(record: OmmRecord) -> ElementSet:
    """Return the element set of a validated OMM record, keeping its real catalog number and designator."""
    try:
        line1, line2 = record.tle_lines()
    except Exception as exc:  # sgp4 raises ValueError, and others on odd input
        raise TleFormatError(
            f"OMM record for catalog number {record.catalog_number} is invalid: {_first_line(exc)}"
        ) from None
    elements = _from_lines(record.object_name, line1, line2)
    return replace(elements, catalog_number=record.catalog_number, object_id=record.object_id)


def _check_propagates(satrec: Any) -> None:
    values = (satrec.no_kozai, satrec.ecco, satrec.inclo)
    if not all(math.isfinite(v) for v in values) or satrec.no_kozai <= 0:
        raise TleFormatError("the elements are not physical (mean motion must be positive)")
    if not 0 <= satrec.ecco < 1:
        raise TleFormatError("the elements are not physical (eccentricity must be below 1)")
    error, position, _ = satrec.sgp4(satrec.jdsatepoch, satrec.jdsatepochF)
    if error != 0 or not all(math.isfinite(v) for v in position):
        raise TleFormatError(f"the elements do not propagate (SGP4 error {error})")


def _epoch(satrec: Any) -> datetime:
    days = (satrec.jdsatepoch - _J2000_JD) + satrec.jdsatepochF
    return _J2000 + timedelta(days=days)


def _wgs72() -> Any:
    from sgp4.earth_gravity import wgs72

    return wgs72


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
