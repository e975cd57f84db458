"""`isstrack site` on disk: a new site appears whole or not at all; regular files only, no link followed."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import isstrack_command
from tests.test_site import DAYS, FROM, PLACES, run_site, write_places, write_tle


def site_args(out: Path, places: Path, tle: Path) -> list[str]:
    return [str(out), "--places", str(places), "--from", FROM, "--days", DAYS, "--tle-file", str(tle)]


def tree(folder: Path) -> dict[str, bytes]:
    """Every entry under `folder`: regular files with their bytes (anything else fails the test)."""
    found: dict[str, bytes] = {}
    for path in folder.rglob("*"):
        assert not path.is_symlink(), path
        if path.is_file():
            found[str(path.relative_to(folder))] = path.read_bytes()
        else:
            assert path.is_dir(), path
    return found


def test_a_new_site_leaves_no_staging_and_equals_a_build_into_an_empty_folder(tmp_path: Path) -> None:
    places = write_places(tmp_path / "places.csv", PLACES)
    tle = write_tle(tmp_path / "iss.tle")
    assert run_site(*site_args(tmp_path / "new" / "site", places, tle)).exit_code == 0
    made = tmp_path / "made"
    made.mkdir(mode=0o750)
    (made / "places").mkdir()  # an empty places folder counts as empty, as `site` once left it
    inode = made.stat().st_ino
    assert run_site(*site_args(made, places, tle)).exit_code == 0
    assert sorted(os.listdir(tmp_path / "new")) == ["site"], "a staging folder was left beside the site"
    assert tree(tmp_path / "new" / "site") == tree(made)
    assert len(tree(made)) == 3 * len(PLACES) + 3  # page, .ics, RSS; index, style sheet, manifest
    assert made.stat().st_ino == inode and made.stat().st_mode & 0o777 == 0o750, "the folder was replaced"


def test_a_killed_first_build_publishes_nothing_and_the_next_run_sweeps_it(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    many = [(f"Place {i}", -60 + (i * 7.3) % 120, -180 + (i * 13.7) % 360, 0.0) for i in range(1500)]
    places = write_places(tmp_path / "many.csv", many)
    tle = write_tle(tmp_path / "iss.tle")
    out = tmp_path / "site"
    cmd = [*isstrack_command(), "site", *site_args(out, places, tle), "--quiet", "--workers", "1"]
    proc = subprocess.Popen(cmd, env={**os.environ, **isolated_env}, start_new_session=True)
    staged: list[Path] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        staged = [p for p in tmp_path.glob(".isstrack-site-*") if any((p / "places").glob("*.rss"))]
        if staged:
            break
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert staged, "the build ended before its files could be seen being staged"
    assert not out.exists(), "a killed build published part of a site"
    old = time.time() - 3 * 3600  # long ago: a later run may remove it
    for path in [*staged[0].rglob("*"), staged[0]]:
        os.utime(path, (old, old), follow_symlinks=False)
    few = write_places(tmp_path / "few.csv", PLACES[:3])
    assert run_site(*site_args(out, few, tle)).exit_code == 0
    assert not list(tmp_path.glob(".isstrack-site-*")), "the killed build's staging folder was kept"
    assert len(list((out / "places").iterdir())) == 9


def test_a_symlink_where_a_page_goes_is_replaced_and_its_target_left_alone(
    built_site: tuple[Path, Path, Path],
) -> None:
    out, places, tle = built_site
    victim = out.parent / "victim.txt"
    victim.write_text("keep me")
    page = out / "places" / "amsterdam.html"
    wanted = page.read_bytes()
    page.unlink()
    page.symlink_to(victim)
    assert run_site(*site_args(out, places, tle)).exit_code == 0
    assert not page.is_symlink() and page.read_bytes() == wanted
    assert victim.read_text() == "keep me"


def test_a_symlinked_places_folder_is_refused_with_exit_2(tmp_path: Path, cli: Any) -> None:
    places = write_places(tmp_path / "places.csv", PLACES[:2])
    tle = write_tle(tmp_path / "iss.tle")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "site"
    out.mkdir()
    (out / "places").symlink_to(elsewhere)
    result = cli("site", *site_args(out, places, tle))
    assert result.code == 2, result.err
    assert "is not a plain folder" in result.err and len(result.err.strip().splitlines()) == 1
    assert not list(elsewhere.iterdir()) and sorted(os.listdir(out)) == ["places"]


def test_a_rebuild_of_a_site_that_is_a_symlinked_folder_writes_into_it(
    built_site: tuple[Path, Path, Path],
) -> None:
    out, places, tle = built_site
    link = out.parent / "link"
    link.symlink_to(out, target_is_directory=True)
    before = tree(out)
    assert run_site(*site_args(link, places, tle)).exit_code == 0
    assert link.is_symlink() and tree(out) == before


@pytest.fixture
def built_site(tmp_path: Path, isolated_env: dict[str, str]) -> tuple[Path, Path, Path]:
    places = write_places(tmp_path / "places.csv", PLACES)
    tle = write_tle(tmp_path / "iss.tle")
    out = tmp_path / "site"
    assert run_site(*site_args(out, places, tle)).exit_code == 0
    return out, places, tle
