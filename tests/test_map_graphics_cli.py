"""`map --png`, `map --graphics` and the 256-colour map, run as a user would (subprocesses, a real pty)."""

from __future__ import annotations

import os
import pty
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pyte
import pytest

from tests.conftest import isstrack_command
from tests.image_decode import decode_png, decode_sixel, kitty_payload
from tests.independent import ecef_km, geodetic
from tests.test_palette import xterm_rgb
from tests.tle_tools import newest

AT = "2026-09-24T11:00Z"
MOMENT = datetime(2026, 9, 24, 11, 0, tzinfo=timezone.utc)
STATION_RED = (0xD7, 0x26, 0x3D)


@pytest.fixture
def tle_file(tmp_path: Path) -> str:
    path = tmp_path / "iss.tle"
    path.write_text("\n".join(newest()) + "\n")
    return str(path)


def test_png_file_shows_the_earth_and_the_station_where_sgp4_puts_it(
    cli: Any, tle_file: str, tmp_path: Path
) -> None:
    out = tmp_path / "map.png"
    result = cli("map", "--png", str(out), "--at", AT, "--tle-file", tle_file, "-q")
    assert result.code == 0, result.err
    assert result.out == ""
    image = decode_png(out.read_bytes())
    assert image.shape[1] == 1440 and image.shape[0] > 720  # the map, then its words under it
    image = image[:720]
    h, w, _ = image.shape
    r, _g, b = image[int((90 - 23) / 180 * h), int((13 + 180) / 360 * w)].astype(int)  # Sahara at noon
    assert r > b + 20 and r > 180
    red = np.argwhere((image == STATION_RED).all(axis=2))
    lat, lon, _ = geodetic(ecef_km(*newest()[1:], MOMENT))
    row, col = (90 - lat) / 180 * h, (lon + 180) / 360 * w
    assert np.abs(red.mean(axis=0) + 0.5 - (row, col)).max() < 1.0
    assert list(tmp_path.iterdir()) == [out, Path(tle_file)] or set(tmp_path.iterdir()) == {
        out,
        Path(tle_file),
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--png", "x.png", "--json"], "--json"),
        (["--png", "x.png", "--watch"], "--png writes one picture"),
        (["--graphics", "jpeg"], "--graphics 'jpeg' is not one of auto, kitty, sixel, iterm, none"),
    ],
)
def test_bad_picture_options_say_one_line(
    cli: Any, tle_file: str, tmp_path: Path, args: list[str], message: str
) -> None:
    result = cli("map", *args, "--at", AT, "--tle-file", tle_file)
    assert result.code == 2
    assert message in result.err and result.err.count("\n") == 1 and result.out == ""
    assert not (tmp_path / "x.png").exists()


def test_forced_kitty_and_sixel_pictures_are_followed_by_the_legend(cli: Any, tle_file: str) -> None:
    result = cli("map", "--graphics", "kitty", "--width", "80", "--at", AT, "--tle-file", tle_file, "-q")
    assert result.code == 0, result.err
    escapes, _, legend = result.out.rpartition("\x1b\\\n")
    keys, png = kitty_payload(escapes + "\x1b\\")
    assert (keys["c"], keys["r"]) == ("80", "20")
    assert decode_png(png).shape == (400, 800, 3)
    assert "ISS" in legend and "Sun overhead" in legend
    result = cli("map", "--graphics", "sixel", "--width", "60", "--at", AT, "--tle-file", tle_file, "-q")
    assert result.code == 0, result.err
    sixel, _, legend = result.out.partition("\x1b\\\n")
    picture = decode_sixel(sixel + "\x1b\\")
    assert picture.shape == (300, 600, 3)
    assert "Sun overhead" in legend


def test_auto_and_none_keep_the_braille_map_when_piped(cli: Any, tle_file: str) -> None:
    plain = cli("map", "--at", AT, "--tle-file", tle_file, "-q")
    none = cli("map", "--graphics", "none", "--at", AT, "--tle-file", tle_file, "-q")
    assert plain.code == none.code == 0
    assert plain.out == none.out and "\x1b" not in plain.out


def _screen_of_map(tle_file: str, env_extra: dict[str, str], isolated_env: dict[str, str]) -> Any:
    leader, follower = pty.openpty()
    import fcntl
    import struct
    import termios

    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 120, 0, 0))
    env = {**os.environ, **isolated_env, **env_extra}
    env.pop("NO_COLOR")
    env.pop("COLORTERM", None)
    args = ["map", "--graphics", "none", "--width", "120", "--at", AT, "--tle-file", tle_file, "-q"]
    proc = subprocess.Popen(
        [*isstrack_command(), *args], stdin=follower, stdout=follower, stderr=subprocess.DEVNULL, env=env
    )
    os.close(follower)
    data = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    assert proc.wait(timeout=60) == 0
    os.close(leader)
    screen = pyte.Screen(120, 50)
    pyte.ByteStream(screen).feed(data)
    return screen


def _background(screen: Any, lat: float, lon: float) -> str:
    rows = 30  # a 120-column map has 30 rows
    row, col = int((90 - lat) / 180 * rows), int((lon + 180) / 360 * 120)
    return str(screen.buffer[row][col].bg)


def test_256_colour_map_keeps_land_sea_day_and_night_apart(
    tle_file: str, isolated_env: dict[str, str]
) -> None:
    screen = _screen_of_map(tle_file, {"TERM": "xterm-256color"}, isolated_env)
    cells = {
        "day land": _background(screen, 20.0, 20.0),  # Sahara, 12:20 local
        "day sea": _background(screen, -20.0, -10.0),  # South Atlantic, 10:20 local
        "night land": _background(screen, -25.0, 135.0),  # Australia, 20:00 local
        "night sea": _background(screen, 0.0, -150.0),  # mid-Pacific, 01:00 local
    }
    assert len(set(cells.values())) == 4, cells
    # pyte reports 256-colour backgrounds as the xterm table's RGB in hex.
    expected = {"day land": 106, "day sea": 32, "night land": 22, "night sea": 17}
    for name, number in expected.items():
        assert cells[name] == "{:02x}{:02x}{:02x}".format(*xterm_rgb(number)), (name, cells[name])
