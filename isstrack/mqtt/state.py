"""The state `isstrack mqtt` publishes at one moment, and the loop that publishes it every interval."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from isstrack.elements.sources import ElementsInUse
from isstrack.elements.trust import is_trusted
from isstrack.mqtt.homeassistant import (
    OFF,
    ON,
    Message,
    Topics,
    elements_payload,
    next_pass_payload,
    position_payload,
)
from isstrack.place.location import Location
from isstrack.sky.nextpass import SEARCH_STEPS_DAYS, NextPass, find_next
from isstrack.sky.orbit import Orbit

SEARCH_AHEAD = timedelta(days=max(SEARCH_STEPS_DAYS))  # how far ahead the next pass is looked for


@dataclass(frozen=True)
class Moment:
    """What was published at one moment, and the pass found (reused until it is over)."""

    messages: tuple[Message, ...]
    upcoming: NextPass | None


def state_at(
    orbit: Orbit,
    used: ElementsInUse,
    place: Location | None,
    when: datetime,
    min_elevation_deg: float,
    topics: Topics,
    upcoming: NextPass | None = None,
) -> Moment:
    """Return the messages for `when`: position, elements; with a place, next pass and visibility."""
    age_days = used.elements.age_days(when)
    messages = [
        Message(topics.position, position_payload(orbit.state(when))),
        Message(
            topics.elements,
            elements_payload(age_days, used.elements.epoch, used.source, is_trusted(age_days)),
        ),
    ]
    if place is not None:
        look = orbit.look(when, place.observer, min_elevation_deg)
        if upcoming is None or upcoming.end <= when:
            upcoming = find_next(orbit, place.observer, when, min_elevation_deg, True, None)
        messages += [
            Message(topics.next_pass, next_pass_payload(None if upcoming is None else upcoming.item, place)),
            Message(topics.visible, ON if look.visible else OFF),
        ]
    return Moment(tuple(messages), upcoming)


def publish_every(
    interval_s: float,
    clock: Callable[[], datetime],
    compute: Callable[[datetime, NextPass | None], Moment],
    publish: Callable[[tuple[Message, ...]], None],
    stop: threading.Event,
) -> None:
    """Compute and publish the state every `interval_s` seconds until `stop` is set."""
    upcoming: NextPass | None = None
    while not stop.is_set():
        moment = compute(clock(), upcoming)
        upcoming = moment.upcoming
        publish(moment.messages)
        stop.wait(interval_s)
