"""`isstrack map`: geometry checked independently of the drawing, golden renders, bad input."""

from __future__ import annotations

import io
import itertools
import math
import os
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import ephem
import numpy as np
import pytest

from tests.independent import ecef_km, geodetic
from tests.tle_tools import newest

AT = "2026-09-24T21:00:00Z"
MOMENT = datetime(2026, 9, 24, 21, 0, tzinfo=timezone.utc)
GOLDEN = Path(__file__).parent / "golden"
EARTH_MEAN_RADIUS_KM = 6371.0088


def _map_lines(out: str, width: int) -> list[str]:
    return out.splitlines()[: round(width / 4)]


def _surface_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_MEAN_RADIUS_KM * math.asin(math.sqrt(a))


@pytest.mark.parametrize("width", [80, 120])
def test_station_is_drawn_in_the_cell_of_its_independent_position(
    cli: Any, tle_file: str, width: int
) -> None:
    result = cli("map", "--at", AT, "--tle-file", tle_file, "--width", str(width))
    assert result.code == 0, result.err
    rows = round(width / 4)
    lines = _map_lines(result.out, width)
    assert len(lines) == rows
    found = [(r, line.index("✦")) for r, line in enumerate(lines) if "✦" in line]
    assert len(found) == 1
    _, line1, line2 = newest()
    lat, lon, _ = geodetic(ecef_km(line1, line2, MOMENT))
    # Equirectangular: column from longitude, row from latitude, written out here independently.
    x = (lon + 180.0) / 360.0 * width
    y = (90.0 - lat) / 180.0 * rows
    assert found[0] == (int(y), int(x))
    assert min(x % 1, 1 - x % 1, y % 1, 1 - y % 1) > 0.002  # 1 km is 0.001 of a row: not on an edge


def test_json_track_agrees_with_direct_sgp4(cli: Any, tle_file: str) -> None:
    result = cli("map", "--at", AT, "--tle-file", tle_file, "--json", "--orbits", "2")
    assert result.code == 0, result.err
    doc = result.json()
    assert doc["schema_version"] == 1
    track = doc["track"]
    assert 30 <= track["step_s"] <= 60
    points = track["points"]
    # One orbit back, two ahead, at 30 s: about 3 x 92.9 min / 0.5 min points.
    assert 540 <= len(points) <= 570
    assert points[0]["time"] < AT < points[-1]["time"]
    _, line1, line2 = newest()
    for point in points[::25]:
        moment = datetime.fromisoformat(point["time"].replace("Z", "+00:00"))
        lat, lon, height = geodetic(ecef_km(line1, line2, moment))
        assert _surface_km(lat, lon, point["latitude_deg"], point["longitude_deg"]) < 1.0
        assert abs(height - point["altitude_km"]) < 1.0
    station = doc["station"]
    lat, lon, height = geodetic(ecef_km(line1, line2, MOMENT))
    assert _surface_km(lat, lon, station["latitude_deg"], station["longitude_deg"]) < 1.0
    assert doc["elements"]["line1"] == line1
    assert doc["location"] is None and doc["next_visible_pass"] is None


def test_footprint_radius_is_the_horizon_angle(cli: Any, tle_file: str) -> None:
    doc = cli("map", "--at", AT, "--tle-file", tle_file, "--json").json()
    _, _, height = geodetic(ecef_km(*newest()[1:], MOMENT))
    expected_deg = math.degrees(math.acos(EARTH_MEAN_RADIUS_KM / (EARTH_MEAN_RADIUS_KM + height)))
    assert doc["footprint"]["radius_deg"] == pytest.approx(expected_deg, rel=0.01)
    assert doc["footprint"]["radius_km"] == pytest.approx(
        EARTH_MEAN_RADIUS_KM * math.radians(expected_deg), rel=0.01
    )


