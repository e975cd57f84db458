"""Stars and planets on the sky chart: where their glyphs and name labels go among the path's cells."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from isstrack.sky.landmarks import Landmark

NAMED_STAR, STAR, PLANET = "*", ".", "o"  # ASCII, so plain and --ascii output keep them as they are
LEGEND = f"{NAMED_STAR} {STAR} bright stars, {PLANET} planets"

Cell = tuple[int, int]


def landmark_glyphs(
    marks: Iterable[Landmark],
    occupied: set[Cell],
    to_cell: Callable[[float, float], Cell],
    rows: int,
    columns: int,
) -> dict[Cell, tuple[str, str]]:
    """Return the cells stars, planets and their names take, as (character, style role), brightest first.

    A landmark goes only where nothing of the pass is drawn (`occupied`) and no brighter landmark
    went; a named one gets its name beside it (right, else left) where the name fits in free cells.
    `to_cell` is the chart's projection from (azimuth, elevation) to a (row, column) cell of a
    `rows` x `columns` chart.
    """
    placed: dict[Cell, tuple[str, str]] = {}
    taken = set(occupied)
    for mark in sorted(marks, key=lambda m: m.magnitude):
        if mark.elevation_deg < 0:
            continue
        cell = to_cell(mark.azimuth_deg, mark.elevation_deg)
        if cell in taken:
            continue
        role = "planet" if mark.kind == "planet" else "star"
        glyph = PLANET if mark.kind == "planet" else NAMED_STAR if mark.named else STAR
        placed[cell] = (glyph, role)
        taken.add(cell)
        if not mark.named:
            continue
        row, col = cell
        name = mark.name
        for start in (col + 2, col - 1 - len(name)):
            span = [(row, start + k) for k in range(len(name))]
            # A blank on each side too (the one by the glyph included): a name never touches anything.
            near = [*span, (row, start - 1), (row, start + len(name))]
            fits = start >= 0 and start + len(name) <= columns and 0 <= row < rows
            if fits and not any(c in taken for c in near):
                for c, ch in zip(span, name, strict=True):
                    placed[c] = (ch, role)
                taken.update(near)
                break
    return placed
