"""One way to write a magnitude, and bold decided by the value shown."""

from __future__ import annotations

from isstrack.io.magnitudes import is_bright, magnitude_text


def test_magnitudes_carry_their_sign_and_tenths() -> None:
    assert magnitude_text(0.6) == "+0.6"
    assert magnitude_text(-3.3) == "-3.3"
    assert magnitude_text(0.0) == "+0.0"


def test_bold_follows_the_shown_value() -> None:
    assert magnitude_text(-2.98) == "-3.0" and is_bright(-2.98)  # shown as -3.0, so bold like -3.0
    assert not is_bright(-2.94)  # shown as -2.9
    assert is_bright(-3.0) and is_bright(-4.2) and not is_bright(0.6)


def test_alert_message_writes_the_magnitude_as_the_table_does() -> None:
    from dataclasses import replace
    from datetime import datetime, timedelta, timezone

    from isstrack.alerts.rules import compose
    from isstrack.elements.tle import parse_elements
    from isstrack.sky.orbit import Observer, Orbit
    from isstrack.sky.passes import find_passes
    from tests.tle_tools import newest

    orbit = Orbit(parse_elements("\n".join(newest())))
    start = datetime(2026, 9, 24, 12, tzinfo=timezone.utc)
    search = find_passes(orbit, Observer(52.37403, 4.88969), start, start + timedelta(days=2), 10.0)
    item = replace(next(p for p in search.passes if p.visible), magnitude=0.6)
    words = compose(item, item.visible_start.time - timedelta(minutes=7), timezone.utc, "ISS")
    assert "mag +0.6" in words.message, words.message
