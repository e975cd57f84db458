"""One alert run: the passes due, their notices, then each sent once per target and recorded."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo
from typing import Any, Protocol

from isstrack.alerts.delivery import Notice, Target, deliver, parse_target
from isstrack.alerts.email import config_smtp, parse_address, smtp_settings
from isstrack.alerts.record import SentEntry, SentRecord, termination_held
from isstrack.alerts.rules import (
    Announcement,
    Filters,
    compose,
    due_passes,
    parse_hours,
    place_key,
    position_now,
)
from isstrack.errors import BadInputError, DeliveryError, check_range
from isstrack.io.paths import config_dir, state_dir
from isstrack.place.location import Location
from isstrack.sky.nextpass import NextPass, require_trusted_passes
from isstrack.sky.orbit import Orbit
from isstrack.sky.passtypes import Pass, PassPoint


class Reporting(Protocol):
    """Where a run says what it decided (-v) and what went wrong on the way (warnings)."""

    def log(self, text: str) -> None:
        """Write a decision."""

    def warn(self, text: str) -> None:
        """Write a warning."""


def alert_filters(
    max_magnitude: float | None, min_peak_deg: float | None, min_duration_s: float | None, between: str | None
) -> Filters:
    """Return the filters the options ask for (`between` like 19:00-23:30); raise BadInputError if invalid."""
    if min_peak_deg is not None:
        check_range("--min-peak", min_peak_deg, 0, 90, "; give degrees above the horizon")
    if min_duration_s is not None and min_duration_s < 0:
        raise BadInputError(f"--min-duration {min_duration_s:g} is negative; give seconds")
    return Filters(max_magnitude, min_peak_deg, min_duration_s, parse_hours(between) if between else None)


def choose_targets(
    ntfy: list[str], webhook: list[str], desktop: bool, print_: bool, email: list[str] | None = None
) -> list[Target]:
    """Return the targets asked for, each once (stdout when none is), URLs and addresses checked."""
    targets = [parse_target("ntfy", url) for url in ntfy]
    targets += [parse_target("webhook", url) for url in webhook]
    if email:
        smtp = smtp_settings(config_smtp(config_dir()))
        targets += [Target("email", parse_address(address), smtp) for address in email]
    targets += [Target("desktop")] if desktop else []
    if print_ or not targets:
        targets.append(Target("print"))
    return list({target.key: target for target in targets}.values())  # a URL given twice counts once


def due_alerts(
    orbit: Orbit,
    place: Location,
    now: datetime,
    span: timedelta,
    min_elevation_deg: float,
    std_magnitude: float,
    filters: Filters,
    zone: tzinfo,
    max_age_days: float | None,
) -> list[Pass]:
    """Return the visible passes to announce at `now`; raise UntrustedElementsError if all are too far out."""
    due = due_passes(orbit, place.observer, now, span, min_elevation_deg, std_magnitude, filters, zone)
    return require_trusted_passes(due, orbit.elements.epoch, now, now + span, max_age_days)


def notices_for(
    due: list[Pass],
    orbit: Orbit,
    place: Location,
    now: datetime,
    zone: tzinfo,
    document: Callable[[NextPass, Announcement], dict[str, Any]],
    name: str = "ISS",
) -> list[tuple[Pass, Notice]]:
    """Return each pass with its notice: the words, and the webhook's JSON `document` made for them."""
    seen: PassPoint | None = None
    notices = []
    for item in due:
        if _start(item) <= now and seen is None:
            seen = position_now(orbit, place.observer, now)  # where a pass in progress is now
        words = compose(item, now, zone, place.name, seen if _start(item) <= now else None, name)
        notices.append((item, Notice(words.title, words.message, document(NextPass(item, now), words))))
    return notices


def _pending(
    notices: list[tuple[Pass, Notice]], targets: list[Target], key: str, entries: list[SentEntry]
) -> list[tuple[Pass, Notice, Target]]:
    return [
        (item, notice, target)
        for item, notice in notices
        for target in targets
        if not any(e.matches(key, item.revolution, _start(item), target.key) for e in entries)
    ]


