"""Read CCSDS Orbit Mean-Elements Messages as CelesTrak serves them (FORMAT=JSON and FORMAT=CSV).

Every field is checked before SGP4 sees it: sgp4's own reader takes whatever it is given (a NaN mean
motion, a 7-digit year, a negative eccentricity) and fails later, or not at all. A record is turned
into two-line elements for the rest of isstrack; a catalog number above 339999, which Alpha-5 cannot
write (sgp4 and Skyfield's `from_omm` raise on it), keeps its real number on the element set while
the lines carry the stand-in number 0 (no real object has it).
"""

from __future__ import annotations

import io
import json
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from isstrack.errors import TleFormatError

MAX_OMM_CHARS = 32_000_000  # the full Starlink group is about 7 MB of JSON
MAX_RECORDS = 50_000
MAX_CATALOG_NUMBER = 999_999_999  # nine digits: what the catalog will need for decades
ALPHA5_MAX = 339_999  # 'Z9999', the largest number two-line elements can carry
STAND_IN_CATALOG_NUMBER = 0

REQUIRED = (
    "NORAD_CAT_ID",
    "EPOCH",
    "MEAN_MOTION",
    "ECCENTRICITY",
    "INCLINATION",
    "RA_OF_ASC_NODE",
    "ARG_OF_PERICENTER",
    "MEAN_ANOMALY",
    "BSTAR",
    "MEAN_MOTION_DOT",
    "MEAN_MOTION_DDOT",
)
_EPOCH = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z?")
_OBJECT_ID = re.compile(r"(\d{4})-(\d{3})([A-Z]{1,3})")
_INTEGER = re.compile(r"[+-]?\d{1,12}")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class OmmRecord:
    """One validated OMM record: the mean elements SGP4 needs, in the units CelesTrak writes."""

    catalog_number: int
    object_name: str
    object_id: str  # international designator, e.g. 1998-067A ("" when not given)
    epoch: datetime
    mean_motion_rev_per_day: float
    eccentricity: float
    inclination_deg: float
    ra_of_asc_node_deg: float
    arg_of_pericenter_deg: float
    mean_anomaly_deg: float
    bstar: float
    mean_motion_dot: float
    mean_motion_ddot: float
    classification: str = "U"
    element_set_no: int = 999
    rev_at_epoch: int = 0
    created_at: datetime | None = None  # CREATION_DATE: when the message was made (Space-Track writes it)

    @property
    def tle_catalog_number(self) -> int:
        """Return the number the two-line form carries: the real one, or the stand-in above 339999."""
        return self.catalog_number if self.catalog_number <= ALPHA5_MAX else STAND_IN_CATALOG_NUMBER

    def as_json(self) -> dict[str, Any]:
        """Return the record as CelesTrak writes it in FORMAT=JSON."""
        return {
            "OBJECT_NAME": self.object_name,
            "OBJECT_ID": self.object_id,
            "EPOCH": self.epoch.strftime("%Y-%m-%dT%H:%M:%S.%f"),
            "MEAN_MOTION": self.mean_motion_rev_per_day,
            "ECCENTRICITY": self.eccentricity,
            "INCLINATION": self.inclination_deg,
            "RA_OF_ASC_NODE": self.ra_of_asc_node_deg,
            "ARG_OF_PERICENTER": self.arg_of_pericenter_deg,
            "MEAN_ANOMALY": self.mean_anomaly_deg,
            "EPHEMERIS_TYPE": 0,
            "CLASSIFICATION_TYPE": self.classification,
            "NORAD_CAT_ID": self.catalog_number,
            "ELEMENT_SET_NO": self.element_set_no,
            "REV_AT_EPOCH": self.rev_at_epoch,
            "BSTAR": self.bstar,
            "MEAN_MOTION_DOT": self.mean_motion_dot,
            "MEAN_MOTION_DDOT": self.mean_motion_ddot,
        } | ({"CREATION_DATE": self.created_at.strftime("%Y-%m-%dT%H:%M:%S")} if self.created_at else {})

    def tle_lines(self) -> tuple[str, str]:
        """Return the record as two-line elements (Alpha-5 above 99999, the stand-in above 339999)."""
        from sgp4 import exporter
        from sgp4.api import WGS72, Satrec

        days_since_1949 = (self.epoch - _EPOCH_1949).total_seconds() / 86400.0
        satrec = Satrec()
        satrec.sgp4init(
            WGS72,
            "i",
            self.tle_catalog_number,
            days_since_1949,
            self.bstar,
            self.mean_motion_dot / _NDOT_UNITS,
            self.mean_motion_ddot / _NDDOT_UNITS,
            self.eccentricity,
            math.radians(self.arg_of_pericenter_deg),
            math.radians(self.inclination_deg),
            math.radians(self.mean_anomaly_deg),
            self.mean_motion_rev_per_day / 720.0 * math.pi,
            math.radians(self.ra_of_asc_node_deg),
        )
        satrec.classification = self.classification
        satrec.intldesg = _tle_designator(self.object_id)
        satrec.ephtype = 0
        satrec.elnum = self.element_set_no % 10000
        satrec.revnum = self.rev_at_epoch % 100000  # the two-line form keeps five digits
        line1, line2 = exporter.export_tle(satrec)
        return str(line1), str(line2)