def test_subsolar_point_agrees_with_pyephem(cli: Any, tle_file: str) -> None:
    doc = cli("map", "--at", AT, "--tle-file", tle_file, "--json").json()
    sun = ephem.Sun()
    observer = ephem.Observer()
    observer.date = ephem.Date(MOMENT.replace(tzinfo=None))
    sun.compute(observer)
    lon = math.degrees(sun.ra - observer.sidereal_time())
    lon = (lon + 180.0) % 360.0 - 180.0
    assert doc["subsolar_point"]["latitude_deg"] == pytest.approx(math.degrees(sun.dec), abs=0.1)
    assert doc["subsolar_point"]["longitude_deg"] == pytest.approx(lon, abs=0.1)


def _sun_altitude_pyephem(lat: float, lon: float) -> float:
    observer = ephem.Observer()
    observer.lat, observer.lon = str(lat), str(lon)
    observer.pressure = 0
    observer.date = ephem.Date(MOMENT.replace(tzinfo=None))
    sun = ephem.Sun()
    sun.compute(observer)
    return math.degrees(sun.alt)


def test_night_and_twilight_cells_have_the_sun_below_the_horizon(cli: Any, tle_file: str) -> None:
    width = 80
    result = cli("map", "--at", AT, "--tle-file", tle_file, "--width", str(width))
    lines = _map_lines(result.out, width)
    rows = len(lines)
    checked = {"·": 0, ":": 0, " ": 0}
    for r, line in enumerate(lines):
        for c, ch in enumerate(line):
            if ch not in checked:
                continue
            lat = 90.0 - (r + 0.5) * 180.0 / rows
            lon = -180.0 + (c + 0.5) * 360.0 / width
            altitude = _sun_altitude_pyephem(lat, lon)
            if ch == "·":  # night: dark enough to see the station
                assert altitude < -6.0 + 0.5, (r, c, altitude)
            elif ch == ":":  # twilight
                assert -6.0 - 0.5 < altitude < 0.0, (r, c, altitude)
            else:  # blank: day, or a plain cell of the day side
                assert altitude > -0.833 - 0.5, (r, c, altitude)
            checked[ch] += 1
    assert checked["·"] > 200 and checked[":"] > 10 and checked[" "] > 200


