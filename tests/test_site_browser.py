"""The sightings site in a real browser: headless Chromium draws the pages; the search box finds a place."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.test_site import FROM, PLACES, run_site, write_places, write_tle

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
# CI installs Chromium (.ci/run); elsewhere a machine without it skips these, and says so.
pytestmark = pytest.mark.skipif(
    BROWSER is None and os.environ.get("CI") != "true",
    reason="Chromium is not installed (apt-get install chromium)",
)
WIDTH, HEIGHT = 1000, 1200
PATH_RED = (197, 34, 31)  # --path in the light scheme


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("browser")
    places = write_places(work / "places.csv", PLACES)
    tle = write_tle(work / "iss.tle")
    result = run_site(str(work / "site"), "--places", str(places), "--from", FROM, "--tle-file", str(tle))
    assert result.exit_code == 0, result.output
    return work / "site"


def chromium(*args: str, home: Path) -> subprocess.CompletedProcess[bytes]:
    assert BROWSER is not None, "CI must have Chromium"
    command = [
        BROWSER,
        "--headless",
        "--no-sandbox",  # tests run as root in CI, where Chromium's sandbox refuses to start
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        "--force-color-profile=srgb",
        f"--user-data-dir={home / 'profile'}",
        *args,
    ]
    env = {**os.environ, "HOME": str(home)}
    return subprocess.run(
        command, capture_output=True, timeout=90, env=env, stdin=subprocess.DEVNULL, check=False
    )


def screenshot(url: str, out: Path) -> Any:
    from PIL import Image

    done = chromium(f"--window-size={WIDTH},{HEIGHT}", f"--screenshot={out}", url, home=out.parent)
    assert out.exists(), done.stderr.decode(errors="replace")[-2000:]
    return Image.open(out).convert("RGB")


def near(pixel: tuple[int, int, int], colour: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def test_a_place_page_draws_its_table_and_sky_paths(site: Path, tmp_path: Path) -> None:
    page = max((site / "places").glob("*.html"), key=lambda p: p.read_text().count("<tr id="))
    assert page.read_text().count("<tr id=") >= 4
    image = screenshot(page.as_uri(), tmp_path / "place.png")
    assert image.size == (WIDTH, HEIGHT)
    pixels = image.load()
    assert pixels[WIDTH - 5, HEIGHT - 5] == (255, 255, 255)  # the page's background
    dark = sum(1 for x in range(0, WIDTH, 2) for y in range(0, HEIGHT, 2) if sum(pixels[x, y]) < 200)
    assert dark > 2000, "little text drawn"
    red = sum(1 for x in range(WIDTH // 2, WIDTH) for y in range(HEIGHT) if near(pixels[x, y], PATH_RED))
    assert red > 50, "no sky path drawn in the right half, where the charts' column is"
    # The table's header rule (2 px in the text colour) crosses most of the page.
    rows = [y for y in range(HEIGHT) if sum(1 for x in range(0, WIDTH, 4) if sum(pixels[x, y]) < 150) > 150]
    assert rows, "no table rule found"


def test_the_index_draws_and_its_search_box_finds_a_place(site: Path, tmp_path: Path) -> None:
    import html5lib

    image = screenshot((site / "index.html").as_uri(), tmp_path / "index.png")
    assert image.size == (WIDTH, HEIGHT)
    done = chromium("--dump-dom", (site / "index.html").as_uri() + "?q=reykjav", home=tmp_path)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    dom = html5lib.parse(done.stdout, namespaceHTMLElements=False)
    form = dom.find(".//form")
    assert form.get("hidden") is None, "the script did not show the search box"
    assert dom.find(".//input[@id='q']").get("value") in (None, "reykjav")
    shown = [li.find("a").text for li in dom.findall(".//ul/li") if li.get("hidden") is None]
    assert shown == ["Reykjavík"]
    assert dom.find(".//output").text == "1 place"
    sections = [s for s in dom.findall(".//section") if s.get("hidden") is None]
    assert len(sections) == 1
