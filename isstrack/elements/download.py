"""Make one HTTP GET for elements, bounded in wall time and size whatever the server does.

An *answer* is a status line and its headers. Until they arrive there is no answer (a refused or
reset connection, silence, trickled headers): that earns the short pause. Anything after them that
is not a complete, good 200 (another status, a body cut short, a corrupt gzip, too large, too slow)
is a bad answer and earns the long pause.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import zlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

PAUSE_AFTER_ERROR = timedelta(hours=2)
PAUSE_AFTER_NO_ANSWER = timedelta(minutes=15)
MAX_PAUSE = timedelta(hours=24)  # a Retry-After longer than this is capped
MAX_RESPONSE_BYTES = 1_000_000
_READ_BYTES = 4096


class FetchFailure(Exception):
    """Report a download that gave no usable answer, and how long to wait before the next."""

    def __init__(self, message: str, pause: timedelta) -> None:
        super().__init__(message)
        self.message = message
        self.pause = pause


@dataclass(frozen=True)
class Answer:
    """A complete HTTP answer: status, decoded body and the headers the policy needs."""

    status: int
    body: bytes
    location: str
    retry_after: str


def deadline_s(timeout_s: float) -> float:
    """Return the overall wall-time limit of one download for a per-step timeout."""
    return 2 * timeout_s


def fetch(url: str, timeout_s: float, user_agent: str, max_bytes: int = MAX_RESPONSE_BYTES) -> Answer:
    """Return the answer to one GET of `url` within deadline_s(timeout_s), or raise FetchFailure."""
    worker = _Worker(url, timeout_s, user_agent, max_bytes)
    thread = threading.Thread(target=worker.run, name="isstrack-download", daemon=True)
    thread.start()
    thread.join(deadline_s(timeout_s))
    if thread.is_alive():
        worker.abort()  # the daemon thread is abandoned; closing its socket ends it early
        limit = f"{deadline_s(timeout_s):.0f} s"
        if worker.status is None:
            raise FetchFailure(f"no answer from {worker.host} within {limit}", PAUSE_AFTER_NO_ANSWER)
        raise FetchFailure(
            f"{worker.host} answered HTTP {worker.status} but did not finish within {limit}",
            PAUSE_AFTER_ERROR,
        )
    if worker.failure is not None:
        raise worker.failure
    assert worker.answer is not None
    return worker.answer


def retry_pause(status: int, retry_after: str) -> timedelta:
    """Return the pause after a non-200 answer: 2 hours, or a longer Retry-After (capped at 24 h)."""
    pause = PAUSE_AFTER_ERROR
    if status == 429 and retry_after.isascii() and retry_after.isdigit():
        cap_s = int(MAX_PAUSE.total_seconds())
        seconds = cap_s if len(retry_after) > 9 else min(cap_s, int(retry_after))
        pause = max(pause, timedelta(seconds=seconds))
    return pause


class _Worker:
    def __init__(self, url: str, timeout_s: float, user_agent: str, max_bytes: int) -> None:
        self.url = url
        self.max_bytes = max_bytes
        self.limit = f"{max_bytes / 1e6:g} MB"
        self.timeout_s = timeout_s
        self.user_agent = user_agent
        self.host = urlsplit(url).netloc or url
        self.status: int | None = None
        self.answer: Answer | None = None
        self.failure: FetchFailure | None = None
        self._response: Any = None

    def run(self) -> None:
        try:
            self.answer = self._get()
        except FetchFailure as failure:
            self.failure = failure
        except Exception as exc:  # the thread must always leave a verdict
            self.failure = self._broken(exc)

    def abort(self) -> None:
        response = self._response
        with contextlib.suppress(Exception):
            sock = response.raw.connection.sock
            socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def _broken(self, exc: BaseException) -> FetchFailure:
        reason = type(exc).__name__
        if self.status is None:
            return FetchFailure(f"could not reach {self.host} ({reason})", PAUSE_AFTER_NO_ANSWER)
        return FetchFailure(
            f"the answer from {self.host} (HTTP {self.status}) was cut short ({reason})", PAUSE_AFTER_ERROR
        )

    def _get(self) -> Answer:
        import requests

        headers = {
            "User-Agent": self.user_agent,
            "Accept": "text/plain, application/json",
            "Accept-Encoding": "gzip",
        }
        try:
            response = requests.get(
                self.url,
                headers=headers,
                timeout=(self.timeout_s, self.timeout_s),
                stream=True,
                allow_redirects=False,
            )
        except requests.Timeout:
            raise FetchFailure(
                f"no answer from {self.host} within {self.timeout_s:.0f} s", PAUSE_AFTER_NO_ANSWER
            ) from None
        self._response = response
        self.status = response.status_code
        with response:
            declared = response.headers.get("Content-Length", "").strip()
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise FetchFailure(
                    f"{self.host} sent {int(declared)} bytes, over the {self.limit} limit", PAUSE_AFTER_ERROR
                )
            raw = bytearray()
            while True:
                chunk = response.raw.read(_READ_BYTES, decode_content=False)
                if not chunk:
                    break
                raw += chunk
                if len(raw) > self.max_bytes:
                    raise FetchFailure(
                        f"{self.host} sent more than the {self.limit} limit", PAUSE_AFTER_ERROR
                    )
            if declared.isdigit() and len(raw) < int(declared):
                raise FetchFailure(
                    f"the answer from {self.host} was cut short ({len(raw)} of {declared} bytes)",
                    PAUSE_AFTER_ERROR,
                )
            body = self._decode(bytes(raw), response.headers.get("Content-Encoding", ""))
            return Answer(
                response.status_code,
                body,
                response.headers.get("Location", ""),
                response.headers.get("Retry-After", "").strip(),
            )

    def _decode(self, raw: bytes, encoding: str) -> bytes:
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            return raw
        if encoding not in ("gzip", "x-gzip"):
            raise FetchFailure(
                f"{self.host} sent an unasked-for encoding {encoding[:20]!r}", PAUSE_AFTER_ERROR
            )
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            body = inflater.decompress(raw, self.max_bytes + 1)
        except zlib.error:
            raise FetchFailure(f"{self.host} sent a corrupt gzip body", PAUSE_AFTER_ERROR) from None
        if len(body) > self.max_bytes:
            raise FetchFailure(
                f"{self.host} sent more than the {self.limit} limit (unzipped)", PAUSE_AFTER_ERROR
            )
        if not inflater.eof:
            raise FetchFailure(f"{self.host} sent a corrupt gzip body (truncated)", PAUSE_AFTER_ERROR)
        return body
