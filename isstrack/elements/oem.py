"""Read a CCSDS Orbit Ephemeris Message (OEM, KVN text) such as NASA/JSC's ISS.OEM_J2K_EPH.txt.

Strict and bounded: at most MAX_OEM_BYTES and MAX_STATES, lines of at most MAX_LINE_CHARS, one
clear sentence for the first problem found. Only what isstrack can use honestly is accepted: the
Earth as centre, EME2000 axes, UTC epochs, states (km, km/s) in strictly increasing time inside each
segment, finite numbers a low Earth orbit can have. Covariance blocks are skipped; accelerations on a
state line are ignored. The XML form is refused before any parsing (no entity can expand): NASA
publishes the same states and comments as KVN text.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import numpy as np

from isstrack.errors import BadInputError

if TYPE_CHECKING:  # numpy.typing costs about 30 ms to import: annotations only
    from numpy.typing import NDArray

    Array = NDArray[Any]


MAX_OEM_BYTES = 8 * 2**20  # NASA's 15-day file at 4-minute steps is about 0.6 MB
MAX_STATES = 100_000
MAX_LINE_CHARS = 1000
MAX_SEGMENTS = 1000
VERSIONS = ("1.0", "2.0", "3.0")
# A file "created" later than this after the reader's clock is refused (clock skew allowance).
FUTURE_TOLERANCE = timedelta(hours=1)
TIME_TOLERANCE_S = 0.001
# A station in low Earth orbit: 150-1000 km above the WGS84 ellipsoid (polar radius 6356.752 km,
# equatorial 6378.137 km), at 6.9-8.3 km/s (circular speed 7.35-7.81 km/s).
RADIUS_RANGE_KM = (6356.752 + 150.0, 6378.137 + 1000.0)
SPEED_RANGE_KM_S = (6.9, 8.3)

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_EPOCH = re.compile(r"(\d{4})-(?:(\d{2})-(\d{2})|(\d{3}))T(\d{2}):(\d{2}):(\d{2}(?:\.\d{1,9})?)Z?")
_REQUIRED_META = (
    "OBJECT_NAME",
    "OBJECT_ID",
    "CENTER_NAME",
    "REF_FRAME",
    "TIME_SYSTEM",
    "START_TIME",
    "STOP_TIME",
)
_KNOWN_META = (
    *_REQUIRED_META,
    "USEABLE_START_TIME",
    "USEABLE_STOP_TIME",
    "INTERPOLATION",
    "INTERPOLATION_DEGREE",
    "REF_FRAME_EPOCH",
    "COMMENT",
)


class OemFormatError(BadInputError):
    """Reject text that is not an OEM isstrack can use."""


@dataclass(frozen=True)
class OemSegment:
    """One segment: its metadata and its states (UTC POSIX seconds, EME2000 km and km/s)."""

    object_name: str
    object_id: str
    start: datetime
    stop: datetime
    useable_start: datetime
    useable_stop: datetime
    times_s: Array
    position_km: Array
    velocity_km_s: Array
    comments: tuple[str, ...]


@dataclass(frozen=True)
class Oem:
    """A whole message: header, and segments in time order."""

    version: str
    creation: datetime
    originator: str
    header_comments: tuple[str, ...]
    segments: tuple[OemSegment, ...]

    @property
    def comments(self) -> tuple[str, ...]:
        """Return every COMMENT line of the message, in order."""
        return self.header_comments + tuple(c for s in self.segments for c in s.comments)

    @property
    def start(self) -> datetime:
        """Return the first useable moment of the message."""
        return self.segments[0].useable_start

    @property
    def stop(self) -> datetime:
        """Return the last useable moment of the message."""
        return self.segments[-1].useable_stop

    @property
    def state_count(self) -> int:
        """Return how many states the message holds."""
        return sum(len(s.times_s) for s in self.segments)


def parse_epoch(text: str) -> datetime:
    """Return the aware UTC datetime of a CCSDS epoch (calendar or day-of-year form); else ValueError."""
    match = _EPOCH.fullmatch(text)
    if match is None:
        raise ValueError(text)
    year, month, day, doy, hour, minute, second = match.groups()
    whole, _, fraction = second.partition(".")
    micro = round(float("0." + fraction) * 1e6) if fraction else 0
    if doy is not None:
        base = datetime(int(year), 1, 1, tzinfo=timezone.utc) + timedelta(days=int(doy) - 1)
        if base.year != int(year):
            raise ValueError(text)
    else:
        base = datetime(int(year), int(month), int(day), tzinfo=timezone.utc)
    if int(hour) > 23 or int(minute) > 59 or int(whole) > 59:
        raise ValueError(text)  # a leap second (60) never falls inside an ISS file's span so far
    return base + timedelta(hours=int(hour), minutes=int(minute), seconds=int(whole), microseconds=micro)


class _Lines:
    """The message's lines with their numbers, skipping blank ones."""

    def __init__(self, text: str, where: str) -> None:
        self.where = where
        self.items = [(n, line.strip()) for n, line in enumerate(text.split("\n"), 1) if line.strip()]
        self.position = 0

    def error(self, number: int, problem: str) -> OemFormatError:
        return OemFormatError(f"{self.where}, line {number}: {problem}")

    def peek(self) -> tuple[int, str] | None:
        return self.items[self.position] if self.position < len(self.items) else None

    def take(self) -> tuple[int, str]:
        item = self.items[self.position]
        self.position += 1
        return item


