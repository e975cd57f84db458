"""The stderr reporter, loading elements, the time and place a command answers for; and (from
isstrack.cli.commands.options, re-exported here for the commands) the options spelled once."""

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from isstrack import ISS_CATALOG_NUMBER
from isstrack.cli.commands.options import (
    At,
    City,
    Elevation,
    EphemerisFile,
    Interval,
    Json,
    Lat,
    Lon,
    MaxAge,
    MaxMagnitude,
    MinElevation,
    NoWarnAge,
    Offline,
    Quiet,
    StdMag,
    TleFile,
    Tz,
    Verbose,
    check_days,
    check_interval,
    check_min_elevation,
    check_std_mag,
    config_defaults,
    exclusive,
    finite,
    no_warn_age_default,
    offline_default,
)
from isstrack.elements.load import (
    ElementsInUse,
    ElementStore,
    load_file,
    require_propagates,
    timeout_from_env,
    url_template_from_env,
)
from isstrack.elements.trust import assess, require_trusted
from isstrack.errors import BadInputError, ConfigError, TimeInputError
from isstrack.io.paths import cache_dir, config_dir
from isstrack.io.timetext import ISO_MINUTES, time_text
from isstrack.place.location import Location, resolve
from isstrack.place.timezones import zone
from isstrack.render.console import wrap_for
from isstrack.render.safe import literal
from isstrack.sky.source import burn_status, burns_of, choose_ephemeris
from isstrack.sky.times import check_supported, parse_time, utc_now

__all__ = [
    "At",
    "City",
    "Elevation",
    "EphemerisFile",
    "Interval",
    "Json",
    "Lat",
    "Lon",
    "MaxAge",
    "MaxMagnitude",
    "MinElevation",
    "NoWarnAge",
    "Offline",
    "Quiet",
    "Reporter",
    "StdMag",
    "TleFile",
    "Tz",
    "Verbose",
    "check_days",
    "check_interval",
    "check_min_elevation",
    "check_std_mag",
    "config_defaults",
    "exclusive",
    "finite",
    "load_elements",
    "local_zone",
    "location",
    "moment",
    "no_warn_age_default",
    "offline_default",
    "require_place",
    "with_ephemeris",
]


@dataclass
class Reporter:
    """Write warnings and decisions to stderr: warnings unless --quiet, decisions with -v.

    The warning that the elements are too old to trust is the one -q keeps: only --no-warn-age (or
    config.toml's warn_age = false) silences it, on purpose. Each distinct line is written once.
    """

    quiet: bool = False
    verbose: bool = False
    stream: TextIO | None = None
    warn_age: bool | None = None  # None: as config.toml's [defaults] says (true unless set)
    hold_trust: bool = False  # keep the age warning until release_trust(): a refusal may say it instead
    _said: set[str] = field(default_factory=set)
    _held: list[tuple[str, str | None]] = field(default_factory=list)

    def _write(self, text: str, detail: str | None = None) -> None:
        if text in self._said:
            return  # one line per distinct problem
        self._said.add(text)
        stream = self.stream or sys.stderr
        shown = None if detail is None else literal(detail)
        print(wrap_for(stream, f"isstrack: {literal(text)}", shown), file=stream)

    def trust(self, text: str, level: str, remedy: str | None = None) -> None:
        """Write what the elements' age means (`level` as trust.assess says): -q keeps only "unusable".

        `remedy`, what to do about it, follows on a short line of its own.
        """
        warns = self.warn_age if self.warn_age is not None else config_defaults().warn_age
        if warns and (level == "unusable" or not self.quiet):
            self._held.append((f"{'note' if level == 'note' else 'warning'}: {text}", remedy))
        if not self.hold_trust:
            self.release_trust()

    def release_trust(self, accepted: bool = False) -> None:
        """Write the age warnings held back (a command that refuses old elements never calls this).

        `accepted`: the user took older elements on purpose (--max-age), so -q silences them too.
        """
        for line, remedy in self._held:
            if not (accepted and self.quiet):
                self._write(line, remedy)
        self._held.clear()

    def warn(self, text: str) -> None:
        """Write a warning unless quiet."""
        if not self.quiet:
            self._write(f"warning: {text}")

    def note(self, text: str) -> None:
        """Write a note unless quiet."""
        if not self.quiet:
            self._write(f"note: {text}")

    def log(self, text: str) -> None:
        """Write a decision when verbose."""
        if self.verbose:
            self._write(text)


_SOURCE_WORDS = {"network": "downloaded", "cache": "cached", "bundled": "bundled", "file": "file"}


