"""Write times and durations: one spelling of each, for people and for programs.

Every module that writes a time or a span of time uses these two functions (`time_text`,
`duration_text`), so the JSON contract, the tables, the messages and the saved files cannot drift
apart. It sits in `io`, at the bottom of the imports, so the element layer can use it too.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta, timezone, tzinfo
from operator import attrgetter
from typing import Any

ISO = "%Y-%m-%dT%H:%M:%SZ"  # the JSON contract's times: 2026-09-24T21:30:05Z
ISO_MINUTES = "%Y-%m-%dT%H:%MZ"
ISO_FRACTION = "%Y-%m-%dT%H:%M:%S.%fZ"  # with `digits` decimals of the second in place of %f
UTC_TEXT = "%Y-%m-%d %H:%M:%S UTC"  # for people: 2026-09-24 21:30:05 UTC
UTC_TEXT_MINUTES = "%Y-%m-%d %H:%M UTC"
LOCAL_TEXT = "%Y-%m-%d %H:%M:%S %Z"  # 2026-09-24 23:30:05 CEST

_HALF_SECOND = timedelta(microseconds=500_000)


def nearest_second(moment: datetime) -> datetime:
    """Return `moment` rounded to the nearest whole second (half a second rounds up), for display."""
    return (moment + _HALF_SECOND).replace(microsecond=0)


def time_text(
    moment: datetime,
    pattern: str = ISO,
    zone: tzinfo = timezone.utc,
    *,
    digits: int = 0,
    truncate: bool = False,
) -> str:
    """Return `moment` by strftime `pattern` in `zone`, rounded half up to `digits` decimals of a second.

    With `digits` (1-6), %f in the pattern stands for those decimals. `truncate` drops the fraction
    instead of rounding: for records read back later and for patterns without seconds, where
    rounding up would move the minute shown.
    """
    if truncate:
        shifted = moment
    elif not digits:  # the common case, called thousands of times a site: no timedelta to make
        shifted = (moment + _HALF_SECOND).replace(microsecond=0)
    else:
        shifted = moment + timedelta(microseconds=_HALF_SECOND.microseconds // 10**digits)
    shifted = shifted.astimezone(zone)
    if digits:
        pattern = pattern.replace("%f", f"{shifted.microsecond // 10 ** (6 - digits):0{digits}d}")
    elif shifted.year >= 1000:  # strftime writes years below 1000 as the platform does
        if pattern not in _COMPILED:
            if len(_COMPILED) >= _MAX_COMPILED:  # patterns are the code's own; a bound all the same
                _COMPILED.clear()
            _COMPILED[pattern] = _compile(pattern)
        compiled = _COMPILED[pattern]
        if compiled:
            form, fields, zone_named = compiled
            values = fields(shifted) if fields else ()
            if not isinstance(values, tuple):
                values = (values,)
            return form % ((*values, shifted.tzname() or "") if zone_named else values)
    return shifted.strftime(pattern)


# The numeric fields and the zone's abbreviation written with %-formatting: the same text as
# strftime writes, in a fifth of its time (a site writes about 100,000 times). Other directives
# (names of days and months, which follow the locale, and the rest) leave the pattern to strftime.
_FIELDS = {"Y": ("year", "%04d"), "m": ("month", "%02d"), "d": ("day", "%02d")}
_FIELDS |= {"H": ("hour", "%02d"), "M": ("minute", "%02d"), "S": ("second", "%02d")}
_Compiled = tuple[str, Callable[[datetime], Any] | None, bool]
_MAX_COMPILED = 64
_COMPILED: dict[str, _Compiled | None] = {}  # pattern: how to write it, or None for strftime


def _compile(pattern: str) -> _Compiled | None:
    """Return `pattern` as a %-format, its fields' getter and whether the zone's name ends it; None
    if strftime must write it."""
    form: list[str] = []
    names: list[str] = []
    zone_named = False
    rest = iter(pattern)
    for char in rest:
        if char != "%":
            form.append(char)
            continue
        directive = next(rest, "")
        if directive == "%":
            form.append("%%")
        elif directive == "Z" and not zone_named:
            form.append("%s")
            zone_named = True
        elif directive in _FIELDS and not zone_named:  # the zone's name comes last among the values
            name, spec = _FIELDS[directive]
            names.append(name)
            form.append(spec)
        else:
            return None
    if not form:
        return None
    return "".join(form), attrgetter(*names) if names else None, zone_named


def iso_z(moment: datetime) -> str:
    """Return `moment` as ISO 8601 UTC with a Z, rounded to the nearest second (the JSON contract's times)."""
    return time_text(moment)


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)


