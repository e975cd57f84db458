"""Typed exceptions raised by the core, each carrying its exit status (the CLI maps them in one place),
and the one range check of numeric options."""

from __future__ import annotations

from enum import IntEnum
from typing import ClassVar


class ExitStatus(IntEnum):
    """The exit statuses of every command (docs/exit-statuses.md)."""

    OK = 0
    NOTHING_FOUND = 1
    USAGE = 2
    NO_ELEMENTS = 3
    UPDATE_FAILED = 4
    DELIVERY_FAILED = 5
    WORKER_LOST = 6
    INTERNAL = 70
    INTERRUPTED = 130

    @property
    def meaning(self) -> str:
        """Return the words the exit-status table of docs/exit-statuses.md gives this status."""
        return _MEANINGS[self]


_MEANINGS = {
    ExitStatus.OK: "success",
    ExitStatus.NOTHING_FOUND: "nothing found",
    ExitStatus.USAGE: "usage error or bad input",
    ExitStatus.NO_ELEMENTS: "no usable elements",
    ExitStatus.UPDATE_FAILED: "`tle --update` failed",
    ExitStatus.DELIVERY_FAILED: "could not be delivered",
    ExitStatus.WORKER_LOST: "a worker or the cluster was lost",
    ExitStatus.INTERNAL: "internal error",
    ExitStatus.INTERRUPTED: "interrupted",
}


class IsstrackError(Exception):
    """Fail with a one-line message that names the problem and, where there is one, the fix."""

    exit_status: ClassVar[ExitStatus] = ExitStatus.USAGE


class BadInputError(IsstrackError):
    """Reject input from the user: an option, a file, a name, a time."""

    exit_status = ExitStatus.USAGE


class TleFormatError(BadInputError):
    """Reject text that does not hold valid orbital elements."""


class NoGpDataError(TleFormatError):
    """Report that the element server has no data for the catalog number asked for."""


class LocationError(BadInputError):
    """Reject a location: coordinates out of range, unknown or ambiguous city."""


class AmbiguousCityError(LocationError):
    """Report a city name that matches several places, listing the best candidates."""

    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.candidates = candidates


class TimeInputError(BadInputError):
    """Reject a time, a duration or a time zone that cannot be understood."""


class OutputError(BadInputError):
    """Report an output file that cannot be written."""


class ConfigError(BadInputError):
    """Report a saved configuration file that cannot be read or written."""


class NoElementsError(IsstrackError):
    """Report that no usable element set could be found from any source."""

    exit_status = ExitStatus.NO_ELEMENTS


class UntrustedElementsError(NoElementsError):
    """Refuse, for scripted use, elements too old to trust (raise the limit with --max-age)."""


class UpdateError(IsstrackError):
    """Report that an explicit element update could not be done now."""

    exit_status = ExitStatus.UPDATE_FAILED


class WorkerLostError(IsstrackError):
    """Report that a worker process, the Dask scheduler or all its workers went away mid-run."""

    exit_status = ExitStatus.WORKER_LOST


class NothingFoundError(IsstrackError):
    """Report, by exit status alone, that `next --within` found no pass in the span."""

    exit_status = ExitStatus.NOTHING_FOUND


class DeliveryError(IsstrackError):
    """Report that at least one alert could not be delivered (the next run retries it)."""

    exit_status = ExitStatus.DELIVERY_FAILED


class UnknownSatelliteError(BadInputError):
    """Report a satellite the element server does not know (never catalogued, or decayed)."""


class AmbiguousSatelliteError(BadInputError):
    """Report a satellite name or designator that matches several objects, listing them."""

    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.candidates = candidates


class Terminated(BaseException):
    """Stop a run on SIGTERM the way Ctrl-C stops it (not an Exception: nothing may swallow it)."""


def check_range(
    option: str,
    value: float,
    low: float,
    high: float,
    then: str = "",
    *,
    open_low: bool = False,
    open_high: bool = False,
    dashed: bool = False,
) -> None:
    """Reject an option's value outside [low, high] (ends left out with `open_low`, `open_high`).

    The message reads "--days 40 is outside 1-30" (`dashed`, for closed ranges) or "--orbits 9 is
    outside (0, 5]", followed by `then`: "; the fix" or a unit.
    """
    above_low = low < value if open_low else low <= value
    below_high = value < high if open_high else value <= high
    if above_low and below_high:
        return
    shown = f"{value}" if isinstance(value, int) else f"{value:g}"
    if float(shown) != value:  # short form where it is exact: 300.0001 is not "300"
        shown = repr(float(value))
    if dashed:
        bounds = f"{low:g}-{high:g}"
    else:
        bounds = f"{'(' if open_low else '['}{low:g}, {high:g}{')' if open_high else ']'}"
    raise BadInputError(f"{option} {shown} is outside {bounds}{then}")
