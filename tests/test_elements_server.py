"""The element source against a real HTTP server on 127.0.0.1 (pytest-httpserver), via the real CLI."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.tle_tools import newest, shift_epoch, text, with_catalog_number

BUNDLED = newest()
NEWER = shift_epoch(BUNDLED, 20.0)  # what the "server" publishes: newer than the bundled set
CACHED = shift_epoch(BUNDLED, 10.0)  # a stale cache, still newer than the bundled set
CELESTRAK_403 = (
    "GP data has not updated since your last successful download of CATNR=25544 at "
    "2026-11-23 20:00:00 UTC.\nData is updated once every 2 hours."
)


def url(server: HTTPServer) -> str:
    return server.url_for("/gp.php") + "?CATNR={catnr}&FORMAT=TLE"


def requests_seen(server: HTTPServer, expected: int, wait_s: float = 10.0) -> int:
    """Return the number of requests the server logged, waiting for slow handlers to finish."""
    deadline = time.monotonic() + wait_s
    while len(server.log) < expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return len(server.log)


def seed_cache(cache_dir: Path, tle: tuple[str, str, str], fetched_hours_ago: float) -> bytes:
    cache_dir.mkdir(parents=True, exist_ok=True)
    fetched = datetime.now(timezone.utc) - timedelta(hours=fetched_hours_ago)
    payload = {
        "catalog_number": 25544,
        "fetched_at": fetched.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "url": "seeded",
        "tle": text(tle),
    }
    raw = json.dumps(payload).encode()
    (cache_dir / "gp-25544.json").write_bytes(raw)
    return raw


def epoch_of(tle: tuple[str, str, str]) -> str:
    from isstrack.elements.tle import parse_elements

    return parse_elements(text(tle), 25544).epoch.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_good_answer_is_used_cached_and_not_fetched_again(
    httpserver: HTTPServer, cli: Any, tmp_path: Path
) -> None:
    httpserver.expect_request("/gp.php").respond_with_data(text(NEWER), content_type="text/plain")
    env = {"ISSTRACK_TLE_URL": url(httpserver)}
    first = cli("tle", "--json", env=env)
    assert first.code == 0, first.err
    data = first.json()["elements"]
    assert data["source"] == "network"
    assert data["epoch"] == epoch_of(NEWER)
    assert data["line1"] == NEWER[1]
    cache_file = tmp_path / "cache" / "gp-25544.json"
    assert json.loads(cache_file.read_text())["tle"] == text(NEWER)
    assert httpserver.log[0][0].args["CATNR"] == "25544"
    assert httpserver.log[0][0].args["FORMAT"] == "TLE"

    second = cli("tle", "--json", env=env)
    assert second.code == 0
    assert second.json()["elements"]["source"] == "cache"
    assert len(httpserver.log) == 1, "a second run inside 2 hours must not download"

    refused = cli("tle", "--update", env=env)
    assert refused.code == 4
    assert "one download per 2 hours" in refused.err
    assert len(httpserver.log) == 1


def _slow(request: Request) -> Response:
    time.sleep(3)
    return Response(text(NEWER))


# name, how the server answers, words the warning must contain, minutes of back-off recorded
FAILURES: list[tuple[str, Any, str, int]] = [
    (
        "403 CelesTrak",
        lambda s: s.respond_with_data(CELESTRAK_403, status=403),
        "HTTP 403: GP data has not updated",
        120,
    ),
    (
        "404 no data",
        lambda s: s.respond_with_data("No GP data found", status=404),
        "no GP data for catalog number 25544",
        120,
    ),
    (
        "200 no data",
        lambda s: s.respond_with_data("No GP data found", status=200),
        "no GP data for catalog number 25544",
        120,
    ),
    (
        "301",
        lambda s: s.respond_with_data("", status=301, headers={"Location": "https://elsewhere.invalid/"}),
        "HTTP 301 redirect",
        120,
    ),
    ("500", lambda s: s.respond_with_data("Internal Server Error", status=500), "HTTP 500", 120),
    ("slow", lambda s: s.respond_with_handler(_slow), "no answer from 127.0.0.1", 15),
    (
        "html",
        lambda s: s.respond_with_data(
            "<!DOCTYPE html><html><body>Maintenance</body></html>", content_type="text/html"
        ),
        "HTML page",
        120,
    ),
    (
        "truncated",
        lambda s: s.respond_with_data("\n".join([NEWER[0], NEWER[1], NEWER[2][:40]])),
        "not 69",
        120,
    ),
    (
        "bad checksum",
        lambda s: s.respond_with_data(
            text((NEWER[0], NEWER[1][:68] + str((int(NEWER[1][68]) + 1) % 10), NEWER[2]))
        ),
        "checksum",
        120,
    ),
    (
        "other satellite",
        lambda s: s.respond_with_data(text(with_catalog_number(NEWER, 20580, "HST"))),
        "no elements for catalog number 25544 (found 20580",
        120,
    ),
    ("2 MB body", lambda s: s.respond_with_data("A" * 2_000_000), "over the 1 MB limit", 120),
    ("empty", lambda s: s.respond_with_data(""), "empty", 120),
]


@pytest.mark.parametrize(("name", "answer", "words", "pause_min"), FAILURES, ids=[f[0] for f in FAILURES])
def test_bad_answer_falls_back_keeps_cache_and_backs_off(
    httpserver: HTTPServer, cli: Any, tmp_path: Path, name: str, answer: Any, words: str, pause_min: int
) -> None:
    answer(httpserver.expect_request("/gp.php"))
    cache_dir = tmp_path / "cache"
    before = seed_cache(cache_dir, CACHED, fetched_hours_ago=3)
    env = {"ISSTRACK_TLE_URL": url(httpserver), "ISSTRACK_HTTP_TIMEOUT": "1"}

    started = datetime.now(timezone.utc)
    result = cli("tle", "--json", env=env)
    assert result.code == 0, result.err
    assert words in result.err
    assert result.err.count("\n") <= 3, "one line per problem, no traceback"
    assert "Traceback" not in result.err
    elements = result.json()["elements"]
    assert elements["source"] == "cache", "the stale cache is newer than the bundled set"
    assert elements["epoch"] == epoch_of(CACHED)
    assert (cache_dir / "gp-25544.json").read_bytes() == before, "a bad answer must not touch the cache"
    state = json.loads((cache_dir / "gp-25544.state.json").read_text())
    retry = datetime.fromisoformat(state["retry_after"].replace("Z", "+00:00"))
    assert abs((retry - started).total_seconds() - pause_min * 60) < 30
    assert requests_seen(httpserver, 1) == 1

    again = cli("tle", "--json", env=env)
    assert again.code == 0
    assert len(httpserver.log) == 1, "no further request during the back-off"
    assert "next download allowed" in again.err

    update = cli("tle", "--update", env=env)
    assert update.code == 4
    assert "failed" in update.err
    if name == "slow":  # nobody answered: an explicit update tries again (issue 22 item 12)
        assert "no answer from 127.0.0.1" in update.err
        assert requests_seen(httpserver, 2) == 2  # and lets the slow handler finish
    else:
        assert len(httpserver.log) == 1


def test_failure_with_no_cache_uses_the_bundled_set(httpserver: HTTPServer, cli: Any) -> None:
    httpserver.expect_request("/gp.php").respond_with_data("No GP data found", status=404)
    result = cli("tle", "--json", env={"ISSTRACK_TLE_URL": url(httpserver)})
    assert result.code == 0
    assert result.json()["elements"]["source"] == "bundled"
    assert result.json()["elements"]["epoch"] == epoch_of(BUNDLED)
    assert "too old to trust" in result.err


def test_explicit_update_failure_exits_4_and_keeps_cache(
    httpserver: HTTPServer, cli: Any, tmp_path: Path
) -> None:
    httpserver.expect_request("/gp.php").respond_with_data("Internal Server Error", status=500)
    before = seed_cache(tmp_path / "cache", CACHED, fetched_hours_ago=3)
    result = cli("tle", "--update", env={"ISSTRACK_TLE_URL": url(httpserver)})
    assert result.code == 4
    assert result.err.startswith("isstrack: error: update failed: HTTP 500")
    assert result.out == ""
    assert (tmp_path / "cache" / "gp-25544.json").read_bytes() == before


def test_older_epoch_does_not_replace_the_cache(httpserver: HTTPServer, cli: Any, tmp_path: Path) -> None:
    httpserver.expect_request("/gp.php").respond_with_data(text(BUNDLED))
    before = seed_cache(tmp_path / "cache", CACHED, fetched_hours_ago=3)
    result = cli("tle", "--json", "-v", env={"ISSTRACK_TLE_URL": url(httpserver)})
    assert result.code == 0
    assert result.json()["elements"]["epoch"] == epoch_of(CACHED)
    assert "older than cached" in result.err
    assert (tmp_path / "cache" / "gp-25544.json").read_bytes() == before
    assert len(httpserver.log) == 1
    assert cli("tle", "--json", env={"ISSTRACK_TLE_URL": url(httpserver)}).code == 0
    assert len(httpserver.log) == 1


def test_newer_epoch_replaces_a_stale_cache(httpserver: HTTPServer, cli: Any, tmp_path: Path) -> None:
    httpserver.expect_request("/gp.php").respond_with_data(text(NEWER))
    seed_cache(tmp_path / "cache", CACHED, fetched_hours_ago=3)
    result = cli("tle", "--json", env={"ISSTRACK_TLE_URL": url(httpserver)})
    assert result.json()["elements"]["source"] == "network"
    stored = json.loads((tmp_path / "cache" / "gp-25544.json").read_text())
    assert stored["tle"] == text(NEWER)
    assert not list((tmp_path / "cache").glob("*.tmp")), "no temp files left behind"


def test_fresh_cache_is_used_without_network(httpserver: HTTPServer, cli: Any, tmp_path: Path) -> None:
    httpserver.expect_request("/gp.php").respond_with_data(text(NEWER))
    seed_cache(tmp_path / "cache", CACHED, fetched_hours_ago=1.5)
    result = cli("tle", "--json", "-v", env={"ISSTRACK_TLE_URL": url(httpserver)})
    assert result.json()["elements"]["source"] == "cache"
    assert "cache hit" in result.err
    assert len(httpserver.log) == 0


def test_offline_and_tle_file_never_touch_the_network(
    httpserver: HTTPServer, cli: Any, tmp_path: Path
) -> None:
    httpserver.expect_request("/gp.php").respond_with_data(text(NEWER))
    env = {"ISSTRACK_TLE_URL": url(httpserver)}
    offline = cli("tle", "--json", "--offline", env=env)
    assert offline.code == 0
    assert offline.json()["elements"]["source"] == "bundled"
    element_file = tmp_path / "mine.tle"
    element_file.write_text(text(CACHED))
    from_file = cli("tle", "--json", "--tle-file", str(element_file), env=env)
    assert from_file.code == 0
    assert from_file.json()["elements"]["source"] == "file"
    assert from_file.json()["elements"]["epoch"] == epoch_of(CACHED)
    assert len(httpserver.log) == 0
    assert not (tmp_path / "cache").exists(), "neither may create the cache"


def test_damaged_cache_is_reported_once_and_treated_as_missing(
    httpserver: HTTPServer, cli: Any, tmp_path: Path
) -> None:
    httpserver.expect_request("/gp.php").respond_with_data("Internal Server Error", status=500)
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    (cache_dir / "gp-25544.json").write_bytes(b'{"catalog_number": 25544, "tle": "garb')
    env = {"ISSTRACK_TLE_URL": url(httpserver)}
    first = cli("tle", "--json", env=env)
    assert first.code == 0
    assert "was damaged" in first.err
    assert first.json()["elements"]["source"] == "bundled"
    second = cli("tle", "--json", env=env)
    assert second.code == 0
    assert "damaged" not in second.err


def test_unwritable_cache_dir_degrades_with_a_warning(
    httpserver: HTTPServer, cli: Any, tmp_path: Path
) -> None:
    httpserver.expect_request("/gp.php").respond_with_data(text(NEWER))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    env = {"ISSTRACK_TLE_URL": url(httpserver), "ISSTRACK_CACHE_DIR": str(blocker / "cache")}
    result = cli("tle", "--json", env=env)
    assert result.code == 0
    assert "is not writable" in result.err
    assert result.json()["elements"]["source"] == "bundled"
    assert len(httpserver.log) == 0


def test_cache_lives_under_xdg_cache_home(httpserver: HTTPServer, cli: Any, tmp_path: Path) -> None:
    httpserver.expect_request("/gp.php").respond_with_data(text(NEWER))
    env = {"ISSTRACK_TLE_URL": url(httpserver), "ISSTRACK_CACHE_DIR": ""}
    assert cli("tle", "--json", env=env).code == 0
    assert (tmp_path / "xdg-cache" / "isstrack" / "gp-25544.json").exists()


def test_url_template_without_placeholder_is_bad_input(cli: Any) -> None:
    result = cli("tle", env={"ISSTRACK_TLE_URL": "http://127.0.0.1:9/static.tle"})
    assert result.code == 2
    assert "{catnr}" in result.err


def test_explicit_update_downloads_and_says_when_the_next_is_allowed(
    httpserver: HTTPServer, cli: Any
) -> None:
    httpserver.expect_request("/gp.php").respond_with_data(text(NEWER))
    env = {"ISSTRACK_TLE_URL": url(httpserver)}
    result = cli("tle", "--update", "--json", env=env)
    assert result.code == 0, result.err
    data = result.json()
    assert data["elements"]["source"] == "network"
    fetched = datetime.fromisoformat(data["elements"]["fetched_at"].replace("Z", "+00:00"))
    allowed = datetime.fromisoformat(data["next_fetch_at"].replace("Z", "+00:00"))
    assert allowed - fetched == timedelta(hours=2)
    panel = cli("tle", env=env)
    assert "next download  not before" in panel.out
    assert len(httpserver.log) == 1


def test_debug_shows_a_traceback_for_expected_errors(cli: Any) -> None:
    plain = cli("now", "--lat", "95", "--lon", "0")
    assert "Traceback" not in plain.err
    debug = cli("now", "--lat", "95", "--lon", "0", "--debug")
    assert debug.code != 0
    assert "Traceback" in debug.err and "LocationError" in debug.err


def test_explicit_update_is_not_held_back_by_an_unanswered_automatic_attempt(
    httpserver: HTTPServer, cli: Any
) -> None:
    """Issue 22 item 12: the first offline run's failed attempt does not block 'tle --update'."""
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on: the connection is refused
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/gp.php?CATNR={{catnr}}"
    automatic = cli("tle", "--json", env={"ISSTRACK_TLE_URL": closed})
    assert automatic.code == 0 and "could not download" in automatic.err
    httpserver.expect_request("/gp.php").respond_with_data(text(NEWER))
    explicit = cli("tle", "--update", "--json", env={"ISSTRACK_TLE_URL": url(httpserver)})
    assert explicit.code == 0, explicit.err
    assert explicit.json()["elements"]["epoch"] == epoch_of(NEWER)
    again = cli("tle", "--update", env={"ISSTRACK_TLE_URL": url(httpserver)})
    assert again.code != 0 and "2 hours" in again.err  # a successful download still holds it back
    assert len(httpserver.log) == 1