def _key_value(line: str) -> tuple[str, str] | None:
    key, equals, value = line.partition("=")
    if not equals:
        return None
    return key.strip().upper(), value.strip()


def parse_oem(data: bytes, where: str, now: datetime) -> Oem:
    """Return the message in `data` (bytes of a KVN OEM); raise OemFormatError naming the first problem.

    `where` names the source in messages (a path or URL); `now` bounds CREATION_DATE.
    """
    if len(data) > MAX_OEM_BYTES:
        raise OemFormatError(f"{where} is over the {MAX_OEM_BYTES // 2**20} MB limit for an ephemeris file")
    if b"\0" in data:
        raise OemFormatError(f"{where} is not text (it holds NUL bytes); give a CCSDS OEM text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise OemFormatError(f"{where} is not UTF-8 text; give a CCSDS OEM text file") from None
    if text.lstrip().startswith("<"):
        raise OemFormatError(
            f"{where} is XML; isstrack reads the KVN text form of an OEM (NASA's ISS.OEM_J2K_EPH.txt, "
            "not the .xml twin)"
        )
    lines = _Lines(text.replace("\r\n", "\n").replace("\r", "\n"), where)
    for number, line in lines.items:
        if len(line) > MAX_LINE_CHARS:
            raise lines.error(number, f"is over {MAX_LINE_CHARS} characters; this is not an OEM")
    if not lines.items:
        raise OemFormatError(f"{where} is empty; give a CCSDS OEM text file")
    version, creation, originator, comments = _header(lines, now)
    segments: list[OemSegment] = []
    states = 0
    while lines.peek() is not None:
        if len(segments) >= MAX_SEGMENTS:
            raise lines.error(lines.take()[0], f"more than {MAX_SEGMENTS} segments; this is not an ISS OEM")
        segment = _segment(lines, states)
        states += len(segment.times_s)
        if segments and segment.start.timestamp() < segments[-1].stop.timestamp() - TIME_TOLERANCE_S:
            raise OemFormatError(
                f"{where}: segment {len(segments) + 1} starts at {segment.start:%Y-%m-%d %H:%M:%S} UTC, "
                f"before the previous one stops; segments must be in time order"
            )
        segments.append(segment)
    if not segments:
        raise OemFormatError(f"{where} has a header but no META_START segment: it is truncated or not an OEM")
    return Oem(version, creation, originator, comments, tuple(segments))


def _header(lines: _Lines, now: datetime) -> tuple[str, datetime, str, tuple[str, ...]]:
    number, first = lines.take()
    pair = _key_value(first)
    if pair is None or pair[0] != "CCSDS_OEM_VERS":
        raise lines.error(number, "does not start with CCSDS_OEM_VERS; this is not a CCSDS OEM in KVN form")
    if pair[1] not in VERSIONS:
        raise lines.error(
            number, f"CCSDS_OEM_VERS = {pair[1][:20]} is not a version isstrack reads (1.0-3.0)"
        )
    version = pair[1]
    values: dict[str, str] = {}
    comments: list[str] = []
    while (item := lines.peek()) is not None and item[1].upper() != "META_START":
        number, line = lines.take()
        if line.upper().startswith("COMMENT"):
            comments.append(line[7:].rstrip())
            continue
        pair = _key_value(line)
        if pair is None or pair[0] not in ("CREATION_DATE", "ORIGINATOR", "MESSAGE_ID"):
            raise lines.error(number, f"unexpected in the header: {line[:60]!r}")
        values[pair[0]] = pair[1]
    for key in ("CREATION_DATE", "ORIGINATOR"):
        if key not in values:
            raise OemFormatError(f"{lines.where}: the header has no {key}; this is not a complete OEM")
    try:
        creation = parse_epoch(values["CREATION_DATE"])
    except ValueError:
        raise OemFormatError(
            f"{lines.where}: CREATION_DATE {values['CREATION_DATE'][:40]!r} is not a CCSDS time"
        ) from None
    if creation > now + FUTURE_TOLERANCE:
        raise OemFormatError(
            f"{lines.where}: CREATION_DATE {creation:%Y-%m-%d %H:%M} UTC is in the future "
            f"(now {now:%Y-%m-%d %H:%M} UTC); check the computer's clock or the file"
        )
    return version, creation, values["ORIGINATOR"], tuple(comments)


def _segment(lines: _Lines, states_before: int) -> OemSegment:
    number, line = lines.take()
    if line.upper() != "META_START":
        raise lines.error(number, f"expected META_START, found {line[:60]!r}")
    meta: dict[str, str] = {}
    comments: list[str] = []
    while True:
        item = lines.peek()
        if item is None:
            raise lines.error(number, "META_START has no META_STOP: the file is truncated")
        number, line = lines.take()
        if line.upper() == "META_STOP":
            break
        if line.upper().startswith("COMMENT"):
            comments.append(line[7:].rstrip())
            continue
        pair = _key_value(line)
        if pair is None or pair[0] not in _KNOWN_META:
            raise lines.error(number, f"unexpected in the metadata: {line[:60]!r}")
        meta[pair[0]] = pair[1]
    _check_meta(lines, number, meta)
    times = _meta_times(lines, number, meta)
    epochs: list[float] = []
    rows: list[list[float]] = []
    while (item := lines.peek()) is not None and item[1].upper() != "META_START":
        number, line = lines.take()
        upper = line.upper()
        if upper.startswith("COMMENT"):
            comments.append(line[7:].rstrip())
        elif upper == "COVARIANCE_START":
            _skip_covariance(lines, number)
        else:
            epoch, row = _state(lines, number, line)
            if epochs and epoch <= epochs[-1]:
                raise lines.error(
                    number, "the time does not increase from the line before; states must be in time order"
                )
            epochs.append(epoch)
            rows.append(row)
            if states_before + len(rows) > MAX_STATES:
                raise lines.error(number, f"more than {MAX_STATES} states; this is not an ISS OEM")
    return _build(lines, number, meta, times, epochs, rows, comments)


def _check_meta(lines: _Lines, number: int, meta: dict[str, str]) -> None:
    for key in _REQUIRED_META:
        if key not in meta:
            raise lines.error(number, f"the segment's metadata has no {key}")
    if meta["CENTER_NAME"].upper() != "EARTH":
        raise lines.error(
            number, f"CENTER_NAME = {meta['CENTER_NAME'][:30]}: isstrack needs states about the EARTH"
        )
    if meta["REF_FRAME"].upper() != "EME2000":
        raise lines.error(
            number,
            f"REF_FRAME = {meta['REF_FRAME'][:30]}: isstrack reads EME2000 states only (as NASA publishes); "
            "give the EME2000 file",
        )
    if meta["TIME_SYSTEM"].upper() != "UTC":
        raise lines.error(
            number,
            f"TIME_SYSTEM = {meta['TIME_SYSTEM'][:30]}: isstrack reads UTC epochs only (as NASA publishes)",
        )


def _meta_times(lines: _Lines, number: int, meta: dict[str, str]) -> dict[str, datetime]:
    times: dict[str, datetime] = {}
    for key in ("START_TIME", "STOP_TIME", "USEABLE_START_TIME", "USEABLE_STOP_TIME"):
        if key in meta:
            try:
                times[key] = parse_epoch(meta[key])
            except ValueError:
                raise lines.error(number, f"{key} = {meta[key][:40]!r} is not a CCSDS time") from None
    times.setdefault("USEABLE_START_TIME", times["START_TIME"])
    times.setdefault("USEABLE_STOP_TIME", times["STOP_TIME"])
    if (
        not times["START_TIME"]
        <= times["USEABLE_START_TIME"]
        < times["USEABLE_STOP_TIME"]
        <= times["STOP_TIME"]
    ):
        raise lines.error(number, "START, USEABLE_START, USEABLE_STOP and STOP times are not in order")
    return times


def _skip_covariance(lines: _Lines, number: int) -> None:
    while (item := lines.peek()) is not None:
        lines.take()
        if item[1].upper() == "COVARIANCE_STOP":
            return
    raise lines.error(number, "COVARIANCE_START has no COVARIANCE_STOP: the file is truncated")


def _state(lines: _Lines, number: int, line: str) -> tuple[float, list[float]]:
    fields = line.split()
    if len(fields) not in (7, 10):
        raise lines.error(
            number,
            f"a state line needs a time and 6 numbers (x y z vx vy vz); it has {len(fields)} fields: "
            "the file is truncated or damaged",
        )
    try:
        epoch = parse_epoch(fields[0]).timestamp()
    except ValueError:
        raise lines.error(number, f"{fields[0][:40]!r} is not a CCSDS time") from None
    if not all(_NUMBER.fullmatch(f) for f in fields[1:]):
        raise lines.error(number, "a state holds something that is not a finite number (NaN, inf or text)")
    row = [float(f) for f in fields[1:7]]
    if not all(math.isfinite(v) for v in row):
        raise lines.error(number, "a state holds a number too large to be real")
    radius = math.hypot(*row[:3])
    speed = math.hypot(*row[3:])
    if (
        not RADIUS_RANGE_KM[0] <= radius <= RADIUS_RANGE_KM[1]
        or not SPEED_RANGE_KM_S[0] <= speed <= SPEED_RANGE_KM_S[1]
    ):
        raise lines.error(
            number,
            f"a state {radius:,.0f} km from the Earth's centre at {speed:.2f} km/s is not a station in low "
            "Earth orbit (positions must be km, velocities km/s)",
        )
    return epoch, row


def _build(
    lines: _Lines,
    number: int,
    meta: dict[str, str],
    times: dict[str, datetime],
    epochs: list[float],
    rows: list[list[float]],
    comments: list[str],
) -> OemSegment:
    if len(epochs) < 2:
        raise lines.error(number, "a segment has fewer than 2 states: the file is truncated")
    start, stop = times["START_TIME"].timestamp(), times["STOP_TIME"].timestamp()
    if epochs[0] < start - TIME_TOLERANCE_S:
        raise lines.error(number, "a segment has states before its START_TIME")
    if epochs[-1] > stop + TIME_TOLERANCE_S:
        raise lines.error(number, "a segment has states after its STOP_TIME")
    if epochs[-1] < stop - 1.0:
        raise lines.error(
            number,
            f"the states end at {datetime.fromtimestamp(epochs[-1], timezone.utc):%Y-%m-%d %H:%M:%S} UTC, "
            f"before the segment's STOP_TIME {times['STOP_TIME']:%Y-%m-%d %H:%M:%S}: the file is truncated",
        )
    values = np.array(rows, dtype=float)
    arrays = [np.array(epochs, dtype=float), values[:, :3].copy(), values[:, 3:].copy()]
    for array in arrays:
        array.flags.writeable = False
    return OemSegment(
        object_name=meta["OBJECT_NAME"],
        object_id=meta["OBJECT_ID"],
        start=times["START_TIME"],
        stop=times["STOP_TIME"],
        useable_start=times["USEABLE_START_TIME"],
        useable_stop=times["USEABLE_STOP_TIME"],
        times_s=arrays[0],
        position_km=arrays[1],
        velocity_km_s=arrays[2],
        comments=tuple(comments),
    )
