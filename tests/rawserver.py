"""A tiny threading TCP server on 127.0.0.1 that misbehaves at the byte level, counting connections."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator

Behaviour = Callable[[socket.socket, threading.Event], None]


class RawServer:
    """Accept connections and hand each to `behaviour(conn, stop)` in its own thread."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.stop = threading.Event()
        self.connections = 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def url(self) -> str:
        """Return an ISSTRACK_TLE_URL template pointing here."""
        return f"http://127.0.0.1:{self.port}/gp.php?CATNR={{catnr}}&FORMAT=TLE"

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError), conn:
            conn.settimeout(5)
            _read_request(conn)
            self.behaviour(conn, self.stop)

    def close(self) -> None:
        """Stop accepting and let handlers finish."""
        self.stop.set()
        self.sock.close()
        self._thread.join(2)


@contextlib.contextmanager
def raw_server(behaviour: Behaviour) -> Iterator[RawServer]:
    """Run a RawServer for the duration of a with-block."""
    server = RawServer(behaviour)
    try:
        yield server
    finally:
        server.close()


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def trickle(conn: socket.socket, stop: threading.Event, data: bytes, interval_s: float = 1.0) -> None:
    """Send `data` one byte per `interval_s` until done or told to stop."""
    for byte in data:
        if stop.is_set():
            return
        conn.sendall(bytes([byte]))
        time.sleep(interval_s)


def reset(conn: socket.socket) -> None:
    """Close with a TCP reset (SO_LINGER 0) instead of an orderly end."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()
