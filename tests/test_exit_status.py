"""The exit statuses: one enum, carried by the exception classes, as docs/exit-statuses.md tables them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from isstrack import errors
from isstrack.errors import ExitStatus

PAGE = Path(__file__).resolve().parent.parent / "docs" / "exit-statuses.md"


def readme_rows() -> list[tuple[int, str]]:
    """Return (status, meaning) for each row of the table under docs/exit-statuses.md's "## Exit codes"."""
    text = PAGE.read_text(encoding="utf-8")
    section = text.split("\n## Exit codes\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        match = re.match(r"^\|\s*(\d+)\s*\|\s*(.+?)\s*\|\s*$", line)
        if match:
            rows.append((int(match.group(1)), match.group(2)))
    return rows


def test_the_readme_table_and_the_enum_list_the_same_statuses_with_the_same_meanings() -> None:
    rows = readme_rows()
    assert len(rows) >= 8, "the exit-status table of docs/exit-statuses.md was not found"
    numbers = [number for number, _ in rows]
    assert len(numbers) == len(set(numbers)), "a status is listed twice"
    assert sorted(numbers) == sorted(int(member) for member in ExitStatus), "a status is missing on one side"
    for number, meaning in rows:
        member = ExitStatus(number)
        assert member.meaning.lower() in meaning.lower(), (member, meaning)


def test_the_values_are_the_documented_ones() -> None:
    assert {m.name: int(m) for m in ExitStatus} == {
        "OK": 0,
        "NOTHING_FOUND": 1,
        "USAGE": 2,
        "NO_ELEMENTS": 3,
        "UPDATE_FAILED": 4,
        "DELIVERY_FAILED": 5,
        "WORKER_LOST": 6,
        "INTERNAL": 70,
        "INTERRUPTED": 130,
    }


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (errors.BadInputError("x"), 2),
        (errors.TimeInputError("x"), 2),
        (errors.LocationError("x"), 2),
        (errors.AmbiguousCityError("x", []), 2),
        (errors.OutputError("x"), 2),
        (errors.ConfigError("x"), 2),
        (errors.TleFormatError("x"), 2),
        (errors.NoGpDataError("x"), 2),
        (errors.NothingFoundError(""), 1),
        (errors.NoElementsError("x"), 3),
        (errors.UntrustedElementsError("x"), 3),
        (errors.UpdateError("x"), 4),
        (errors.DeliveryError("x"), 5),
        (KeyboardInterrupt(), 130),
        (ZeroDivisionError(), 70),
    ],
)
def test_the_cli_maps_each_error_to_the_status_it_carries(error: BaseException, status: int) -> None:
    from isstrack.cli.app import exit_code

    assert exit_code(error) == status
    if isinstance(error, errors.IsstrackError):
        assert type(error).exit_status == status


def test_every_error_class_carries_a_status() -> None:
    classes = [
        c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.IsstrackError)
    ]
    assert len(classes) >= 13
    for cls in classes:
        assert isinstance(cls.exit_status, ExitStatus), cls


def test_debug_is_read_by_the_app_for_every_command(cli: object) -> None:
    run = cli  # the installed console script, as a user runs it
    plain = run("now", "--lat", "95", "--lon", "0")  # type: ignore[operator]
    debug = run("now", "--lat", "95", "--lon", "0", "--debug")  # type: ignore[operator]
    assert plain.code == 2 and "Traceback" not in plain.err
    assert debug.code != 2 and "Traceback" in debug.err and "LocationError" in debug.err
    shown = run("location", "show", "--debug")  # type: ignore[operator]
    assert shown.code == 0, shown.err
