"""Standard magnitudes per object: sources in order, the community file layouts, and no guessing."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from isstrack.elements.brightness import (
    UNKNOWN,
    parse_std_mags,
    read_std_mag_file,
    size_estimate,
    std_magnitude,
)
from isstrack.errors import BadInputError

# qs.mag's layout as published readers take it (catalog number in columns 1-5, magnitude in 34-37,
# radar cross-section in 51-55). The values below are test values, not McCants' data.
QS_MAG = (
    "Test standard magnitudes, layout of qs.mag\n"
    + f"{'25544':<5}{'ISS':<28}{'-1.3':>4}{'':13}{'':>5}\n"
    + f"{'48274':<5}{'CSS':<28}{'':>4}{'':13}{'90.0':>5}\n"
    + f"{'A0534':<5}{'STARLINK':<28}{' 5.5':>4}{'':13}{'':>5}\n"
    + f"{'20580':<5}{'HST':<28}{'':>4}{'':13}{'':>5}\n"
)


def test_the_iss_keeps_its_usual_value_and_unknowns_are_unknown() -> None:
    iss = std_magnitude(25544, "ISS (ZARYA)")
    assert (iss.value, iss.source) == (-1.8, "observed")
    assert std_magnitude(48274, "CSS (TIANHE)") == UNKNOWN
    assert UNKNOWN.value is None and "--std-mag" in UNKNOWN.origin
    starlink = std_magnitude(100534, "STARLINK-38244")
    assert starlink.source == "model" and starlink.value is not None and "Mallama" in starlink.origin


def test_given_beats_the_file_which_beats_the_shipped_value() -> None:
    table = parse_std_mags(QS_MAG, "qs.mag")
    assert std_magnitude(25544, "ISS", table, given=-2.5).value == -2.5
    assert std_magnitude(25544, "ISS", table).value == -1.3
    assert std_magnitude(25544, "ISS", table).source == "observed"
    assert std_magnitude(25544, "ISS").value == -1.8


def test_qs_mag_columns_alpha5_and_rcs() -> None:
    table = parse_std_mags(QS_MAG, "qs.mag")
    assert set(table) == {25544, 48274, 100534}, "HST has neither a magnitude nor an RCS here"
    assert table[100534].value == 5.5
    css = table[48274]
    assert css.source == "size estimate" and css.value is not None
    # A Lambertian sphere: the flux scales with cross-section, so 90 m² is 2.5 log10(90) brighter than 1 m².
    assert css.value == pytest.approx(size_estimate(1.0) - 2.5 * math.log10(90.0), abs=0.05)


def test_the_size_estimate_agrees_with_what_observers_quote_for_one_square_metre() -> None:
    # SeeSat-L, Oct 2008: a white 1 m² sphere about +6.4; SkyMap's RCS conversion about +8.1.
    assert 6.0 < size_estimate(1.0) < 8.1
    # 100 times the area is 5 magnitudes brighter, whatever the albedo.
    assert size_estimate(100.0) == pytest.approx(size_estimate(1.0) - 5.0, abs=1e-9)


def test_plain_catalog_number_magnitude_lines(tmp_path: Path) -> None:
    path = tmp_path / "mags.txt"
    path.write_text("# mine\n48274 -1.5\n20580, 2.2\n")
    table = read_std_mag_file(path)
    assert table[48274].value == -1.5 and table[20580].value == 2.2
    assert table[48274].origin == str(path)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("48274 -1.5\nthis is not a table\n", "line 2 ('this is not a table') is neither"),
        ("48274 nan\n", "line 1: nan is not a standard magnitude"),
        ("48274 45\n", "line 1: 45 is not a standard magnitude"),
        ("# nothing\n", "holds no standard magnitudes"),
    ],
)
def test_bad_std_mag_files_fail_with_one_line(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "mags.txt"
    path.write_text(text)
    with pytest.raises(BadInputError) as caught:
        read_std_mag_file(path)
    assert words in str(caught.value) and "\n" not in str(caught.value)


def test_a_std_mag_file_must_be_a_regular_file(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="no such file"):
        read_std_mag_file(tmp_path / "missing")
    with pytest.raises(BadInputError, match="not a regular file"):
        read_std_mag_file(tmp_path)
    with pytest.raises(BadInputError, match="not a standard magnitude"):
        std_magnitude(25544, "ISS", given=math.nan)
