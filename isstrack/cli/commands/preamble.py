"""What six commands do first: the reporter, the place and its zone, the elements (--sat) and the orbit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from isstrack.cli.commands.common import Reporter, local_zone, location, require_place
from isstrack.cli.commands.satellite import Followed, load_followed
from isstrack.elements.load import ElementsInUse
from isstrack.place.location import Location
from isstrack.sky.orbit import Orbit
from isstrack.sky.source import orbit_of


class PlaceOptions(NamedTuple):
    """The options that say where the observer is, and in which zone to show local times."""

    lat: float | None
    lon: float | None
    elevation: float | None
    city: str | None
    tz: str | None


class ElementOptions(NamedTuple):
    """The options that say where the elements come from (and for which objects), and how much to say."""

    tle_file: Path | None
    offline: bool
    quiet: bool
    verbose: bool
    sats: list[str] | None = None  # --sat: none means the ISS
    std_mag: float | None = None
    std_mag_file: Path | None = None
    ephemeris: Path | None = None  # NASA's trajectory of the ISS (--ephemeris)
    warn_age: bool | None = None  # False: --no-warn-age; None: as config.toml says


class Ready(NamedTuple):
    """A command's setting, for a command that works with or without a place."""

    reporter: Reporter
    place: Location | None
    zone: Any  # None without a place or --tz: the command shows UTC only
    zone_label: str
    start: datetime
    used: ElementsInUse
    orbit: Orbit


class ReadyFollowing(NamedTuple):
    """A command's setting, for a command that needs a place and may follow several objects."""

    reporter: Reporter
    place: Location
    zone: Any
    zone_label: str
    start: datetime
    followed: list[Followed]


class ReadyAtPlace(NamedTuple):
    """A command's setting, for a command that needs a place."""

    reporter: Reporter
    place: Location
    zone: Any
    zone_label: str
    start: datetime
    used: ElementsInUse
    orbit: Orbit


def prepare(
    where: PlaceOptions, source: ElementOptions, start: Callable[[Location | None], datetime]
) -> Ready:
    """Return the setting of a command whose place is optional (a broken saved place only warns).

    `start` gives the time the command answers for once the place is known (how far ahead it reads
    the ephemeris depends on whether there is one).
    """
    reporter = Reporter(source.quiet, source.verbose, warn_age=source.warn_age)
    place = location(where.lat, where.lon, where.elevation, where.city, optional=reporter)
    when = start(place)
    has_zone = place is not None or where.tz is not None
    zone, zone_label = local_zone(place, where.tz) if has_zone else (None, "")
    used = _followed(reporter, source, when)[0].used
    return Ready(reporter, place, zone, zone_label, when, used, orbit_of(used))


def prepare_at_place(
    command: str,
    where: PlaceOptions,
    source: ElementOptions,
    start: datetime,
    *,
    scripted: bool = False,
    max_age_days: float | None = None,
    say_city: bool = True,
) -> ReadyAtPlace:
    """Return the setting of `command`, which needs a place (given, or saved) and answers for `start`.

    `scripted` refuses elements too old to trust (see `load_elements`). Without `say_city`, a
    --city that had to choose among several places is not reported (as transits and alert did).
    """
    ready = prepare_following(
        command,
        where,
        source,
        start,
        scripted=scripted,
        max_age_days=max_age_days,
        say_city=say_city,
        many=False,
    )
    used = ready.followed[0].used
    return ReadyAtPlace(*ready[:5], used, orbit_of(used))


def prepare_following(
    command: str,
    where: PlaceOptions,
    source: ElementOptions,
    start: datetime,
    *,
    scripted: bool = False,
    max_age_days: float | None = None,
    say_city: bool = True,
    many: bool = True,
    hold_trust: bool = False,
) -> ReadyFollowing:
    """Return the setting of `command` with every object it follows (the ISS unless --sat says others)."""
    # A command that judges the age itself later (next, alert) says it once: in its refusal, or after.
    reporter = Reporter(source.quiet, source.verbose, warn_age=source.warn_age, hold_trust=hold_trust)
    said = reporter if say_city else None
    place = require_place(location(where.lat, where.lon, where.elevation, where.city, reporter=said), command)
    zone, zone_label = local_zone(place, where.tz)
    followed = _followed(reporter, source, start, many=many, scripted=scripted, max_age_days=max_age_days)
    return ReadyFollowing(reporter, place, zone, zone_label, start, followed)


def _followed(
    reporter: Reporter,
    source: ElementOptions,
    at: datetime,
    *,
    many: bool = False,
    scripted: bool = False,
    max_age_days: float | None = None,
) -> list[Followed]:
    return load_followed(
        reporter, source.offline, source.tle_file, at, source.sats, std_mag=source.std_mag,
        std_mag_file=source.std_mag_file, many=many, scripted=scripted, max_age_days=max_age_days,
        ephemeris=source.ephemeris,
    )  # fmt: skip
