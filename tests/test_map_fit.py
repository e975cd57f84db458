"""`isstrack map` on a terminal: the map and its legend fit the screen, labels clear of the lines."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import unicodedata
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.conftest import isstrack_command
from tests.terminal import read_all, set_size

AT = "2026-09-24T21:00:00Z"
_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b_G[^\x1b]*\x1b\\")


def _width(line: str) -> int:
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in line
    )


def _map_on_pty(
    rows: int, columns: int, env_extra: dict[str, str], isolated_env: dict[str, str], tle: str
) -> str:
    """Run a static map with stdout on a pty of rows x columns (stderr apart); return what it drew."""
    leader, follower = pty.openpty()
    set_size(follower, rows, columns)
    env = {**os.environ, **isolated_env, **env_extra}
    for name in ("NO_COLOR", "COLUMNS", "LINES", "COLORTERM"):
        env.pop(name, None)
    env.update(env_extra)
    args = ["map", "--graphics", "none", "--at", AT, "--tle-file", tle, "--lat", "52.37", "--lon", "4.89"]
    proc = subprocess.Popen(
        [*isstrack_command(), *args], stdin=follower, stdout=follower, stderr=subprocess.DEVNULL, env=env
    )
    os.close(follower)
    drawn = read_all(leader)
    assert proc.wait(timeout=60) == 0
    os.close(leader)
    return drawn.decode("utf-8", "replace")


@pytest.mark.parametrize(("rows", "columns"), [(24, 80), (50, 200), (30, 100), (40, 160)])
@pytest.mark.parametrize(
    "colours", [{"TERM": "xterm-256color"}, {"TERM": "xterm-256color", "COLORTERM": "truecolor"}]
)
def test_map_and_legend_leave_the_prompt_a_line_and_never_wrap(
    isolated_env: dict[str, str], tle_file: str, rows: int, columns: int, colours: dict[str, str]
) -> None:
    drawn = _map_on_pty(rows, columns, colours, isolated_env, tle_file)
    lines = _ESCAPE.sub("", drawn).replace("\r", "").rstrip("\n").split("\n")
    assert len(lines) <= rows - 1, len(lines)
    assert max(_width(line) for line in lines) <= columns
    assert "next visible pass" in "".join(lines[-3:]) and "night" in "".join(lines[-3:])
    assert all(line.strip() not in ("night", "twilight night") for line in lines)  # no swatch left alone
    assert "UTC" in "".join(lines[-4:])


def test_the_next_pass_label_covers_no_track_and_no_marker(tle_file: str) -> None:
    from isstrack.elements.load import load_file
    from isstrack.place.location import Location
    from isstrack.render.mapgrid import cell_of
    from isstrack.render.mapstyle import PASS, SHADOW, SUNLIT
    from isstrack.render.worldmap import WorldMap
    from isstrack.scene.mapscene import build_scene
    from isstrack.sky.orbit import Orbit

    orbit = Orbit(load_file(Path(tle_file), 25544).elements)
    checked = 0
    for name, lat, lon in (("New York", 40.71, -74.0), ("Amsterdam", 52.37, 4.89)):
        place = Location(name, lat, lon, 0.0, None, "coordinates")
        for hours in range(0, 24, 6):
            scene = build_scene(
                orbit, datetime(2026, 9, 24, tzinfo=timezone.utc) + timedelta(hours=hours), 1.5, place
            )
            if scene.next_visible is None:
                continue
            world = WorldMap(80, False)
            layers = world.layers(scene)
            label = scene.next_visible.start.strftime("%H:%M")
            text = ["".join(t for t, _ in line) for line in world.frame(scene, timezone.utc, "").lines]
            found = [(r, line.index(label)) for r, line in enumerate(text) if label in line]
            assert len(found) == 1, (name, hours)
            row, first = found[0]
            for layer in (PASS, SUNLIT, SHADOW):  # its own pass, and the track ahead
                assert not layers[layer][row, first : first + len(label)].any(), (name, hours, layer)
            s = scene.state
            markers = {cell_of(s.latitude_deg, s.longitude_deg, 80, 20), cell_of(lat, lon, 80, 20)}
            assert not markers & {(row, c) for c in range(first, first + len(label))}
            checked += 1
    assert checked >= 6


def test_recentring_turns_the_map_to_put_a_longitude_in_the_middle(tle_file: str) -> None:
    from isstrack.elements.load import load_file
    from isstrack.render.worldmap import WorldMap
    from isstrack.scene.mapscene import build_scene
    from isstrack.sky.orbit import Orbit

    orbit = Orbit(load_file(Path(tle_file), 25544).elements)
    scene = build_scene(orbit, datetime(2026, 9, 24, 21, tzinfo=timezone.utc), 1.5)
    world = WorldMap(80, False)
    plain = ["".join(t for t, _ in line) for line in world.frame(scene).lines]
    turned = [
        "".join(t for t, _ in line) for line in world.frame(scene, centre_deg=scene.state.longitude_deg).lines
    ]
    row = next(r for r, line in enumerate(turned) if "✦" in line)
    assert turned[row].index("✦") == 40
    # The same picture, turned: column c moves to c + shift (mod 80) on every row.
    shift = 40 - plain[row].index("✦")
    assert all(t == p[-shift % 80 :] + p[: -shift % 80] for t, p in zip(turned, plain, strict=True))


def test_recentring_the_picture_puts_the_station_in_the_middle(tle_file: str) -> None:
    import numpy as np

    from isstrack.elements.load import load_file
    from isstrack.render.mapimage import map_picture
    from isstrack.scene.mapscene import build_scene
    from isstrack.sky.orbit import Orbit

    orbit = Orbit(load_file(Path(tle_file), 25544).elements)
    scene = build_scene(orbit, datetime(2026, 9, 24, 21, tzinfo=timezone.utc), 1.5)
    plain = map_picture(scene, 800)
    turned = map_picture(scene, 800, centre_deg=scene.state.longitude_deg)
    red = np.argwhere((turned == (0xD7, 0x26, 0x3D)).all(axis=2))  # the station's disc
    assert abs(red[:, 1].mean() - 400) < 2
    shift = round(red[:, 1].mean() - np.argwhere((plain == (0xD7, 0x26, 0x3D)).all(axis=2))[:, 1].mean())
    assert (np.roll(plain, shift, axis=1) == turned).mean() > 0.99