def preview(
    notices: list[tuple[Pass, Notice]],
    targets: list[Target],
    place: Location,
    reporting: Reporting,
    satellite: str = "",
) -> list[tuple[Notice, Target]]:
    """Return what a run would send to which target now, changing nothing (not even a broken record).

    `satellite` tells objects other than the ISS apart in the record (their passes' revolutions and
    start times are their own); the ISS's entries keep the bare place key they always had.
    """
    key = place_key(place.latitude_deg, place.longitude_deg) + satellite
    record = SentRecord(state_dir())
    todo = _pending(notices, targets, key, record.load(move_aside=False))
    for line in record.warnings:
        reporting.warn(line)
    if not todo:
        reporting.log(f"already announced: every due pass, to every target (record: {record.path})")
    return [(notice, target) for _, notice, target in todo]


def announce(
    notices: list[tuple[Pass, Notice]],
    targets: list[Target],
    place: Location,
    now: datetime,
    timeout_s: float,
    reporting: Reporting,
    satellite: str = "",
) -> bool:
    """Send what has not been sent yet and record it; return whether anything was sent.

    Raise DeliveryError when a delivery failed (the next run tries it again while the pass is ahead),
    or went out with no answer in time (recorded as sent, answer not seen: never sent again).
    """
    key = place_key(place.latitude_deg, place.longitude_deg) + satellite
    record = SentRecord(state_dir())
    failures: list[str] = []
    unanswered: list[str] = []
    with record.locked(2 * timeout_s + 30):
        entries = record.load()
        for line in record.warnings:
            reporting.warn(line)
        warned = len(record.warnings)
        todo = _pending(notices, targets, key, entries)
        if not todo:
            reporting.log(f"already announced: every due pass, to every target (record: {record.path})")
            return False
        planned = [
            SentEntry(key, item.revolution, target.key, _start(item), _end(item), now)
            for item, _, target in todo
        ]
        with termination_held():  # a stop signal waits for the deliveries (bounded in time) and their record
            # Written ahead: should the record not be writable (a full or read-only disk), nothing goes
            # out, rather than the same alert at every run; a run killed outright counts them as sent.
            record.save(entries + planned, now, "nothing sent (make room or set ISSTRACK_STATE_DIR)")
            for line in record.warnings[warned:]:
                reporting.warn(line)
            outcomes = deliver([(target, notice) for _, notice, target in todo], timeout_s)
            for (_, notice, target), entry, outcome in zip(todo, planned, outcomes, strict=True):
                if outcome.ok:
                    entries.append(entry)
                    reporting.log(f"sent to {target.label} ({outcome.detail}): {notice.message}")
                elif outcome.answer_unseen:  # it may have arrived: another copy every run is worse
                    entries.append(replace(entry, answer_seen=False))
                    unanswered.append(f"{target.label}: {outcome.detail}")
                    reporting.log(
                        f"sent to {target.label}, answer not seen ({outcome.detail}): {notice.message}"
                    )
                else:
                    failures.append(f"{target.label}: {outcome.detail}")
                    reporting.log(f"not sent to {target.label} ({outcome.detail})")
            record.save(entries, now, "alerts that failed may not be retried")
    said = []
    if failures:
        said.append(
            f"could not deliver {len(failures)} of {len(todo)} alerts ({'; '.join(failures)}); "
            "the next run tries again while the pass is ahead"
        )
    if unanswered:
        said.append(
            f"{len(unanswered)} of {len(todo)} alerts went out with no answer in time "
            f"({'; '.join(unanswered)}); recorded as sent, answer not seen, and not sent again"
        )
    if said:
        raise DeliveryError("; ".join(said))
    return True


def _end(item: Pass) -> datetime:
    assert item.visible_end is not None
    return item.visible_end.time


def _start(item: Pass) -> datetime:
    assert item.visible_start is not None
    return item.visible_start.time
