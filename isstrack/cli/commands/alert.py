"""isstrack alert: announce each visible pass once per target, in time, from cron or a timer."""

import sys
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple

import typer

from isstrack import ISS_CATALOG_NUMBER
from isstrack.cli.commands.common import (
    At,
    City,
    Elevation,
    EphemerisFile,
    Lat,
    Lon,
    MaxAge,
    MaxMagnitude,
    MinElevation,
    NoWarnAge,
    Offline,
    Quiet,
    Reporter,
    StdMag,
    TleFile,
    Tz,
    Verbose,
    check_min_elevation,
    finite,
    moment,
)
from isstrack.cli.commands.preamble import ElementOptions, PlaceOptions, prepare_following
from isstrack.cli.commands.satellite import (
    Followed,
    Sat,
    StdMagFile,
    engine_std,
    label,
    require_known_brightness,
)
from isstrack.elements.load import timeout_from_env
from isstrack.elements.trust import check_max_age
from isstrack.errors import NothingFoundError
from isstrack.place.location import Location
from isstrack.render.calendar import calendar_bytes, event_uid
from isstrack.render.console import fit_parts, terminal_width
from isstrack.render.jsonout import SCHEMA_VERSION, next_json
from isstrack.render.safe import literal
from isstrack.sky.orbit import DEFAULT_MIN_ELEVATION_DEG
from isstrack.sky.source import orbit_of, require_burn_trusted
from isstrack.sky.times import parse_duration

if TYPE_CHECKING:
    from collections.abc import Callable
    from email.message import EmailMessage

    from isstrack.alerts.rules import Announcement
    from isstrack.elements.sources import ElementsInUse
    from isstrack.sky.nextpass import NextPass
    from isstrack.sky.passes import Pass

Before = Annotated[
    str,
    typer.Option(
        "--before",
        metavar="DURATION",
        help="Alert when a visible pass starts within this span (or is in progress), like 10m or 1h.",
    ),
]
MinPeak = Annotated[
    float | None,
    typer.Option(
        "--min-peak",
        callback=finite,
        metavar="DEG",
        help="Only passes whose visible part climbs at least this high (e.g. 40).",
    ),
]
Between = Annotated[
    str | None,
    typer.Option(
        "--between",
        metavar="HH:MM-HH:MM",
        help="Local hours to alert in (e.g. 19:00-23:30 or 22:00-06:00); quiet outside them.",
    ),
]
MinDuration = Annotated[
    float | None,
    typer.Option(
        "--min-duration",
        metavar="S",
        callback=finite,
        help="Only passes visible for at least this many seconds.",
    ),
]
Ntfy = Annotated[
    list[str] | None,
    typer.Option("--ntfy", metavar="URL", help="Post to this ntfy topic URL (repeatable)."),
]
Webhook = Annotated[
    list[str] | None,
    typer.Option(
        "--webhook", metavar="URL", help="Post the pass as JSON (next --json schema) here (repeatable)."
    ),
]
Email = Annotated[
    list[str] | None,
    typer.Option(
        "--email",
        metavar="ADDRESS",
        help="E-mail the pass (text, HTML and .ics) through $ISSTRACK_SMTP_URL (repeatable; docs/alerts.md).",
    ),
]
Desktop = Annotated[bool, typer.Option("--desktop", help="Show a desktop notification (notify-send).")]
PrintOut = Annotated[bool, typer.Option("--print", help="Print the alert on stdout (the default target).")]
DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Print what would be sent to which target; send and record nothing.")
]


def alert(
    before: Before,
    lat: Lat = None,
    lon: Lon = None,
    elevation: Elevation = None,
    city: City = None,
    max_magnitude: MaxMagnitude = None,
    min_peak: MinPeak = None,
    between: Between = None,
    min_duration: MinDuration = None,
    min_elevation: MinElevation = DEFAULT_MIN_ELEVATION_DEG,
    ntfy: Ntfy = None,
    webhook: Webhook = None,
    email: Email = None,
    desktop: Desktop = False,
    print_: PrintOut = False,
    dry_run: DryRun = False,
    at: At = None,
    tz: Tz = None,
    std_mag: StdMag = None,
    max_age: MaxAge = None,
    sat: Sat = None,
    std_mag_file: StdMagFile = None,
    tle_file: TleFile = None,
    ephemeris: EphemerisFile = None,
    offline: Offline = False,
    quiet: Quiet = False,
    no_warn_age: NoWarnAge = False,
    verbose: Verbose = False,
) -> None:
    """Announce each visible pass once per target, shortly before it starts (docs/alerts.md).

    Exit 0 sent, 1 nothing to send, 3 elements not trustworthy, 5 a delivery failed.
    """
    # The alert run searches passes (sky.nextpass): loaded when it runs, not when any command starts.
    from isstrack.alerts.workflow import alert_filters, choose_targets

    check_min_elevation(min_elevation)
    check_max_age(max_age)
    span = parse_duration(before, "--before")
    filters = alert_filters(max_magnitude, min_peak, min_duration, between)
    targets = choose_targets(ntfy or [], webhook or [], desktop, print_, email or [])
    timeout_s = timeout_from_env()
    now = moment(at)
    where = PlaceOptions(lat, lon, elevation, city, tz)
    source = ElementOptions(
        tle_file, offline, quiet, verbose, sat, std_mag, std_mag_file, ephemeris, warn_age=not no_warn_age
    )
    reporter, place, zone, zone_label, _, followed = prepare_following(
        "alert", where, source, now, scripted=True, max_age_days=max_age, say_city=False, hold_trust=True
    )
    local_now = now.astimezone(zone)
    if filters.hours is not None and not filters.hours.contains(local_now):
        reporter.log(f"quiet hours: {local_now:%H:%M} is outside --between {filters.hours}; nothing sent")
        raise NothingFoundError("")
    run = AlertRun(place, zone, zone_label, now, span, min_elevation, filters, max_age, targets, timeout_s)
    sent = False
    for follow in followed:
        require_known_brightness(follow, max_magnitude)
        sent = _alert_one(run, follow, dry_run, reporter, before) or sent
    reporter.release_trust(
        accepted=max_age is not None
    )  # no pass was refused as too old: the age warning (if any) is worth its line
    if not sent:
        raise NothingFoundError("")