def test_no_drawn_segment_spans_more_than_half_the_map() -> None:
    from isstrack.render.worldmap import rasterise
    from isstrack.sky.groundtrack import split_at_antimeridian

    # A track crossing the antimeridian eastwards, then a footprint-like ring around a pole.
    lats = [10.0, 12.0, 14.0, 16.0]
    lons = [176.0, 179.0, -178.0, -175.0]
    segments = split_at_antimeridian(lats, lons)
    assert all(abs(s[3] - s[1]) <= 180.0 for s in segments)
    width, height = 160, 80
    _ys, xs, index = rasterise(segments, width, height)
    assert not ((xs > width // 8) & (xs < width - width // 8)).any()  # nothing drawn across the map
    for k in range(len(segments)):
        mine = xs[index == k]
        assert mine.max() - mine.min() <= width // 2
        assert (np.diff(np.sort(mine)) <= 1).all()  # each piece is a connected line of dots
    # The crossing keeps the latitude continuous: both pieces meet the edges at the same height.
    assert segments[1][2] == pytest.approx(segments[2][0])


def test_real_track_pieces_never_span_half_the_map(cli: Any, tle_file: str) -> None:
    from isstrack.sky.groundtrack import split_at_antimeridian

    doc = cli("map", "--at", AT, "--tle-file", tle_file, "--json", "--orbits", "5").json()
    points = doc["track"]["points"]
    segments = split_at_antimeridian(
        [p["latitude_deg"] for p in points], [p["longitude_deg"] for p in points]
    )
    crossings = sum(
        1 for a, b in itertools.pairwise(points) if abs(b["longitude_deg"] - a["longitude_deg"]) > 180
    )
    assert crossings >= 5
    assert len(segments) == len(points) - 1 + crossings
    assert max(abs(s[3] - s[1]) for s in segments) < 10.0


def test_place_pass_and_observer_glyphs(cli: Any, tle_file: str) -> None:
    result = cli(
        "map", "--at", "2026-09-24T12:00:00Z", "--tle-file", tle_file, "--city", "Amsterdam", "--width", "80"
    )
    assert result.code == 0, result.err
    lines = _map_lines(result.out, 80)
    home = [(r, line.index("⌂")) for r, line in enumerate(lines) if "⌂" in line]
    assert home == [(int((90 - 52.37403) / 180 * 20), int((4.88969 + 180) / 360 * 80))]
    assert any("#" in line for line in lines)  # the next visible pass's stretch of track
    assert "21:20" in "".join(lines)  # labelled with its local start time
    assert "next visible pass Thu 21:20" in result.out
    doc = cli(
        "map", "--at", "2026-09-24T12:00:00Z", "--tle-file", tle_file, "--city", "Amsterdam", "--json"
    ).json()
    upcoming = doc["next_visible_pass"]
    assert upcoming["visible_start"]["time"] == "2026-09-24T19:20:02Z"
    assert upcoming["track"][0]["time"] == "2026-09-24T19:20:02Z"
    assert doc["location"]["name"] == "Amsterdam, NL"


def test_ascii_output_draws_every_glyph_as_one_ascii_character(cli_process: Any) -> None:
    history = str(Path(__file__).parent / "iss-tle-history.tle")
    args = ["map", "--offline", "--at", "2026-09-24T12:00:00Z", "--tle-file", history]
    args += ["--city", "Amsterdam", "--width", "80", "--tonight"]
    unicode_run = cli_process(*args, env={"PYTHONIOENCODING": "utf-8"})  # the stream encoding of a
    ascii_run = cli_process(*args, env={"PYTHONIOENCODING": "ascii"})  # fresh interpreter: a process
    assert unicode_run.code == 0 and ascii_run.code == 0, ascii_run.err
    assert ascii_run.out.isascii() and "?" not in ascii_run.out
    wide, narrow = _map_lines(unicode_run.out, 80), _map_lines(ascii_run.out, 80)
    assert [len(line) for line in narrow] == [len(line) for line in wide] == [80] * 20  # the shape kept
    expected = {"✦": "@", "⌂": "H", "☼": "S", "·": ".", "▒": "=", "↑": "^", "↓": "v", "→": ">", "←": "<"}
    expected.update({"↗": "/", "↙": "/", "↖": "\\", "↘": "\\"})
    for wide_line, narrow_line in zip(wide, narrow, strict=True):
        for glyph, shown in zip(wide_line, narrow_line, strict=True):
            if glyph.isascii():
                assert shown == glyph
            elif 0x2801 <= ord(glyph) <= 0x28FF:  # a braille coast cell
                assert shown == "%"
            else:
                assert shown == expected[glyph], glyph
    home = (int((90 - 52.37403) / 180 * 20), int((4.88969 + 180) / 360 * 80))
    assert [(r, line.index("H")) for r, line in enumerate(narrow) if "H" in line] == [home]
    assert sum(line.count("@") for line in narrow) == 1 and sum(line.count("S") for line in narrow) == 1
    assert "@ ISS" in ascii_run.out and "H Amsterdam, NL" in ascii_run.out and "% coast" in ascii_run.out


@pytest.mark.parametrize("lat", [90.0, -90.0])
def test_polar_observers_are_drawn_on_the_edge_rows(cli: Any, tle_file: str, lat: float) -> None:
    result = cli("map", "--at", AT, "--tle-file", tle_file, "--lat", str(lat), "--lon", "0", "--width", "60")
    assert result.code == 0, result.err
    lines = _map_lines(result.out, 60)
    assert "⌂" in lines[0 if lat > 0 else -1]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--orbits", "0"], "--orbits 0 is outside (0, 5]"),
        (["--orbits", "6"], "--orbits 6 is outside (0, 5]"),
        (["--width", "59"], "--width 59 is outside 60-400"),
        (["--interval", "0.1", "--watch"], "--interval 0.1 is outside"),
        (["--json", "--svg", "x.svg"], "--json and --svg cannot be used together"),
        (["--at", "2060-01-01T00:00:00Z"], "is outside the supported range"),
    ],
)
def test_bad_input_is_one_line_exit_2(cli: Any, tle_file: str, args: list[str], words: str) -> None:
    result = cli("map", "--tle-file", tle_file, *args)
    assert result.code == 2
    assert words in result.err
    assert result.err.count("\n") == 1 and result.out == ""


