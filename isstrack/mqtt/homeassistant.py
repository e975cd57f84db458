"""What `isstrack mqtt` publishes: topics, JSON state payloads and Home Assistant discovery configs.

Topics live under `isstrack/<device>/` (availability, position, elements, and per place next_pass
and visible); discovery configs under `homeassistant/<component>/<device>/<object>/config`, as
Home Assistant's MQTT discovery documents them: a device_tracker fed by JSON attributes (latitude,
longitude, gps_accuracy), a timestamp sensor with the pass's details as attributes, a
binary_sensor, and a duration sensor for the elements' age. Every config names the availability
topic, on which the broker publishes the last will "offline" when the publisher dies.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from isstrack.place.location import Location
from isstrack.sky.earth import compass
from isstrack.sky.orbit import StationState
from isstrack.sky.passes import Pass

DISCOVERY_PREFIX = "homeassistant"
TOPIC_ROOT = "isstrack"
ONLINE, OFFLINE = "online", "offline"
ON, OFF = "ON", "OFF"
GPS_ACCURACY_M = 1000  # the position is a prediction from elements: good to about a kilometre


@dataclass(frozen=True)
class Message:
    """One MQTT message to publish: topic, payload, retained or not."""

    topic: str
    payload: str
    retain: bool = True


def device_id(place: Location | None) -> str:
    """Return the device's id: iss, or iss_<lat>_<lon> for a place (letters, digits, underscores)."""
    if place is None:
        return "iss"
    key = f"iss_{place.latitude_deg:.3f}_{place.longitude_deg:.3f}"
    return re.sub(r"[^a-z0-9_]", "_", key.replace("-", "m").replace(".", "p"))


@dataclass(frozen=True)
class Topics:
    """The state topics of one device."""

    base: str

    @property
    def availability(self) -> str:
        """Return the topic that says online, or offline (the last will)."""
        return f"{self.base}/availability"

    @property
    def position(self) -> str:
        """Return the topic of the station's position (JSON: latitude, longitude, ...)."""
        return f"{self.base}/position"

    @property
    def elements(self) -> str:
        """Return the topic of the elements' age and source (JSON)."""
        return f"{self.base}/elements"

    @property
    def next_pass(self) -> str:
        """Return the topic of the next visible pass (JSON; start null when none is found)."""
        return f"{self.base}/next_pass"

    @property
    def visible(self) -> str:
        """Return the topic that says ON while the station can be seen from the place, else OFF."""
        return f"{self.base}/visible"


def topics_for(device: str, root: str = TOPIC_ROOT) -> Topics:
    """Return the state topics of a device under `root`."""
    return Topics(f"{root}/{device}")


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def position_payload(state: StationState) -> str:
    """Return the position as Home Assistant's device tracker reads JSON attributes, plus details."""
    return json.dumps(
        {
            "latitude": round(state.latitude_deg, 5),
            "longitude": round(state.longitude_deg, 5),
            "gps_accuracy": GPS_ACCURACY_M,
            "altitude_km": round(state.altitude_km, 2),
            "speed_km_s": round(state.speed_km_s, 3),
            "sunlit": state.sunlit,
            "revolution": state.revolution,
            "time": _iso(state.time),
        }
    )


def elements_payload(age_days: float, epoch: datetime, source: str, trusted: bool) -> str:
    """Return the elements' age in days, epoch, source and whether they are still to be trusted."""
    return json.dumps(
        {"age_days": round(age_days, 3), "epoch": _iso(epoch), "source": source, "trusted": trusted}
    )


def next_pass_payload(item: Pass | None, place: Location) -> str:
    """Return the next visible pass: start (ISO 8601 with offset, for a timestamp sensor) and details."""
    if item is None or item.visible_start is None or item.visible_end is None:
        return json.dumps({"start": None, "place": place.name})
    start, end = item.visible_start, item.visible_end
    top = item.visible_highest or item.culmination
    magnitude = item.magnitude if item.magnitude is not None and math.isfinite(item.magnitude) else None
    return json.dumps(
        {
            "start": _iso(start.time),
            "end": _iso(end.time),
            "duration_s": round(item.visible_duration_s),
            "appears_direction": compass(start.azimuth_deg),
            "appears_elevation_deg": round(start.elevation_deg, 1),
            "max_elevation_deg": round(top.elevation_deg, 1),
            "max_direction": compass(top.azimuth_deg),
            "disappears_direction": compass(end.azimuth_deg),
            "disappears_elevation_deg": round(end.elevation_deg, 1),
            "magnitude": None if magnitude is None else round(magnitude, 1),
            "revolution": item.revolution,
            "place": place.name,
        }
    )


def discovery(device: str, topics: Topics, place: Location | None, version: str) -> list[Message]:
    """Return the retained discovery configs for the device's entities (the place's only with a place)."""
    name = "ISS" if place is None else f"ISS over {place.name}"[:100]
    block = {
        "identifiers": [f"isstrack_{device}"],
        "name": name,
        "manufacturer": "isstrack",
        "model": "ISS pass predictor",
        "sw_version": version,
    }
    common = {
        "availability_topic": topics.availability,
        "payload_available": ONLINE,
        "payload_not_available": OFFLINE,
        "device": block,
        "origin": {"name": "isstrack", "sw_version": version},
    }
    configs: list[tuple[str, str, dict[str, Any]]] = [
        (
            "device_tracker",
            "position",
            {
                "name": "Position",
                "json_attributes_topic": topics.position,
                "source_type": "gps",
                "icon": "mdi:space-station",
            },
        ),
        (
            "sensor",
            "elements_age",
            {
                "name": "Elements age",
                "state_topic": topics.elements,
                "value_template": "{{ value_json.age_days }}",
                "json_attributes_topic": topics.elements,
                "device_class": "duration",
                "unit_of_measurement": "d",
                "state_class": "measurement",
                "entity_category": "diagnostic",
            },
        ),
    ]
    if place is not None:
        configs += [
            (
                "sensor",
                "next_pass",
                {
                    "name": "Next visible pass",
                    "state_topic": topics.next_pass,
                    "value_template": "{{ value_json.start }}",
                    "json_attributes_topic": topics.next_pass,
                    "device_class": "timestamp",
                    "icon": "mdi:telescope",
                },
            ),
            (
                "binary_sensor",
                "visible",
                {
                    "name": "Visible now",
                    "state_topic": topics.visible,
                    "payload_on": ON,
                    "payload_off": OFF,
                    "icon": "mdi:eye",
                },
            ),
        ]
    return [
        Message(
            f"{DISCOVERY_PREFIX}/{component}/{device}/{object_id}/config",
            json.dumps({**config, **common, "unique_id": f"isstrack_{device}_{object_id}"}),
        )
        for component, object_id, config in configs
    ]
