"""isstrack alert: announce each visible pass once per target, in time, from cron or a timer."""

from typing import TYPE_CHECKING, Annotated, Any

import typer

from isstrack.cli.commands.common import (
    At,
    City,
    Elevation,
    Lat,
    Lon,
    MaxAge,
    MaxMagnitude,
    MinElevation,
    Offline,
    Quiet,
    StdMag,
    TleFile,
    Tz,
    Verbose,
    check_min_elevation,
    finite,
    moment,
)
from isstrack.cli.commands.preamble import ElementOptions, PlaceOptions, prepare_at_place
from isstrack.elements.load import timeout_from_env
from isstrack.elements.trust import check_max_age
from isstrack.errors import NothingFoundError
from isstrack.render.jsonout import SCHEMA_VERSION, next_json
from isstrack.render.safe import literal
from isstrack.sky.orbit import DEFAULT_MIN_ELEVATION_DEG
from isstrack.sky.passes import DEFAULT_STD_MAGNITUDE
from isstrack.sky.times import parse_duration

if TYPE_CHECKING:
    from isstrack.alerts.rules import Announcement
    from isstrack.sky.nextpass import NextPass

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
    desktop: Desktop = False,
    print_: PrintOut = False,
    dry_run: DryRun = False,
    at: At = None,
    tz: Tz = None,
    std_mag: StdMag = DEFAULT_STD_MAGNITUDE,
    max_age: MaxAge = None,
    tle_file: TleFile = None,
    offline: Offline = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Announce each visible pass once per target, shortly before it starts (README: Alerts).

    Exit 0 sent, 1 nothing to send, 3 elements not trustworthy, 5 a delivery failed.
    """
    # The alert run searches passes (sky.nextpass): loaded when it runs, not when any command starts.
    from isstrack.alerts.workflow import (
        alert_filters,
        announce,
        choose_targets,
        due_alerts,
        notices_for,
        preview,
    )

    check_min_elevation(min_elevation)
    check_max_age(max_age)
    span = parse_duration(before, "--before")
    filters = alert_filters(max_magnitude, min_peak, min_duration, between)
    targets = choose_targets(ntfy or [], webhook or [], desktop, print_)
    timeout_s = timeout_from_env()
    now = moment(at)
    where = PlaceOptions(lat, lon, elevation, city, tz)
    source = ElementOptions(tle_file, offline, quiet, verbose)
    reporter, place, zone, zone_label, _, used, orbit = prepare_at_place(
        "alert", where, source, now, scripted=True, max_age_days=max_age, say_city=False
    )
    local_now = now.astimezone(zone)
    if filters.hours is not None and not filters.hours.contains(local_now):
        reporter.log(f"quiet hours: {local_now:%H:%M} is outside --between {filters.hours}; nothing sent")
        raise NothingFoundError("")
    due = due_alerts(orbit, place, now, span, min_elevation, std_mag, filters, zone, max_age)
    if not due:
        reporter.log(f"no visible pass to announce starts within {before} or is in progress")
        raise NothingFoundError("")

    def document(found: "NextPass", words: "Announcement") -> dict[str, Any]:
        """Return the webhook's JSON: the `next --json` document and the alert's words."""
        return {
            "schema_version": SCHEMA_VERSION,
            **next_json(found, place, zone_label, used, now),
            "alert": {"title": words.title, "message": words.message},
        }

    notices = notices_for(due, orbit, place, now, zone, document)
    if dry_run:
        todo = preview(notices, targets, place, reporter)
        for notice, target in todo:
            print(literal(f"would send to {target.label}: {notice.title}: {notice.message}"))
        if not todo:
            raise NothingFoundError("")
    elif not announce(notices, targets, place, now, timeout_s, reporter):
        raise NothingFoundError("")
