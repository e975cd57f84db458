"""Issue 22 item 1: `tle --import FILE` makes elements from elsewhere the offline default, dated truthfully.

The files are the real CelesTrak answers in tests/omm (README there); expected values are read from
those files here (the ISS's lines, its epoch), never from isstrack.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.tle_tools import text, with_columns

OMM_DIR = Path(__file__).resolve().parent / "omm"
OCT = OMM_DIR / "celestrak-2026-10-02.json"
OCT_TLE = OMM_DIR / "celestrak-2026-10-02.tle"
SEPT_CSV = OMM_DIR / "celestrak-2026-09-19.csv"  # older than the bundled set (2026-09-24)
FETCHED = datetime(2026, 10, 2, 12, 0, tzinfo=timezone.utc)
AFTER = "2026-10-03T00:00:00Z"
AMSTERDAM = ("--lat", "52.37403", "--lon", "4.88969")


def _records() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(OCT.read_text())
    return data


def _iss_record() -> dict[str, Any]:
    return next(r for r in _records() if r["NORAD_CAT_ID"] == 25544)


def _iss_tle() -> tuple[str, str, str]:
    lines = [line.rstrip() for line in OCT_TLE.read_text().splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.startswith("1 25544U"))
    return lines[start - 1], lines[start], lines[start + 1]


def _dated(path: Path, moment: datetime) -> Path:
    os.utime(path, (moment.timestamp(), moment.timestamp()))
    return path


def _cache(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "gp-25544.json"


def test_a_tle_file_becomes_the_offline_default_dated_by_its_modification_time(
    tmp_path: Path, cli: Any
) -> None:
    path = _dated(Path(shutil.copy(OCT_TLE, tmp_path / "friend.tle")), FETCHED)
    imported = cli("tle", "--import", str(path), "--json")
    assert imported.code == 0, imported.err
    cached = json.loads(_cache(tmp_path).read_text())
    assert cached["fetched_at"] == "2026-10-02T12:00:00Z", "the file's time, not the moment of import"
    _, line1, line2 = _iss_tle()
    assert cached["tle"].splitlines()[1:] == [line1, line2]
    assert imported.json()["elements"]["fetched_at"] == "2026-10-02T12:00:00Z"
    # Every command now uses it offline, as it would a download.
    now = cli("now", "--offline", "--json", "--at", AFTER).json()["elements"]
    assert (now["source"], now["line1"]) == ("cache", line1)
    passes = cli("passes", *AMSTERDAM, "--offline", "--json", "--from", AFTER, "--days", "1").json()
    assert passes["elements"]["line1"] == line1
    upcoming = cli("next", *AMSTERDAM, "--offline", "--json", "--at", AFTER, "--max-age", "30")
    assert upcoming.code == 0, upcoming.err
    assert upcoming.json()["elements"]["line1"] == line1


def test_an_omm_with_a_creation_date_is_dated_by_it(tmp_path: Path, cli: Any) -> None:
    record = _iss_record() | {"CREATION_DATE": "2026-10-02T03:04:05"}
    path = tmp_path / "iss.json"
    path.write_text(json.dumps([record]))  # modified now: the recorded time wins
    assert cli("tle", "--import", str(path), "-q").code == 0
    assert json.loads(_cache(tmp_path).read_text())["fetched_at"] == "2026-10-02T03:04:05Z"


def test_an_omm_csv_is_imported(tmp_path: Path, cli: Any) -> None:
    record = _iss_record()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(record))
    writer.writeheader()
    writer.writerow(record)
    path = tmp_path / "iss.csv"
    path.write_text(out.getvalue())
    _dated(path, FETCHED)
    result = cli("tle", "--import", str(path), "--json", "-q")
    assert result.code == 0, result.err
    assert result.json()["elements"]["epoch"].startswith(record["EPOCH"][:16])


def _bad_files(tmp_path: Path) -> dict[str, Path]:
    files = {}
    files["not elements"] = tmp_path / "junk.txt"
    files["not elements"].write_text("hello\n")
    others = tmp_path / "others.json"
    others.write_text(json.dumps([r for r in _records() if r["NORAD_CAT_ID"] != 25544]))
    files["not the ISS"] = others
    files["older than the bundled set"] = Path(shutil.copy(SEPT_CSV, tmp_path / "sept.csv"))
    slow = with_columns(_iss_tle(), 2, 52, "12.00000000")  # 12 rev/day: not the station's orbit
    files["implausible"] = tmp_path / "slow.tle"
    files["implausible"].write_text(text(slow))
    future = tmp_path / "future.tle"
    future.write_text(text(_iss_tle()))
    _dated(future, datetime(2099, 1, 1, tzinfo=timezone.utc))
    files["dated ahead of the clock"] = future
    files["a directory"] = tmp_path
    return files


@pytest.mark.parametrize(
    "kind",
    ["not elements", "not the ISS", "older than the bundled set", "implausible", "dated ahead of the clock",
     "a directory"],
)  # fmt: skip
def test_a_bad_file_is_one_line_exit_2_and_the_cache_untouched(tmp_path: Path, cli: Any, kind: str) -> None:
    bad = _bad_files(tmp_path)[kind]
    refused = cli("tle", "--import", str(bad))
    assert refused.code == 2, (kind, refused.err)
    assert len(refused.err.strip().splitlines()) == 1, refused.err
    assert "--import" in refused.err and "Traceback" not in refused.err
    assert not _cache(tmp_path).exists(), "nothing cached"
    good = _dated(Path(shutil.copy(OCT_TLE, tmp_path / "good.tle")), FETCHED)
    assert cli("tle", "--import", str(good), "-q").code == 0
    before = _cache(tmp_path).read_bytes()
    assert cli("tle", "--import", str(bad)).code == 2
    assert _cache(tmp_path).read_bytes() == before, "the cache is untouched"


def test_another_object_needs_sat_and_is_cached_for_that_query(tmp_path: Path, cli: Any) -> None:
    other = next(r for r in _records() if r["NORAD_CAT_ID"] != 25544)
    path = tmp_path / "other.json"
    path.write_text(json.dumps([other]))
    _dated(path, FETCHED)
    refused = cli("tle", "--import", str(path))
    assert refused.code == 2 and f"--sat {other['NORAD_CAT_ID']}" in refused.err, refused.err
    number = str(other["NORAD_CAT_ID"])
    assert cli("tle", "--import", str(path), "--sat", number, "-q").code == 0
    shown = cli("tle", "--sat", number, "--offline", "--json", "-q").json()["elements"]
    assert shown["catalog_number"] == other["NORAD_CAT_ID"]
    assert shown["fetched_at"] == "2026-10-02T12:00:00Z"
    iss_only = tmp_path / "iss.json"
    iss_only.write_text(json.dumps([_iss_record()]))
    assert cli("tle", "--import", str(iss_only), "--sat", number).code == 2


def test_import_excludes_update_and_tle_file(tmp_path: Path, cli: Any) -> None:
    path = str(shutil.copy(OCT_TLE, tmp_path / "friend.tle"))
    for other in (("--update",), ("--tle-file", path)):
        refused = cli("tle", "--import", path, *other)
        assert refused.code == 2 and "cannot be used together" in refused.err, refused.err
    assert not _cache(tmp_path).exists()


def test_a_device_is_refused_without_offering_standard_input(tmp_path: Path, cli: Any) -> None:
    # --import refuses '-' (standard input cannot be dated), so its messages must not suggest it.
    refused = cli("tle", "--import", "/dev/zero")
    assert refused.code == 2
    assert refused.err.strip().splitlines() == [
        "isstrack: error: --import /dev/zero is not a regular file (a device, FIFO or socket); "
        "give an element file"
    ]
    assert not _cache(tmp_path).exists()
    # --tle-file takes '-', and still says so.
    assert "or '-' for standard input" in cli("now", "--tle-file", "/dev/zero").err
