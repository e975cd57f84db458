"""Helpers for OEM tests: the reference file's text, edited copies, and halving it."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

OEM_FILE = Path(__file__).parent / "iss-oem-2026-09-21.txt"
NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)
_STATE = re.compile(r"\d{4}-\d\d-\d\dT")


def oem_text() -> str:
    """Return the reference OEM's text."""
    return OEM_FILE.read_text()


def halve(text: str) -> tuple[str, list[str]]:
    """Return the OEM without every other state of each segment (first and last kept), and those dropped."""
    kept: list[str] = []
    dropped: list[str] = []
    block: list[str] = []

    def flush() -> None:
        for i, line in enumerate(block):
            (kept if i % 2 == 0 or i == len(block) - 1 else dropped).append(line)
        block.clear()

    for line in text.splitlines():
        if _STATE.match(line):
            block.append(line)
            continue
        flush()
        kept.append(line)
    flush()
    return "\n".join(kept) + "\n", dropped


def state_time(line: str) -> float:
    """Return the POSIX time of a state line."""
    return datetime.strptime(line.split()[0], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=timezone.utc).timestamp()
