"""OMM JSON and CSV: real CelesTrak records load, agree with plain sgp4 and PyEphem; bad ones fail clearly.

The records are the real ones in shared/reference/omm (README there). Where a test needs an id above
339999 it takes a real record and changes only NORAD_CAT_ID, and says so.
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import ephem
import pytest
from sgp4 import omm as sgp4_omm
from sgp4.api import Satrec

from isstrack.elements.omm import STAND_IN_CATALOG_NUMBER, parse_csv, parse_json
from isstrack.elements.plausible import check_plausible
from isstrack.elements.tle import parse_all
from isstrack.errors import TleFormatError
from isstrack.sky.orbit import Observer, Orbit
from isstrack.sky.passes import find_passes
from tests.independent import ephem_passes, julian

# A copy of shared/reference/omm (README there), so the suite runs from any clone.
OMM_DIR = Path(__file__).resolve().parent / "omm"
SEPT = OMM_DIR / "celestrak-2026-09-19.json"
SEPT_CSV = OMM_DIR / "celestrak-2026-09-19.csv"
OCT = OMM_DIR / "celestrak-2026-10-02.json"
OCT_TLE = OMM_DIR / "celestrak-2026-10-02.tle"
STATIONS = OMM_DIR / "stations-2026-07-17.json"


def records(path: Path) -> list[dict[str, Any]]:
    """Return the raw JSON records of a reference file."""
    data: list[dict[str, Any]] = json.loads(path.read_text())
    return data


def record(path: Path, catalog_number: int) -> dict[str, Any]:
    """Return the raw record of one object."""
    return next(r for r in records(path) if r["NORAD_CAT_ID"] == catalog_number)


def plain_satrec(raw: dict[str, Any]) -> Satrec:
    """Return sgp4's own reading of an OMM record (sgp4.omm.initialize), independent of isstrack."""
    sat = Satrec()
    sgp4_omm.initialize(sat, {key: str(value) for key, value in raw.items()})
    return sat


def teme_km(sat: Satrec, moment: datetime) -> tuple[float, float, float]:
    """Return the TEME position from a Satrec."""
    error, position, _ = sat.sgp4(*julian(moment))
    assert error == 0
    return position


