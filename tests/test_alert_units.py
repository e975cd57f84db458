"""The pieces of isstrack alert on their own: time windows, URL redaction, the message, header text."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from email.header import decode_header, make_header
from zoneinfo import ZoneInfo

import pytest

from isstrack.alerts.delivery import _header_text, parse_target, redact
from isstrack.alerts.record import SentEntry
from isstrack.alerts.rules import Hours, compose, parse_hours
from isstrack.alerts.wording import clock_12h
from isstrack.elements.tle import parse_elements
from isstrack.errors import BadInputError, TimeInputError
from isstrack.sky.orbit import Observer, Orbit
from isstrack.sky.passes import find_passes
from tests.test_cron import compass16
from tests.tle_tools import newest, text


def at(hour: int, minute: int) -> datetime:
    return datetime(2026, 9, 22, hour, minute, tzinfo=timezone.utc)


def test_hours_window_inside_a_day_and_wrapping_past_midnight() -> None:
    evening = parse_hours("19:00-23:30")
    assert [evening.contains(at(h, m)) for h, m in [(18, 59), (19, 0), (23, 29), (23, 30), (2, 0)]] == [
        False, True, True, False, False,
    ]  # fmt: skip
    night = parse_hours("22:00-06:00")
    assert [night.contains(at(h, m)) for h, m in [(21, 59), (22, 0), (23, 59), (0, 0), (5, 59), (6, 0)]] == [
        False, True, True, True, True, False,
    ]  # fmt: skip
    assert parse_hours(" 7:05 - 24:00 ") == Hours(7 * 60 + 5, 24 * 60)
    assert str(night) == "22:00-06:00"


@pytest.mark.parametrize(
    "bad", ["", "22-06", "22:00", "24:00-06:00", "10:60-11:00", "22:00-22:00", "0:00-24:00"]
)
def test_hours_reject_what_is_not_a_window(bad: str) -> None:
    with pytest.raises(TimeInputError):
        parse_hours(bad)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://ntfy.sh/my-secret-topic", "https://ntfy.sh/…"),
        ("https://user:pa55@ntfy.example.org:8443/t?auth=tok#x", "https://ntfy.example.org:8443/…"),
        ("http://[::1]:8080/hook?token=abc", "http://[::1]:8080/…"),
        ("http://127.0.0.1:99999/x", "(an unparsable URL)"),
    ],
)
def test_redact_keeps_scheme_and_host_only(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_targets_are_recorded_by_hash_and_shown_redacted() -> None:
    target = parse_target("ntfy", "https://ntfy.sh/secret-topic")
    assert target.label == "ntfy https://ntfy.sh/…"
    assert "secret" not in target.key and target.key.startswith("ntfy:")
    assert parse_target("ntfy", "https://ntfy.sh/other").key != target.key
    with pytest.raises(BadInputError) as raised:
        parse_target("webhook", "https://host/a b?token=secret")
    assert "secret" not in str(raised.value)


def test_header_text_is_ascii_or_rfc2047_that_decodes_back() -> None:
    assert _header_text("ISS over Amsterdam, NL") == "ISS over Amsterdam, NL"
    for title in ("ISS over Zürich, CH", "ISS over 東京, JP", "ISS over 52.37° N"):
        encoded = _header_text(title)
        assert encoded.isascii()
        assert str(make_header(decode_header(encoded))) == title
    assert "\n" not in _header_text("ISS over A\nInjected: header")


def test_sent_entries_match_by_revolution_or_a_nearby_start() -> None:
    start = datetime(2026, 9, 22, 19, 18, 20, tzinfo=timezone.utc)
    entry = SentEntry("52.374,4.890", 58689, "ntfy:ab", start, start + timedelta(minutes=4), start)
    assert entry.matches("52.374,4.890", 58689, start + timedelta(seconds=40), "ntfy:ab")
    assert entry.matches("52.374,4.890", 58690, start + timedelta(seconds=3), "ntfy:ab"), "count disagrees"
    assert not entry.matches("52.374,4.890", 58690, start + timedelta(minutes=92), "ntfy:ab"), "next pass"
    assert not entry.matches("52.374,4.891", 58689, start, "ntfy:ab"), "another place"
    assert not entry.matches("52.374,4.890", 58689, start, "webhook:cd"), "another target"


PLACES = [
    ("Amsterdam", 52.374, 4.890, "Europe/Amsterdam"),
    ("Anchorage", 61.218, -149.900, "America/Anchorage"),
    ("Sydney", -33.868, 151.207, "Australia/Sydney"),
    ("Ushuaia", -54.807, -68.304, "America/Argentina/Ushuaia"),
]


def test_message_fits_a_lock_screen_and_says_when_where_how_high_bright_and_long() -> None:
    orbit = Orbit(parse_elements(text(newest())))
    start = datetime(2026, 9, 20, tzinfo=timezone.utc)
    long_name = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch, United Kingdom of Great Britain"
    checked = 0
    for name, lat, lon, zone_name in PLACES:
        zone = ZoneInfo(zone_name)
        search = find_passes(orbit, Observer(lat, lon, 0.0), start, start + timedelta(days=10), 10.0)
        for item in (p for p in search.passes if p.visible):
            assert item.visible_start and item.visible_highest and item.magnitude is not None
            begins = item.visible_start.time
            for lead in (timedelta(minutes=7), timedelta(hours=3, minutes=5), timedelta(days=1, hours=2)):
                words = compose(item, begins - lead, zone, long_name)
                assert len(words.message) <= 120, words.message
                assert len(words.title) <= 60 and words.title.startswith("ISS over Llanfair")
                local = begins.astimezone(zone)
                clock = local.strftime("%H:%M")
                assert clock in words.message.split(" (")[0]
                minutes = int(lead.total_seconds() // 60)
                expected_in = {7: "in 7 min", 185: "in 3 h 05 min", 1560: "in 1 d 2 h"}[minutes]
                assert f"({expected_in})" in words.message
                if lead.days:
                    assert words.message.startswith(local.strftime("%a "))
                shown = re.search(
                    r"appears (\w+) at (\d+)°, highest (\d+)° (\w+), mag ([+-]\d+\.\d)", words.message
                )
                assert shown, words.message
                assert shown.group(1) == compass16(item.visible_start.azimuth_deg)
                assert abs(int(shown.group(2)) - item.visible_start.elevation_deg) <= 0.5
                assert abs(int(shown.group(3)) - item.visible_highest.elevation_deg) <= 0.5
                assert shown.group(4) == compass16(item.visible_highest.azimuth_deg)
                assert float(shown.group(5)) == pytest.approx(item.magnitude, abs=0.05)
                seconds = round(item.visible_duration_s)
                assert words.message.endswith(f"visible {seconds // 60}m{seconds % 60:02d}s")
                checked += 1
            during = compose(item, begins + timedelta(seconds=30), zone, name)
            assert during.message.startswith("Now, until ") and len(during.message) <= 120
            assert "appeared " in during.message
    assert checked >= 30, "enough passes over the four places to mean something"


def test_clock_12h_names_days_and_months_as_strftime_does_in_the_c_locale() -> None:
    moment = datetime(2026, 1, 1, 0, 0, 59, tzinfo=timezone.utc)
    for _ in range(800):  # every weekday, month and hour, midnight and noon included
        hour = moment.hour % 12 or 12
        expected = f"{moment.strftime('%a %b %d')} {hour}:{moment.strftime('%M')} {moment.strftime('%p')}"
        assert clock_12h(moment) == expected
        moment += timedelta(hours=11, minutes=7)
    assert clock_12h(datetime(2024, 10, 23, 19, 16)) == "Wed Oct 23 7:16 PM"
    assert clock_12h(datetime(2024, 10, 23, 0, 5)) == "Wed Oct 23 12:05 AM"
    assert clock_12h(datetime(2024, 10, 23, 12, 0)) == "Wed Oct 23 12:00 PM"
