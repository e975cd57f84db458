"""The one range check behind every numeric option: its ends, open or closed, and its messages."""

from __future__ import annotations

import pytest

from isstrack.cli.commands.common import check_days, check_interval, check_min_elevation, check_std_mag
from isstrack.errors import BadInputError, check_range


def _message(call: object, *args: object, **options: object) -> str:
    with pytest.raises(BadInputError) as caught:
        call(*args, **options)  # type: ignore[operator]
    return str(caught.value)


def test_closed_ends_take_the_limits_and_open_ends_do_not() -> None:
    check_range("--x", 0, 0, 90)
    check_range("--x", 90, 0, 90)
    assert _message(check_range, "--x", 90.0, 0, 90, open_high=True) == "--x 90 is outside [0, 90)"
    assert _message(check_range, "--x", 0.0, 0, 5, "; fix", open_low=True) == "--x 0 is outside (0, 5]; fix"
    assert _message(check_range, "--x", -0.5, 0, 300, " km", dashed=True) == "--x -0.5 is outside 0-300 km"


def test_whole_numbers_are_shown_as_given_and_others_in_short_form() -> None:
    assert _message(check_days, 1_000_000) == (
        "--days 1000000 is outside 1-30; give a whole number of days from 1 to 30"
    )
    assert _message(check_interval, 0.01) == "--interval 0.01 is outside [0.2, 3600] seconds"
    assert _message(check_interval, 1e9) == "--interval 1e+09 is outside [0.2, 3600] seconds"


def test_the_shared_checks_keep_their_messages() -> None:
    assert _message(check_min_elevation, 95.0) == (
        "--min-elevation 95 is outside [0, 90); give degrees above the horizon"
    )
    assert _message(check_std_mag, 20.0) == "--std-mag 20 is outside [-10, 10]; the ISS's is about -1.8"
    check_min_elevation(0.0)
    check_std_mag(-10.0)
    check_days(30)


def test_a_value_just_past_a_limit_is_shown_with_all_its_digits(capsys: pytest.CaptureFixture[str]) -> None:
    assert _message(check_range, "--radius", 300.0001, 0, 300, " km", dashed=True) == (
        "--radius 300.0001 is outside 0-300 km"
    )
    assert _message(check_min_elevation, 90.00000000001) == (
        "--min-elevation 90.00000000001 is outside [0, 90); give degrees above the horizon"
    )
    from isstrack.cli.app import main

    with pytest.raises(SystemExit) as exit_info:
        main(["transits", "--lat", "52", "--lon", "4", "--radius", "300.0001", "--offline"])
    assert exit_info.value.code == 2
    assert "--radius 300.0001 is outside" in capsys.readouterr().err
