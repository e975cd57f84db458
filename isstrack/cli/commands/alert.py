"""isstrack alert: announce each visible pass once per target, in time, from cron or a timer."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from isstrack.cli.commands.common import (
    At,
    City,
    Debug,
    Elevation,
    Lat,
    Lon,
    MaxAge,
    MaxMagnitude,
    MinElevation,
    Offline,
    Quiet,
    Reporter,
    StdMag,
    TleFile,
    Tz,
    Verbose,
    check_min_elevation,
    finite,
    load_elements,
    local_zone,
    location,
    moment,
    require_place,
)
from isstrack.sky.orbit import DEFAULT_MIN_ELEVATION_DEG
from isstrack.sky.passes import DEFAULT_STD_MAGNITUDE

if TYPE_CHECKING:
    from isstrack.alerts.delivery import Target
    from isstrack.elements.load import ElementsInUse
    from isstrack.place.location import Location
    from isstrack.sky.passes import Pass, PassPoint

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
    debug: Debug = False,
) -> None:
    """Announce each visible pass once per target, shortly before it starts (README: Alerts).

    Exit 0 sent, 1 nothing to send, 3 elements not trustworthy, 5 a delivery failed.
    """
    from isstrack.alerts.delivery import Target, parse_target
    from isstrack.alerts.rules import Filters, due_passes, parse_hours, position_now
    from isstrack.elements.load import timeout_from_env
    from isstrack.elements.trust import check_max_age
    from isstrack.errors import BadInputError, NothingFoundError
    from isstrack.sky.nextpass import require_trusted_passes
    from isstrack.sky.orbit import Orbit
    from isstrack.sky.times import parse_duration

    check_min_elevation(min_elevation)
    check_max_age(max_age)
    span = parse_duration(before, "--before")
    if min_peak is not None and not 0 <= min_peak <= 90:
        raise BadInputError(f"--min-peak {min_peak:g} is outside [0, 90]; give degrees above the horizon")
    if min_duration is not None and min_duration < 0:
        raise BadInputError(f"--min-duration {min_duration:g} is negative; give seconds")
    filters = Filters(max_magnitude, min_peak, min_duration, parse_hours(between) if between else None)
    targets = [parse_target("ntfy", url) for url in ntfy or []]
    targets += [parse_target("webhook", url) for url in webhook or []]
    targets += [Target("desktop")] if desktop else []
    if print_ or not targets:
        targets.append(Target("print"))
    targets = list({target.key: target for target in targets}.values())  # a URL given twice counts once
    timeout_s = timeout_from_env()
    now = moment(at)
    place = require_place(location(lat, lon, elevation, city), "alert")
    zone, zone_label = local_zone(place, tz)
    reporter = Reporter(quiet, verbose)
    used = load_elements(reporter, offline, tle_file, now, scripted=True, max_age_days=max_age)
    local_now = now.astimezone(zone)  # type: ignore[arg-type]
    if filters.hours is not None and not filters.hours.contains(local_now):
        reporter.log(f"quiet hours: {local_now:%H:%M} is outside --between {filters.hours}; nothing sent")
        raise NothingFoundError("")
    orbit = Orbit(used.elements)
    due = due_passes(orbit, place.observer, now, span, min_elevation, std_mag, filters, zone)  # type: ignore[arg-type]
    due = require_trusted_passes(due, used.elements.epoch, now, now + span, max_age)  # none at untrusted ages
    if not due:
        reporter.log(f"no visible pass to announce starts within {before} or is in progress")
        raise NothingFoundError("")
    seen_now = {id(item): position_now(orbit, place.observer, now) for item in due if _start(item) <= now}
    if not _announce(
        due, seen_now, targets, place, zone, zone_label, used, now, timeout_s, reporter, dry_run
    ):
        raise NothingFoundError("")


def _announce(
    due: "list[Pass]",
    seen_now: "dict[int, PassPoint]",
    targets: "list[Target]",
    place: "Location",
    zone: Any,
    zone_label: str,
    used: "ElementsInUse",
    now: datetime,
    timeout_s: float,
    reporter: Reporter,
    dry_run: bool,
) -> bool:
    """Send what has not been sent yet and record it; return whether anything was (or would be) sent."""
    from isstrack.alerts.delivery import Notice, deliver
    from isstrack.alerts.record import SentEntry, SentRecord, termination_held
    from isstrack.alerts.rules import compose, place_key
    from isstrack.errors import DeliveryError
    from isstrack.io.paths import state_dir
    from isstrack.render.jsonout import SCHEMA_VERSION, next_json
    from isstrack.render.safe import literal
    from isstrack.sky.nextpass import NextPass

    key = place_key(place.latitude_deg, place.longitude_deg)
    notices: list[tuple[Pass, Notice]] = []
    for item in due:
        words = compose(item, now, zone, place.name, seen_now.get(id(item)))
        document = {
            "schema_version": SCHEMA_VERSION,
            **next_json(NextPass(item, now), place, zone_label, used, now),
            "alert": {"title": words.title, "message": words.message},
        }
        notices.append((item, Notice(words.title, words.message, document)))

    def pending(entries: list[SentEntry]) -> "list[tuple[Pass, Notice, Target]]":
        return [
            (item, notice, target)
            for item, notice in notices
            for target in targets
            if not any(e.matches(key, item.revolution, _start(item), target.key) for e in entries)
        ]

    record = SentRecord(state_dir())
    if dry_run:
        todo = pending(record.load(move_aside=False))  # a dry run changes nothing, not even that
        for line in record.warnings:
            reporter.warn(line)
        for _, notice, target in todo:
            print(literal(f"would send to {target.label}: {notice.title}: {notice.message}"))
        if not todo:
            reporter.log(f"already announced: every due pass, to every target (record: {record.path})")
        return bool(todo)
    failures: list[str] = []
    with record.locked(2 * timeout_s + 30):
        entries = record.load()
        for line in record.warnings:
            reporter.warn(line)
        todo = pending(entries)
        if not todo:
            reporter.log(f"already announced: every due pass, to every target (record: {record.path})")
            return False
        planned = [
            SentEntry(key, item.revolution, target.key, _start(item), _end(item), now)
            for item, _, target in todo
        ]
        with termination_held():  # a SIGTERM waits for the deliveries (bounded in time) and their record
            # Written ahead: should the record not be writable (a full or read-only disk), nothing goes
            # out, rather than the same alert at every run; a run killed outright counts them as sent.
            record.save(entries + planned, now, "nothing sent (make room or set ISSTRACK_STATE_DIR)")
            outcomes = deliver([(target, notice) for _, notice, target in todo], timeout_s)
            for (_, notice, target), entry, outcome in zip(todo, planned, outcomes, strict=True):
                if outcome.ok:
                    entries.append(entry)
                    reporter.log(f"sent to {target.label} ({outcome.detail}): {notice.message}")
                else:
                    failures.append(f"{target.label}: {outcome.detail}")
                    reporter.log(f"not sent to {target.label} ({outcome.detail})")
            record.save(entries, now, "alerts that failed may not be retried")
    if failures:
        raise DeliveryError(
            f"could not deliver {len(failures)} of {len(todo)} alerts ({'; '.join(failures)}); "
            "the next run tries again while the pass is ahead"
        )
    return True


def _end(item: "Pass") -> datetime:
    assert item.visible_end is not None
    return item.visible_end.time


def _start(item: "Pass") -> datetime:
    assert item.visible_start is not None
    return item.visible_start.time
