"""Deliver alerts: ntfy, a JSON webhook, e-mail, a desktop notification or stdout, each bounded in time.

Deliveries run side by side with one wall-time deadline for all of them, so a target that
hangs or refuses never delays or blocks the others. No retries here: a failed delivery is
reported and left for the next run. URLs may hold secrets (a token in the path or query,
user:password): they are shown only as scheme://host/….
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import IO, Any, Literal
from urllib.parse import urlsplit

from isstrack import __version__
from isstrack.alerts.email import SmtpSettings, send_message
from isstrack.elements.sources import check_http_url
from isstrack.errors import BadInputError
from isstrack.io.literal import literal

TargetKind = Literal["ntfy", "webhook", "email", "desktop", "print"]
NTFY_PRIORITY = "high"
NTFY_TAGS = "satellite"


def redact(url: str) -> str:
    """Return `url` as scheme://host[:port]/… with any userinfo, path, query and fragment hidden."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or "?"
        port = parts.port
    except ValueError:
        return "(an unparsable URL)"
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme or '?'}://{host}{f':{port}' if port else ''}/…"


@dataclass(frozen=True)
class Target:
    """Where an alert goes: an ntfy topic URL, a webhook URL, an e-mail address, the desktop, or stdout."""

    kind: TargetKind
    url: str | None = None  # for e-mail, the address
    smtp: SmtpSettings | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> str:
        """Return the name of this target in the record of sent alerts (a URL only as a hash)."""
        if self.url is None:
            return self.kind
        return f"{self.kind}:{hashlib.sha256(self.url.encode('utf-8')).hexdigest()[:16]}"

    @property
    def label(self) -> str:
        """Return how this target is shown to the user, secrets hidden."""
        if self.kind == "email":
            return f"email to {literal(self.url or '?')}"
        return self.kind if self.url is None else f"{self.kind} {redact(self.url)}"


def parse_target(kind: TargetKind, url: str) -> Target:
    """Return a target for an http(s) URL, or raise BadInputError without echoing the URL in full."""
    option = f"--{kind}"
    check = check_http_url(url.strip())
    if check.invalid is not None:
        raise BadInputError(f"{option} {redact(url)} is not a valid URL")
    if check.not_http:
        example = "https://ntfy.sh/YOUR-TOPIC" if kind == "ntfy" else "https://example.org/hook"
        raise BadInputError(f"{option} needs a full http(s) URL, like {example}")
    if check.controls:
        raise BadInputError(f"{option} {redact(url)} contains spaces or control characters")
    return Target(kind, url.strip())


@dataclass(frozen=True)
class Notice:
    """What to deliver: the title and message, the JSON document for webhooks, the mail for an address."""

    title: str
    message: str
    document: dict[str, Any]
    mail: Callable[[str], EmailMessage] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Outcome:
    """How one delivery went: delivered (ok), or not, and then whether it went out unanswered."""

    target: Target
    ok: bool
    detail: str
    answer_unseen: bool = False  # the request went out, but no answer came within the deadline


class _Body(io.BytesIO):
    """A request body that notes when the request is going out (read only once connected)."""

    def __init__(self, data: bytes, went_out: threading.Event) -> None:
        super().__init__(data)
        self.went_out = went_out

    def read(self, size: int | None = -1) -> bytes:
        self.went_out.set()
        return super().read(size)


def deliver(
    jobs: list[tuple[Target, Notice]], timeout_s: float, stdout: IO[str] | None = None
) -> list[Outcome]:
    """Deliver every job side by side within `timeout_s` of wall time; return their outcomes in order."""
    results: list[Outcome | None] = [None] * len(jobs)
    went_out = [threading.Event() for _ in jobs]
    threads: list[tuple[int, threading.Thread]] = []
    deadline = time.monotonic() + timeout_s
    prints: list[int] = []
    for index, (target, notice) in enumerate(jobs):
        if target.kind == "print":
            prints.append(index)  # after the others have started, so they never wait for it
            continue

        def work(i: int = index, t: Target = target, n: Notice = notice) -> None:
            try:
                results[i] = _send(t, n, timeout_s, went_out[i])
            except Exception as exc:  # a bug in one delivery must not stop the others
                results[i] = Outcome(t, False, f"failed ({type(exc).__name__})")

        thread = threading.Thread(target=work, name=f"isstrack-{target.kind}", daemon=True)
        thread.start()
        threads.append((index, thread))
    for index in prints:
        target, notice = jobs[index]
        results[index] = _print(target, notice, stdout or sys.stdout)  # None when fd 1 is closed
    for index, thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
        if results[index] is None and went_out[index].is_set():
            results[index] = _unanswered(jobs[index][0], timeout_s)
        elif results[index] is None:
            results[index] = Outcome(jobs[index][0], False, f"no answer within {timeout_s:g} s")
    stop_unfinished()  # past the deadline nothing is waited for, and nothing is left running either
    return [r for r in results if r is not None]


def _print(target: Target, notice: Notice, out: IO[str] | None) -> Outcome:
    if out is None:
        return Outcome(target, False, "could not write to stdout (it is closed)")
    try:
        out.write(literal(f"{notice.title}: {notice.message}") + "\n")
        out.flush()
    except (OSError, ValueError) as exc:  # a full disk, a closed or vanished reader
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "stdout is closed"
        return Outcome(target, False, f"could not write to stdout ({reason})")
    return Outcome(target, True, "printed")


def _unanswered(target: Target, timeout_s: float) -> Outcome:
    return Outcome(target, False, f"sent, but no answer within {timeout_s:g} s", answer_unseen=True)


