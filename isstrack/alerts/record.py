"""The record of alerts already sent, in the user's state directory: atomic, pruned, locked.

One entry per (place, pass, target). A pass is matched by revolution number (with a visible start
less than half a revolution from the recorded one), or, should two element sets disagree on the
count, by a visible start within MATCH_WITHIN of the recorded one (the station passes over a place
at most once per revolution, about 93 minutes).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from isstrack.errors import OutputError
from isstrack.io.atomic import sweep_stale_temps, write_atomic
from isstrack.io.decode import load_json, recorded_time
from isstrack.io.timetext import time_text

RECORD_NAME = "alerts-sent.json"
LOCK_NAME = "alerts.lock"
RECORD_VERSION = 1
MAX_RECORD_BYTES = 1_000_000
# A pass over for this long, by the run's time and by the real clock, is pruned: the margin outlives
# a clock stepped by a day (a zone mistaken for UTC, a wrong date) and set right again, which would
# otherwise bring a pass pruned as over back as due, and announced again.
KEEP_AFTER_END = timedelta(days=2)
MATCH_WITHIN = timedelta(minutes=20)
# The same revolution number more than half a revolution away is another pass, counted by elements
# whose revolution numbering differs (an off-by-one, a wrap past 99999), never the same one moved.
SAME_REVOLUTION_WITHIN = timedelta(minutes=45)


@dataclass(frozen=True)
class SentEntry:
    """One alert delivered: to which target, for which pass over which place, and when."""

    place: str
    revolution: int
    target: str
    start: datetime
    end: datetime
    sent_at: datetime
    answer_seen: bool = True  # False: sent, but no answer came in time (it may have arrived)

    def matches(self, place: str, revolution: int, start: datetime, target: str) -> bool:
        """Return whether this entry stands for the same pass, place and target."""
        if self.place != place or self.target != target:
            return False
        apart = abs(self.start - start)
        return apart <= MATCH_WITHIN or (self.revolution == revolution and apart < SAME_REVOLUTION_WITHIN)


class SentRecord:
    """Read, lock and atomically rewrite the record of sent alerts in a directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / RECORD_NAME
        self.lock_path = directory / LOCK_NAME
        self.warnings: list[str] = []

    @contextlib.contextmanager
    def locked(self, timeout_s: float) -> Iterator[None]:
        """Hold the record's lock (waiting up to `timeout_s`), creating the directory if needed."""
        from filelock import FileLock, Timeout

        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(self.lock_path), timeout=timeout_s)
            lock.acquire()
        except Timeout:
            raise OutputError(
                f"another isstrack alert has held {self.lock_path} for {timeout_s:.0f} s; "
                "nothing sent this time"
            ) from None
        except OSError as exc:
            raise OutputError(
                f"cannot keep the record of sent alerts in {self.directory} ({exc.strerror}); "
                "fix its permissions or set ISSTRACK_STATE_DIR; nothing sent"
            ) from None
        try:
            yield
        finally:
            lock.release()

    def load(self, move_aside: bool = True) -> list[SentEntry]:
        """Return the entries; a damaged record is moved aside (with a warning) and read as empty.

        Raise OutputError if the record exists but cannot be read: sending then could repeat everything.
        """
        if self.path.exists() and not self.path.is_file():
            raise OutputError(
                f"the record of sent alerts {self.path} is not a regular file; "
                "remove it or set ISSTRACK_STATE_DIR"
            )
        try:
            with self.path.open("rb") as handle:
                raw = handle.read(MAX_RECORD_BYTES + 1)
        except FileNotFoundError:
            return []
        except OSError as exc:  # another user's, or a disk error: not damage, and not empty either
            raise OutputError(
                f"cannot read the record of sent alerts {self.path} ({exc.strerror or exc}); "
                "fix its permissions (is it another user's?) or set ISSTRACK_STATE_DIR; nothing sent"
            ) from None
        try:
            data = load_json(raw, MAX_RECORD_BYTES)
            if not isinstance(data, dict) or data.get("version") != RECORD_VERSION:
                raise ValueError("not an isstrack alert record")
            return [_entry(item) for item in data["sent"]]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            reason = str(exc)
            aside = "ignoring it"
            if move_aside:
                with contextlib.suppress(OSError):
                    os.replace(self.path, self.path.with_name(self.path.name + ".damaged"))
                    aside = "moved it aside"
            self.warnings.append(
                f"the record of sent alerts {self.path} was damaged ({reason}); {aside}, "
                "so alerts for passes now due may be sent again"
            )
            return []

    def save(
        self,
        entries: list[SentEntry],
        now: datetime,
        consequence: str = "the next run may send them again",
        clock: datetime | None = None,
    ) -> None:
        """Write the entries of passes not over for KEEP_AFTER_END (atomically: temp file, fsync, rename).

        A pass counts as over only by both `now` (the run's time, maybe chosen) and `clock` (the real
        clock, read when None): a rehearsal at a later time never prunes what a real run still needs.
        """
        earliest = min(now, clock or datetime.now(timezone.utc))
        kept = sorted((e for e in entries if e.end > earliest - KEEP_AFTER_END), key=lambda e: e.end)
        lines = [json.dumps(_raw(e), ensure_ascii=True) for e in kept]
        size = len(_HEAD) + len(_TAIL) + sum(len(line) + 2 for line in lines)
        over = 0  # passes already over, forgotten (the oldest first) to keep within the reader's limit
        while size > MAX_RECORD_BYTES and over < len(kept) and kept[over].end <= earliest:
            size -= len(lines[over]) + 2
            over += 1
        if size > MAX_RECORD_BYTES:
            raise OutputError(
                f"the record of sent alerts {self.path} would pass its limit of {MAX_RECORD_BYTES} bytes "
                f"with {len(kept) - over} alerts for passes not yet over; {consequence}; "
                "use fewer targets or places per state directory"
            )
        if over:
            self.warnings.append(
                f"the record of sent alerts {self.path} reached its limit of {MAX_RECORD_BYTES} bytes; "
                f"forgot {over} alerts for passes already over (the oldest)"
            )
        try:
            write_atomic(self.path, (_HEAD + ",\n".join(lines[over:]) + _TAIL).encode("ascii"))
        except OSError as exc:
            raise OutputError(
                f"could not record sent alerts in {self.path} ({exc.strerror}); {consequence}"
            ) from None
        sweep_stale_temps(self.directory, RECORD_NAME)