def test_silent_server_stalls_the_automatic_refresh_briefly_but_update_waits(cli: Any) -> None:
    """Issue 22 item 11: a loopback server that accepts and never answers costs an ordinary run ~4 s."""
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel accepts connections; nobody ever answers them
        address = f"http://127.0.0.1:{silent.getsockname()[1]}/gp.php?CATNR={{catnr}}"
        env = {"ISSTRACK_TLE_URL": address, "ISSTRACK_HTTP_TIMEOUT": "6"}
        started = time.monotonic()
        automatic = cli("tle", "--json", env=env)
        automatic_s = time.monotonic() - started
        assert automatic.code == 0 and "no answer from" in automatic.err
        assert automatic_s < 5.0, f"the automatic refresh stalled {automatic_s:.1f} s"
        started = time.monotonic()
        update = cli("tle", "--update", env=env)
        update_s = time.monotonic() - started
        assert update.code == 4 and "no answer from" in update.err
        assert update_s >= 6.0, f"tle --update gave up after {update_s:.1f} s, before its 6 s limit"


def test_isstrack_offline_1_makes_offline_the_default(httpserver: HTTPServer, cli: Any) -> None:
    """Issue 22 item 1: ISSTRACK_OFFLINE=1 means --offline for every command."""
    httpserver.expect_request("/gp.php").respond_with_data(text(NEWER))
    result = cli("tle", "--json", env={"ISSTRACK_TLE_URL": url(httpserver), "ISSTRACK_OFFLINE": "1"})
    assert result.code == 0, result.err
    assert result.json()["elements"]["source"] == "bundled"
    assert len(httpserver.log) == 0
    update = cli("tle", "--update", env={"ISSTRACK_TLE_URL": url(httpserver), "ISSTRACK_OFFLINE": "1"})
    assert update.code == 0, update.err  # an explicit update overrides the default
    assert len(httpserver.log) == 1


def test_update_with_an_explicit_offline_is_refused_even_when_offline_is_the_default(
    httpserver: HTTPServer, cli: Any
) -> None:
    """ISSTRACK_OFFLINE=1 yields to --update; an --offline typed on the line does not."""
    httpserver.expect_request("/gp.php").respond_with_data(text(NEWER))
    env = {"ISSTRACK_TLE_URL": url(httpserver), "ISSTRACK_OFFLINE": "1"}
    refused = cli("tle", "--update", "--offline", env=env)
    assert refused.code == 2 and "--update and --offline cannot be used together" in refused.err
    assert len(httpserver.log) == 0
