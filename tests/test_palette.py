"""The 256- and 16-colour palettes keep land, sea, day, twilight and night apart, read back from escapes."""

from __future__ import annotations

import itertools
import re

import pytest
from rich.color import ColorSystem
from rich.style import Style

from isstrack.render.palette import (
    EIGHT_BIT,
    EIGHT_BIT_PALETTE,
    STANDARD,
    STANDARD_PALETTE,
    TRUECOLOR,
    TRUECOLOR_PALETTE,
    palette_for,
    palette_system,
)

LEVELS = (0, 95, 135, 175, 215, 255)
SYSTEMS = {"256": ColorSystem.EIGHT_BIT, "standard": ColorSystem.STANDARD}


def xterm_rgb(n: int) -> tuple[int, int, int]:
    """The xterm 256-colour table, written out here independently of Rich and isstrack."""
    if n >= 232:
        v = 8 + 10 * (n - 232)
        return v, v, v
    if n >= 16:
        n -= 16
        return LEVELS[n // 36], LEVELS[n // 6 % 6], LEVELS[n % 6]
    raise AssertionError(f"expected a cube or grey colour, got {n}")


@pytest.fixture(autouse=True)
def colour_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR")  # the suite sets it; these consoles must emit colour


def escapes(style: str, system: str) -> str:
    parsed = Style.parse(style)
    # A fresh Style rendered directly: Rich keeps a style's escape codes from its first rendering
    # (in whatever colour system), and its caches hand equal styles the same object, so a console
    # that printed these colours in truecolour before would print them in truecolour again.
    fresh = Style(color=parsed.color, bgcolor=parsed.bgcolor, bold=parsed.bold)
    return fresh.render("x", color_system=SYSTEMS[system])


def background_256(style: str, system: str = "256") -> tuple[int, int, int]:
    match = re.search(r"48;5;(\d+)", escapes(style, system))
    assert match, style
    return xterm_rgb(int(match.group(1)))


def distance(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    return sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5


NAMES = ("day sea", "day land", "twilight sea", "twilight land", "night sea", "night land")


def test_rich_downsampling_of_the_truecolour_palette_merges_night_land_and_sea() -> None:
    # The problem the 256-colour palette solves: Rich's nearest-colour mapping of the RGB palette.
    rgb = [background_256(f"on {c}") for c in TRUECOLOR_PALETTE.background]
    assert min(distance(a, b) for a, b in itertools.combinations(rgb, 2)) < 20


def test_256_colour_backgrounds_are_far_apart() -> None:
    rgb = {
        name: background_256(f"on {c}") for name, c in zip(NAMES, EIGHT_BIT_PALETTE.background, strict=True)
    }
    for (n1, a), (n2, b) in itertools.combinations(rgb.items(), 2):
        assert distance(a, b) >= 55, (n1, n2, a, b)
    # Sea is bluer than land in every light; day is brighter than twilight, twilight than night.
    for light in ("day", "twilight", "night"):
        sea, land = rgb[f"{light} sea"], rgb[f"{light} land"]
        assert (sea[2] > land[2] and land[1] >= sea[1]) or land[0] > sea[0]
    for kind in ("sea", "land"):
        brightness = [sum(rgb[f"{light} {kind}"]) for light in ("day", "twilight", "night")]
        assert brightness == sorted(brightness, reverse=True) and len(set(brightness)) == 3


def test_256_colour_lines_stand_out_on_every_background() -> None:
    backgrounds = [background_256(f"on {c}") for c in EIGHT_BIT_PALETTE.background]
    for line in EIGHT_BIT_PALETTE.lines:
        match = re.search(r"38;5;(\d+)", escapes(line, "256"))
        assert match, line
        fg = xterm_rgb(int(match.group(1)))
        assert all(distance(fg, bg) >= 100 for bg in backgrounds), (line, fg)


def test_16_colour_backgrounds_are_six_different_ansi_colours() -> None:
    codes = []
    for c in STANDARD_PALETTE.background:
        match = re.search(r"\x1b\[(?:\d+;)*(4\d|10\d)m", escapes(f"on {c}", "standard"))
        assert match, c
        codes.append(match.group(1))
    assert len(set(codes)) == 6, codes


@pytest.mark.parametrize(
    ("rich_system", "environ", "expected"),
    [
        ("256", {"COLORTERM": "truecolor"}, TRUECOLOR),
        ("256", {"COLORTERM": "24bit"}, TRUECOLOR),
        ("256", {}, EIGHT_BIT),
        ("truecolor", {}, TRUECOLOR),
        ("standard", {}, STANDARD),
        ("windows", {}, STANDARD),
        ("256", {"NO_COLOR": "1"}, None),
        (None, {"COLORTERM": "truecolor"}, None),
    ],
)
def test_palette_follows_colorterm_then_rich(
    rich_system: str | None, environ: dict[str, str], expected: str | None
) -> None:
    assert palette_system(rich_system, environ) == expected
    assert palette_for(expected).system == (expected or TRUECOLOR)
