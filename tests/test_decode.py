"""io/decode: the one bounded decoder of the JSON and TOML files isstrack keeps on disk."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest

from isstrack.io.decode import DecodeError, load_json, load_toml, recorded_time

JSON_DAMAGE = {
    "nested 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
    "nested 33 deep": b'{"a": ' + b"[" * 32 + b"]" * 32 + b"}",
    "a 400-digit integer": b'{"a": ' + b"9" * 400 + b"}",
    "a float beyond double": b'{"a": 1e400}',
    "NaN": b'{"a": NaN}',
    "not UTF-8": b'{"a": "\xff"}',
    "over the size": b'{"a": "' + b"x" * 2000 + b'"}',
}


@pytest.mark.parametrize("raw", JSON_DAMAGE.values(), ids=JSON_DAMAGE.keys())
def test_json_damage_is_one_error(raw: bytes) -> None:
    with pytest.raises(DecodeError):
        load_json(raw, 1000)


def test_json_within_bounds_reads_as_json_does() -> None:
    raw = b'{"a": "[\\"[[[", "b": [1, {"c": "]]]"}], "d": 2.5, "e": ' + b"[" * 31 + b"]" * 31 + b"}"
    assert load_json(raw, 1000) == {"a": '["[[[', "b": [1, {"c": "]]]"}], "d": 2.5, "e": _nested(30)}


def _nested(depth: int) -> list[object]:
    value: list[object] = []
    for _ in range(depth):
        value = [value]
    return value


TOML_DAMAGE = {
    "arrays 5,000 deep": b"a = " + b"[" * 5000 + b"]" * 5000 + b"\n",
    "dotted keys 5,000 deep": b"a" + b".a" * 5000 + b" = 1\n",
    "a 400-digit integer": b"a = " + b"9" * 400 + b"\n",
    "an integer past 64 bits": b"a = 9223372036854775808\n",
    "a 5,000-digit integer": b"a = " + b"9" * 5000 + b"\n",
    "not TOML": b"a = [\n",
}


@pytest.mark.parametrize("raw", TOML_DAMAGE.values(), ids=TOML_DAMAGE.keys())
def test_toml_damage_is_one_error(raw: bytes) -> None:
    with pytest.raises(DecodeError):
        load_toml(raw, 64 * 1024)


def test_toml_within_bounds_reads_as_tomllib_does() -> None:
    raw = b'a = "[[[\\""\nb = \'[[[\'\nc = """x[[[\n"""\nd = [[1], [2]] # [[[[\n'
    raw += b"[t]\ne = {x = -9223372036854775808}\n"
    assert load_toml(raw, 1000) == {
        "a": '[[["',
        "b": "[[[",
        "c": "x[[[\n",
        "d": [[1], [2]],
        "t": {"e": {"x": -(2**63)}},
    }


@pytest.mark.parametrize(
    "raw",
    [b'"' + b'\\"' * 400_000, b'"' + b'\\"' * 400_000 + b"\\", b'"""' * 300_000 + b'"'],
    ids=["escaped quotes", "escaped quotes and a lone backslash", "triple quotes"],
)
def test_a_megabyte_of_unclosed_strings_is_refused_in_linear_time(raw: bytes) -> None:
    started = time.monotonic()
    for load in (load_json, load_toml):
        with pytest.raises(DecodeError):
            load(raw, 1_000_000)
    assert time.monotonic() - started < 5, "the bracket count retried at every quote"


@pytest.mark.parametrize(
    "text",
    [
        "9999-12-31T23:59:59Z",
        "0001-01-01T00:00:00+01:00",
        "2026-09-22T19:18:20",
        "yesterday",
        1e20,
        None,
        "9" * 41,
    ],
)
def test_times_that_are_not_calendar_times_with_an_offset_are_damage(text: object) -> None:
    with pytest.raises(DecodeError):
        recorded_time(text, "sent_at")


def test_a_time_with_an_offset_is_read_in_utc() -> None:
    assert recorded_time("2026-09-22T21:18:20+02:00", "t") == datetime(
        2026, 9, 22, 19, 18, 20, tzinfo=timezone.utc
    )
