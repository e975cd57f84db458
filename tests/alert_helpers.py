"""A recording loopback HTTP server that stands in for ntfy and a webhook, and alert test helpers."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.tle_tools import history_sets, text

SECRET = "s3cr3t-T0ken"
AMSTERDAM = ("52.37403", "4.88969")  # GeoNames coordinates of 'Amsterdam, NL'


@dataclass
class Received:
    """One request the server answered."""

    path: str
    headers: dict[str, str]
    body: bytes
    status: int
    tag: str = ""  # what the test was doing when it arrived (the simulated time)

    def json(self) -> Any:
        """Return the body parsed as JSON."""
        return json.loads(self.body)


@dataclass
class Recorder:
    """What the server received, and how it should behave per path prefix."""

    requests: list[Received] = field(default_factory=list)
    modes: dict[str, str] = field(default_factory=dict)  # prefix -> ok | fail | hang | slow
    tag: str = ""
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def mode(self, path: str) -> str:
        """Return the behaviour for a path."""
        for prefix, mode in self.modes.items():
            if path.startswith(prefix):
                return mode
        return "ok"

    def delivered(self, prefix: str) -> list[Received]:
        """Return the requests to `prefix` that were answered with success."""
        with self.lock:
            return [r for r in self.requests if r.path.startswith(prefix) and r.status < 300]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        recorder = self.server.recorder
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        mode = recorder.mode(self.path)
        if mode == "hang":
            recorder.release.wait(60)
            return
        if mode == "slow":
            time.sleep(0.5)
        status = 500 if mode == "fail" else 200
        with recorder.lock:
            recorder.requests.append(
                Received(self.path, dict(self.headers.items()), body, status, recorder.tag)
            )
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    recorder: Recorder


@contextlib.contextmanager
def recording_server() -> Iterator[tuple[str, Recorder]]:
    """Serve on 127.0.0.1 in a thread; yield its base URL and the recorder."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.recorder = Recorder()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.recorder
    finally:
        server.recorder.release.set()
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def serve_posts(answer: Callable[[str, bytes], int]) -> Iterator[str]:
    """Serve POSTs on 127.0.0.1 in threads, each answered (empty) with `answer(path, body)`, which may
    wait; yield the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            status = answer(self.path, self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            with contextlib.suppress(OSError):  # the client may have hung up by now
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def reference_file(tmp_path: Path, index: int) -> Path:
    """Write reference set `index` (of 20, oldest first; -1 the newest) to a file of its own."""
    path = tmp_path / f"set{index % 20}.tle"
    path.write_text(text(history_sets()[index]))
    return path


def iso(moment: datetime) -> str:
    """Return ISO 8601 UTC with a Z."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str) -> datetime:
    """Parse the JSON's ISO 8601 UTC times."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
