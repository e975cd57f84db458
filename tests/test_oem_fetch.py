"""Fetching NASA's trajectory from 127.0.0.1: once per 4 hours, atomically, back-off, bad files refused."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from isstrack.elements.oemstore import CACHE_NAME, OemStore
from tests.oem_tools import OEM_FILE

NOW = datetime(2026, 9, 22, 12, tzinfo=timezone.utc)
GOOD = OEM_FILE.read_bytes()


class Server:
    """Serve `body` with `status` to every GET, counting them."""

    def __init__(self) -> None:
        self.body, self.status, self.requests = GOOD, 200, 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.requests += 1
                self.send_response(owner.status)
                self.send_header("Content-Length", str(len(owner.body)))
                self.end_headers()
                self.wfile.write(owner.body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/ISS.OEM_J2K_EPH.txt"


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.httpd.shutdown()
    s.httpd.server_close()


def test_downloads_at_most_once_per_four_hours_and_caches_atomically(server: Server, tmp_path: Path) -> None:
    store = OemStore(tmp_path, server.url, 5.0)
    first = store.get(NOW)
    assert server.requests == 1 and first.oem is not None and not first.warnings
    assert (tmp_path / CACHE_NAME).read_bytes() == GOOD
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    again = store.get(NOW + timedelta(hours=3, minutes=59))
    assert server.requests == 1 and again.oem is not None and again.oem.creation == first.oem.creation
    store.get(NOW + timedelta(hours=4, minutes=1))
    assert server.requests == 2


def test_a_damaged_download_keeps_the_previous_file_and_backs_off(server: Server, tmp_path: Path) -> None:
    store = OemStore(tmp_path, server.url, 5.0)
    assert store.get(NOW).oem is not None
    server.body = GOOD[: len(GOOD) // 2].replace(b"EME2000", b"ITRF")  # cut short, wrong frame
    later = NOW + timedelta(hours=5)
    damaged = store.get(later)
    assert server.requests == 2
    assert damaged.oem is not None and damaged.oem.state_count == 1018  # the previous one
    assert any("keeping the previous one" in w for w in damaged.warnings)
    assert (tmp_path / CACHE_NAME).read_bytes() == GOOD
    store.get(later + timedelta(hours=1))  # inside the 2-hour pause after a bad answer
    assert server.requests == 2
    server.body = GOOD
    store.get(later + timedelta(hours=2, minutes=1))
    assert server.requests == 3


def test_a_server_error_caches_nothing_and_offline_never_asks(server: Server, tmp_path: Path) -> None:
    server.status, server.body = 503, b"busy"
    store = OemStore(tmp_path, server.url, 5.0)
    failed = store.get(NOW)
    assert failed.oem is None and any("HTTP 503" in w for w in failed.warnings)
    assert not (tmp_path / CACHE_NAME).exists()
    fresh = OemStore(tmp_path / "other", server.url, 5.0)
    assert fresh.get(NOW, offline=True).oem is None
    assert server.requests == 1


def test_events_uses_the_downloaded_trajectory(cli: Any, server: Server) -> None:
    args = ("events", "--from", "2026-09-22T00:00Z", "--json")
    result = cli(*args, env={"ISSTRACK_OEM_URL": server.url})
    assert result.code == 0, result.err
    assert any(e["kind"] == "burn" for e in result.json()["events"])
    assert cli(*args, env={"ISSTRACK_OEM_URL": server.url}).code == 0
    assert server.requests == 1  # the second run uses the cache
    bad = cli(*args, env={"ISSTRACK_OEM_URL": "ftp://example/x"})
    assert bad.code == 2 and "ISSTRACK_OEM_URL" in bad.err