_EPOCH_1949 = datetime(1949, 12, 31, tzinfo=timezone.utc)
_NDOT_UNITS = 1036800.0 / math.pi  # rev/day^2 to rad/min^2, as sgp4's OMM reader converts
_NDDOT_UNITS = 2985984000.0 / 2.0 / math.pi


def parse_json(text: str) -> list[OmmRecord]:
    """Return the records of an OMM JSON text (a list of objects, or one object); TleFormatError if bad."""
    _check_size(text)
    try:
        data: Any = json.loads(text)
    except RecursionError:
        raise TleFormatError("the JSON is nested too deeply to be OMM (a list of flat records)") from None
    except ValueError:
        raise TleFormatError("the JSON is not valid (truncated?)") from None
    records = data if isinstance(data, list) else [data]
    if not records:
        raise TleFormatError("the OMM JSON holds no records")
    if len(records) > MAX_RECORDS:
        raise TleFormatError(f"the OMM JSON holds {len(records)} records, over the limit of {MAX_RECORDS}")
    parsed = []
    for index, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise TleFormatError(f"OMM record {index} is not an object (a list of records was expected)")
        parsed.append(parse_record(record, index))
    return parsed


def parse_csv(text: str) -> list[OmmRecord]:
    """Return the records of an OMM CSV text with a header row; TleFormatError if bad."""
    import csv  # only CSV input needs it

    _check_size(text)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = [name.strip().upper() for name in next(reader)]
        _check_header(header)
        rows: list[list[str]] = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(rows) >= MAX_RECORDS:
                raise TleFormatError(f"the OMM CSV holds over {MAX_RECORDS} records, the limit")
            rows.append(row)
    except csv.Error as exc:
        raise TleFormatError(f"the OMM CSV is not valid CSV ({exc})") from None
    except StopIteration:
        raise TleFormatError("the OMM CSV is empty") from None
    if not rows:
        raise TleFormatError("the OMM CSV holds no records (a header row only)")
    parsed = []
    for index, row in enumerate(rows, start=1):
        if len(row) != len(header):
            raise TleFormatError(
                f"OMM CSV record {index} has {len(row)} columns, the header {len(header)} (truncated?)"
            )
        fields = {key: cell.strip() for key, cell in zip(header, row, strict=True) if cell.strip() != ""}
        parsed.append(parse_record(fields, index))
    return parsed


def _check_header(header: list[str]) -> None:
    if len(set(header)) != len(header):
        raise TleFormatError("the OMM CSV header names a column twice")
    missing = [key for key in REQUIRED if key not in header]
    if missing:
        raise TleFormatError(f"the OMM CSV header lacks {', '.join(missing)}")


def parse_record(record: dict[str, Any], index: int = 1) -> OmmRecord:
    """Validate one record (values as numbers or text) and return it; TleFormatError naming the field."""
    where = f"OMM record {index}"
    missing = [key for key in REQUIRED if key not in record or record[key] is None]
    if missing:
        raise TleFormatError(f"{where} lacks {', '.join(missing)}")
    field = _Fields(record, where)
    catalog_number = field.integer("NORAD_CAT_ID", 1, MAX_CATALOG_NUMBER)
    where = f"{where} (catalog number {catalog_number})"
    field.where = where
    ephemeris_type = field.integer("EPHEMERIS_TYPE", 0, 9, default=0)
    if ephemeris_type != 0:
        raise TleFormatError(
            f"{where} has EPHEMERIS_TYPE {ephemeris_type}; only 0 (SGP4 mean elements) can be used"
        )
    mean_motion = field.number("MEAN_MOTION", 0.0, 20.0, open_low=True)
    eccentricity = field.number("ECCENTRICITY", 0.0, 1.0, open_high=True)
    record_out = OmmRecord(
        catalog_number=catalog_number,
        object_name=field.name(),
        object_id=field.object_id(),
        epoch=field.epoch(),
        mean_motion_rev_per_day=mean_motion,
        eccentricity=eccentricity,
        inclination_deg=field.number("INCLINATION", 0.0, 180.0),
        ra_of_asc_node_deg=field.number("RA_OF_ASC_NODE", 0.0, 360.0),
        arg_of_pericenter_deg=field.number("ARG_OF_PERICENTER", 0.0, 360.0),
        mean_anomaly_deg=field.number("MEAN_ANOMALY", 0.0, 360.0),
        bstar=field.number("BSTAR", -1.0, 1.0),
        mean_motion_dot=field.number("MEAN_MOTION_DOT", -1.0, 1.0),
        mean_motion_ddot=field.number("MEAN_MOTION_DDOT", -1.0, 1.0),
        classification=field.classification(),
        element_set_no=field.integer("ELEMENT_SET_NO", 0, 99_999_999, default=999),
        rev_at_epoch=field.integer("REV_AT_EPOCH", 0, 99_999_999, default=0),
        created_at=field.epoch("CREATION_DATE") if record.get("CREATION_DATE") else None,
    )
    return record_out