@pytest.mark.parametrize(
    ("at", "args"),
    [
        ("2000-01-02T00:00Z", []),  # the track looks one orbit back, before the ephemeris starts
        ("2000-01-02T00:00Z", ["--watch", "--json"]),
        ("2049-12-29T22:00Z", []),  # 1.5 orbits ahead runs past its end
        ("2049-12-29T00:00Z", ["--tonight", "--hours", "30"]),
        ("2049-12-20T00:00Z", ["--lat", "52", "--lon", "5"]),  # the next visible pass: 30 days ahead
    ],
)
def test_times_near_the_ephemeris_ends_name_the_typed_time_and_the_range(
    cli: Any, tle_file: str, at: str, args: list[str]
) -> None:
    result = cli("map", "--tle-file", tle_file, "--at", at, *args, timeout=60)
    assert result.code == 2, result.err
    assert (
        f"--at '{at}' is outside the supported range: give --at between 2000-01-02T02:08Z and" in result.err
    )
    assert result.err.count("\n") == 1 and result.out == ""


def _scene(place: Any = None) -> Any:
    from isstrack.elements.load import load_file
    from isstrack.scene.mapscene import build_scene
    from isstrack.sky.orbit import Orbit

    used = load_file(Path(os.environ["ISSTRACK_TEST_TLE"]), 25544)
    return build_scene(Orbit(used.elements), MOMENT, 1.5, place)


