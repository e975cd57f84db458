"""`isstrack passes --places`: many places through the CLI, checked against single-place `passes`."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from tests.conftest import isstrack_command
from tests.terminal import read_all

FROM = "2026-09-24T12:00:00Z"
DAYS = "3"
SINGLE_CSV_COLUMNS = 33  # the single-place CSV columns


def random_places(count: int) -> list[tuple[str, float, float, float]]:
    """Return (name, lat, lon, elevation_m): poles, equator, date line, 3,000 m, then random ones."""
    fixed = [
        ("north pole", 90.0, 0.0, 0.0),
        ("south pole", -90.0, 0.0, 2835.0),
        ("equator", 0.0, 0.0, 0.0),
        ("date line east", 10.0, 180.0, 0.0),
        ("date line west", -10.0, -180.0, 0.0),
        ("high", 45.0, 7.0, 3000.0),
        ("51.6 north", 51.6, -120.0, 0.0),
        ("51.6 south", -51.6, 60.0, 0.0),
    ]
    rng = np.random.default_rng(11)
    rest = count - len(fixed)
    lats = np.degrees(np.arcsin(rng.uniform(-1, 1, rest)))
    lons = rng.uniform(-180, 180, rest)
    heights = rng.uniform(0, 3000, rest)
    fixed += [
        (f"p{i}", round(float(a), 4), round(float(o), 4), round(float(h), 1))
        for i, (a, o, h) in enumerate(zip(lats, lons, heights, strict=True))
    ]
    return fixed


def write_places(path: Path, places: list[tuple[str, float, float, float]]) -> str:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "latitude_deg", "longitude_deg", "elevation_m"])
        writer.writerows(places)
    return str(path)


def single_place(runner: CliRunner, place: tuple[str, float, float, float], *extra: str) -> Any:
    from isstrack.cli.app import app

    _, lat, lon, height = place
    args = ["passes", f"--lat={lat}", f"--lon={lon}", f"--elevation={height}", "--from", FROM]
    result = runner.invoke(app, [*args, "--days", DAYS, "--tz", "UTC", *extra])
    assert result.exit_code == 0, result.output
    return result.stdout


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def assert_same_pass(ours: dict[str, Any], single: dict[str, Any]) -> None:
    assert ours["kind"] == single["kind"]
    assert ours["visible"] == single["visible"]
    assert ours["in_progress"] == single["in_progress"]
    assert ours["revolution"] == single["revolution"]
    for point in ("rise", "culmination", "set", "visible_start", "visible_highest", "visible_end"):
        assert (ours[point] is None) == (single[point] is None), point
        if ours[point] is not None:
            gap = abs((_time(ours[point]["time"]) - _time(single[point]["time"])).total_seconds())
            assert gap <= 0.5, (point, ours[point], single[point])
            assert abs(ours[point]["elevation_deg"] - single[point]["elevation_deg"]) <= 0.2
    if single["magnitude"] is None:
        assert ours["magnitude"] is None
    else:
        assert abs(ours["magnitude"] - single["magnitude"]) <= 0.05


def test_200_places_equal_single_place_passes(cli: Any, tmp_path: Path, tle_file: str) -> None:
    places = random_places(200)
    path = write_places(tmp_path / "places.csv", places)
    common = ["--from", FROM, "--days", DAYS, "--tle-file", tle_file, "--all"]
    result = cli("passes", "--places", path, *common, "--json", "--workers", "2", timeout=600)
    assert result.code == 0, result.err
    assert result.err == ""  # no progress bar when stderr is not a terminal
    lines = [json.loads(line) for line in result.out.splitlines()]
    by_row: dict[int, list[dict[str, Any]]] = {}
    for line in lines:
        assert line["schema_version"] == 1
        by_row.setdefault(line["place"]["row"], []).append(line)
    runner = CliRunner()
    visible_seen = 0
    for row, place in enumerate(places, start=1):
        single = json.loads(single_place(runner, place, "--all", "--tle-file", tle_file, "--json"))
        ours = by_row.get(row, [])
        assert len(ours) == len(single["passes"]), place
        for line, expected in zip(ours, single["passes"], strict=True):
            assert line["place"] == {
                "name": place[0],
                "row": row,
                "latitude_deg": place[1],
                "longitude_deg": place[2],
                "elevation_m": place[3],
            }
            assert_same_pass(line["pass"], expected)
            visible_seen += expected["visible"]
    assert visible_seen > 50  # the comparison covered visible passes, not only daylight ones
    assert [line["place"]["row"] for line in lines] == sorted(line["place"]["row"] for line in lines)


def test_csv_rows_are_the_single_place_columns_with_the_place(
    cli: Any, tmp_path: Path, tle_file: str
) -> None:
    path = tmp_path / "p.csv"
    path.write_text("lat,lon\n52.37,4.89\n-33.87,151.21\n")
    result = cli("passes", "--places", str(path), "--from", FROM, "--days", DAYS, "--tle-file", tle_file)
    assert result.code == 0, result.err
    rows = list(csv.reader(io.StringIO(result.out)))
    header, body = rows[0], rows[1:]
    single = CliRunner()
    expected = [
        list(csv.reader(io.StringIO(single_place(single, (n, a, o, 0.0), "--tle-file", tle_file, "--csv"))))
        for n, a, o in (("1", 52.37, 4.89), ("2", -33.87, 151.21))
    ]
    assert header[:5] == ["place", "place_row", "latitude_deg", "longitude_deg", "elevation_m"]
    assert header[5:] == expected[0][0] and len(header[5:]) == SINGLE_CSV_COLUMNS
    want = [["1", "1", "52.37", "4.89", "0.0", *r] for r in expected[0][1:]]
    want += [["2", "2", "-33.87", "151.21", "0.0", *r] for r in expected[1][1:]]
    assert len(want) >= 2
    assert body == want


def test_workers_keep_input_order(cli: Any, tmp_path: Path, tle_file: str) -> None:
    path = write_places(tmp_path / "p.csv", random_places(40))
    common = ["passes", "--places", path, "--from", FROM, "--days", "1", "--tle-file", tle_file, "--all"]
    one = cli(*common, "--workers", "1")
    three = cli(*common, "--workers", "3")
    assert one.code == three.code == 0, one.err + three.err
    assert one.out == three.out
    rows = [int(r[1]) for r in csv.reader(io.StringIO(one.out)) if r[1] != "place_row"]
    assert rows == sorted(rows) and len(set(rows)) > 30


def test_stdin(cli: Any, tle_file: str) -> None:
    result = cli(
        "passes",
        "--places",
        "-",
        "--from",
        FROM,
        "--tle-file",
        tle_file,
        "--json",
        stdin="name,latitude_deg,longitude_deg\nAmsterdam,52.37,4.89\n",
    )
    assert result.code == 0, result.err
    lines = [json.loads(line) for line in result.out.splitlines()]
    assert lines and all(line["place"]["name"] == "Amsterdam" for line in lines)
    assert all(line["pass"]["visible"] for line in lines)


BAD = [
    (b"lat,lon\n10,20\n,30\n", "line 3", "latitude_deg is empty"),
    (b"lat,lon\n10,20\n91,30\n", "line 3", "outside [-90, 90]"),
    (b"lat,lon\n10,20\n10,181\n", "line 3", "outside [-180, 180]"),
    (b"lat,lon\n10,20\n\n10,abc\n", "line 4", "'abc' is not a number"),
    (b"lat,lon\n10,nan\n", "line 2", "outside"),
    (b"lat,lon\n10,20\n10\n", "line 3", "1 field(s) where the header has 2"),
    (b"name,lon\nx,10\n", "line 1", "no latitude_deg (or lat) column"),
    (b"lat,lon,elevation_m\n10,20,20000\n", "line 2", "elevation_m 20000 is outside"),
    (b"lat,lon,name\n10,20,a\x1bb\n", "line 2", "control characters"),
    (b"lat,lon\n10,20\n\xff\n", "line 3", "not UTF-8"),
]


@pytest.mark.parametrize(("text", "line", "problem"), BAD)
def test_bad_rows_exit_2_naming_the_line(
    cli: Any, tmp_path: Path, tle_file: str, text: bytes, line: str, problem: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(text)
    result = cli("passes", "--places", str(path), "--from", FROM, "--tle-file", tle_file)
    assert result.code == 2
    assert result.out == ""
    assert f"{path} {line}" in result.err and problem in result.err, result.err
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err


@pytest.mark.parametrize(
    ("text", "says"), [("", "is empty"), ("\n\n", "is empty"), ("latitude_deg,longitude_deg\n", "no places")]
)
def test_empty_file(cli: Any, tmp_path: Path, tle_file: str, text: str, says: str) -> None:
    path = tmp_path / "empty.csv"
    path.write_text(text)
    result = cli("passes", "--places", str(path), "--tle-file", tle_file)
    assert result.code == 2 and result.out == ""
    assert says in result.err


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--lat", "1", "--lon", "2"], "--lat, --lon cannot be used with --places"),
        (["--workers", "0"], "--workers 0 is outside"),
        (["--json", "--csv"], "cannot be used together"),
        (["--places", "/nonexistent/p.csv"], "No such file"),
    ],
)
def test_bad_options(cli: Any, tmp_path: Path, tle_file: str, args: list[str], says: str) -> None:
    path = tmp_path / "p.csv"
    path.write_text("lat,lon\n1,2\n")
    places = [] if "--places" in args else ["--places", str(path)]
    result = cli("passes", *places, *args, "--tle-file", tle_file)
    assert result.code == 2 and result.out == "", result.err
    assert says in result.err


def test_workers_without_places(cli: Any, tle_file: str) -> None:
    result = cli("passes", "--workers", "2", "--lat", "1", "--lon", "2", "--tle-file", tle_file)
    assert result.code == 2 and "--places" in result.err


def test_progress_bar_on_a_terminal_stderr_only(
    tmp_path: Path, tle_file: str, isolated_env: dict[str, str]
) -> None:
    import pty

    path = write_places(tmp_path / "p.csv", random_places(12))
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [
            *isstrack_command(),
            "passes",
            "--places",
            path,
            "--from",
            FROM,
            "--days",
            "1",
            "--tle-file",
            tle_file,
        ],
        stdout=subprocess.PIPE,
        stderr=follower,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **isolated_env, "COLUMNS": "80"},
    )
    os.close(follower)
    drawn = read_all(leader)
    out, _ = proc.communicate(timeout=120)
    os.close(leader)
    assert proc.returncode == 0
    assert b"12/12" in drawn and b"places" in drawn  # the bar reached the end, on stderr
    assert out.decode().startswith("place,place_row,") and b"12/12" not in out


def test_bulk_csv_cells_equal_the_single_place_csv_cells(tle_file: str) -> None:
    from isstrack.elements.tle import parse_elements
    from isstrack.render.multi import pass_cells
    from isstrack.render.tabular import _flatten
    from isstrack.sky.engine import find_passes_many
    from isstrack.sky.orbit import Observer, Orbit

    orbit = Orbit(parse_elements(Path(tle_file).read_text()))
    start = _time(FROM)
    places = random_places(40)
    observers = [Observer(lat, lon, height) for _, lat, lon, height in places]
    passes = [
        p
        for s in find_passes_many(orbit, observers, start, start + timedelta(days=3), 10.0)
        for p in s.passes
    ]
    assert {p.kind for p in passes} == {"visible", "daylight", "shadow"} and len(passes) > 300
    single = io.StringIO()
    csv.writer(single, lineterminator="\n").writerows(_flatten(p) for p in passes)
    assert "".join(f"{line}\n" for line in pass_cells(passes)) == single.getvalue()


def test_max_magnitude_and_a_closed_pipe(
    cli: Any, tmp_path: Path, tle_file: str, isolated_env: dict[str, str]
) -> None:
    path = write_places(tmp_path / "p.csv", random_places(60))
    common = ["passes", "--places", path, "--from", FROM, "--days", DAYS, "--tle-file", tle_file, "--json"]
    every = [json.loads(line) for line in cli(*common).out.splitlines()]
    bright = [json.loads(line) for line in cli(*common, "--max-magnitude", "-3").out.splitlines()]
    assert 0 < len(bright) < len(every)
    assert all(line["pass"]["magnitude"] <= -3 for line in bright)
    assert bright == [line for line in every if line["pass"]["magnitude"] <= -3]
    command = " ".join([*isstrack_command(), *common, "--workers", "2"])
    shell = f"{command} | head -1; echo status=${{PIPESTATUS[0]}}"
    proc = subprocess.run(
        ["bash", "-c", shell], capture_output=True, text=True, env={**os.environ, **isolated_env}, timeout=120
    )
    assert proc.stdout.splitlines()[-1] == "status=0" and proc.stderr == ""
    assert json.loads(proc.stdout.splitlines()[0])["place"]["row"] >= 1


def test_names_a_spreadsheet_would_run_get_a_leading_apostrophe_in_csv_only(
    cli: Any, tmp_path: Path, tle_file: str
) -> None:
    names = ['=HYPERLINK("http://127.0.0.1/x","y")', "+1", "-2 Lagos", "@SUM(A1)", "a=b", "Quito, EC"]
    path = write_places(tmp_path / "p.csv", [(name, 0.0, float(i), 0.0) for i, name in enumerate(names)])
    common = ["passes", "--places", path, "--from", FROM, "--days", DAYS, "--tle-file", tle_file, "--all"]
    rows = list(csv.DictReader(io.StringIO(cli(*common).out)))
    shown = {int(row["place_row"]): row["place"] for row in rows}
    assert shown == {
        1: '\'=HYPERLINK("http://127.0.0.1/x","y")',
        2: "'+1",
        3: "'-2 Lagos",
        4: "'@SUM(A1)",
        5: "a=b",
        6: "Quito, EC",
    }
    lines = [json.loads(line) for line in cli(*common, "--json").out.splitlines()]
    assert {line["place"]["row"]: line["place"]["name"] for line in lines} == dict(enumerate(names, start=1))
