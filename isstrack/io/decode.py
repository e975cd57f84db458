"""Decode the JSON and TOML files isstrack keeps on disk, within bounds: size, nesting, numbers, times.

State files (the alert record, the element cache, the download log) and the saved location are
small and flat. Anything deeper than MAX_DEPTH, bigger than the caller's limit, with a number
longer than MAX_NUMBER_CHARS digits (or an integer beyond 64 bits, as TOML itself requires), or
a time whose arithmetic would leave the calendar, is damage: DecodeError, never RecursionError
or OverflowError from deep inside the parser or later in the caller.
"""

from __future__ import annotations

import json
import math
import re
import sys
from datetime import datetime, timezone
from typing import Any

MAX_DEPTH = 32  # arrays and objects (tables) inside one another; isstrack writes at most 3
MAX_NUMBER_CHARS = 40
MAX_TIME_CHARS = 40
EARLIEST_YEAR = 1900  # a recorded time outside these years is damage: no pass arithmetic
LATEST_YEAR = 9000  # (a day or an hour either way) can overflow inside them
_INT64 = 2**63

# Strings (and TOML comments), to blank out before counting brackets. Each pattern matches from any
# opening quote, closed or not, so that a damaged file costs one pass (no retry at every later quote).
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\[\s\S]?)*"?')
_TOML_SKIPPED = re.compile(
    r'"""[\s\S]*?(?:"""|\Z)|\'\'\'[\s\S]*?(?:\'\'\'|\Z)|"(?:[^"\\\n]|\\.?)*"?|\'[^\'\n]*\'?|#[^\n]*'
)
_BRACKET = re.compile(r"[\[\]{}]")


class DecodeError(ValueError):
    """The bytes are not a file of the kind expected, within its bounds."""


def load_json(raw: bytes, max_bytes: int) -> Any:
    """Return the JSON value in `raw`; raise DecodeError if it is damaged or out of bounds."""
    _check_size(raw, max_bytes)
    text = _text(raw)
    _check_depth(_JSON_STRING.sub('""', text))
    try:
        return json.loads(text, parse_int=_json_int, parse_float=_json_float, parse_constant=_json_constant)
    except RecursionError:  # a backstop: the depth was checked above
        raise DecodeError(f"nested over {MAX_DEPTH} deep") from None
    except DecodeError:
        raise
    except ValueError as exc:
        raise DecodeError(f"not valid JSON ({_first_line(exc)})") from None


def load_toml(raw: bytes, max_bytes: int) -> dict[str, Any]:
    """Return the TOML document in `raw`; raise DecodeError if it is damaged or out of bounds."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    _check_size(raw, max_bytes)
    text = _text(raw)
    _check_depth(_TOML_SKIPPED.sub('""', text))
    try:
        data: dict[str, Any] = tomllib.loads(text, parse_float=_toml_float)
    except RecursionError:
        raise DecodeError(f"nested over {MAX_DEPTH} deep") from None
    except DecodeError:
        raise
    except ValueError as exc:  # TOMLDecodeError, and int() refusing thousands of digits
        raise DecodeError(_first_line(exc)) from None
    _check_values(data)  # dotted keys nest tables without brackets; integers have no hook
    return data


def recorded_time(value: object, key: str) -> datetime:
    """Return the UTC time an ISO 8601 text with an offset states; raise DecodeError if it is not one."""
    if not isinstance(value, str) or len(value) > MAX_TIME_CHARS:
        raise DecodeError(f"{key} is not a time")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise DecodeError(f"{key} {value!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise DecodeError(f"{key} {value!r} has no offset")
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:  # also keeps astimezone from overflowing
        raise DecodeError(f"{key} {value} is outside the years {EARLIEST_YEAR}-{LATEST_YEAR}")
    return moment.astimezone(timezone.utc)


def _check_size(raw: bytes, max_bytes: int) -> None:
    if len(raw) > max_bytes:
        raise DecodeError(f"over {max_bytes} bytes")


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DecodeError("not UTF-8 text") from None


def _check_depth(text: str) -> None:
    """Raise DecodeError if brackets (outside strings, already blanked) nest over MAX_DEPTH."""
    depth = 0
    for match in _BRACKET.finditer(text):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_DEPTH:
            raise DecodeError(f"nested over {MAX_DEPTH} deep")


def _check_values(data: Any) -> None:
    """Raise DecodeError for tables nested over MAX_DEPTH or integers beyond 64 bits (without recursion)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise DecodeError(f"nested over {MAX_DEPTH} deep")
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, int) and not isinstance(value, bool) and not -_INT64 <= value < _INT64:
            raise DecodeError("an integer is beyond 64 bits")


def _json_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise DecodeError(f"a number has over {MAX_NUMBER_CHARS} digits")
    return int(text)


def _json_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise DecodeError(f"a number has over {MAX_NUMBER_CHARS} digits")
    number = float(text)
    if not math.isfinite(number):
        raise DecodeError(f"the number {text} is out of range")
    return number


def _json_constant(text: str) -> float:
    raise DecodeError(f"{text} is not a JSON number")


def _toml_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise DecodeError(f"a number has over {MAX_NUMBER_CHARS} digits")
    return float(text)


def _first_line(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text if len(text) <= 120 else text[:120] + "..."
