"""isstrack mqtt: publish the station's position and, for a place, its next pass to an MQTT broker."""

from __future__ import annotations

import os
import signal
import threading
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

import typer

from isstrack import __version__
from isstrack.cli.commands.common import (
    At,
    City,
    Elevation,
    Lat,
    Lon,
    MinElevation,
    Offline,
    Quiet,
    TleFile,
    Verbose,
    check_min_elevation,
    finite,
    load_elements,
    moment,
)
from isstrack.cli.commands.preamble import ElementOptions, PlaceOptions, prepare
from isstrack.elements.sources import timeout_from_env
from isstrack.errors import BadInputError, check_range
from isstrack.sky.orbit import DEFAULT_MIN_ELEVATION_DEG, Orbit

if TYPE_CHECKING:
    from isstrack.sky.nextpass import NextPass

Broker = Annotated[
    str,
    typer.Option(
        "--broker",
        metavar="URL",
        help="mqtt://HOST[:PORT] or mqtts://HOST[:PORT] (TLS); user and password: ISSTRACK_MQTT_USER, "
        "ISSTRACK_MQTT_PASSWORD or ISSTRACK_MQTT_PASSWORD_FILE.",
    ),
]
PublishInterval = Annotated[
    float,
    typer.Option("--interval", metavar="S", callback=finite, help="Seconds between updates (1-3600)."),
]
Discovery = Annotated[
    bool,
    typer.Option("--ha-discovery", help="Also publish Home Assistant discovery configs (retained)."),
]
TopicRoot = Annotated[str, typer.Option("--topic-prefix", metavar="TOPIC", help="Root of the state topics.")]
RELOAD_ELEMENTS_EVERY = timedelta(hours=6)  # a long run picks up newer elements (cached, policy kept)


def mqtt(
    broker: Broker,
    lat: Lat = None,
    lon: Lon = None,
    elevation: Elevation = None,
    city: City = None,
    interval: PublishInterval = 15.0,
    ha_discovery: Discovery = False,
    topic_prefix: TopicRoot = "isstrack",
    min_elevation: MinElevation = DEFAULT_MIN_ELEVATION_DEG,
    at: At = None,
    tle_file: TleFile = None,
    offline: Offline = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Publish position, next pass, 'visible now' and elements' age to MQTT until stopped (docs/alerts.md)."""
    from isstrack.mqtt.homeassistant import device_id, discovery, topics_for
    from isstrack.mqtt.publisher import Publisher, broker_url, client_library
    from isstrack.mqtt.state import SEARCH_AHEAD, Moment, publish_every, state_at

    check_range("--interval", interval, 1, 3600, " seconds", dashed=True)
    check_min_elevation(min_elevation)
    if not topic_prefix or any(c in topic_prefix for c in "#+\x00") or topic_prefix.startswith("/"):
        raise BadInputError("--topic-prefix must be a plain topic without # or +, like isstrack")
    client_library()  # the extra is installed, or say how to install it before anything else
    server = broker_url(broker)
    where = PlaceOptions(lat, lon, elevation, city, None)
    source = ElementOptions(tle_file, offline, quiet, verbose)
    reporter, place, _, _, start, used, orbit = prepare(
        where, source, lambda place: moment(at, search_ahead=None if place is None else SEARCH_AHEAD)
    )
    clock_start = time.monotonic()

    def clock() -> datetime:
        return start + timedelta(seconds=time.monotonic() - clock_start)

    timeout_s = timeout_from_env()
    loaded: dict[str, Any] = {"used": used, "at": start, "orbit": orbit}
    device = device_id(place)
    topics = topics_for(device, topic_prefix.rstrip("/"))
    client_id = f"isstrack-{device}-{os.getpid()}"
    publisher = Publisher(server, topics.availability, client_id, timeout_s, reporter.log)
    if ha_discovery:
        publisher.publish(discovery(device, topics, place, __version__))

    def compute(when: datetime, upcoming: NextPass | None) -> Moment:
        if when - loaded["at"] > RELOAD_ELEMENTS_EVERY:
            try:
                used = load_elements(reporter, offline, tle_file, when)
            except Exception as exc:  # keep publishing with the elements we have
                reporter.warn(f"could not reload the elements ({exc}); keeping those loaded")
            else:
                if used.elements != loaded["used"].elements:
                    loaded["orbit"], upcoming = Orbit(used.elements), None
                loaded["used"] = used
            loaded["at"] = when
        return state_at(loaded["orbit"], loaded["used"], place, when, min_elevation, topics, upcoming)

    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    publisher.start()
    reporter.log(f"publishing to {server.label} under {topics.base}/ every {interval:g} s")
    try:
        if not publisher.wait_connected(timeout_s):
            reporter.warn(f"no connection to {server.label} yet; retrying in the background")
        publish_every(interval, clock, compute, publisher.publish, stop)
    except KeyboardInterrupt:
        pass
    finally:
        publisher.stop()
        signal.signal(signal.SIGTERM, previous)