def iso_z_many(moments: list[datetime]) -> list[str]:
    """Return `iso_z` of many moments at once (numpy's datetime64 formatting: same text, far faster)."""
    import numpy as np

    seconds = [((m - _EPOCH) // _MICROSECOND + 500_000) // 1_000_000 for m in moments]
    text = np.datetime_as_string(np.array(seconds, dtype="datetime64[s]"), unit="s").tolist()
    return [f"{t}Z" for t in text]


def duration_text(
    seconds: float,
    *,
    show_seconds: bool = False,
    round_down: bool = False,
    days: bool = True,
    sparse: bool = False,
    coarse: bool = False,
    compact: bool = False,
    clamp: bool = True,
) -> str:
    """Return a span of time for people: '2 h 05 min' by default, to the nearest minute.

    The options keep each place's established wording:

    - default: '45 min', '2 h 05 min', '1 d 2 h 05 min', '1 d 5 min';
    - `days=False`: hours keep counting past a day ('26 h 05 min');
    - `sparse`: no zero parts and no padding ('1 d 30 min', '2 h', '0 min'), for margins in messages;
    - `coarse`: '<1 min' under a minute and no minutes past a day ('1 d 2 h');
    - `round_down`: whole minutes (or seconds) elapsed, as countdowns count, instead of the nearest;
    - `clamp=False`: a negative span is written as it comes instead of as zero;
    - `show_seconds`: a countdown to the second ('2h 05m 09s', '4m 03s', '12s');
    - `show_seconds` and `compact`: minutes and seconds only ('4m05s', '0m45s', '95m00s').
    """
    if show_seconds:
        total = math.floor(seconds) if round_down else round(seconds)
        total = max(0, total) if clamp else total
        if compact:
            return f"{total // 60}m{total % 60:02d}s"
        hours, rest = divmod(total, 3600)
        minutes, secs = divmod(rest, 60)
        if hours:
            return f"{hours}h {minutes:02d}m {secs:02d}s"
        return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"
    minutes = math.floor(seconds / 60) if round_down else round(seconds / 60)
    minutes = max(0, minutes) if clamp else minutes
    whole_days = 0
    if days:
        whole_days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if sparse:
        parts = [(whole_days, "d"), (hours, "h"), (minutes, "min")]
        return " ".join(f"{count} {unit}" for count, unit in parts if count) or "0 min"
    if coarse and not (whole_days or hours or minutes):
        return "<1 min"
    if coarse and whole_days:
        return f"{whole_days} d {hours} h"
    text = f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
    return f"{whole_days} d {text}" if whole_days else text


def age_span(days: float) -> str:
    """Return how long ago (or ahead) an epoch is: '32.6 hours' under two days, else '70.6 days'.

    The one spelling of the elements' age: the tables' titles, the notes, the warnings and the
    refusals all use it (JSON keeps the number, `age_days`).
    """
    days = abs(days)
    if days < 2:
        return f"{days * 24:.1f} hours"
    return f"{days:.1f} days"


def age_text(days: float) -> str:
    """Return an age like '32.6 hours old' or '70.6 days old' ('... before their epoch' when negative)."""
    return f"{age_span(days)} {'old' if days >= 0 else 'before their epoch'}"
