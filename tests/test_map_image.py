"""The map as a picture: PNG, sixel, kitty and iTerm2 escapes decoded here and checked pixel by pixel."""

from __future__ import annotations

import os
import threading
import time
from datetime import datetime, timezone
from typing import Any

import numpy as np
import pytest

from tests.image_decode import decode_png, decode_sixel, iterm_payload, kitty_payload
from tests.independent import ecef_km, geodetic
from tests.tle_tools import newest

SAHARA = (23.0, 13.0)
MID_PACIFIC = (0.0, -150.0)
STATION_RED = (0xD7, 0x26, 0x3D)  # the station's disk, README "Map and sky charts"
WIDTH = 720


def _scene(at: datetime, place: Any = None) -> Any:
    from isstrack.elements.tle import parse_elements
    from isstrack.scene.mapscene import build_scene
    from isstrack.sky.orbit import Orbit

    return build_scene(Orbit(parse_elements("\n".join(newest()))), at, 1.5, place)


def _png_of(at: datetime) -> np.ndarray:
    from isstrack.render.mapimage import map_png

    return decode_png(map_png(_scene(at), WIDTH))


def _pixel(image: np.ndarray, lat: float, lon: float) -> np.ndarray:
    h, w, _ = image.shape
    return image[int((90 - lat) / 180 * h), int((lon + 180) / 360 * w) % w].astype(int)


def _sgp4_pixel(at: datetime, width: int) -> tuple[float, float]:
    lat, lon, _ = geodetic(ecef_km(*newest()[1:], at))
    return (90 - lat) / 180 * (width // 2), (lon + 180) / 360 * width


def test_png_shows_land_and_sea_by_day_and_darkens_the_night() -> None:
    sahara_noon = _png_of(datetime(2026, 9, 24, 11, 0, tzinfo=timezone.utc))
    pacific_noon = _png_of(datetime(2026, 9, 24, 22, 0, tzinfo=timezone.utc))
    assert sahara_noon.shape == (WIDTH // 2, WIDTH, 3)
    r, g, b = _pixel(sahara_noon, *SAHARA)
    assert r > b + 20 and r > 180, (r, g, b)  # pale warm sand
    r, g, b = _pixel(pacific_noon, *MID_PACIFIC)
    assert b > r + 60 and b > g, (r, g, b)  # ocean
    # Eleven hours later the Sahara is in full night: much darker, and bluer than it was.
    night = _pixel(pacific_noon, *SAHARA)
    day = _pixel(sahara_noon, *SAHARA)
    assert night.sum() < 0.45 * day.sum()
    assert night[2] / night.sum() > day[2] / day.sum()


@pytest.mark.parametrize("width", [360, 720, 1280])
def test_station_is_drawn_where_plain_sgp4_puts_it(width: int) -> None:
    from isstrack.render.mapimage import map_png

    at = datetime(2026, 9, 24, 21, 0, tzinfo=timezone.utc)
    image = decode_png(map_png(_scene(at), width))
    red = np.argwhere((image == STATION_RED).all(axis=2))
    assert len(red) >= 9
    row, col = _sgp4_pixel(at, width)
    centre = red.mean(axis=0)
    assert abs(centre[0] + 0.5 - row) < 1.0 and abs(centre[1] + 0.5 - col) < 1.0, (centre, row, col)


def test_sixel_decodes_to_the_picture_with_the_station_kept() -> None:
    from isstrack.render.graphics import picture_escape
    from isstrack.render.mapimage import map_picture

    at = datetime(2026, 9, 24, 11, 0, tzinfo=timezone.utc)
    picture = map_picture(_scene(at), 480)
    text = picture_escape("sixel", picture, 60, 12)
    decoded = decode_sixel(text)
    assert decoded.shape == picture.shape
    error = np.abs(decoded.astype(int) - picture.astype(int))
    assert error.mean() < 3 and error.max() < 48
    # The station keeps its own palette entry; sixel states colours in whole percent (within 3 of 255).
    station = decoded[(picture == STATION_RED).all(axis=2)].astype(int)
    assert len(station) and (np.abs(station - STATION_RED) <= 3).all()
    palette_entries = text.count(";2;")
    assert palette_entries <= 256
    r, _, b = _pixel(decoded, *SAHARA)
    assert r > b + 20


def test_sixel_of_few_colours_is_exact_and_run_length_encoded() -> None:
    from isstrack.render.graphics import sixel_escape

    picture = np.zeros((13, 40, 3), dtype=np.uint8)
    picture[:, :20] = (255, 0, 0)
    picture[5:9, 30:] = (0, 0, 255)
    text = sixel_escape(picture)
    assert "!20~" in text  # 20 columns of a full red band in one run
    decoded = decode_sixel(text)
    # Palette entries are percentages: 255 survives the round trip, 0 does too.
    assert (decoded == picture).all()


def test_kitty_and_iterm_carry_the_same_png() -> None:
    from isstrack.render.graphics import picture_escape
    from isstrack.render.mapimage import map_picture

    picture = map_picture(_scene(datetime(2026, 9, 24, 11, 0, tzinfo=timezone.utc)), 400)
    keys, png = kitty_payload(picture_escape("kitty", picture, 100, 25))
    assert (keys["a"], keys["f"], keys["c"], keys["r"], keys["q"]) == ("T", "100", "100", "25", "2")
    assert (decode_png(png) == picture).all()
    args, png = iterm_payload(picture_escape("iterm", picture, 100, 25))
    assert (args["inline"], args["width"], args["height"], args["size"]) == ("1", "100", "25", str(len(png)))
    assert (decode_png(png) == picture).all()


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"KITTY_WINDOW_ID": "3", "TERM": "xterm-256color"}, "kitty"),
        ({"TERM": "xterm-kitty"}, "kitty"),
        ({"TERM_PROGRAM": "iTerm.app"}, "iterm"),
        ({"TERM_PROGRAM": "WezTerm"}, "iterm"),
        ({"TERM_PROGRAM": "iTerm.app", "TMUX": "/tmp/tmux-0/default,1,0"}, None),
        ({"TERM": "xterm-256color"}, None),
    ],
)
def test_terminals_that_name_themselves(environ: dict[str, str], expected: str | None) -> None:
    from isstrack.render.graphics import from_environment

    assert from_environment(environ) == expected


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("\x1b_Gi=31;OK\x1b\\\x1b[?62;22c", "kitty"),
        ("\x1b[?62;4;6;22c", "sixel"),
        ("\x1b[?64;1;2;4c", "sixel"),
        ("\x1b[?62;14;22c", None),  # 14 is not 4
        ("\x1b[?1;2c", None),
        ("", None),
    ],
)
def test_replies(reply: str, expected: str | None) -> None:
    from isstrack.render.graphics import parse_reply

    assert parse_reply(reply) == expected