def _send(target: Target, notice: Notice, timeout_s: float, went_out: threading.Event) -> Outcome:
    if target.kind == "desktop":
        return _desktop(target, notice, timeout_s)
    assert target.url is not None
    if target.kind == "email":
        if target.smtp is None or notice.mail is None:
            return Outcome(target, False, "no mail server or message (a bug)")
        ok, detail = send_message(target.smtp, notice.mail(target.url), timeout_s)
        return Outcome(target, ok, detail)
    headers = {"User-Agent": f"isstrack/{__version__}"}
    if target.kind == "ntfy":
        headers.update(
            {
                "Title": _header_text(notice.title),
                "Priority": NTFY_PRIORITY,
                "Tags": NTFY_TAGS,
                "Content-Type": "text/plain; charset=utf-8",
            }
        )
        body = notice.message.encode("utf-8")
    else:
        headers["Content-Type"] = "application/json"
        body = json.dumps(notice.document, ensure_ascii=False).encode("utf-8")
    return _post(target, body, headers, timeout_s, went_out)


def _post(
    target: Target, body: bytes, headers: dict[str, str], timeout_s: float, went_out: threading.Event
) -> Outcome:
    import requests

    assert target.url is not None
    try:
        with requests.post(
            target.url,
            data=_Body(body, went_out),  # sent with its Content-Length, read once the connection is up
            headers=headers,
            timeout=(timeout_s, timeout_s),
            stream=True,
            allow_redirects=False,
        ) as response:
            status = response.status_code  # the body is never read: the status says it all, and a
            # server that took the alert, said 200 and then trickles or breaks its body still got it
    except (requests.Timeout, requests.ConnectionError) as exc:
        if went_out.is_set():  # the server has the alert, and may act on it: sending again could repeat it
            return _unanswered(target, timeout_s)
        if isinstance(exc, requests.Timeout):
            return Outcome(target, False, f"no answer within {timeout_s:g} s")
        return Outcome(target, False, "could not connect (refused or unreachable)")
    except requests.RequestException as exc:
        return Outcome(target, False, f"request failed ({type(exc).__name__})")
    if 200 <= status < 300:
        return Outcome(target, True, f"HTTP {status}")
    if 300 <= status < 400:
        return Outcome(target, False, f"HTTP {status} redirect (not followed; check the URL)")
    return Outcome(target, False, f"HTTP {status}")


def _header_text(text: str) -> str:
    """Return `text` for an HTTP header: as is when ASCII, else RFC 2047 (which ntfy decodes)."""
    cleaned = "".join(c if c.isprintable() else " " for c in text)
    if cleaned.isascii():
        return cleaned
    return "=?utf-8?b?" + base64.b64encode(cleaned.encode("utf-8")).decode("ascii") + "?="


def _desktop(target: Target, notice: Notice, timeout_s: float) -> Outcome:
    program = shutil.which("notify-send")
    if program is None:
        return Outcome(
            target, False, "no desktop notification service (notify-send not found; install libnotify-bin)"
        )
    env = dict(os.environ)
    if not env.get("DBUS_SESSION_BUS_ADDRESS"):
        bus = _session_bus_socket()
        if bus is None:
            return Outcome(
                target,
                False,
                "no desktop notification service (no D-Bus session: DBUS_SESSION_BUS_ADDRESS is unset "
                "and there is no $XDG_RUNTIME_DIR/bus)",
            )
        env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={bus}"  # cron jobs do not inherit it
    command = [program, "--app-name=isstrack", "--urgency=normal", "--", notice.title, notice.message]
    try:
        returncode, stderr = _run_bounded(command, env, timeout_s)
    except subprocess.TimeoutExpired:
        return Outcome(target, False, f"notify-send did not finish within {timeout_s:g} s")
    except OSError as exc:
        return Outcome(target, False, f"could not run notify-send ({exc.strerror})")
    if returncode != 0:
        said = stderr.decode("utf-8", "replace").strip().splitlines()
        first = said[0][:200] if said else ""
        reason = "".join(c if c.isprintable() else "?" for c in first)
        return Outcome(
            target, False, f"notify-send failed (exit {returncode}{': ' + reason if reason else ''})"
        )
    return Outcome(target, True, "shown")


# Process groups of programs a delivery started and has not yet seen end (so the run can stop them).
_RUNNING: set[int] = set()
_RUNNING_LOCK = threading.Lock()


def _run_bounded(command: list[str], env: dict[str, str], timeout_s: float) -> tuple[int, bytes]:
    """Run `command` in a process group of its own; return its status and stderr, or kill the whole
    group and raise TimeoutExpired after `timeout_s` (a hung notify-send, and anything it started)."""
    with _RUNNING_LOCK:
        process = subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own group: killing it reaches its children too
        )
        _RUNNING.add(process.pid)
    try:
        _, stderr = process.communicate(timeout=timeout_s)
    except BaseException:
        _kill_group(process.pid)
        process.communicate()
        raise
    with _RUNNING_LOCK:
        _RUNNING.discard(process.pid)
    return process.returncode, stderr


def _kill_group(pgid: int) -> None:
    with _RUNNING_LOCK:
        if pgid not in _RUNNING:
            return
        _RUNNING.discard(pgid)
        with contextlib.suppress(OSError):  # the group has ended already
            os.killpg(pgid, signal.SIGKILL)


def stop_unfinished() -> None:
    """Kill the process group of every delivery program still running (the run is about to end)."""
    with _RUNNING_LOCK:
        groups = list(_RUNNING)
    for pgid in groups:
        _kill_group(pgid)


def _session_bus_socket() -> Path | None:
    getuid = getattr(os, "getuid", None)  # POSIX only; elsewhere notify-send is not found anyway
    runtime = os.environ.get("XDG_RUNTIME_DIR") or (f"/run/user/{getuid()}" if getuid else "")
    if not runtime:
        return None
    bus = Path(runtime) / "bus"
    return bus if bus.exists() else None
