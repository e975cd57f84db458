"""E-mail alerts: Spot the Station's wording, SMTP settings and secrets, and delivery to real servers."""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from isstrack.alerts.email import config_smtp, parse_address, pass_message, send_message, smtp_settings
from isstrack.alerts.wording import sighting_fields, sighting_line
from isstrack.errors import BadInputError
from isstrack.place.location import Location
from isstrack.sky.passes import Pass, PassPoint
from tests.smtp_helpers import (
    drop_mid_data,
    free_port,
    hang_silently,
    raw_smtp,
    self_signed,
    smtp_server,
    tls_smtp_server,
)

# The test server asks for a login over a connection without TLS; on 127.0.0.1 that is what is meant.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

CHICAGO = ZoneInfo("America/Chicago")
PLACE = Location("Springfield", 39.8, -89.65, 180.0, "America/Chicago", "coordinates")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def a_pass() -> Pass:
    """A visible pass written by hand: 7:16 PM CDT on Wed 23 Oct 2019, NW to SE, six minutes."""
    start = PassPoint(utc("2019-10-24T00:16:00"), 315.0, 10.2)
    top = PassPoint(utc("2019-10-24T00:19:00"), 225.0, 66.4)
    end = PassPoint(utc("2019-10-24T00:22:00"), 135.0, 9.8)
    return Pass(
        rise=start,
        culmination=top,
        set=end,
        in_progress=False,
        kind="visible",
        revolution=20001,
        visible_start=start,
        visible_end=end,
        visible_highest=top,
        magnitude=-3.41,
    )


def test_the_wording_is_spot_the_stations() -> None:
    line = sighting_line(sighting_fields(a_pass(), CHICAGO))
    assert line == (
        "Time: Wed Oct 23 7:16 PM CDT, Visible: 6 min, Max Height: 66 degrees, "
        "Appears: 10 degrees above NW, Disappears: 10 degrees above SE, Magnitude: -3.4"
    )


@pytest.fixture
def smtp_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in (
        "ISSTRACK_SMTP_URL",
        "ISSTRACK_SMTP_USER",
        "ISSTRACK_SMTP_PASSWORD",
        "ISSTRACK_SMTP_PASSWORD_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("ISSTRACK_SMTP_FROM", raising=False)
    return monkeypatch


def test_urls_ports_and_tls_policies(smtp_env: pytest.MonkeyPatch) -> None:
    smtp_env.setenv("ISSTRACK_SMTP_URL", "smtp://mail.example.org")
    plain = smtp_settings()
    assert (plain.server.host, plain.server.port, plain.starttls) == ("mail.example.org", 587, "auto")
    smtp_env.setenv(
        "ISSTRACK_SMTP_URL", "smtps://bob%40example.org:p%3Ass@mail.example.org?from=iss@example.org"
    )
    secure = smtp_settings()
    assert secure.server.port == 465
    assert (secure.server.username, secure.server.password) == ("bob@example.org", "p:ss")
    assert secure.sender == "iss@example.org"
    assert "p:ss" not in secure.label and "p:ss" not in repr(secure)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://mail.example.org", "smtp:// or smtps://"),
        ("smtp://", "smtp:// or smtps://"),
        ("smtp://mail.example.org/path", "has a path"),
        ("smtp://mail.example.org:99999", "not a valid URL"),
        ("smtp://mail.example.org?starttls=maybe", "not auto, always or never"),
        ("smtp://mail.example.org?from=not-an-address", "not an e-mail address"),
        ("smtp://mail example.org", "spaces or control characters"),
    ],
)
def test_bad_urls_are_named_with_the_fix(smtp_env: pytest.MonkeyPatch, url: str, words: str) -> None:
    smtp_env.setenv("ISSTRACK_SMTP_URL", url)
    with pytest.raises(BadInputError, match=words):
        smtp_settings()


