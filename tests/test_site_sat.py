"""isstrack site --sat: another object's site, its pass times as passes --sat gives them, its own ids."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tests.oem_tools import OEM_FILE
from tests.test_omm import SEPT

FROM = "2026-09-19T00:00:00Z"
PLACES = {"Sydney": (-33.87, 151.21), "Beijing": (39.90, 116.40), "Madrid": (40.42, -3.70)}


def write_places(path: Path) -> Path:
    rows = [f"{name},{lat},{lon}" for name, (lat, lon) in PLACES.items()]
    path.write_text("name,latitude_deg,longitude_deg\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def site(cli: Any, out: Path, places: Path, *extra: str) -> Any:
    return cli("site", str(out), "--places", str(places), "--from", FROM, "--days", "3",
               "--tle-file", str(SEPT), "--workers", "1", *extra)  # fmt: skip


def ics_times(path: Path) -> list[tuple[datetime, datetime]]:
    text = path.read_text(encoding="utf-8")
    starts = re.findall(r"^DTSTART:(\d{8}T\d{6}Z)", text, re.M)
    ends = re.findall(r"^DTEND:(\d{8}T\d{6}Z)", text, re.M)
    fmt = "%Y%m%dT%H%M%SZ"
    return [
        (
            datetime.strptime(a, fmt).replace(tzinfo=timezone.utc),
            datetime.strptime(b, fmt).replace(tzinfo=timezone.utc),
        )
        for a, b in zip(starts, ends, strict=True)
    ]


def json_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_a_tiangong_site_has_the_passes_of_passes_sat_and_names_the_object(cli: Any, tmp_path: Path) -> None:
    places = write_places(tmp_path / "places.csv")
    built = site(cli, tmp_path / "css", places, "--sat", "css")
    assert built.code == 0, built.err
    seen = 0
    for name, (lat, lon) in PLACES.items():
        single = cli("passes", "--sat", "48274", "--lat", str(lat), "--lon", str(lon), "--from", FROM,
                     "--days", "3", "--tle-file", str(SEPT), "--json")  # fmt: skip
        assert single.code == 0, single.err
        theirs = [
            (json_time(p["visible_start"]["time"]), json_time(p["visible_end"]["time"]))
            for p in single.json()["passes"]
            if p["visible"]
        ]
        ours = ics_times(tmp_path / "css" / "places" / f"{name.lower()}.ics")
        assert len(ours) == len(theirs)
        for mine, other in zip(ours, theirs, strict=True):
            assert abs((mine[0] - other[0]).total_seconds()) <= 1
            assert abs((mine[1] - other[1]).total_seconds()) <= 1
        seen += len(ours)
        page = (tmp_path / "css" / "places" / f"{name.lower()}.html").read_text(encoding="utf-8")
        assert "CSS (TIANHE) (catalog 48274)" in page
        assert f"<title>CSS (TIANHE) sightings over {name}" in (
            tmp_path / "css" / "places" / f"{name.lower()}.rss"
        ).read_text(encoding="utf-8")
    assert seen >= 1


def test_feed_ids_differ_from_the_iss_sites(cli: Any, tmp_path: Path) -> None:
    places = write_places(tmp_path / "places.csv")
    assert site(cli, tmp_path / "css", places, "--sat", "css").code == 0
    assert site(cli, tmp_path / "iss", places, "--sat", "25544").code == 0
    guid = re.compile(r"<guid[^>]*>([^<]+)</guid>")
    css_ids: set[str] = set()
    iss_ids: set[str] = set()
    for name in PLACES:
        css_ids |= set(guid.findall((tmp_path / "css" / "places" / f"{name.lower()}.rss").read_text()))
        iss_ids |= set(guid.findall((tmp_path / "iss" / "places" / f"{name.lower()}.rss").read_text()))
    assert css_ids and iss_ids
    assert not css_ids & iss_ids
    assert all(item.startswith("48274-") for item in css_ids)


def test_sat_with_ephemeris_or_an_unknown_sat_offline_is_refused(cli: Any, tmp_path: Path) -> None:
    places = write_places(tmp_path / "places.csv")
    oem = tmp_path / "oem.txt"
    oem.write_text("not read\n")
    both = site(cli, tmp_path / "a", places, "--sat", "css", "--ephemeris", str(oem))
    assert both.code == 2
    assert len(both.err.strip().splitlines()) == 1 and "--ephemeris" in both.err
    assert not (tmp_path / "a").exists() or not any((tmp_path / "a").iterdir())
    missing = site(cli, tmp_path / "b", places, "--sat", "nosuchsat")  # not in the --tle-file
    assert missing.code == 2, missing.err
    assert len(missing.err.strip().splitlines()) == 1 and "nosuchsat" in missing.err
    assert not (tmp_path / "b").exists() or not any((tmp_path / "b").iterdir())
    # Offline with nothing cached: the same refusal and status as passes --sat (3, no data), nothing written.
    out = tmp_path / "c"
    offline = ("--sat", "nosuchsat", "--offline")
    unknown = cli("site", str(out), "--places", str(places), "--from", FROM, "--days", "3", *offline)
    passes = cli("passes", "--lat", "1", "--lon", "1", "--from", FROM, *offline)
    assert unknown.code == passes.code != 0, unknown.err
    assert unknown.err == passes.err and len(unknown.err.strip().splitlines()) == 1
    assert not out.exists() or not any(out.iterdir())


def test_an_ephemeris_site_names_nasas_trajectory(cli: Any, tmp_path: Path) -> None:
    places = tmp_path / "places.csv"
    places.write_text("name,latitude_deg,longitude_deg\nAmsterdam,52.37,4.90\n", encoding="utf-8")
    out = tmp_path / "oem"
    built = cli("site", str(out), "--places", str(places), "--from", "2026-09-26T00:00Z", "--days", "2",
                "--ephemeris", str(OEM_FILE), "--workers", "1")  # fmt: skip
    assert built.code == 0, built.err
    page = (out / "places" / "amsterdam.html").read_text(encoding="utf-8")
    assert "source: NASA OEM created 2026-09-21 00:00 UTC." in page
