"""Every form of `isstrack map` says the moment it shows and warns when its elements are too old."""

from __future__ import annotations

import re
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.tle_tools import newest

PLACE = ["--lat", "52.37", "--lon", "4.89"]  # Amsterdam: CEST (UTC+2) until 25 October 2026
TOO_OLD_DAYS = 10.0  # README: elements 10 days or more from their epoch are too old to trust
WARNING_RGB = (0xC0, 0x39, 0x2B)


def _epoch() -> datetime:
    """Return the reference set's epoch, read from line 1 here (YYDDD.DDDDDDDD), not by isstrack."""
    field = newest()[1][18:32]
    year, day = 2000 + int(field[:2]), float(field[2:])
    return datetime(year, 1, 1, tzinfo=timezone.utc) + timedelta(days=day - 1)


def _at(days_after_epoch: float) -> tuple[str, datetime]:
    moment = (_epoch() + timedelta(days=days_after_epoch)).replace(microsecond=0)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ"), moment


def _decode_png(data: bytes) -> Any:
    """Decode an 8-bit RGB PNG with filter 1 (sub) on every row, as the project writes it."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        (length,) = np.frombuffer(data[pos : pos + 4], dtype=">u4")
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + int(length)]
        if kind == b"IHDR":
            width, height = (int(v) for v in np.frombuffer(body[:8], dtype=">u4"))
        elif kind == b"IDAT":
            idat += body
        pos += 12 + int(length)
    rows = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(height, 1 + 3 * width)
    assert (rows[:, 0] == 1).all()
    pixels = np.cumsum(rows[:, 1:].reshape(height, width, 3).astype(np.int64), axis=1) % 256
    return pixels.astype(np.uint8)


def test_static_map_says_its_moment_in_utc_and_local_time(cli: Any, tle_file: str) -> None:
    at, moment = _at(0.5)
    result = cli("map", "--at", at, "--tle-file", tle_file, "--width", "80", *PLACE)
    assert result.code == 0, result.err
    local = moment + timedelta(hours=2)  # CEST, written out here
    expected = f"{moment:%Y-%m-%d %H:%M:%S} UTC ({local:%H:%M:%S} CEST)"
    assert expected in result.out
    assert "too old" not in result.out
    bare = cli("map", "--at", at, "--tle-file", tle_file, "--width", "80")
    assert f"{moment:%Y-%m-%d %H:%M:%S} UTC" in bare.out and "CEST" not in bare.out


@pytest.mark.parametrize("days", [TOO_OLD_DAYS + 0.6, -(TOO_OLD_DAYS + 0.6)])
def test_static_map_warns_when_the_elements_are_too_old(cli: Any, tle_file: str, days: float) -> None:
    at, _ = _at(days)
    result = cli("map", "--at", at, "--tle-file", tle_file, "--width", "80")
    assert result.code == 0, result.err
    words = "old" if days > 0 else "before their epoch"
    assert f"elements {abs(days):.1f} days {words}: too old" in result.out
    just_trusted = cli("map", "--at", _at(TOO_OLD_DAYS - 0.6)[0], "--tle-file", tle_file, "--width", "80")
    assert "too old" not in just_trusted.out


def test_svg_carries_the_moment_and_the_warning(cli: Any, tle_file: str, tmp_path: Path) -> None:
    at, moment = _at(TOO_OLD_DAYS + 2.0)
    target = tmp_path / "map.svg"
    result = cli("map", "--at", at, "--tle-file", tle_file, "--svg", str(target), "--width", "80", *PLACE)
    assert result.code == 0, result.err
    svg = target.read_text().replace("&#160;", " ")
    assert f"{moment:%Y-%m-%d %H:%M:%S} UTC ({moment + timedelta(hours=2):%H:%M:%S} CEST)" in svg
    assert f"elements {TOO_OLD_DAYS + 2.0:.1f} days old: too old" in svg
    assert "#c0392b" in svg.lower()  # on red


def _band(cli: Any, tle_file: str, tmp_path: Path, days: float) -> Any:
    out = tmp_path / f"map{days}.png"
    result = cli("map", "--at", _at(days)[0], "--tle-file", tle_file, "--png", str(out), *PLACE)
    assert result.code == 0, result.err
    image = _decode_png(out.read_bytes())
    height, width, _ = image.shape
    assert height > width // 2  # the words sit under the map, not over it
    return image[width // 2 :]


def test_png_writes_the_moment_under_the_map_and_the_warning_in_red(
    cli: Any, tle_file: str, tmp_path: Path
) -> None:
    fresh = _band(cli, tle_file, tmp_path, 0.5)
    old = _band(cli, tle_file, tmp_path, TOO_OLD_DAYS + 1.0)
    white = (fresh == 255).all(axis=2)
    assert white.sum() > 1000  # the moment, written in white
    assert not (fresh == WARNING_RGB).all(axis=2).any()
    assert (old == WARNING_RGB).all(axis=2).sum() > 5000  # the warning's red box


def test_live_map_status_says_utc_local_and_too_old(tle_file: str) -> None:
    from zoneinfo import ZoneInfo

    from isstrack.elements.load import load_file
    from isstrack.place.location import Location
    from isstrack.render.mapstatus import status_lines
    from isstrack.scene.live import LiveScene
    from isstrack.scene.snapshot import Snapshots
    from isstrack.sky.orbit import Orbit

    used = load_file(Path(tle_file), 25544)
    place = Location("Amsterdam", 52.37, 4.89, 0.0, "Europe/Amsterdam", "coordinates")
    live = LiveScene(Snapshots(Orbit(used.elements), used, place, 10.0, None))
    _, moment = _at(TOO_OLD_DAYS + 3.0)
    snap, scene = live.scene(moment)
    lines = status_lines(snap, scene, ZoneInfo("Europe/Amsterdam"), False, 200)
    text = "\n".join("".join(t for t, _ in line) for line in lines)
    assert f"{moment:%Y-%m-%d %H:%M:%S} UTC ({moment + timedelta(hours=2):%H:%M:%S} CEST)" in text
    assert f"elements {TOO_OLD_DAYS + 3.0:.1f} days old: too old" in text
    assert re.search(r"elements [\d.]+ days old(?!: too old)", text) is None  # the age once, as a warning