def _answer_on(master: int, replies: list[bytes], seen: list[bytes]) -> None:
    """Play the terminal: read each query up to its DA1 request and write the next reply."""
    for reply in replies:
        data = b""
        end = time.monotonic() + 5
        while b"\x1b[c" not in data and time.monotonic() < end:
            data += os.read(master, 1024)
        seen.append(data)
        os.write(master, reply)


@pytest.mark.parametrize(
    ("replies", "expected", "queries"),
    [
        ([b"\x1b[?62;4;22c"], "sixel", 1),
        ([b"\x1b[?62;22c", b"\x1b_Gi=31;OK\x1b\\\x1b[?62;22c"], "kitty", 2),
        ([b"\x1b[?62;22c", b"\x1b[?62;22c"], None, 2),
        ([], None, 0),  # silence: no second query, and no hang
    ],
)
def test_detection_asks_a_real_pty_and_waits_briefly(
    replies: list[bytes], expected: str | None, queries: int
) -> None:
    import termios

    from isstrack.render.graphics import DA1_QUERY, KITTY_QUERY, QUERY_DEADLINE_S, detect

    master, slave = os.openpty()
    try:
        before = termios.tcgetattr(slave)
        seen: list[bytes] = []
        helper = threading.Thread(target=_answer_on, args=(master, replies, seen))
        helper.start()
        start = time.monotonic()
        found = detect("auto", {"TERM": "xterm-256color"}, slave)
        elapsed = time.monotonic() - start
        helper.join(5)
        assert found == expected
        assert seen[:1] == [DA1_QUERY.encode()][: len(seen[:1])]
        assert len(seen) == queries
        if queries == 2:
            assert seen[1] == (KITTY_QUERY + DA1_QUERY).encode()  # APC only after a DA1 answer
        assert elapsed < 2 * QUERY_DEADLINE_S + 0.3  # silence costs the deadline, not a hang
        assert termios.tcgetattr(slave) == before  # echo and line mode restored
        if not replies:
            os.set_blocking(master, False)
            assert os.read(master, 100) == DA1_QUERY.encode()  # the one query, nothing else
    finally:
        os.close(master)
        os.close(slave)


