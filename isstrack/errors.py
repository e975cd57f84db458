"""Typed exceptions raised by the core; the CLI maps them to exit codes in one place."""

from __future__ import annotations


class IsstrackError(Exception):
    """Fail with a one-line message that names the problem and, where there is one, the fix."""


class BadInputError(IsstrackError):
    """Reject input from the user: an option, a file, a name, a time."""


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


class UntrustedElementsError(NoElementsError):
    """Refuse, for scripted use, elements too old to trust (raise the limit with --max-age)."""


class UpdateError(IsstrackError):
    """Report that an explicit element update could not be done now."""


class NothingFoundError(IsstrackError):
    """Report, by exit status alone, that `next --within` found no pass in the span."""


class DeliveryError(IsstrackError):
    """Report that at least one alert could not be delivered (the next run retries it)."""