class AlertRun(NamedTuple):
    """What every followed object's alerts share: where, when, which passes, to whom."""

    place: Location
    zone: Any
    zone_label: str
    now: datetime
    span: timedelta
    min_elevation: float
    filters: Any
    max_age: float | None
    targets: list[Any]
    timeout_s: float


def _alert_one(run: AlertRun, follow: Followed, dry_run: bool, reporter: Reporter, before: str) -> bool:
    """Announce (or preview) one object's due passes; return whether anything was (or would be) sent.

    An object other than the ISS is announced under its name and recorded apart (place key + #number).
    """
    from isstrack.alerts.workflow import announce, due_alerts, notices_for, preview

    used = follow.used
    iss = used.elements.catalog_number == ISS_CATALOG_NUMBER
    name, satellite = ("ISS", "") if iss else (label(follow), f"#{used.elements.catalog_number}")
    orbit = orbit_of(used)
    place, now = run.place, run.now
    due = due_alerts(
        orbit, place, now, run.span, run.min_elevation, engine_std(follow), run.filters, run.zone, run.max_age
    )
    # Elements from before a burn the trajectory lists announce nothing after it, whatever their age.
    require_burn_trusted([max(p.rise.time, now) for p in due], used.ephemeris, orbit, used.elements.epoch)
    if follow.std.value is None:
        due = [replace(p, magnitude=None) for p in due]
    if not due:
        what = "visible pass" if iss else f"visible pass of {name}"
        reporter.log(f"no {what} to announce starts within {before} or is in progress")
        return False

    def document(found: "NextPass", words: "Announcement") -> dict[str, Any]:
        """Return the webhook's JSON: the `next --json` document and the alert's words."""
        return {
            "schema_version": SCHEMA_VERSION,
            **next_json(found, place, run.zone_label, used, now),
            "alert": {"title": words.title, "message": words.message},
        }

    notices = notices_for(due, orbit, place, now, run.zone, document, name)
    mailed = [target.smtp for target in run.targets if target.smtp is not None]
    if mailed:
        mail = partial(_mail, place=place, zone=run.zone, zone_label=run.zone_label, now=now, used=used)
        notices = [
            (item, replace(notice, mail=mail(item, sender=mailed[0].sender, name=name)))
            for item, notice in notices
        ]
    if dry_run:
        todo = preview(notices, run.targets, place, reporter, satellite)
        for notice, target in todo:
            # One line each when piped; on a terminal broken between the message's parts to fit it.
            head = literal(f"would send to {target.label}: {notice.title}: ")
            *parts, last = literal(notice.message).split(", ")
            for line in fit_parts([head, *(f"{part}, " for part in parts), last], terminal_width(sys.stdout)):
                print(line)
        return bool(todo)
    return announce(notices, run.targets, place, now, run.timeout_s, reporter, satellite)


def _mail(
    item: "Pass",
    *,
    place: Location,
    zone: Any,
    zone_label: str,
    sender: str,
    used: "ElementsInUse",
    now: datetime,
    name: str,
) -> "Callable[[str], EmailMessage]":
    """Return the maker of the pass's e-mail: the Spot the Station wording, HTML, and the pass as .ics."""
    from isstrack.alerts.email import mail_maker

    catalog = used.elements.catalog_number
    return mail_maker(
        item,
        object_name=name,
        place_name=place.name,
        zone=zone,
        zone_label=zone_label,
        sender=sender,
        now=now,
        identity=event_uid(item, place, catalog),
        calendar=calendar_bytes([item], place, catalog, name, stamp=now, zone=zone),
    )
