"""Places: the saved home location, city names, and the bundled grids against tzfpy."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from isstrack.errors import AmbiguousCityError, LocationError
from isstrack.place.gazetteer import country_at, find_city, whereabouts
from isstrack.place.timezones import country_of_zone, zone_name_at
from tests.tle_tools import newest


def test_location_set_show_clear_round_trip(cli: Any, tmp_path: Path) -> None:
    assert "no home location saved" in cli("location", "show").out
    saved = cli("location", "set", "--city", "Sydney")
    assert saved.code == 0
    assert "Sydney, AU" in saved.out and "Australia/Sydney" in saved.out
    config = tmp_path / "config" / "config.toml"
    assert 'name = "Sydney, AU"' in config.read_text()
    shown = cli("location", "show", "--json").json()["location"]
    assert shown["source"] == "saved" and shown["time_zone"] == "Australia/Sydney"
    tle = tmp_path / "iss.tle"
    tle.write_text("\n".join(newest()) + "\n")
    used = cli("now", "--tle-file", str(tle), "--json", "-q").json()["observer"]
    assert used["name"] == "Sydney, AU" and used["source"] == "saved"
    explicit = cli("now", "--tle-file", str(tle), "--json", "-q", "--city", "Paris").json()["observer"]
    assert explicit["name"] == "Paris, FR", "explicit options beat the saved location"
    assert cli("location", "clear").out == "home location cleared\n"
    assert not config.exists()
    assert cli("location", "clear").out == "no home location was saved\n"


def test_config_lives_under_xdg_config_home(cli: Any, tmp_path: Path) -> None:
    result = cli(
        "location",
        "set",
        "--lat",
        "-33.9",
        "--lon",
        "18.4",
        "--elevation",
        "12",
        env={"ISSTRACK_CONFIG_DIR": ""},
    )
    assert result.code == 0
    text = (tmp_path / "xdg-config" / "isstrack" / "config.toml").read_text()
    assert "latitude_deg = -33.9" in text and "elevation_m = 12.0" in text
    assert 'time_zone = "Africa/Johannesburg"' in text


def test_damaged_config_is_bad_input_with_the_fix(cli: Any, tmp_path: Path) -> None:
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[home]\nname = 'Home'\nlatitude_deg = 'north'\n")
    result = cli("passes", "--offline")
    assert result.code == 2
    assert "latitude_deg = 'north' is not a number" in result.err and "isstrack location clear" in result.err


def test_location_set_needs_a_place(cli: Any) -> None:
    result = cli("location", "set")
    assert result.code == 2
    assert "needs --city NAME or --lat and --lon" in result.err


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("Paris", "Paris, FR"),
        ("paris, fr", "Paris, FR"),
        ("Paris, France", "Paris, FR"),
        ("Paris, US-TX", "Paris, US-TX"),
        ("Springfield, US-IL", "Springfield, US-IL"),
        ("Springfield, IL", "Springfield, US-IL"),
        ("Sao Paulo", "São Paulo, BR"),
        ("Munich", "Munich, DE"),
    ],
)
def test_city_names(query: str, label: str) -> None:
    assert find_city(query).label == label


def test_ambiguous_and_unknown_cities() -> None:
    with pytest.raises(AmbiguousCityError) as caught:
        find_city("Springfield")
    assert "Springfield, US-IL" in caught.value.candidates
    with pytest.raises(LocationError, match="no city called"):
        find_city("Xyzzyville")
    with pytest.raises(LocationError, match="not a country or US state"):
        find_city("Paris, Narnia")


def test_time_zone_grid_agrees_with_tzfpy_everywhere_sampled() -> None:
    import tzfpy

    rng = random.Random(20261123)
    for _ in range(5000):
        lat, lon = rng.uniform(-89.9, 89.9), rng.uniform(-179.9, 179.9)
        assert zone_name_at(lat, lon) == tzfpy.get_tz(lon, lat)
    # Near a boundary the grid defers to tzfpy: El Paso (Mountain) and its neighbour (Central).
    assert zone_name_at(31.76, -106.49) == "America/Denver"
    assert zone_name_at(31.0, -104.0) == "America/Chicago"


def test_country_grid_agrees_with_tz_polygons_away_from_borders() -> None:
    import tzfpy

    rng = random.Random(7)
    checked = 0
    for _ in range(4000):
        lat, lon = rng.uniform(-80, 80), rng.uniform(-179.5, 179.5)
        # Only where every point 0.3° around agrees: the grid resolves borders to 0.25°.
        ring = {tzfpy.get_tz(lon + dx, lat + dy) for dx in (-0.3, 0, 0.3) for dy in (-0.3, 0, 0.3)}
        if len(ring) != 1:
            continue
        zone = ring.pop()
        expected = None if zone.startswith("Etc/") else country_of_zone(zone)
        if expected is None and not zone.startswith("Etc/"):
            continue
        assert country_at(lat, lon) == expected, (lat, lon, zone)
        checked += 1
    assert checked > 3000


def test_whereabouts_in_words() -> None:
    paris = whereabouts(48.8534, 2.3488)
    assert paris.country == "France" and paris.describe() == "over France, near Paris, FR"
    ocean = whereabouts(0.0, -150.0)
    assert ocean.over_water and ocean.country is None
    assert ocean.describe().startswith("over open water, 2,5") and "of Honolulu, US" in ocean.describe()
    assert whereabouts(40.71, -74.01).country == "the United States"


def test_location_set_keeps_a_symlinked_config_and_replaces_its_target(cli: Any, tmp_path: Path) -> None:
    """Issue 17: like --ics and --svg, a linked config.toml stays a link; the file it leads to is written."""
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "isstrack.toml"
    real.write_text("# old\n")
    real.chmod(0o640)
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir()
    config.symlink_to(real)
    saved = cli("location", "set", "--city", "Sydney")
    assert saved.code == 0, saved.err
    assert config.is_symlink() and config.resolve() == real.resolve(), "the link was replaced by a file"
    assert 'name = "Sydney, AU"' in real.read_text()
    assert real.stat().st_mode & 0o777 == 0o640, "the file keeps its permissions"
    assert sorted(p.name for p in dotfiles.iterdir()) == ["isstrack.toml"], "no temporary file left"
    assert cli("location", "show", "--json").json()["location"]["name"] == "Sydney, AU"
    dangling = tmp_path / "config" / "elsewhere.toml"
    config.unlink()
    config.symlink_to(dangling.name)  # a link to a file not made yet: made there, as --ics does
    assert cli("location", "set", "--city", "Paris").code == 0
    assert config.is_symlink() and 'name = "Paris, FR"' in dangling.read_text()
