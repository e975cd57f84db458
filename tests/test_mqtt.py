"""`isstrack mqtt` against a real Mosquitto on 127.0.0.1: topics, retained flags, Home Assistant discovery
schema, the last will after kill -9, and a broker restart."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import isstrack_command
from tests.independent import ecef_km, geodetic
from tests.smtp_helpers import free_port
from tests.tle_tools import newest

MOSQUITTO = shutil.which("mosquitto") or shutil.which("mosquitto", path="/usr/sbin:/sbin")
pytestmark = pytest.mark.skipif(
    MOSQUITTO is None and os.environ.get("CI") != "true",
    reason="Mosquitto is not installed (apt-get install mosquitto)",
)
AT = "2026-09-24T18:00:00Z"
PLACE = ("52.37403", "4.88969")

# Home Assistant's documented MQTT discovery fields, per platform (home-assistant.io/integrations/
# <platform>.mqtt/): a config with any other key, or without a required one, is not what HA reads.
COMMON = {
    "availability",
    "availability_mode",
    "availability_template",
    "availability_topic",
    "default_entity_id",
    "device",
    "enabled_by_default",
    "encoding",
    "entity_category",
    "entity_picture",
    "icon",
    "json_attributes_template",
    "json_attributes_topic",
    "name",
    "object_id",
    "origin",
    "payload_available",
    "payload_not_available",
    "platform",
    "qos",
    "unique_id",
}
FIELDS = {
    "device_tracker": COMMON
    | {"payload_home", "payload_not_home", "payload_reset", "source_type", "state_topic", "value_template"},
    "sensor": COMMON
    | {
        "device_class",
        "expire_after",
        "force_update",
        "last_reset_value_template",
        "options",
        "state_class",
        "state_topic",
        "suggested_display_precision",
        "unit_of_measurement",
        "value_template",
    },
    "binary_sensor": COMMON
    | {
        "device_class",
        "expire_after",
        "force_update",
        "off_delay",
        "payload_off",
        "payload_on",
        "state_topic",
        "value_template",
    },
}
REQUIRED = {"device_tracker": set(), "sensor": {"state_topic"}, "binary_sensor": {"state_topic"}}
DEVICE_FIELDS = {
    "configuration_url",
    "connections",
    "hw_version",
    "identifiers",
    "manufacturer",
    "model",
    "model_id",
    "name",
    "serial_number",
    "suggested_area",
    "sw_version",
    "via_device",
}
ORIGIN_FIELDS = {"name", "sw_version", "support_url"}


class Broker:
    """A Mosquitto on 127.0.0.1 at a free port, without persistence (a restart forgets retained messages)."""

    def __init__(self, work: Path) -> None:
        self.port = free_port()
        self.config = work / "mosquitto.conf"
        self.config.write_text(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert MOSQUITTO is not None, "CI must have Mosquitto"
        self.process = subprocess.Popen(
            [MOSQUITTO, "-c", str(self.config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise AssertionError("mosquitto did not start listening")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    server = Broker(tmp_path)
    server.start()
    yield server
    server.stop()


@dataclass
class Seen:
    topic: str
    payload: str
    retain: bool


@dataclass
class Subscriber:
    """A paho client subscribed to everything, recording what arrives."""

    port: int
    messages: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        import paho.mqtt.client as mqtt

        self.client = mqtt.Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id=f"t{time.monotonic_ns()}"
        )
        self.client.on_message = self._record
        self.client.on_connect = lambda c, u, f, r, p: c.subscribe("#", qos=1)
        self.client.connect("127.0.0.1", self.port, keepalive=10)
        self.client.loop_start()

    def _record(self, client: Any, userdata: Any, message: Any) -> None:
        with self.lock:
            self.messages.append(Seen(message.topic, message.payload.decode("utf-8"), bool(message.retain)))

    def wait(self, test: Callable[[list[Seen]], bool], timeout_s: float = 15.0) -> list[Seen]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self.lock:
                seen = list(self.messages)
            if test(seen):
                return seen
            time.sleep(0.05)
        raise AssertionError(
            f"not seen within {timeout_s} s; got {[(m.topic, m.payload[:60]) for m in seen]}"
        )

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def last(seen: list[Seen], topic_end: str) -> Seen | None:
    matching = [m for m in seen if m.topic.endswith(topic_end)]
    return matching[-1] if matching else None


@pytest.fixture
def tle(tmp_path: Path) -> str:
    path = tmp_path / "iss.tle"
    path.write_text("\n".join(newest()) + "\n")
    return str(path)


def start_publisher(broker: Broker, tle: str, env: dict[str, str], *extra: str) -> subprocess.Popen[str]:
    command = [*isstrack_command(), "mqtt", "--broker", f"mqtt://127.0.0.1:{broker.port}", "--tle-file", tle]
    command += ["--lat", PLACE[0], "--lon", PLACE[1], "--interval", "1", *extra]
    return subprocess.Popen(
        command,
        env={**os.environ, **env, "ISSTRACK_AT": AT, "ISSTRACK_HTTP_TIMEOUT": "3"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def stop_later() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def test_discovery_and_state_follow_home_assistants_schema(
    broker: Broker, tle: str, isolated_env: dict[str, str], stop_later: list[subprocess.Popen[str]]
) -> None:
    watcher = Subscriber(broker.port)
    stop_later.append(start_publisher(broker, tle, isolated_env, "--ha-discovery"))
    seen = watcher.wait(
        lambda s: len({m.topic for m in s}) >= 9 and sum(m.topic.endswith("/position") for m in s) >= 2
    )
    watcher.close()
    configs = {m.topic: json.loads(m.payload) for m in seen if m.topic.startswith("homeassistant/")}
    components = sorted(topic.split("/")[1] for topic in configs)
    assert components == ["binary_sensor", "device_tracker", "sensor", "sensor"]
    availability = {c["availability_topic"] for c in configs.values()}
    assert len(availability) == 1
    for topic, config in configs.items():
        component = topic.split("/")[1]
        assert topic.endswith("/config") and len(topic.split("/")) == 5
        assert set(config) <= FIELDS[component], set(config) - FIELDS[component]
        assert REQUIRED[component] <= set(config)
        assert set(config["device"]) <= DEVICE_FIELDS and config["device"]["identifiers"]
        assert set(config["origin"]) <= ORIGIN_FIELDS and config["origin"]["name"]
        assert config["payload_not_available"] == "offline"
    assert len({c["unique_id"] for c in configs.values()}) == 4
    tracker = next(c for t, c in configs.items() if "/device_tracker/" in t)
    timestamp = next(c for c in configs.values() if c.get("device_class") == "timestamp")
    binary = next(c for t, c in configs.items() if "/binary_sensor/" in t)
    # Position against plain sgp4 at the payload's own time.
    position = json.loads(last(seen, "/position").payload)  # type: ignore[union-attr]
    assert position.keys() >= {"latitude", "longitude", "gps_accuracy"}
    assert last(seen, "/position").topic == tracker["json_attributes_topic"]  # type: ignore[union-attr]
    when = datetime.fromisoformat(position["time"])
    _, line1, line2 = newest()
    lat, lon, _ = geodetic(ecef_km(line1, line2, when))
    assert (
        abs(position["latitude"] - lat) < 0.2 and abs((position["longitude"] - lon + 180) % 360 - 180) < 0.2
    )
    # The next pass is the one `isstrack next --json` finds.
    next_pass = json.loads(last(seen, "/next_pass").payload)  # type: ignore[union-attr]
    assert last(seen, "/next_pass").topic == timestamp["state_topic"]  # type: ignore[union-attr]
    done = subprocess.run(
        [
            *isstrack_command(),
            "next",
            "--lat",
            PLACE[0],
            "--lon",
            PLACE[1],
            "--json",
            "--tle-file",
            tle,
            "--at",
            AT,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **isolated_env},
        timeout=60,
        check=True,
    )
    expected = json.loads(done.stdout)["pass"]["visible_start"]["time"]
    assert (
        abs(
            (
                datetime.fromisoformat(next_pass["start"])
                - datetime.fromisoformat(expected.replace("Z", "+00:00"))
            ).total_seconds()
        )
        <= 1
    )
    assert last(seen, "/visible").payload in (binary["payload_on"], binary["payload_off"])  # type: ignore[union-attr]
    assert last(seen, "/availability").payload == "online"  # type: ignore[union-attr]
    # Retained: a subscriber that comes later gets discovery, availability and the latest state at once.
    late = Subscriber(broker.port)
    again = late.wait(lambda s: len({m.topic for m in s if m.retain}) >= 9)
    late.close()
    retained = {m.topic for m in again if m.retain}
    assert set(configs) <= retained
    assert {t.rsplit("/", 1)[1] for t in retained if t.startswith("isstrack/")} == {
        "availability",
        "position",
        "elements",
        "next_pass",
        "visible",
    }


def says(availability: str) -> Callable[[list[Seen]], bool]:
    """Return a test that the latest availability message says `availability`."""
    return lambda seen: (found := last(seen, "/availability")) is not None and found.payload == availability


def online_publisher(
    broker: Broker, tle: str, env: dict[str, str], stop_later: list[subprocess.Popen[str]]
) -> tuple[Subscriber, subprocess.Popen[str]]:
    """Start a publisher and return it with a subscriber once it has said it is online."""
    watcher = Subscriber(broker.port)
    publisher = start_publisher(broker, tle, env)
    stop_later.append(publisher)
    watcher.wait(says("online"))
    return watcher, publisher


def test_the_last_will_says_offline_after_kill_9(
    broker: Broker, tle: str, isolated_env: dict[str, str], stop_later: list[subprocess.Popen[str]]
) -> None:
    watcher, publisher = online_publisher(broker, tle, isolated_env, stop_later)
    publisher.send_signal(signal.SIGKILL)
    publisher.wait(10)
    seen = watcher.wait(
        lambda s: last(s, "/availability") is not None and last(s, "/availability").payload == "offline"
    )  # type: ignore[union-attr]
    watcher.close()
    assert last(seen, "/availability").payload == "offline"  # type: ignore[union-attr]
    late = Subscriber(broker.port)
    again = late.wait(lambda s: any(m.topic.endswith("/availability") for m in s))
    late.close()
    assert [(m.payload, m.retain) for m in again if m.topic.endswith("/availability")] == [("offline", True)]


def test_a_broker_restart_is_survived(
    broker: Broker, tle: str, isolated_env: dict[str, str], stop_later: list[subprocess.Popen[str]]
) -> None:
    publisher = start_publisher(broker, tle, isolated_env, "--ha-discovery")
    stop_later.append(publisher)
    first = Subscriber(broker.port)
    first.wait(lambda s: any(m.topic.endswith("/position") for m in s))
    first.close()
    broker.stop()
    time.sleep(1.5)
    broker.start()  # no persistence: every retained message is gone until the publisher sends it again
    after = Subscriber(broker.port)
    seen = after.wait(
        lambda s: (
            sum(m.topic.startswith("homeassistant/") for m in s) >= 4
            and any(m.topic.endswith("/availability") and m.payload == "online" for m in s)
            and sum(m.topic.endswith("/position") for m in s) >= 2
        ),
        timeout_s=30,
    )
    after.close()
    times = [json.loads(m.payload)["time"] for m in seen if m.topic.endswith("/position")]
    assert times[-1] > times[0], "the position is not being updated after the restart"
    assert publisher.poll() is None


def test_a_clean_stop_says_offline_and_exits_0(
    broker: Broker, tle: str, isolated_env: dict[str, str], stop_later: list[subprocess.Popen[str]]
) -> None:
    watcher, publisher = online_publisher(broker, tle, isolated_env, stop_later)
    publisher.send_signal(signal.SIGTERM)
    assert publisher.wait(15) == 0, publisher.stderr.read() if publisher.stderr else ""
    seen = watcher.wait(lambda s: last(s, "/availability").payload == "offline")  # type: ignore[union-attr]
    watcher.close()
    assert seen


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://127.0.0.1:1883", "mqtt:// or mqtts://"),
        ("mqtt://user:Hunter2-secret@127.0.0.1", "password where others can read it"),
    ],
)
def test_a_bad_broker_url_is_exit_2_without_echoing_a_password(
    cli: Any, tle: str, url: str, words: str
) -> None:
    result = cli("mqtt", "--broker", url, "--tle-file", tle, timeout=60)
    assert result.code == 2
    assert words in result.err
    assert "Hunter2-secret" not in result.err + result.out


def test_tls_and_a_password_from_a_file_only_the_user_can_read(
    tmp_path: Path, tle: str, isolated_env: dict[str, str], stop_later: list[subprocess.Popen[str]]
) -> None:
    import ssl

    from tests.smtp_helpers import self_signed

    cert, key = self_signed(tmp_path)
    passwords = tmp_path / "passwords"
    passwords.write_text("")
    subprocess.run(["mosquitto_passwd", "-b", str(passwords), "iss", "s3cret-mqtt"], check=True, timeout=30)
    secret = tmp_path / "mqtt-password"
    secret.write_text("s3cret-mqtt\n")
    secret.chmod(0o600)
    broker = Broker(tmp_path)
    broker.config.write_text(
        f"listener {broker.port} 127.0.0.1\ncertfile {cert}\nkeyfile {key}\n"
        f"allow_anonymous false\npassword_file {passwords}\npersistence false\n"
        # Started by root (as in CI), Mosquitto would switch to its own user, who cannot read the test's
        # private folder; as any other user this line does nothing.
        "user root\n"
    )
    broker.start()
    try:
        import paho.mqtt.client as mqtt

        seen: list[str] = []
        client = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id="tls-watcher")
        client.tls_set_context(ssl.create_default_context(cafile=str(cert)))
        client.username_pw_set("iss", "s3cret-mqtt")
        client.on_connect = lambda c, u, f, r, p: c.subscribe("isstrack/#", qos=1)
        client.on_message = lambda c, u, m: seen.append(m.topic)
        client.connect("127.0.0.1", broker.port)
        client.loop_start()
        env = {**isolated_env, "ISSTRACK_MQTT_USER": "iss", "ISSTRACK_MQTT_PASSWORD_FILE": str(secret)}
        command = [*isstrack_command(), "mqtt", "--broker", f"mqtts://127.0.0.1:{broker.port}?cafile={cert}"]
        command += ["--tle-file", tle, "--interval", "1"]
        publisher = subprocess.Popen(
            command, env={**os.environ, **env, "ISSTRACK_AT": AT}, stdin=subprocess.DEVNULL, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        stop_later.append(publisher)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not any(t.endswith("/position") for t in seen):
            time.sleep(0.05)
        client.disconnect()
        client.loop_stop()
        assert any(t.endswith("/position") for t in seen), "nothing published over TLS with the password"
        publisher.send_signal(signal.SIGTERM)
        _, err = publisher.communicate(timeout=15)
        assert "s3cret-mqtt" not in err
    finally:
        broker.stop()


def readme_block(kind: str, needle: str) -> str:
    """Return the one fenced block of docs/alerts.md of `kind` that holds `needle`."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "alerts.md").read_text()
    (block,) = [b for b in re.findall(rf"```{kind}\n(.+?)\n```", text, re.S) if needle in b]
    return block


