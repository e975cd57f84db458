"""The next pass after a moment, and the fields a --format template can use."""

from __future__ import annotations

import math
import re
import string
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from isstrack import ISS_CATALOG_NUMBER
from isstrack.elements.trust import is_trusted, require_trusted_event, require_trusted_span
from isstrack.errors import BadInputError
from isstrack.io.timetext import nearest_second
from isstrack.sky.earth import compass
from isstrack.sky.orbit import Observer, Orbit
from isstrack.sky.passes import DEFAULT_STD_MAGNITUDE, Pass, find_passes

SEARCH_STEPS_DAYS = (2, 10, 30)

FIELD_HELP = {
    "start_local": "start of the visible part (the pass with --all), local datetime: {start_local:%H:%M}",
    "start_utc": "the same in UTC",
    "end_local": "end of the visible part, local datetime",
    "end_utc": "the same in UTC",
    "minutes_until": "whole minutes until it starts (0 if in progress)",
    "seconds_until": "seconds until it starts (0 if in progress)",
    "appears_dir": "16-point compass direction where it appears",
    "appears_elevation_deg": "elevation where it appears",
    "max_elevation_deg": "highest elevation of the (visible) pass",
    "max_dir": "direction of the highest point",
    "disappears_dir": "direction where it disappears",
    "disappears_elevation_deg": "elevation where it disappears",
    "duration_s": "seconds visible (seconds up, with --all for a non-visible pass)",
    "magnitude": "brightest magnitude (nan if not visible)",
    "kind": "visible, daylight or shadow",
    "in_progress": "True if it has already started",
    "place": "the observer's place name",
    "time_zone": "the time zone of local times",
    "satellite": "the object's name (ISS by default; the one --sat chose)",
    "catalog_number": "its catalog number",
}


@dataclass(frozen=True)
class NextPass:
    """The next pass and how it relates to the moment asked about."""

    item: Pass
    asked_at: datetime

    @property
    def start(self) -> datetime:
        """Return when the interesting part starts: the visible start, else the rise."""
        return (self.item.visible_start or self.item.rise).time

    @property
    def end(self) -> datetime:
        """Return when the interesting part ends: the visible end, else the set."""
        return (self.item.visible_end or self.item.set).time

    @property
    def in_progress(self) -> bool:
        """Return whether it had already started at the moment asked about."""
        return self.start <= self.asked_at


def is_wanted(item: Pass, all_passes: bool = False, max_magnitude: float | None = None) -> bool:
    """Return whether a pass is asked for: visible (any pass with `all_passes`) and bright enough.

    The one filter of `passes`, `next`, `passes --places` and `alert`: with `max_magnitude`, only a
    visible pass at least that bright (magnitude at most that) passes, whatever `all_passes` says.
    """
    if not (all_passes or item.visible):
        return False
    return max_magnitude is None or (item.magnitude is not None and item.magnitude <= max_magnitude)


def find_next(
    orbit: Orbit,
    observer: Observer,
    at: datetime,
    min_elevation_deg: float,
    visible_only: bool,
    within: timedelta | None,
    std_magnitude: float = DEFAULT_STD_MAGNITUDE,
    max_magnitude: float | None = None,
) -> NextPass | None:
    """Return the first pass (visible unless `visible_only` is False) still to come or in progress at `at`."""
    spans = [within] if within is not None else [timedelta(days=d) for d in SEARCH_STEPS_DAYS]
    searched_to = at
    for span in spans:
        end = at + span
        search = find_passes(orbit, observer, searched_to, end, min_elevation_deg, std_magnitude)
        for item in search.passes:
            if not is_wanted(item, not visible_only, max_magnitude):
                continue
            candidate = NextPass(item, at)
            if candidate.end > at and candidate.start < end:
                return candidate
        searched_to = end - timedelta(minutes=30)
    return None


def require_trusted_passes(
    items: list[Pass],
    epoch: datetime,
    at: datetime,
    end: datetime,
    max_age_days: float | None = None,
) -> list[Pass]:
    """Return the passes whose (visible) start is at a trusted age; raise UntrustedElementsError if none is.

    With none found at all, raise it when part of the span from `at` to `end` is past the limit.
    """
    kept = [item for item in items if _trusted_start(item, epoch, at, max_age_days)]
    if kept:
        return kept
    if items:
        require_trusted_event(epoch, max(NextPass(items[0], at).start, at), max_age_days)
    require_trusted_span(epoch, at, end, max_age_days)
    return kept


def _trusted_start(item: Pass, epoch: datetime, at: datetime, max_age_days: float | None) -> bool:
    announced = max(NextPass(item, at).start, at)  # a pass in progress is announced now
    return is_trusted((announced - epoch).total_seconds() / 86400.0, max_age_days)