def test_explicit_choices_and_no_terminal() -> None:
    from isstrack.render.graphics import detect

    assert detect("none", {"KITTY_WINDOW_ID": "1"}, None) is None
    assert detect("sixel", {}, None) == "sixel"
    assert detect("auto", {"KITTY_WINDOW_ID": "1"}, None) is None  # piped: never a picture
    r, w = os.pipe()
    try:
        assert detect("auto", {"KITTY_WINDOW_ID": "1"}, w) is None
    finally:
        os.close(r)
        os.close(w)


def test_placement_fills_the_columns_and_covers_whole_rows() -> None:
    from isstrack.render.graphics import placement

    p = placement(80, (10, 20))
    assert (p.width_px, p.columns, p.rows) == (800, 80, 20)
    p = placement(100, (9, 17))
    assert (p.width_px, p.rows) == (900, 27)  # 450 px tall over 17 px rows: 26.5, rounded up
    assert placement(400, None).width_px == 1600  # capped


def test_full_screen_block_counts_its_rows_in_newlines() -> None:
    from isstrack.render.mapgraphics import TerminalPicture

    picture = TerminalPicture("kitty", None)
    scene = _scene(datetime(2026, 9, 24, 11, 0, tzinfo=timezone.utc))
    block = picture.block(scene, 80, first_row=7)
    assert picture.rows(80) == 20  # 800 x 400 px over 20 px rows (the default cell when none is known)
    assert block.startswith("\x1b[7;1H\x1b_G") and block.endswith("\x1b[7;1H" + "\n" * 20)
    keys, png = kitty_payload(block[len("\x1b[7;1H") : -len("\x1b[7;1H") - 20])
    assert (keys["c"], keys["r"]) == ("80", "20")
    assert decode_png(png).shape == (400, 800, 3)


def test_live_frame_with_a_picture_fills_the_screen_row_for_row(tmp_path: Any) -> None:
    from pathlib import Path

    from isstrack.elements.file import load_file
    from isstrack.render.mapgraphics import TerminalPicture
    from isstrack.render.mapstatus import compose
    from isstrack.scene.live import LiveScene
    from isstrack.scene.snapshot import Snapshots
    from isstrack.sky.orbit import Orbit

    tle = Path(tmp_path) / "iss.tle"
    tle.write_text("\n".join(newest()) + "\n")
    used = load_file(tle, 25544)
    live = LiveScene(Snapshots(Orbit(used.elements), used, None, 10.0), 1.5)
    at = datetime(2026, 9, 24, 11, 0, tzinfo=timezone.utc)
    picture = TerminalPicture("kitty", None)
    text = compose(*live.scene(at), timezone.utc, 100, 40, None, picture)
    lines = text.split("\n")
    assert len(lines) <= 40
    start = next(k for k, line in enumerate(lines) if "\x1b_G" in line)
    keys, png = kitty_payload(lines[start][lines[start].index("\x1b_G") : lines[start].rindex("\x1b\\") + 2])
    rows = int(keys["r"])
    assert lines[start].startswith(f"\x1b[{start + 1};1H")  # drawn on the row it is counted on
    assert all(line in ("", "\x1b[0m") for line in lines[start + 1 : start + rows])  # newlines, no erase
    assert "Sun overhead" in "".join(lines[start + rows :])  # the legend below the picture
    assert decode_png(png).shape[1] == 10 * int(keys["c"])
