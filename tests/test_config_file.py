"""Issue 8 item 20: a saved config.toml that cannot be used, with real files of each kind."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

AT = ("--offline", "--at", "2026-09-25T18:00Z")
FROM = ("--offline", "--from", "2026-09-25T18:00Z", "--days", "1")
GOOD = '[home]\nname = "Home"\nlatitude_deg = 52.37\nlongitude_deg = 4.89\ntime_zone = "Europe/Amsterdam"\n'


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config" / "config.toml"
    path.parent.mkdir(parents=True)
    return path


def damage(path: Path, kind: str) -> str:
    """Make `path` an unusable config of one kind; return words the message must contain."""
    if kind == "garbage":
        path.write_bytes(b"\xff\xfe not toml [[[")
        return "is damaged"
    if kind == "directory":
        path.mkdir()
        return "is a directory"
    if kind == "symlink-loop":
        os.symlink(path.name, path)  # unreadable whoever runs the test (root ignores modes)
        return "cannot read"
    if kind == "fifo":
        os.mkfifo(path)  # would hang a plain read
        return "is not a regular file"
    if kind == "boolean":
        path.write_text(GOOD.replace("52.37", "true"))
        return "latitude_deg = True is not a number"
    if kind == "nested":  # issue 17 item 3: RecursionError inside the TOML parser
        path.write_text(GOOD + "deep = " + "[" * 5000 + "]" * 5000 + "\n")
        return "nested over 32 deep"
    if kind == "huge-integer":  # issue 17 item 3: OverflowError turning it into a float
        path.write_text(GOOD.replace("52.37", "9" * 400))
        return "an integer is beyond 64 bits"
    if kind == "unknown-zone":
        path.write_text(GOOD.replace("Europe/Amsterdam", "Mars/Olympus_Mons"))
        return "time_zone: unknown time zone 'Mars/Olympus_Mons'"
    raise AssertionError(kind)


KINDS = ["garbage", "directory", "symlink-loop", "fifo", "boolean", "unknown-zone", "nested", "huge-integer"]


@pytest.mark.parametrize("kind", KINDS)
def test_now_without_a_place_only_warns(cli: Any, config: Path, kind: str) -> None:
    words = damage(config, kind)
    result = cli("now", *AT, timeout=60)
    assert result.code == 0, result.err
    assert "ISS now" in result.out
    warnings = [line for line in result.err.splitlines() if "config.toml" in line]
    assert len(warnings) == 1 and words in warnings[0] and "going on without a place" in warnings[0]
    quiet = cli("now", *AT, "--quiet", "--json", timeout=60)
    assert quiet.code == 0 and quiet.err == ""
    assert quiet.json()["observer"] is None


@pytest.mark.parametrize("kind", KINDS)
def test_commands_that_need_the_saved_place_fail_with_exit_2(cli: Any, config: Path, kind: str) -> None:
    words = damage(config, kind)
    for command, when in (("next", AT), ("passes", FROM)):
        result = cli(command, *when, timeout=60)
        assert result.code == 2, (command, result.err)
        assert result.err.count("\n") == 1 and words in result.err and str(config) in result.err
        assert result.out == ""


@pytest.mark.parametrize("kind", KINDS)
def test_location_clear_fixes_what_its_message_recommends(cli: Any, config: Path, kind: str) -> None:
    damage(config, kind)
    message = cli("location", "show").err
    assert "isstrack location clear" in message
    cleared = cli("location", "clear")
    assert cleared.code == 0, cleared.err
    assert not os.path.lexists(config)
    assert cli("next", *AT).err.startswith("isstrack: error: next needs a place")
    assert cli("location", "set", "--city", "Amsterdam, NL").code == 0
    assert cli("next", *AT, "--quiet").code == 0


def test_directory_with_files_is_not_deleted_and_the_message_says_how(cli: Any, config: Path) -> None:
    config.mkdir()
    (config / "precious").write_text("keep me")
    result = cli("location", "clear")
    assert result.code == 2
    assert "isstrack will not delete them" in result.err and f"mv '{config}'" in result.err
    assert (config / "precious").read_text() == "keep me"
    saved = cli("location", "set", "--city", "Amsterdam, NL")
    assert saved.code == 2 and "is a directory" in saved.err


def test_unknown_zone_is_not_silently_utc(cli: Any, config: Path) -> None:
    config.write_text(GOOD.replace("Europe/Amsterdam", "Europe/Atlantis"))
    result = cli("passes", *FROM)
    assert result.code == 2
    assert "unknown time zone 'Europe/Atlantis'" in result.err


@pytest.mark.parametrize(
    ("replace", "words"),
    [
        (("52.37", "nan"), "latitude_deg = nan is outside [-90, 90]"),
        (("4.89", "inf"), "longitude_deg = inf is outside [-180, 180]"),
        (("4.89", '"4.89"'), "longitude_deg = '4.89' is not a number"),
        (('name = "Home"\n', ""), "name is missing"),
        (("[home]", "[away]"), "has no [home] table"),
    ],
)
def test_config_values_are_checked(cli: Any, config: Path, replace: tuple[str, str], words: str) -> None:
    config.write_text(GOOD.replace(*replace))
    result = cli("next", *AT)
    assert result.code == 2 and words in result.err


def test_a_good_config_still_works(cli: Any, config: Path) -> None:
    config.write_text(GOOD + "elevation_m = 3\n")
    document = cli("next", *AT, "--quiet", "--json").json()
    assert document["location"]["name"] == "Home" and document["location"]["elevation_m"] == 3.0
    assert document["time_zone"] == "Europe/Amsterdam"
