"""Standard magnitudes: how bright each object is at 1000 km and 90° phase, and where that figure comes from.

Sources, in order: `--std-mag` (given), a `--std-mag-file` (McCants' qs.mag layout, or plain
"catalog-number magnitude" lines), the few values isstrack ships, a constellation model, else
unknown: isstrack does not guess. Only values whose use is clearly allowed are shipped (a figure
quoted with its source); McCants' tables are not bundled, as they carry no licence, but a user can
point `--std-mag-file` at their own copy.

A radar cross-section (qs.mag's RCS column, where the magnitude is blank) gives a `size estimate`:
a Lambertian sphere of that cross-section and albedo 0.2 at 1000 km and 90° phase,
m = -26.74 - 2.5 log10(p A (2 / 3π) / (10^6 m)^2): 1 m² gives +6.7, 2,500 m² -1.8 (the ISS).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from isstrack import ISS_CATALOG_NUMBER
from isstrack.errors import BadInputError
from isstrack.io.infile import NotRegularFileError, open_regular

MagnitudeSource = Literal["given", "observed", "size estimate", "model", "unknown"]

SUN_MAGNITUDE = -26.74
ASSUMED_ALBEDO = 0.2
STD_RANGE_M = 1.0e6
MAGNITUDE_RANGE = (-10.0, 20.0)
MAX_FILE_BYTES = 4_000_000


@dataclass(frozen=True)
class StdMagnitude:
    """An object's standard magnitude (None when unknown), its kind of source and where it came from."""

    value: float | None
    source: MagnitudeSource
    origin: str = ""


UNKNOWN = StdMagnitude(None, "unknown", "no published value; give one with --std-mag or --std-mag-file")
# The ISS's value is the one isstrack has always used (FACTS.md: the common value; some tools -1.3).
SHIPPED = {ISS_CATALOG_NUMBER: StdMagnitude(-1.8, "observed", "the usual value for the ISS")}
# Name prefix -> model value. Starlink Gen 2 Mini in brightness-mitigation mode: mean magnitude 7.87
# adjusted to 1000 km (Mallama et al. 2023, arXiv:2309.14152); older Starlinks are brighter.
MODELS = {
    "STARLINK": StdMagnitude(7.9, "model", "Starlink Gen 2 Mini, mean at 1000 km (Mallama et al. 2023)"),
}
_QS_NUMBER = re.compile(r"\s*(\d{1,5}|[A-HJ-NP-Z]\d{4})")


def size_estimate(cross_section_m2: float) -> float:
    """Return the standard magnitude of a Lambertian sphere of albedo 0.2 and this cross-section."""
    flux_ratio = ASSUMED_ALBEDO * cross_section_m2 * (2.0 / (3.0 * math.pi)) / STD_RANGE_M**2
    return SUN_MAGNITUDE - 2.5 * math.log10(flux_ratio)


def std_magnitude(
    catalog_number: int,
    name: str,
    table: Mapping[int, StdMagnitude] | None = None,
    given: float | None = None,
) -> StdMagnitude:
    """Return the standard magnitude to use for an object, with its source."""
    if given is not None:
        return StdMagnitude(check_magnitude(given, "--std-mag"), "given", "--std-mag")
    if table is not None and catalog_number in table:
        return table[catalog_number]
    if catalog_number in SHIPPED:
        return SHIPPED[catalog_number]
    for prefix, model in MODELS.items():
        if name.upper().startswith(prefix):
            return model
    return UNKNOWN


def check_magnitude(value: float, what: str) -> float:
    """Return `value` if it is a plausible standard magnitude, else BadInputError."""
    low, high = MAGNITUDE_RANGE
    if not math.isfinite(value) or not low <= value <= high:
        raise BadInputError(
            f"{what} {value:g} is not a standard magnitude; give one from {low:g} to {high:g}"
        )
    return value


def read_std_mag_file(path: Path) -> dict[int, StdMagnitude]:
    """Read a standard-magnitude file: qs.mag's fixed columns, or 'catalog-number magnitude' lines."""

    try:
        with open_regular(path) as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise BadInputError(f"--std-mag-file {path}: no such file") from None
    except (IsADirectoryError, NotRegularFileError):
        raise BadInputError(f"--std-mag-file {path} is not a regular file") from None
    except OSError as exc:
        raise BadInputError(f"--std-mag-file {path} cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise BadInputError(f"--std-mag-file {path} is over the {MAX_FILE_BYTES // 1_000_000} MB limit")
    return parse_std_mags(raw.decode("utf-8", errors="replace"), str(path))


def parse_std_mags(text: str, origin: str) -> dict[int, StdMagnitude]:
    """Parse a standard-magnitude table; BadInputError names the first line that is neither format."""
    table: dict[int, StdMagnitude] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{origin} line {number}:"
        entry = _plain_line(line, origin, where) or _qs_line(line, origin, where)
        if entry is None:
            if number == 1:
                continue  # qs.mag opens with a title line
            raise BadInputError(
                f"{origin} line {number} ({line[:40]!r}) is neither qs.mag columns nor "
                "'catalog-number magnitude'; fix or remove it"
            )
        catalog_number, magnitude = entry
        if magnitude is not None:
            table[catalog_number] = magnitude
    if not table:
        raise BadInputError(f"{origin} holds no standard magnitudes")
    return table


def _plain_line(line: str, origin: str, where: str) -> tuple[int, StdMagnitude | None] | None:
    fields = line.replace(",", " ").split()
    if len(fields) != 2 or not fields[0].isdigit():
        return None
    try:
        value = float(fields[1])
    except ValueError:
        return None
    return int(fields[0]), StdMagnitude(check_magnitude(value, where), "observed", origin)


def _qs_line(line: str, origin: str, where: str) -> tuple[int, StdMagnitude | None] | None:
    match = _QS_NUMBER.fullmatch(line[:5])
    if match is None or len(line) < 37:
        return None
    catalog_number = _alpha5(match.group(1))
    magnitude_text, rcs_text = line[33:37].strip(), line[50:55].strip()
    try:
        if magnitude_text:
            value = check_magnitude(float(magnitude_text), where)
            return catalog_number, StdMagnitude(value, "observed", origin)
        if rcs_text and float(rcs_text) > 0:
            rcs = float(rcs_text)
            return catalog_number, StdMagnitude(round(size_estimate(rcs), 1), "size estimate", origin)
    except ValueError:
        return None
    return catalog_number, None


def _alpha5(text: str) -> int:
    if text[0].isdigit():
        return int(text)
    letter = ord(text[0]) - ord("A") + 10
    letter -= (text[0] > "I") + (text[0] > "O")  # Alpha-5 skips I and O
    return letter * 10000 + int(text[1:])