class _Fields:
    """Read typed values out of one record, raising one clear line per bad field."""

    def __init__(self, record: dict[str, Any], where: str) -> None:
        self.record = record
        self.where = where

    def _bad(self, key: str, problem: str) -> TleFormatError:
        return TleFormatError(f"{self.where}: {key} {problem}")

    def _shown(self, value: Any) -> str:
        text = repr(value) if isinstance(value, str) else str(value)
        return text if len(text) <= 40 else text[:37] + "..."

    def number(
        self, key: str, low: float, high: float, *, open_low: bool = False, open_high: bool = False
    ) -> float:
        value = self.record[key]
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise self._bad(key, f"is {type(value).__name__}, not a number")
        try:
            number = float(value) if not isinstance(value, str) or len(value) <= 40 else math.nan
        except ValueError:
            raise self._bad(key, f"{self._shown(value)} is not a number") from None
        if not math.isfinite(number):
            raise self._bad(key, f"is {self._shown(value)}, not a finite number")
        too_low = number <= low if open_low else number < low
        too_high = number >= high if open_high else number > high
        if too_low or too_high:
            lo, hi = ("(" if open_low else "["), (")" if open_high else "]")
            raise self._bad(key, f"{number:g} is outside {lo}{low:g}, {high:g}{hi}")
        return number

    def integer(self, key: str, low: int, high: int, default: int | None = None) -> int:
        value = self.record.get(key)
        if value is None or value == "":
            if default is None:
                raise self._bad(key, "is missing")
            return default
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise self._bad(key, f"{self._shown(value)} is not a whole number")
        if isinstance(value, str):
            if not _INTEGER.fullmatch(value.strip()):
                raise self._bad(key, f"{self._shown(value)} is not a whole number")
            value = int(value)
        if not low <= value <= high:
            raise self._bad(key, f"{value} is outside {low}-{high}")
        return value

    def name(self) -> str:
        value = self.record.get("OBJECT_NAME", "")
        if value is None or value == "":
            return "UNNAMED"
        if not isinstance(value, str):
            raise self._bad("OBJECT_NAME", f"{self._shown(value)} is not text")
        if len(value) > 80:
            raise self._bad("OBJECT_NAME", f"is {len(value)} characters long (80 at most)")
        if _CONTROL.search(value):
            raise self._bad("OBJECT_NAME", f"{_visible(value)} holds control characters")
        return value.strip() or "UNNAMED"

    def object_id(self) -> str:
        value = self.record.get("OBJECT_ID", "")
        if value is None or value == "":
            return ""
        if not isinstance(value, str) or not _OBJECT_ID.fullmatch(value.strip()):
            raise self._bad("OBJECT_ID", f"{self._shown(value)} is not a designator like 1998-067A")
        return value.strip()

    def classification(self) -> str:
        value = self.record.get("CLASSIFICATION_TYPE", "U")
        if value is None or value == "":
            return "U"
        if value not in ("U", "C", "S"):
            raise self._bad("CLASSIFICATION_TYPE", f"{self._shown(value)} is not U, C or S")
        return str(value)

    def epoch(self, key: str = "EPOCH") -> datetime:
        value = self.record[key]
        shown = self._shown(value)
        match = _EPOCH.fullmatch(value.strip()) if isinstance(value, str) else None
        if match is None:
            raise self._bad(key, f"{shown} is not a time like 2026-09-19T07:17:41.839008")
        year, month, day, hour, minute, second = (int(group) for group in match.groups()[:6])
        fraction = match.group(7) or "0"
        if not 1957 <= year <= 2100:
            raise self._bad(key, f"{shown} has the year {year}, outside 1957-2100")
        try:
            moment = datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
        except ValueError as exc:
            raise self._bad(key, f"{shown} is not a real date ({exc})") from None
        microseconds = round(float("0." + fraction) * 1e6)
        return moment + timedelta(microseconds=microseconds)


def _check_size(text: str) -> None:
    if len(text) > MAX_OMM_CHARS:
        raise TleFormatError(f"the OMM text is {len(text)} characters, over the {MAX_OMM_CHARS} limit")


def _tle_designator(object_id: str) -> str:
    """Return 1998-067A as the two-line form writes it: 98067A."""
    match = _OBJECT_ID.fullmatch(object_id)
    if match is None:
        return ""
    year, launch, piece = match.groups()
    return f"{year[2:]}{launch}{piece}"


def _visible(value: str) -> str:
    # repr shows control characters as escapes (\x1b, \n): the core cannot use render's literal().
    return repr(value[:40])
