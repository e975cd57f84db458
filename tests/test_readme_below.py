"""docs/commands.md promises what `now` says below the station over the sea: open water, no ocean's name."""

from __future__ import annotations

from pathlib import Path

PAGE = Path(__file__).parent.parent / "docs" / "commands.md"


def test_mid_pacific_is_open_water_as_the_readme_says() -> None:
    from isstrack.place.gazetteer import whereabouts

    below = whereabouts(0.0, -150.0)  # mid-Pacific, 2,000 km from any land
    assert below.over_water and below.describe().startswith("over open water")
    now_row = next(line for line in PAGE.read_text().splitlines() if line.startswith("| `isstrack now"))
    assert '"open water"' in now_row
    assert "ocean below" not in now_row  # the bundled data names no ocean: promise none