def test_no_server_says_how_to_set_one(smtp_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(BadInputError, match="ISSTRACK_SMTP_URL"):
        smtp_settings()


def test_a_password_in_a_configuration_file_url_is_refused_and_not_echoed(
    smtp_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "config.toml").write_text('[smtp]\nurl = "smtp://bob:Hunter2-secret@mail.example.org"\n')
    with pytest.raises(BadInputError) as caught:
        smtp_settings(config_smtp(tmp_path))
    assert "Hunter2-secret" not in str(caught.value)
    assert "environment" in str(caught.value)


def test_password_file_must_be_the_users_alone(smtp_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "smtp-password"
    secret.write_text("correct horse\n")
    smtp_env.setenv("ISSTRACK_SMTP_URL", "smtp://bob@mail.example.org")
    smtp_env.setenv("ISSTRACK_SMTP_PASSWORD_FILE", str(secret))
    secret.chmod(0o640)
    with pytest.raises(BadInputError, match="chmod 600") as caught:
        smtp_settings()
    assert "correct horse" not in str(caught.value)
    secret.chmod(0o600)
    assert smtp_settings().server.password == "correct horse"
    link = tmp_path / "link"
    link.symlink_to(secret)
    smtp_env.setenv("ISSTRACK_SMTP_PASSWORD_FILE", str(link))
    with pytest.raises(BadInputError, match=r"cannot open it|not a regular file"):
        smtp_settings()


def test_a_password_needs_a_user(smtp_env: pytest.MonkeyPatch) -> None:
    smtp_env.setenv("ISSTRACK_SMTP_URL", "smtp://mail.example.org")
    smtp_env.setenv("ISSTRACK_SMTP_PASSWORD", "pw")
    with pytest.raises(BadInputError, match="ISSTRACK_SMTP_USER"):
        smtp_settings()


@pytest.mark.parametrize("text", ["", "bob", "bob@", "@example.org", "a b@example.org", "x@y\r\nBcc: z@w"])
def test_bad_addresses_are_refused(text: str) -> None:
    with pytest.raises(BadInputError, match="not an e-mail address"):
        parse_address(text)


def message_for(recipient: str, name: str = PLACE.name) -> object:
    from isstrack.render.calendar import calendar_bytes, event_uid

    place = Location(name, PLACE.latitude_deg, PLACE.longitude_deg, 180.0, "America/Chicago", "coordinates")
    item = a_pass()
    return pass_message(
        item,
        place_name=name,
        zone=CHICAGO,
        zone_label="America/Chicago",
        sender="isstrack@example.org",
        recipient=recipient,
        now=utc("2019-10-24T00:06:00"),
        identity=event_uid(item, place, 25544),
        calendar=calendar_bytes([item], place, 25544, stamp=utc("2019-10-24T00:06:00")),
    )


def test_a_real_server_receives_text_html_and_the_calendar(smtp_env: pytest.MonkeyPatch) -> None:
    from icalendar import Calendar

    with smtp_server("alice", "pw-Zx9;") as (port, box):
        smtp_env.setenv("ISSTRACK_SMTP_URL", f"smtp://alice@127.0.0.1:{port}?from=isstrack@example.org")
        smtp_env.setenv("ISSTRACK_SMTP_PASSWORD", "pw-Zx9;")
        ok, detail = send_message(smtp_settings(), message_for("reader@example.org"), 10)  # type: ignore[arg-type]
    assert ok, detail
    assert "pw-Zx9" not in detail
    assert box.logins == [("alice", "pw-Zx9;")]
    assert box.envelopes == [("isstrack@example.org", ["reader@example.org"])]
    [got] = box.messages
    assert got["Subject"] == "ISS sighting over Springfield: Wed Oct 23 7:16 PM CDT"
    assert got["To"] == "reader@example.org" and got["From"] == "isstrack@example.org"
    assert got["Auto-Submitted"] == "auto-generated"
    assert got["Message-ID"].startswith("<") and got["Message-ID"].endswith("@isstrack>")
    assert got.get_content_type() == "multipart/mixed"
    kinds = [part.get_content_type() for part in got.walk()]
    assert kinds == ["multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/calendar"]
    text = got.get_body(("plain",)).get_content()
    assert "Time: Wed Oct 23 7:16 PM CDT" in text and "Appears: 10 degrees above NW" in text
    assert "Max Height: 66 degrees" in text and "Magnitude: -3.4" in text
    html = got.get_body(("html",)).get_content()
    assert "<th>Disappears</th><td>10 degrees above SE</td>" in html
    [attachment] = list(got.iter_attachments())
    assert attachment.get_filename() == "iss-pass.ics"
    [event] = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert str(event["UID"]) == "25544-rev20001-39.800-89.650@isstrack"
    assert event.decoded("DTSTART") == utc("2019-10-24T00:16:00")


def test_a_hostile_place_name_stays_out_of_headers_and_markup(smtp_env: pytest.MonkeyPatch) -> None:
    hostile = 'Evil\r\nBcc: victim@example.org\x1b[31m <script>alert("x")</script>'
    with smtp_server() as (port, box):
        smtp_env.setenv("ISSTRACK_SMTP_URL", f"smtp://127.0.0.1:{port}")
        ok, detail = send_message(smtp_settings(), message_for("reader@example.org", hostile), 10)  # type: ignore[arg-type]
    assert ok, detail
    [got] = box.messages
    assert got["Bcc"] is None
    assert box.envelopes[0][1] == ["reader@example.org"]
    assert "\x1b" not in got["Subject"] and "\n" not in got["Subject"]
    html = got.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_wrong_password_is_a_failure_that_names_no_secret(smtp_env: pytest.MonkeyPatch) -> None:
    with smtp_server("alice", "right") as (port, box):
        smtp_env.setenv("ISSTRACK_SMTP_URL", f"smtp://alice:wrong-Secret@127.0.0.1:{port}")
        ok, detail = send_message(smtp_settings(), message_for("reader@example.org"), 10)  # type: ignore[arg-type]
    assert not ok
    assert "login refused" in detail and "wrong-Secret" not in detail
    assert box.messages == []


def test_a_password_is_not_sent_in_clear_to_another_machine(smtp_env: pytest.MonkeyPatch) -> None:
    # 127.0.0.2 is this machine too, but not a name the publisher treats as loopback; the server
    # offers no STARTTLS, so the login must be refused before any password leaves.
    with smtp_server("alice", "pw") as (port, box):
        smtp_env.setenv("ISSTRACK_SMTP_URL", f"smtp://alice:pw@127.0.0.1:{port}")
        settings = smtp_settings()
        remote = type(settings.server)(
            settings.server.scheme, "localhost.invalid", port, "alice", "pw", settings.server.options
        )
        ok, _ = send_message(type(settings)(remote, settings.sender), message_for("r@example.org"), 3)  # type: ignore[arg-type]
    assert not ok
    assert box.logins == []


def test_refused_hanging_and_dropping_servers_fail_within_the_deadline(smtp_env: pytest.MonkeyPatch) -> None:
    smtp_env.setenv("ISSTRACK_SMTP_URL", f"smtp://127.0.0.1:{free_port()}")
    ok, detail = send_message(smtp_settings(), message_for("r@example.org"), 2)  # type: ignore[arg-type]
    assert (ok, detail) == (False, "could not connect (refused)")
    for script, words in (
        (hang_silently, "no answer within 1.5 s"),
        (drop_mid_data, "closed the connection"),
    ):
        with raw_smtp(script) as port:
            smtp_env.setenv("ISSTRACK_SMTP_URL", f"smtp://127.0.0.1:{port}")
            began = time.monotonic()
            ok, detail = send_message(smtp_settings(), message_for("r@example.org"), 1.5)  # type: ignore[arg-type]
            took = time.monotonic() - began
        assert not ok
        assert words in detail
        assert took < 4.0, f"{script.__name__} took {took:.1f} s against a 1.5 s deadline"


def test_the_message_id_is_the_same_for_the_same_pass_and_recipient() -> None:
    first = message_for("reader@example.org")
    again = message_for("reader@example.org")
    other = message_for("other@example.org")
    assert first["Message-ID"] == again["Message-ID"] != other["Message-ID"]  # type: ignore[index]
    assert os.environ.get("ISSTRACK_SMTP_PASSWORD") is None


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "smtps"])
def test_tls_with_the_servers_own_certificate(
    smtp_env: pytest.MonkeyPatch, tmp_path: Path, implicit: bool
) -> None:
    cert, key = self_signed(tmp_path)
    with tls_smtp_server(cert, key, implicit=implicit, user="alice", password="tls-pw") as (port, box):
        scheme, policy = ("smtps", "") if implicit else ("smtp", "&starttls=always")
        smtp_env.setenv("ISSTRACK_SMTP_URL", f"{scheme}://alice@127.0.0.1:{port}?cafile={cert}{policy}")
        smtp_env.setenv("ISSTRACK_SMTP_PASSWORD", "tls-pw")
        ok, detail = send_message(smtp_settings(), message_for("reader@example.org"), 10)  # type: ignore[arg-type]
        assert ok, detail
        # Without the certificate's CA the same server is not trusted: nothing is sent, no password goes.
        smtp_env.setenv("ISSTRACK_SMTP_URL", f"{scheme}://alice@127.0.0.1:{port}{policy.replace('&', '?')}")
        ok, detail = send_message(smtp_settings(), message_for("reader@example.org"), 10)  # type: ignore[arg-type]
    assert not ok and "TLS failed" in detail
    assert box.logins == [("alice", "tls-pw")]
    assert len(box.messages) == 1
