"""Publish the station's state to an MQTT broker: connect with TLS and credentials, reconnect, last will.

paho-mqtt's network thread connects and, after any loss, reconnects with exponential back-off
(1 s doubling to 60 s). On every (re)connection the publisher says "online" on the availability
topic and publishes the discovery configs and the latest state again, all retained, so a broker
restarted without persistence is whole again at once. The broker publishes the last will,
"offline" (retained), when the connection drops without a goodbye; a clean stop says it itself.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from isstrack.errors import BadInputError
from isstrack.io.credentials import ServiceUrl, parse_service_url, with_credentials
from isstrack.mqtt.homeassistant import OFFLINE, ONLINE, Message

if TYPE_CHECKING:
    import paho.mqtt.client as paho

MQTT_PORTS = {"mqtt": 1883, "mqtts": 8883}
MQTT_EXAMPLE = "mqtt://homeassistant.local:1883"
MQTT_ENV_PREFIX = "ISSTRACK_MQTT"
KEEPALIVE_S = 30
RECONNECT_MIN_S, RECONNECT_MAX_S = 1, 60
QOS = 1


def broker_url(url: str) -> ServiceUrl:
    """Return the broker from --broker (no password: a command line is visible to other users)."""
    broker = parse_service_url(url, "--broker", MQTT_PORTS, MQTT_EXAMPLE, password_allowed=False)
    return with_credentials(broker, MQTT_ENV_PREFIX)


def client_library() -> Any:
    """Return paho.mqtt.client, or raise BadInputError telling how to install the extra."""
    try:
        import paho.mqtt.client as mqtt
    except ImportError:
        raise BadInputError(
            "isstrack mqtt needs the MQTT client library: pip install 'isstrack[mqtt]'"
        ) from None
    return mqtt


class Publisher:
    """An MQTT connection that keeps the latest message per topic and republishes them on reconnect."""

    def __init__(
        self,
        broker: ServiceUrl,
        availability_topic: str,
        client_id: str,
        timeout_s: float,
        log: Callable[[str], None] = lambda text: None,
    ) -> None:
        mqtt = client_library()
        self.broker = broker
        self.availability_topic = availability_topic
        self.timeout_s = timeout_s
        self.log = log
        self.latest: dict[str, Message] = {}
        self.lock = threading.Lock()
        self.connected = threading.Event()
        self.stopping = threading.Event()
        self.client: paho.Client = mqtt.Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id,
            protocol=mqtt.MQTTv311,
        )
        self.client.connect_timeout = timeout_s
        self.client.reconnect_delay_set(RECONNECT_MIN_S, RECONNECT_MAX_S)
        self.client.will_set(availability_topic, OFFLINE, qos=QOS, retain=True)
        if broker.username is not None:
            self.client.username_pw_set(broker.username, broker.password)
        if broker.scheme == "mqtts":
            import ssl  # only for TLS: every command's start-up imports this module

            cafile = broker.option("cafile") or None
            self.client.tls_set_context(ssl.create_default_context(cafile=cafile))
        elif broker.password is not None and not broker.loopback:
            raise BadInputError(
                f"--broker {broker.label}: the password is not sent in clear to another machine; "
                "use mqtts:// (TLS)"
            )
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect

    def start(self) -> None:
        """Start connecting in the background (the network thread retries until stopped)."""
        self.client.connect_async(self.broker.host, self.broker.port, keepalive=KEEPALIVE_S)
        self.client.loop_start()

    def wait_connected(self, timeout_s: float) -> bool:
        """Return whether the connection is up within `timeout_s`."""
        return self.connected.wait(timeout_s)

    def publish(self, messages: Iterable[Message]) -> None:
        """Remember each message as its topic's latest and send it now if connected (else on reconnect)."""
        messages = list(messages)
        with self.lock:
            for message in messages:
                self.latest[message.topic] = message
        if self.connected.is_set():
            self._send(messages)

    def _send(self, messages: list[Message]) -> None:
        for message in messages:
            info = self.client.publish(message.topic, message.payload, qos=QOS, retain=message.retain)
            if info.rc != 0:  # not connected any more: on_connect sends the latest again
                return
            try:
                info.wait_for_publish(self.timeout_s)
            except (RuntimeError, ValueError):  # the connection went while waiting
                return

    def _on_connect(self, client: Any, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        if getattr(reason, "is_failure", False):
            self.log(f"the broker {self.broker.label} refused the connection ({reason}); retrying")
            return
        self.log(f"connected to {self.broker.label}")
        self.connected.set()
        with self.lock:
            pending = [Message(self.availability_topic, ONLINE), *self.latest.values()]
        # Off the network thread: waiting for acknowledgements here would block the thread that reads them.
        threading.Thread(target=self._send, args=(pending,), daemon=True, name="isstrack-mqtt-resend").start()

    def _on_disconnect(self, client: Any, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        if self.connected.is_set() and not self.stopping.is_set():
            self.log(f"lost the connection to {self.broker.label} ({reason}); reconnecting")
        self.connected.clear()

    def stop(self) -> None:
        """Say offline (retained), disconnect cleanly and stop the network thread, within the timeout."""
        self.stopping.set()
        if self.connected.is_set():
            info = self.client.publish(self.availability_topic, OFFLINE, qos=QOS, retain=True)
            with contextlib.suppress(RuntimeError, ValueError):  # gone meanwhile: the will says it
                info.wait_for_publish(self.timeout_s)
        self.client.disconnect()
        self.client.loop_stop()
