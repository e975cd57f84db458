"""TLE, 3LE and OMM parsing: validation rules, epochs, and a property test over arbitrary text."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from isstrack.elements.tle import ElementSet, checksum, parse_all, parse_elements
from isstrack.errors import NoGpDataError, TleFormatError
from tests.tle_tools import checksum as reference_checksum
from tests.tle_tools import history_sets, newest, text, with_checksum

NAME, LINE1, LINE2 = newest()


def test_every_reference_line_passes_its_checksum() -> None:
    for _, line1, line2 in history_sets():
        assert checksum(line1) == int(line1[68])
        assert checksum(line2) == int(line2[68])


def test_minus_signs_count_one_in_the_checksum() -> None:
    line = "1 00005U 58002B   00179.78495062  .00000023  00000-0  28098-4 0  4753"
    assert checksum(line) == 3  # Vallado's verification set, with its stated check digit
    assert checksum(line.replace("-", " ")) == (3 - 2) % 10


def test_three_line_two_line_and_zero_prefixed_names() -> None:
    three = parse_elements(text((NAME, LINE1, LINE2)), 25544)
    two = parse_elements(f"{LINE1}\n{LINE2}\n", 25544)
    zero = parse_elements(f"0 ISS (ZARYA)\r\n{LINE1}\r\n{LINE2}\r\n", 25544)
    assert three.name == zero.name == "ISS (ZARYA)"
    assert two.name == "UNNAMED"
    assert three.epoch == two.epoch == datetime(2026, 9, 24, 3, 24, 21, 452544, tzinfo=timezone.utc)


def test_epoch_years_pivot_at_57() -> None:
    def with_year(yy: str) -> ElementSet:
        line1 = with_checksum(f"{LINE1[:18]}{yy}{LINE1[20:]}")
        return parse_elements(f"{line1}\n{LINE2}\n", 25544)

    assert with_year("57").epoch.year == 1957
    assert with_year("99").epoch.year == 1999
    assert with_year("00").epoch.year == 2000
    assert with_year("56").epoch.year == 2056


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("", "empty"),
        ("No GP data found", "no GP data"),
        ("<html><body>hi</body></html>", "HTML"),
        (f"{LINE1}\n", "no line 2"),
        (f"{LINE2}\n", "no line 1"),
        (f"{LINE1}\n{LINE2[:60]}\n", "not 69"),
        (f"{LINE1[:68]}0\n{LINE2}\n", "checksum"),
        (f"{with_checksum(LINE1[:17] + LINE1[18:32] + ' ' + LINE1[32:])}\n{LINE2}\n", "layout"),
        (f"{LINE1}\n{with_checksum(LINE2[:54] + 'X' + LINE2[55:])}\n", "layout"),
        ("just some words\nand more words\n", "unexpected text"),
    ],
)
def test_invalid_text_raises_typed_errors(body: str, words: str) -> None:
    with pytest.raises(TleFormatError, match=words):
        parse_all(body)


def test_no_gp_data_has_its_own_type() -> None:
    with pytest.raises(NoGpDataError):
        parse_all("No GP data found")


def test_mismatched_catalog_numbers_between_lines_are_rejected() -> None:
    line2 = with_checksum("2 20580" + LINE2[7:])
    with pytest.raises(TleFormatError):
        parse_all(f"{LINE1}\n{line2}\n")


def test_another_object_is_not_taken_for_the_iss() -> None:
    line1 = with_checksum("1 20580" + LINE1[7:])
    line2 = with_checksum("2 20580" + LINE2[7:])
    with pytest.raises(TleFormatError, match="found 20580"):
        parse_elements(f"HST\n{line1}\n{line2}\n", 25544)


def test_a_file_with_several_objects_yields_the_one_asked_for() -> None:
    line1 = with_checksum("1 20580" + LINE1[7:])
    line2 = with_checksum("2 20580" + LINE2[7:])
    chosen = parse_elements(f"HST\n{line1}\n{line2}\n{NAME}\n{LINE1}\n{LINE2}\n", 25544)
    assert chosen.catalog_number == 25544
    assert chosen.name == NAME


def _omm_from_lines(line1: str, line2: str) -> dict[str, object]:
    """Build a CelesTrak-style OMM record from TLE columns, written out by hand."""
    year = 2000 + int(line1[18:20])
    day = float(line1[20:32])
    epoch = datetime(year, 1, 1, tzinfo=timezone.utc).timestamp() + (day - 1) * 86400
    epoch_text = datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")

    def implied(field: str) -> float:
        mantissa, exponent = field[:-2], field[-2:]
        return float(f"{mantissa[0]}0.{mantissa[1:].strip()}e{exponent}")

    return {
        "OBJECT_NAME": "ISS (ZARYA)",
        "OBJECT_ID": "1998-067A",
        "EPOCH": epoch_text,
        "MEAN_MOTION": float(line2[52:63]),
        "ECCENTRICITY": float("0." + line2[26:33]),
        "INCLINATION": float(line2[8:16]),
        "RA_OF_ASC_NODE": float(line2[17:25]),
        "ARG_OF_PERICENTER": float(line2[34:42]),
        "MEAN_ANOMALY": float(line2[43:51]),
        "EPHEMERIS_TYPE": 0,
        "CLASSIFICATION_TYPE": "U",
        "NORAD_CAT_ID": 25544,
        "ELEMENT_SET_NO": 999,
        "REV_AT_EPOCH": int(line2[63:68]),
        "BSTAR": implied(line1[53:61]),
        "MEAN_MOTION_DOT": float(line1[33:43]),
        "MEAN_MOTION_DDOT": implied(line1[44:52]),
    }


def test_omm_json_gives_the_same_elements_as_the_tle() -> None:
    record = _omm_from_lines(LINE1, LINE2)
    from_json = parse_elements(json.dumps([record]), 25544)
    from_tle = parse_elements(text((NAME, LINE1, LINE2)), 25544)
    assert abs((from_json.epoch - from_tle.epoch).total_seconds()) < 0.001
    assert from_json.line2[8:63] == from_tle.line2[8:63]
    assert from_json.name == "ISS (ZARYA)"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("[]", "no records"),
        ("[1, 2]", "not an object"),
        ('[{"NORAD_CAT_ID": 25544}]', "lacks"),
        ('[{"NORAD_CAT_ID": 25544', "not valid"),
    ],
)
def test_invalid_omm_raises_typed_errors(body: str, words: str) -> None:
    with pytest.raises(TleFormatError, match=words):
        parse_all(body)


_TLE_ALPHABET = st.sampled_from(list('0123456789 .+-UABCXZ\n[]{}":,<>'))
_MUTATED = st.builds(
    lambda i, ch, line: line[:i] + ch + line[i + 1 :],
    st.integers(0, 68),
    st.sampled_from(list("0123456789 .+-X")),
    st.sampled_from([LINE1, LINE2]),
)


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.text(max_size=300),
        st.text(alphabet=_TLE_ALPHABET, max_size=300),
        st.builds(lambda a, b: f"{a}\n{b}\n", _MUTATED, st.sampled_from([LINE2, LINE1])),
        st.builds(lambda a, b: f"{LINE1}\n{a}\n{b}", _MUTATED, st.text(max_size=20)),
        st.builds(
            json.dumps,
            st.recursive(
                st.none() | st.booleans() | st.floats() | st.text(max_size=10),
                lambda kids: (
                    st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4)
                ),
                max_leaves=10,
            ),
        ),
    )
)
def test_parser_returns_elements_or_raises_the_typed_error(body: str) -> None:
    try:
        sets = parse_all(body)
    except TleFormatError:
        return
    assert sets and all(isinstance(s, ElementSet) for s in sets)
    for s in sets:
        assert reference_checksum(s.line1) == int(s.line1[68])
        assert reference_checksum(s.line2) == int(s.line2[68])