def _colour_render(width: int, place: Any = None) -> str:
    from rich.console import Console

    from isstrack.render.worldmap import WorldMap

    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=True, color_system="truecolor", no_color=False)
    console.print(WorldMap(width, True).frame(_scene(place), timezone.utc, "").text(), crop=True)
    return out.getvalue()


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("ISSTRACK_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"render changed; compare with {path}"


@pytest.mark.parametrize("width", [80, 120])
def test_golden_plain(cli: Any, tle_file: str, width: int) -> None:
    result = cli(
        "map", "--at", AT, "--tle-file", tle_file, "--width", str(width), "--lat", "52.37", "--lon", "4.89"
    )
    assert result.code == 0
    _golden(f"map-{width}-plain.txt", result.out)


@pytest.mark.parametrize("width", [80, 120])
def test_golden_colour(tle_file: str, width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISSTRACK_TEST_TLE", tle_file)
    text = _colour_render(width)
    assert "\x1b[" in text and "48;2;" in text  # background colours: day, twilight, night
    _golden(f"map-{width}-colour.ans", text)


def test_overlay_grid_is_hatched_and_in_the_legend(tle_file: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from isstrack.render.worldmap import Overlay, WorldMap

    monkeypatch.setenv("ISSTRACK_TEST_TLE", tle_file)
    mask = np.zeros((180, 360), dtype=bool)
    mask[:90, :] = True  # the northern hemisphere
    world = WorldMap(80, False, Overlay(mask, "pass visible tonight"))
    frame = world.frame(_scene(), timezone.utc, "")
    text = ["".join(t for t, _ in line) for line in frame.lines]
    assert "".join(text[:10]).count("/") > 100
    assert "/" not in "".join(text[10:])
    assert "hatched: pass visible tonight" in "".join(t for line in frame.legend for t, _ in line)
    coloured = WorldMap(80, True, Overlay(mask, "pass visible tonight", colour="#40e0d0"))
    styles = {
        str(style) for line in coloured.frame(_scene(), timezone.utc, "").lines[:10] for _, style in line
    }
    assert any(style.startswith("#40e0d0 on ") for style in styles)  # the lines in it, not a fill
    assert not any(style.endswith("on #40e0d0") for style in styles)


def test_svg_is_written_atomically_and_bad_paths_refused(cli: Any, tle_file: str, tmp_path: Path) -> None:
    target = tmp_path / "map.svg"
    target.write_text("old")
    target.chmod(0o640)
    result = cli("map", "--at", AT, "--tle-file", tle_file, "--svg", str(target), "--width", "80")
    assert result.code == 0, result.err
    assert result.out == ""
    svg = target.read_text()
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "isstrack&#160;map" in svg and "✦" in svg  # the title, and the station
    assert "#2a5b8c" in svg.lower()  # day-side sea colour: the picture keeps its colours
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".isstrack-")] == []
    refused = cli("map", "--at", AT, "--tle-file", tle_file, "--svg", str(tmp_path))
    assert refused.code == 2 and "is a directory" in refused.err and refused.out == ""
    assert "like map.svg in it" in refused.err and "passes.ics" not in refused.err


def test_json_shape_matches_the_golden_file_and_shares_the_common_objects(cli: Any, tle_file: str) -> None:
    import json

    from tests.shapes import shape

    args = [
        "map",
        "--at",
        "2026-09-24T12:00:00Z",
        "--city",
        "Amsterdam",
        "--tle-file",
        tle_file,
        "--json",
        "-q",
    ]
    result = cli(*args)
    assert result.code == 0 and result.err == ""
    document = result.json()
    assert next(iter(document)) == "schema_version"
    golden = GOLDEN / "map-place.shape.json"
    if os.environ.get("ISSTRACK_WRITE_GOLDEN"):
        golden.write_text(json.dumps(shape(document), indent=2) + "\n")
    assert shape(document) == json.loads(golden.read_text()), "the map JSON contract changed: update README"
    shapes = {p.stem: json.loads(p.read_text()) for p in GOLDEN.glob("*.shape.json")}
    assert set(shapes["map-place.shape"]["elements"]) == set(shapes["now.shape"]["elements"])
    assert set(shapes["next.shape"]["pass"]) <= set(shapes["map-place.shape"]["next_visible_pass"])
    assert set(shapes["map-place.shape"]["location"]) == set(shapes["next.shape"]["location"])


def test_svg_is_well_formed_xml_whatever_the_saved_place_name_holds(
    cli: Any, tle_file: str, tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    import xml.etree.ElementTree as ElementTree

    config = Path(isolated_env["ISSTRACK_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    # Noncharacters and controls a hand-edited config.toml may hold: XML allows none of them.
    name = "Home\\uFFFE\\uFFFF\\u0001\\u001b\\u007F\\u0085\\uFDD0 & <b>"
    (config / "config.toml").write_text(
        f'[home]\nname = "{name}"\nlatitude_deg = 52.0\nlongitude_deg = 4.0\nelevation_m = 0.0\n'
        'time_zone = "Europe/Amsterdam"\n'
    )
    target = tmp_path / "home.svg"
    result = cli("map", "--at", AT, "--tle-file", tle_file, "--svg", str(target), "--width", "80")
    assert result.code == 0, result.err
    root = ElementTree.parse(target).getroot()  # raises on text XML does not allow
    shown = "".join(root.itertext()).replace("\xa0", " ")
    assert "Home\\ufffe\\uffff\\x01\\x1b\\x7f\\x85" in shown and "& <b>" in shown


def test_svg_needs_no_network_to_render(cli: Any, tmp_path: Path) -> None:
    """Issue 22 item 15: the SVG names local fonts only; no url(...) a viewer would have to fetch."""
    import xml.etree.ElementTree as ET

    out = tmp_path / "map.svg"
    result = cli("map", "--offline", "--at", "2026-09-24T18:00Z", "--lat", "52.37", "--lon", "4.89",
                 "--svg", str(out))  # fmt: skip
    assert result.code == 0, result.err
    text = out.read_text(encoding="utf-8")
    ET.fromstring(text)  # still well-formed
    assert "@font-face" not in text and "cdnjs" not in text
    assert re.findall(r"url\(([^)#][^)]*)\)", text) == []  # only local references: url(#clip)
    assert "DejaVu Sans Mono" in text and "monospace" in text