def template_fields(
    found: NextPass,
    zone: Any,
    place_name: str,
    zone_label: str,
    satellite: str = "ISS",
    catalog_number: int = ISS_CATALOG_NUMBER,
) -> dict[str, Any]:
    """Return the values a --format template may name."""
    item = found.item
    first = item.visible_start or item.rise
    top = item.visible_highest or item.culmination
    last = item.visible_end or item.set
    until = max(0.0, (found.start - found.asked_at).total_seconds())
    start, end = nearest_second(found.start), nearest_second(found.end)
    return {
        "start_local": start.astimezone(zone),
        "start_utc": start,
        "end_local": end.astimezone(zone),
        "end_utc": end,
        "minutes_until": int(until // 60),
        "seconds_until": int(until),
        "appears_dir": compass(first.azimuth_deg),
        "appears_elevation_deg": first.elevation_deg,
        "max_elevation_deg": top.elevation_deg,
        "max_dir": compass(top.azimuth_deg),
        "disappears_dir": compass(last.azimuth_deg),
        "disappears_elevation_deg": last.elevation_deg,
        "duration_s": round(item.visible_duration_s if item.visible else item.duration_s),
        "magnitude": item.magnitude if item.magnitude is not None else math.nan,
        "kind": item.kind,
        "in_progress": found.in_progress,
        "place": place_name,
        "satellite": satellite,
        "catalog_number": catalog_number,
        "time_zone": zone_label,
    }


MAX_TEMPLATE_CHARS = 1000
MAX_FORMAT_WIDTH = 200  # the largest width or precision a --format spec may ask for
_DATETIME_FIELDS = frozenset({"start_local", "start_utc", "end_local", "end_utc"})
_STRFTIME_WIDTH = re.compile(r"%[-_0^#+]*(\d+)")  # glibc pads %1000000000Y to a gigabyte
_NUMBER = re.compile(r"\d+")


def check_template(template: str) -> None:
    """Raise BadInputError unless the template uses only plain field names and bounded format specs."""
    if len(template) > MAX_TEMPLATE_CHARS:
        raise BadInputError(
            f"--format is {len(template)} characters long; keep it under {MAX_TEMPLATE_CHARS}"
        )
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise BadInputError(
            f"--format {_shown(template)} is not a valid template ({exc}); "
            "write fields like {minutes_until}, and {{ }} for braces"
        ) from None
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in FIELD_HELP:
            raise BadInputError(_field_problem(field))
        if conversion is not None:
            raise BadInputError(
                f"--format: {{{field}!{conversion}}}: conversions are not allowed; "
                f"write {{{field}}} or {{{field}:SPEC}}"
            )
        _check_spec(field, spec or "")
    render_template(template, _sample_fields())  # a bad format spec fails now, before any work


def _field_problem(field: str) -> str:
    if not field:
        return "--format: empty or positional {} fields are not allowed; name a field like {minutes_until}"
    base = re.split(r"[.\[]", field, maxsplit=1)[0]
    if base in FIELD_HELP:
        return (
            f"--format: {{{_shown(field, quote=False)}}}: only plain field names are allowed "
            f"(no attributes or indexing); write {{{base}}} or {{{base}:SPEC}}"
        )
    return f"--format: unknown field {{{_shown(field, quote=False)}}}; valid fields: {', '.join(FIELD_HELP)}"


def _check_spec(field: str, spec: str) -> None:
    if "{" in spec or "}" in spec:
        raise BadInputError(f"--format: {{{field}:...}}: nested fields in a format spec are not allowed")
    numbers = _STRFTIME_WIDTH.findall(spec) if field in _DATETIME_FIELDS else _NUMBER.findall(spec)
    if any(int(n) > MAX_FORMAT_WIDTH for n in numbers):
        raise BadInputError(
            f"--format: {{{field}:{_shown(spec, quote=False)}}} asks for a width or precision over "
            f"{MAX_FORMAT_WIDTH}; give at most {MAX_FORMAT_WIDTH}"
        )


def _shown(text: str, quote: bool = True, limit: int = 60) -> str:
    """Return user text for a message: escaped, and cut short when long."""
    shown = repr(text[:limit])
    if not quote:
        shown = shown[1:-1]
    return shown + ("..." if len(text) > limit else "")


def _sample_fields() -> dict[str, Any]:
    moment = datetime(2026, 1, 1, tzinfo=timezone.utc)
    sample: dict[str, Any] = {name: 0 for name in FIELD_HELP}
    sample.update(
        start_local=moment,
        start_utc=moment,
        end_local=moment,
        end_utc=moment,
        appears_dir="N",
        max_dir="N",
        disappears_dir="N",
        kind="visible",
        place="",
        time_zone="UTC",
        appears_elevation_deg=0.0,
        max_elevation_deg=0.0,
        disappears_elevation_deg=0.0,
        magnitude=0.0,
        in_progress=False,
    )
    return sample


def render_template(template: str, fields: dict[str, Any]) -> str:
    """Fill a checked template, turning format-spec mistakes into BadInputError."""
    try:
        return template.format_map(fields)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
        raise BadInputError(f"--format {_shown(template)} cannot be filled: {exc}") from None
