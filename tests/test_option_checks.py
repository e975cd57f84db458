"""Issue 8 item 19: non-finite numbers and unsafe --format templates are exit 2 before any work."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main

from isstrack.cli.app import app, main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the real CLI entry point in-process; return (status, stdout, stderr)."""
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    captured = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 0), captured.out, captured.err


def float_options() -> Iterator[tuple[list[str], str]]:
    """Yield (command path, option) for every float option of every command, found from the CLI itself."""

    def walk(command: Any, path: list[str]) -> Iterator[tuple[list[str], str]]:
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, [*path, name])
        if not hasattr(command, "commands"):
            for param in command.params:
                if getattr(param.type, "name", "") == "float":
                    yield path, param.opts[0]

    yield from walk(typer.main.get_command(app), [])


FLOAT_OPTIONS = list(float_options())


def test_the_commands_have_float_options_to_check() -> None:
    names = {option for _, option in FLOAT_OPTIONS}
    assert {"--lat", "--lon", "--max-magnitude", "--std-mag", "--min-elevation", "--max-age"} <= names
    assert len(FLOAT_OPTIONS) >= 15


# Options that only count with another one: give it, so the number itself is what gets judged.
CONTEXT = {
    "map": ["--tonight"],
    "alert": ["--before", "15m", "--dry-run"],
    "mqtt": ["--broker", "mqtt://127.0.0.1:9"],  # nothing listens there; the number is judged first
    "site": ["--places", "places.csv", "site-out"],
}


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "NaN", "Infinity"])
@pytest.mark.parametrize(
    ("path", "option"), FLOAT_OPTIONS, ids=lambda x: x if isinstance(x, str) else "-".join(x)
)
def test_every_float_option_rejects_non_finite_numbers(
    capsys: pytest.CaptureFixture[str], path: list[str], option: str, value: str
) -> None:
    extra = ["--city=Paris, FR"] if path[0] == "location" else ["--offline", *CONTEXT.get(path[0], [])]
    code, out, err = run(capsys, *path, option, value, *extra)
    assert code == 2, err
    assert out == ""
    assert err.count("\n") == 1 and option in err and "internal error" not in err
    assert "not a finite number" in err, "the shared check (common.finite) judged it"


def test_max_magnitude_nan_does_not_silently_filter(cli: Any) -> None:
    # Before the fix: exit 0 and "no visible pass ... of magnitude nan or brighter".
    result = cli(
        "next", "--city", "Paris, FR", "--max-magnitude", "nan", "--offline", "--at", "2026-09-25T18:00Z"
    )
    assert result.code == 2 and result.out == ""


def test_config_from_location_set_never_holds_nan(cli: Any, tmp_path: Path) -> None:
    result = cli("location", "set", "--lat", "nan", "--lon", "4")
    assert result.code == 2
    assert not (tmp_path / "config" / "config.toml").exists()


NEXT = ("next", "--city", "Paris, FR", "--offline", "--quiet", "--at", "2026-09-25T18:00Z")


@pytest.mark.parametrize(
    ("template", "words"),
    [
        ("{place.__class__}", "{place.__class__}: only plain field names are allowed"),
        ("{start_local.__class__.__init__.__globals__}", "only plain field names are allowed"),
        ("{start_local.year}", "only plain field names are allowed"),
        ("{place[0]}", "{place[0]}: only plain field names are allowed"),
        ("{kind!r}", "conversions are not allowed"),
        ("{minutes_until:>2000000000}", "asks for a width or precision over 200"),
        ("{minutes_until:>201}", "asks for a width or precision over 200"),
        ("{magnitude:.1000f}", "asks for a width or precision over 200"),
        ("{place:x<999999999}", "asks for a width or precision over 200"),
        ("{start_local:%1000000000Y}", "asks for a width or precision over 200"),
        ("{start_local:%_0300d}", "asks for a width or precision over 200"),
        ("{minutes_until:>{seconds_until}}", "nested fields in a format spec are not allowed"),
        ("{0}", "unknown field {0}"),
        ("{", "is not a valid template"),
        ("x" * 1001, "keep it under 1000"),
    ],
)
def test_unsafe_templates_are_exit_2_before_any_work(
    capsys: pytest.CaptureFixture[str], template: str, words: str
) -> None:
    started = time.monotonic()
    # An unknown city proves the order: the template is refused before the place is looked up.
    code, out, err = run(capsys, "next", "--city", "Xyzzyville", "--offline", "--format", template)
    elapsed_s = time.monotonic() - started
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and words in err, err
    assert "Xyzzyville" not in err
    assert elapsed_s < 30, "refused without building gigabytes"  # generous: only catches a huge allocation


def test_plain_templates_still_work(cli: Any) -> None:
    """Fill templates with specs, and check them against the JSON of the same pass (another renderer)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    document = cli(*NEXT, "--json").json()
    start = document["pass"]["visible_start"]
    local = datetime.fromisoformat(start["time"].replace("Z", "+00:00")).astimezone(ZoneInfo("Europe/Paris"))
    minutes = document["seconds_until"] // 60
    cases = {
        "{start_local:%H:%M} {appears_dir}": f"{local:%H:%M} {start['direction']}",
        "{minutes_until:>200}": str(minutes).rjust(200),
        "{magnitude:.1f}|{place:>12}": f"{document['pass']['magnitude']:.1f}|{'Paris, FR':>12}",
        "{{literal}} {kind}": "{literal} visible",
    }
    for template, expected in cases.items():
        result = cli(*NEXT, "--format", template)
        assert result.code == 0, result.err
        assert result.out == expected + "\n"