def test_the_readme_service_runs_as_written(
    broker: Broker, tle: str, isolated_env: dict[str, str], stop_later: list[subprocess.Popen[str]]
) -> None:
    import configparser
    import shlex

    unit = configparser.ConfigParser(interpolation=None, strict=True)
    unit.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    unit.read_string(readme_block("ini", "isstrack mqtt"))
    words = shlex.split(unit["Service"]["ExecStart"])
    assert words[0] == "%h/.local/bin/isstrack" and words[1] == "mqtt"
    at = words.index("--broker")
    words[at + 1] = f"mqtt://127.0.0.1:{broker.port}"  # the page's broker is Home Assistant's
    watcher = Subscriber(broker.port)
    process = subprocess.Popen(
        [*isstrack_command(), *words[1:], "--tle-file", tle, "--interval", "1"],
        env={**os.environ, **isolated_env, "ISSTRACK_AT": AT}, stdin=subprocess.DEVNULL, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    stop_later.append(process)
    seen = watcher.wait(lambda s: sum(m.topic.startswith("homeassistant/") for m in s) >= 4)
    watcher.close()
    assert any("Amsterdam" in m.payload for m in seen if m.topic.endswith("/next_pass/config"))


def test_the_readme_command_line_sensor_reads_what_next_json_says(
    isolated_env: dict[str, str], tle: str
) -> None:
    import shlex

    block = readme_block("yaml", "command_line:")
    command = shlex.split(re.search(r'command: "(.+)"', block).group(1))  # type: ignore[union-attr]
    assert command[:2] == ["isstrack", "next"] and "--json" in command
    began = time.monotonic()
    done = subprocess.run(
        [*isstrack_command(), *command[1:], "--at", AT],
        capture_output=True, text=True, env={**os.environ, **isolated_env}, timeout=60, check=True,
    )  # fmt: skip
    assert time.monotonic() - began < 15, "Home Assistant's command_line sensor gives up after 15 s"
    document = json.loads(done.stdout)
    template = re.search(r"value_template: \"\{\{ (.+) \}\}\"", block).group(1)  # type: ignore[union-attr]
    assert template.startswith("value_json['pass']['visible_start']['time']")
    datetime.fromisoformat(document["pass"]["visible_start"]["time"].replace("Z", "+00:00"))
    attributes = re.findall(r"^        - (\w+)$", block, re.M)
    assert attributes and all(name in document for name in attributes)