def distance_m(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """Return the distance between two km positions, in metres."""
    return math.dist(a, b) * 1000.0


def test_json_and_csv_give_the_same_eighteen_sets() -> None:
    from_json = parse_all(SEPT.read_text())
    from_csv = parse_all(SEPT_CSV.read_bytes().decode())
    assert len(from_json) == len(from_csv) == 18
    assert from_json == from_csv
    numbers = {s.catalog_number for s in from_json}
    assert {25544, 48274, 20580, 100000, 5, 25867} <= numbers
    assert next(s for s in from_json if s.catalog_number == 48274).object_id == "2021-035A"


@pytest.mark.parametrize("path", [SEPT, OCT, STATIONS], ids=lambda p: p.name)
def test_every_real_record_propagates_within_10_m_of_plain_sgp4(path: Path) -> None:
    sets = {s.catalog_number: s for s in parse_all(path.read_text())}
    for raw in records(path):
        ours = Orbit(sets[raw["NORAD_CAT_ID"]]).satellite.model
        theirs = plain_satrec(raw)
        epoch = sets[raw["NORAD_CAT_ID"]].epoch
        for hours in (-24, 0, 6, 24, 48):
            moment = epoch + timedelta(hours=hours)
            assert distance_m(teme_km(ours, moment), teme_km(theirs, moment)) < 10.0, raw["OBJECT_NAME"]


def test_six_digit_ids_load_from_json_and_csv_and_propagate() -> None:
    saramago_json = next(s for s in parse_all(SEPT.read_text()) if s.catalog_number == 100000)
    saramago_csv = next(s for s in parse_all(SEPT_CSV.read_bytes().decode()) if s.catalog_number == 100000)
    starlink = next(s for s in parse_all(OCT.read_text()) if s.catalog_number == 100534)
    soyuz = next(s for s in parse_all(STATIONS.read_text()) if s.catalog_number == 100057)
    assert saramago_json == saramago_csv
    assert saramago_json.line1[2:7] == "A0000" and starlink.line1[2:7] == "A0534"  # Alpha-5
    for elements in (saramago_json, starlink, soyuz):
        check_plausible(elements)
        state = Orbit(elements).state(elements.epoch + timedelta(hours=3))
        assert 150 < state.altitude_km < 700
        assert elements.name in ("SARAMAGO", "STARLINK-38244", "SOYUZ-MS 29")


def test_starlink_json_and_its_alpha5_tle_agree_within_a_metre_after_a_day() -> None:
    from_json = next(s for s in parse_all(OCT.read_text()) if s.catalog_number == 100534)
    from_tle = next(s for s in parse_all(OCT_TLE.read_text()) if s.catalog_number == 100534)
    later = from_json.epoch + timedelta(days=1)
    gap = distance_m(
        teme_km(Orbit(from_json).satellite.model, later), teme_km(Orbit(from_tle).satellite.model, later)
    )
    assert gap < 1.0


def test_an_id_above_339999_keeps_its_number_beside_a_stand_in() -> None:
    # Built from the real SARAMAGO record by changing only NORAD_CAT_ID (no such record is public).
    raw = dict(record(SEPT, 100000), NORAD_CAT_ID=412345)
    with pytest.raises(ValueError, match="339999"):
        plain_satrec(raw)  # what sgp4 (and so Skyfield's from_omm) does with it
    (elements,) = parse_all(json.dumps([raw]))
    (csv_elements,) = parse_all(_csv([raw]))
    assert elements == csv_elements
    assert elements.catalog_number == 412345
    assert elements.line1[2:7] == f"{STAND_IN_CATALOG_NUMBER:05d}"
    original = plain_satrec(record(SEPT, 100000))
    moment = elements.epoch + timedelta(hours=12)
    assert distance_m(teme_km(Orbit(elements).satellite.model, moment), teme_km(original, moment)) < 10.0


def _ephem_from_omm(raw: dict[str, Any]) -> ephem.EarthSatellite:
    """Build a PyEphem satellite from the OMM fields themselves (no two-line elements in between)."""
    body = ephem.EarthSatellite()
    epoch = datetime.fromisoformat(raw["EPOCH"])
    body._epoch = ephem.Date(epoch)
    body._inc = raw["INCLINATION"]
    body._raan = raw["RA_OF_ASC_NODE"]
    body._e = raw["ECCENTRICITY"]
    body._ap = raw["ARG_OF_PERICENTER"]
    body._M = raw["MEAN_ANOMALY"]
    body._n = raw["MEAN_MOTION"]
    body._decay = raw["MEAN_MOTION_DOT"]
    body._drag = raw["BSTAR"]
    body._orbit = raw["REV_AT_EPOCH"]
    return body


@pytest.mark.parametrize(
    ("catalog_number", "place"),
    [
        (48274, (39.90, 116.40)),  # Tiangong over Beijing
        (48274, (-33.87, 151.21)),  # Tiangong over Sydney
        (20580, (-0.18, -78.47)),  # Hubble over Quito
        (20580, (-33.87, 151.21)),  # Hubble over Sydney
    ],
)
def test_tiangong_and_hubble_passes_within_1_s_of_pyephem(
    catalog_number: int, place: tuple[float, float]
) -> None:
    raw = record(SEPT, catalog_number)
    (elements,) = parse_all(json.dumps([raw]))
    start = datetime(2026, 9, 19, 12, tzinfo=timezone.utc)
    end = start + timedelta(days=3)
    ours = find_passes(Orbit(elements), Observer(*place), start, end, 10.0).passes
    theirs = ephem_passes(_ephem_from_omm(raw), place[0], place[1], start, end, 10.0)
    ours = [
        p for p in ours if p.rise.time >= start and p.set.time <= end and p.culmination.elevation_deg > 10.05
    ]
    theirs = [p for p in theirs if p[3] > 10.05]
    assert len(ours) == len(theirs) >= 4
    for mine, (rise, _top, set_, height) in zip(ours, theirs, strict=True):
        assert abs((mine.rise.time - rise).total_seconds()) < 1.0
        assert abs((mine.set.time - set_).total_seconds()) < 1.0
        assert abs(mine.culmination.elevation_deg - height) < 0.1


def _csv(rows: list[dict[str, Any]]) -> str:
    header = list(rows[0])
    lines = [",".join(header)] + [",".join(str(r[k]) for k in header) for r in rows]
    return "\r\n".join(lines) + "\r\n"


ISS = record(SEPT, 25544)
_BAD_RECORDS = [
    ({k: v for k, v in ISS.items() if k not in ("EPOCH", "BSTAR")}, "lacks EPOCH, BSTAR"),
    (dict(ISS, MEAN_MOTION=float("nan")), "MEAN_MOTION is nan, not a finite number"),
    (dict(ISS, MEAN_MOTION="NaN"), "MEAN_MOTION is 'NaN', not a finite number"),
    (dict(ISS, ECCENTRICITY="Infinity"), "ECCENTRICITY is 'Infinity'"),
    (dict(ISS, EPOCH="2026000-09-19T07:17:41.839008"), "EPOCH '2026000-09-19T07:17:41.839008' is not a time"),
    (dict(ISS, EPOCH="2026-02-30T07:17:41"), "not a real date"),
    (dict(ISS, EPOCH="2161-09-19T07:17:41"), "outside 1957-2100"),
    (dict(ISS, INCLINATION="fifty-one"), "INCLINATION 'fifty-one' is not a number"),
    (dict(ISS, INCLINATION=[51.6]), "INCLINATION is list, not a number"),
    (dict(ISS, ECCENTRICITY=1.2), "ECCENTRICITY 1.2 is outside [0, 1)"),
    (dict(ISS, MEAN_MOTION=0), "MEAN_MOTION 0 is outside (0, 20]"),
    (dict(ISS, NORAD_CAT_ID=1_000_000_000), "NORAD_CAT_ID 1000000000 is outside 1-999999999"),
    (dict(ISS, NORAD_CAT_ID="25544x"), "NORAD_CAT_ID '25544x' is not a whole number"),
    (dict(ISS, NORAD_CAT_ID=True), "NORAD_CAT_ID True is not a whole number"),
    (dict(ISS, EPHEMERIS_TYPE=4), "EPHEMERIS_TYPE 4; only 0"),
    (dict(ISS, OBJECT_NAME="ISS\x1b[2J"), "holds control characters"),
    (dict(ISS, OBJECT_ID="1998067A"), "OBJECT_ID '1998067A' is not a designator"),
    (dict(ISS, CLASSIFICATION_TYPE="X"), "CLASSIFICATION_TYPE 'X' is not U, C or S"),
]


@pytest.mark.parametrize(("raw", "words"), _BAD_RECORDS, ids=[w[:30] for _, w in _BAD_RECORDS])
def test_a_bad_record_fails_with_one_line_naming_the_field(raw: dict[str, Any], words: str) -> None:
    with pytest.raises(TleFormatError) as caught:
        parse_all(json.dumps([raw]))
    message = str(caught.value)
    assert words in message and "\n" not in message


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (dict(ISS, MEAN_MOTION="NaN"), "MEAN_MOTION is 'NaN', not a finite number"),
        (dict(ISS, EPOCH="2026000-09-19T07:17:41.839008"), "is not a time"),
        (dict(ISS, BSTAR=""), "lacks BSTAR"),
    ],
)
def test_a_bad_csv_row_fails_the_same_way(raw: dict[str, Any], words: str) -> None:
    with pytest.raises(TleFormatError, match=words.replace("(", r"\(")):
        parse_all(_csv([ISS, raw]))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('[{"NORAD_CAT_ID": 25544, "EPOCH": {"a": [1, 2]}}]', "lacks"),
        ("<?xml version='1.0'?><ndm><omm/></ndm>", "XML"),
        ("<html><body>Maintenance</body></html>", "HTML"),
        ("OBJECT_NAME,NORAD_CAT_ID,MEAN_MOTION\r\nISS,25544,15.49\r\n", "header lacks EPOCH"),
        (_csv([ISS]).rsplit(",", 3)[0] + "\r\n", "columns, the header 17 (truncated?)"),
        ("OBJECT_NAME,NORAD_CAT_ID,MEAN_MOTION,MEAN_MOTION\r\n", "names a column twice"),
    ],
    ids=["deep", "nested value", "xml", "html", "csv header", "csv short row", "csv twice"],
)
def test_bad_documents_fail_with_one_clear_line(text: str, words: str) -> None:
    with pytest.raises(TleFormatError) as caught:
        parse_all(text)
    assert words in str(caught.value) and "\n" not in str(caught.value)


def test_five_megabytes_of_json_garbage_fail_fast_and_clearly() -> None:
    import time

    garbage = json.dumps([{"junk": "x" * 90, "n": i, "MEAN_MOTION": "?"} for i in range(50_000)])
    assert len(garbage) > 5_000_000
    began = time.monotonic()
    with pytest.raises(TleFormatError, match="OMM record 1 lacks NORAD_CAT_ID"):
        parse_json(garbage)
    with pytest.raises(TleFormatError, match="JSON is not valid"):
        parse_json(garbage[:-1])
    with pytest.raises(TleFormatError, match="OMM CSV header lacks"):
        parse_csv("a,b,NORAD_CAT_ID,MEAN_MOTION\n" + "1,2,3,4\n" * 700_000)
    assert time.monotonic() - began < 10