def load_elements(
    reporter: Reporter,
    offline: bool,
    tle_file: Path | None,
    at: datetime,
    *,
    scripted: bool = False,
    max_age_days: float | None = None,
    source: Callable[[], ElementsInUse] | None = None,
    ephemeris: Path | None = None,
) -> ElementsInUse:
    """Return the elements to use, and report how they were chosen and how far to trust them at `at`.

    With `scripted`, refuse elements at or past `max_age_days` (default the "too old to trust" limit).
    `source` gets another object's elements (--sat); by default the ISS's, from --tle-file or the store.
    With `ephemeris` (the ISS only), NASA's trajectory answers inside its span (`isstrack.sky.source`),
    and the elements (never downloaded then) only beyond it.
    """
    if source is not None:
        used = source()
    elif tle_file is not None:
        used = load_file(tle_file, ISS_CATALOG_NUMBER, at)
    else:
        store = ElementStore(ISS_CATALOG_NUMBER, cache_dir(), url_template_from_env(), timeout_from_env())
        used = store.get(offline=offline or ephemeris is not None)
    for line in used.log:
        reporter.log(line)
    for line in used.warnings:
        reporter.warn(line)
    if ephemeris is not None:
        used = with_ephemeris(reporter, used, ephemeris, at)
        if used.ephemeris_used:
            return used  # the trajectory answers at `at`: the elements' age does not
    require_propagates(used.elements, at)
    if scripted:
        require_trusted(used.elements.age_days(at), max_age_days)
    staleness = assess(used.elements.age_days(at))
    if staleness.message:
        reporter.trust(f"{_SOURCE_WORDS[used.source]} {staleness.message}", staleness.level, staleness.remedy)
    return used


def with_ephemeris(reporter: Reporter, used: ElementsInUse, path: Path, at: datetime) -> ElementsInUse:
    """Return `used` with NASA's trajectory from `path`, saying whether it answers at `at` and why."""
    from dataclasses import replace

    from isstrack.elements.oemfile import load_oem_file

    now = utc_now()
    oem = load_oem_file(path, now)
    chosen, why = choose_ephemeris(oem, used.elements, at)
    (reporter.log if chosen else reporter.note)(why)
    for burn in burns_of(oem):
        unconfirmed = burn_status(burn, oem, used.elements.epoch, now) == "planned, not confirmed"
        if chosen and burn.time < at and unconfirmed:
            reporter.note(
                f"the burn of {burn.time:%Y-%m-%d %H:%M} UTC in the ephemeris was planned, not confirmed: "
                "its time has passed; a newer --ephemeris or elements from after it would confirm it"
            )
    return replace(used, ephemeris=oem, ephemeris_origin=str(path), ephemeris_used=chosen)


def moment(
    at: str | None,
    option: str = "--at",
    search_ahead: timedelta | None = None,
    margin: timedelta | None = None,
) -> datetime:
    """Return the time a command answers for (`option`, or now), rejecting times outside the ephemeris.

    With `search_ahead`, the command searches over that span from the time, so its margins on both
    sides (`margin`, default the pass engine's) must lie inside the ephemeris too.
    """
    before = after = timedelta(0)
    if search_ahead is not None:
        if margin is None:
            from isstrack.sky.engine import SEARCH_MARGIN

            margin = SEARCH_MARGIN
        before, after = margin, search_ahead + margin
    if at is not None:
        return parse_time(at, option, before, after)
    when = utc_now()
    check_supported(
        when, f"the current time ({time_text(when, ISO_MINUTES, truncate=True)})", option, before, after
    )
    return when


def location(
    lat: float | None,
    lon: float | None,
    elevation: float | None,
    city: str | None,
    optional: Reporter | None = None,
    reporter: Reporter | None = None,
) -> Location | None:
    """Return the observer from the options, else the saved home, else None.

    For a command that works without a place, pass its reporter as `optional`: a saved
    configuration that cannot be used is then a warning (and no place), not an error. With a
    reporter, a --city name that had to choose among several places says which it took.
    """
    try:
        place = resolve(lat, lon, elevation, city, config_dir)
    except ConfigError as exc:
        if optional is None:
            raise
        optional.warn(f"{exc}; going on without a place")
        return None
    said = reporter or optional
    if place is not None and place.note and said is not None:
        said.note(place.note)
    return place


def local_zone(place: Location | None, tz: str | None) -> tuple[object, str]:
    """Return (tzinfo, label) for local times: --tz, the place's zone, else UTC labelled as such."""
    from datetime import timezone

    if tz is not None:
        return zone(tz), tz
    if place is not None and place.time_zone:
        try:
            return zone(place.time_zone), place.time_zone
        except TimeInputError:
            pass
    return timezone.utc, "UTC (time zone unknown)"


def require_place(place: Location | None, command: str) -> Location:
    """Return the place, or reject a command that needs one when none was given or saved."""
    if place is None:
        raise BadInputError(
            f"{command} needs a place: give --city NAME or --lat/--lon, "
            "or save one with 'isstrack location set --city NAME'"
        )
    return place
