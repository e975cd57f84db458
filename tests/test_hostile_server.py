"""Servers that misbehave at the byte level (trickle, reset, short body, corrupt gzip) and answers
that cannot be the station: the run stays inside its deadline, the back-off matches the README, and
nothing bad is cached. The CLI (a real subprocess where it is killed) against real loopback sockets."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import isstrack_command, run_in_process
from tests.rawserver import raw_server, reset, trickle
from tests.tle_tools import newest, shift_epoch, text, with_columns

NEWER = shift_epoch(newest(), 20.0)
BODY = text(NEWER).encode()
TIMEOUT_S = 2  # ISSTRACK_HTTP_TIMEOUT in these tests: the README's overall limit is twice this
SLACK_S = 6  # start-up of a subprocess on a loaded 2-core machine


def state(cache: Path) -> dict[str, Any]:
    return dict(json.loads((cache / "gp-25544.state.json").read_text()))


def pause_min(cache: Path) -> float:
    data = state(cache)
    last = datetime.fromisoformat(data["last_attempt"].replace("Z", "+00:00"))
    retry = datetime.fromisoformat(data["retry_after"].replace("Z", "+00:00"))
    return (retry - last).total_seconds() / 60


def run(cli: Any, url: str, *args: str) -> tuple[Any, float]:
    start = time.monotonic()
    result = cli(*args, env={"ISSTRACK_TLE_URL": url, "ISSTRACK_HTTP_TIMEOUT": str(TIMEOUT_S)}, timeout=60)
    return result, time.monotonic() - start


def _headers(length: int | None, extra: str = "") -> bytes:
    head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n" + extra
    if length is not None:
        head += f"Content-Length: {length}\r\n"
    return (head + "\r\n").encode()


# -- item 9: the overall deadline holds whatever the server does ------------------------------


def _trickle_status(conn: socket.socket, stop: threading.Event) -> None:
    trickle(conn, stop, _headers(len(BODY)) + BODY)


def _trickle_body_with_length(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(_headers(len(BODY)))
    trickle(conn, stop, BODY)


def _trickle_body_without_length(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(_headers(None))
    trickle(conn, stop, BODY)


TRICKLES = [
    ("headers trickled", _trickle_status, "no answer from 127.0.0.1", 15),
    ("body with length", _trickle_body_with_length, "did not finish within", 120),
    ("body without length", _trickle_body_without_length, "did not finish within", 120),
]


@pytest.mark.parametrize(("name", "behaviour", "words", "minutes"), TRICKLES, ids=[t[0] for t in TRICKLES])
def test_trickling_server_cannot_hold_a_run_past_the_deadline(
    cli: Any, tmp_path: Path, name: str, behaviour: Any, words: str, minutes: int
) -> None:
    with raw_server(behaviour) as server:
        result, elapsed_s = run(cli, server.url(), "tle", "--json")
    assert result.code == 0, result.err
    assert result.json()["elements"]["source"] == "bundled"
    assert elapsed_s < 2 * TIMEOUT_S + SLACK_S, f"{name}: the run took {elapsed_s:.1f} s"
    assert words in result.err
    assert f"within {2 * TIMEOUT_S} s" in result.err
    assert pause_min(tmp_path / "cache") == minutes


def _silent(conn: socket.socket, stop: threading.Event) -> None:
    stop.wait(30)


def test_a_run_killed_mid_download_leaves_its_back_off(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with raw_server(_silent) as server:
        server_env = {"ISSTRACK_TLE_URL": server.url(), "ISSTRACK_HTTP_TIMEOUT": "30"}
        proc = subprocess.Popen(
            [*isstrack_command(), "tle"],
            env={**os.environ, **server_env},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while server.connections == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.connections == 1, "the run never connected"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        assert "no outcome recorded" in state(cache)["outcome"]
        assert pause_min(cache) == 15
        again = run_in_process(["tle", "-v"], server_env, timeout=60)  # the next run, an ordinary one
        assert again.code == 0, again.err
        assert "not downloading" in again.err
        assert server.connections == 1, "the back-off of the killed run was not kept"


# -- item 13: which failures are "no answer" (15 min) and which are a bad answer (2 h) ---------


def _reset_before_status(conn: socket.socket, stop: threading.Event) -> None:
    reset(conn)


def _reset_mid_body(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(_headers(len(BODY)) + BODY[:50])
    time.sleep(0.2)
    reset(conn)


def _short_body(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(_headers(len(BODY) + 500) + BODY)


def _corrupt_gzip(conn: socket.socket, stop: threading.Event) -> None:
    junk = b"\x1f\x8b\x08\x00" + b"this is not deflate data" * 4
    conn.sendall(_headers(len(junk), "Content-Encoding: gzip\r\n") + junk)


BROKEN = [
    ("reset before status", _reset_before_status, "could not reach 127.0.0.1", 15),
    ("reset mid-body", _reset_mid_body, "was cut short", 120),
    ("short body", _short_body, "was cut short", 120),
    ("corrupt gzip", _corrupt_gzip, "corrupt gzip", 120),
]


@pytest.mark.parametrize(("name", "behaviour", "words", "minutes"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_answers_earn_the_pause_the_readme_names(
    cli: Any, tmp_path: Path, name: str, behaviour: Any, words: str, minutes: int
) -> None:
    with raw_server(behaviour) as server:
        result, _ = run(cli, server.url(), "tle", "--json")
    assert result.code == 0, result.err
    assert words in result.err, result.err
    if minutes == 120:
        assert "could not reach" not in result.err
    assert pause_min(tmp_path / "cache") == minutes
    assert not (tmp_path / "cache" / "gp-25544.json").exists()


def test_an_absurd_retry_after_is_capped_at_a_day(cli: Any, tmp_path: Path) -> None:
    def too_many(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(b"HTTP/1.1 429 Too Many\r\nRetry-After: 999999999999999\r\nContent-Length: 0\r\n\r\n")

    with raw_server(too_many) as server:
        result, _ = run(cli, server.url(), "tle", "--json")
    assert result.code == 0, result.err
    assert "HTTP 429" in result.err
    assert pause_min(tmp_path / "cache") == 24 * 60


def test_a_good_gzip_answer_is_used(cli: Any, tmp_path: Path) -> None:
    import gzip

    packed = gzip.compress(BODY)

    def good(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(_headers(len(packed), "Content-Encoding: gzip\r\n") + packed)

    with raw_server(good) as server:
        result, _ = run(cli, server.url(), "tle", "--json")
    assert result.code == 0, result.err
    assert result.json()["elements"]["line1"] == NEWER[1]


# -- items 7 and 8: answers that cannot be the station are never cached -------------------------

IN_2030 = with_columns(NEWER, 1, 18, "30")
GEOSTATIONARY = with_columns(with_columns(NEWER, 2, 8, "  0.0500"), 2, 52, " 1.00270000")
DECAYED = with_columns(with_columns(NEWER, 1, 53, " 10000-1"), 2, 52, "16.20000000")
INCLINATION_200 = with_columns(NEWER, 2, 8, "200.0000")
DAY_400 = with_columns(NEWER, 1, 20, "400.12345678")
IMPLAUSIBLE = [
    ("epoch in 2030", IN_2030, "ahead of the clock"),
    ("geostationary", GEOSTATIONARY, "mean motion"),
    ("decayed", DECAYED, "cannot be propagated"),
    ("inclination 200", INCLINATION_200, ""),
    ("day-of-year 400", DAY_400, ""),
]


def _seed_stale_cache(cache: Path) -> bytes:
    cache.mkdir(parents=True, exist_ok=True)
    payload = {
        "catalog_number": 25544,
        "fetched_at": "2026-11-01T00:00:00Z",
        "url": "seeded",
        "tle": text(shift_epoch(newest(), 10.0)),
    }
    raw = json.dumps(payload).encode()
    (cache / "gp-25544.json").write_bytes(raw)
    return raw


@pytest.mark.parametrize(("name", "tle", "words"), IMPLAUSIBLE, ids=[i[0] for i in IMPLAUSIBLE])
def test_implausible_answers_are_not_cached(
    cli: Any, tmp_path: Path, name: str, tle: tuple[str, str, str], words: str
) -> None:
    cache = tmp_path / "cache"
    before = _seed_stale_cache(cache)
    body = text(tle).encode()

    def answer(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(_headers(len(body)) + body)

    with raw_server(answer) as server:
        result, _ = run(cli, server.url(), "tle", "--json")
        assert server.connections == 1
    assert result.code == 0, result.err
    assert "unusable elements" in result.err and words in result.err
    assert (cache / "gp-25544.json").read_bytes() == before
    assert result.json()["elements"]["source"] == "cache"
    assert pause_min(cache) == 120


@pytest.mark.parametrize(("name", "tle", "words"), IMPLAUSIBLE[1:], ids=[i[0] for i in IMPLAUSIBLE[1:]])
def test_implausible_tle_file_is_bad_input(
    cli: Any, tmp_path: Path, name: str, tle: tuple[str, str, str], words: str
) -> None:
    path = tmp_path / "bad.tle"
    path.write_text(text(tle))
    result = cli("now", "--tle-file", str(path), "--json")
    assert result.code == 2, result.err
    assert words in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err


def test_cached_set_from_the_future_is_damage_even_offline(cli: Any, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    payload = {
        "catalog_number": 25544,
        "fetched_at": "2026-11-01T00:00:00Z",
        "url": "x",
        "tle": text(IN_2030),
    }
    (cache / "gp-25544.json").write_text(json.dumps(payload))
    result = cli("tle", "--offline", "--json")
    assert result.code == 0, result.err
    assert result.json()["elements"]["source"] == "bundled"
    assert "damaged" in result.err and "ahead of the clock" in result.err
    assert (cache / "gp-25544.json.damaged").exists()
    assert not (cache / "gp-25544.json").exists()