_HEAD = f'{{"version": {RECORD_VERSION}, "sent": [\n'  # then one entry a line, so a person can read it
_TAIL = "\n]}\n"


# Each of these asks the run to stop: systemd (TERM), Ctrl-C (INT), a closed terminal or ssh (HUP).
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else []))


@contextlib.contextmanager
def termination_held() -> Iterator[None]:
    """Hold SIGTERM, SIGINT and SIGHUP until the block ends, then let the first act: sends and their
    record stay together."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {
        stop: signal.signal(stop, lambda signum, frame: caught.append(signum)) for stop in STOP_SIGNALS
    }
    try:
        yield
    finally:
        for stop, handler in previous.items():
            signal.signal(stop, handler)
        if caught:
            signal.raise_signal(caught[0])


def _iso(moment: datetime) -> str:
    return time_text(moment, truncate=True)


def _raw(entry: SentEntry) -> dict[str, Any]:
    return {
        "place": entry.place,
        "revolution": entry.revolution,
        "target": entry.target,
        "visible_start": _iso(entry.start),
        "visible_end": _iso(entry.end),
        "sent_at": _iso(entry.sent_at),
        **({} if entry.answer_seen else {"answer_seen": False}),
    }


def _entry(raw: Any) -> SentEntry:
    revolution = raw["revolution"]
    if not isinstance(revolution, int) or isinstance(revolution, bool):
        raise ValueError("revolution is not a whole number")
    answer_seen = raw.get("answer_seen", True)
    if not isinstance(answer_seen, bool):
        raise ValueError("answer_seen is not true or false")
    return SentEntry(
        str(raw["place"]),
        revolution,
        str(raw["target"]),
        recorded_time(raw["visible_start"], "visible_start"),
        recorded_time(raw["visible_end"], "visible_end"),
        recorded_time(raw["sent_at"], "sent_at"),
        answer_seen,
    )
