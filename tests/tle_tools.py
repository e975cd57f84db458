"""Helpers that derive valid element sets from the real reference ones (checksums recomputed)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).parent
HISTORY = HERE / "iss-tle-history.tle"


def checksum(line: str) -> int:
    """Return the TLE checksum, computed the way FACTS.md states it (independent of isstrack)."""
    return sum(int(c) if c.isdigit() else (1 if c == "-" else 0) for c in line[:68]) % 10


def with_checksum(line: str) -> str:
    """Return the line with column 69 set to its correct checksum."""
    return line[:68] + str(checksum(line))


def history_sets() -> list[tuple[str, str, str]]:
    """Return the 20 reference sets as (name, line1, line2), oldest first."""
    lines = [line.rstrip() for line in HISTORY.read_text().splitlines() if line.strip()]
    return [(lines[i], lines[i + 1], lines[i + 2]) for i in range(0, len(lines), 3)]


def newest() -> tuple[str, str, str]:
    """Return the newest reference set (the bundled one)."""
    return history_sets()[-1]


def shift_epoch(tle: tuple[str, str, str], days: float) -> tuple[str, str, str]:
    """Return the set with its epoch day moved by `days` (same year), checksum fixed."""
    name, line1, line2 = tle
    day = float(line1[20:32]) + days
    line1 = with_checksum(f"{line1[:20]}{day:012.8f}{line1[32:]}")
    return name, line1, line2


def with_catalog_number(tle: tuple[str, str, str], catnr: int, name: str) -> tuple[str, str, str]:
    """Return the set relabelled as another object, checksums fixed."""
    _, line1, line2 = tle
    line1 = with_checksum(f"1 {catnr:05d}{line1[7:]}")
    line2 = with_checksum(f"2 {catnr:05d}{line2[7:]}")
    return name, line1, line2


def text(tle: tuple[str, str, str]) -> str:
    """Return a set as 3LE text."""
    return "\n".join(tle) + "\n"


def with_columns(tle: tuple[str, str, str], line: int, start: int, value: str) -> tuple[str, str, str]:
    """Return the set with `value` written into line `line` (1 or 2) from 0-based column `start`."""
    name, line1, line2 = tle
    old = line1 if line == 1 else line2
    new = with_checksum(old[:start] + value + old[start + len(value) :])
    return (name, new, line2) if line == 1 else (name, line1, new)


def epoch_utc(tle: tuple[str, str, str]) -> datetime:
    """Return the epoch from line 1 columns 19-32, read here independently of isstrack."""
    year = int(tle[1][18:20])
    day = float(tle[1][20:32])
    return datetime(2000 + year, 1, 1, tzinfo=timezone.utc) + timedelta(days=day - 1)
