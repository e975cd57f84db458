"""isstrack alert against a hostile world: a state directory that cannot grow, SIGTERM mid-delivery."""

from __future__ import annotations

import contextlib
import os
import re
import resource
import signal
import socket
import struct
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.alert_helpers import SECRET, iso, parse_iso, recording_server, reference_file, serve_posts
from tests.conftest import isstrack_command, run_in_process
from tests.test_alert import PASS_22, PLACE
from tests.tle_tools import history_sets, text, with_columns


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))  # the lock (empty) fits, the record does not


def test_a_record_that_cannot_be_written_sends_nothing_rather_than_every_run(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    tle = reference_file(tmp_path, 18)
    at = PASS_22 - timedelta(minutes=10)
    with recording_server() as (base, recorder):
        command = [*isstrack_command(), "alert", *PLACE, "--before", "15m", "--tle-file", str(tle),
                   "--ntfy", f"{base}/ntfy/{SECRET}", "-q"]  # fmt: skip
        env = {**os.environ, **isolated_env, "ISSTRACK_AT": iso(at)}
        runs = [
            subprocess.run(
                command, env=env, capture_output=True, text=True, timeout=120, preexec_fn=_limit_file_size
            )
            for _ in range(3)  # cron, minute after minute, with the state directory full
        ]
        assert recorder.delivered("/ntfy/") == [], "an alert the record cannot hold must not go out every run"
    for run in runs:
        assert run.returncode == 2, run.stderr
        (line,) = run.stderr.splitlines()
        assert "alerts-sent.json" in line and "nothing sent" in line and SECRET not in line
        assert "Traceback" not in run.stderr


@dataclass
class _Gate:
    """A server that takes the request, tells the test, and answers 200 only when told to."""

    arrived: threading.Event = field(default_factory=threading.Event)
    answer: threading.Event = field(default_factory=threading.Event)
    bodies: list[bytes] = field(default_factory=list)


@contextlib.contextmanager
def gated_server() -> Iterator[tuple[str, _Gate]]:
    """Serve on 127.0.0.1; each POST is held until the gate opens (at most 30 s)."""
    gate = _Gate()

    def answer(path: str, body: bytes) -> int:
        gate.bodies.append(body)
        gate.arrived.set()
        gate.answer.wait(30)
        return 200

    try:
        with serve_posts(answer) as base:
            yield base, gate
    finally:
        gate.answer.set()


def test_sigterm_during_delivery_finishes_it_records_it_and_no_duplicate_follows(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    tle = reference_file(tmp_path, 18)
    at = PASS_22 - timedelta(minutes=10)
    env = {**os.environ, **isolated_env, "ISSTRACK_AT": iso(at), "ISSTRACK_HTTP_TIMEOUT": "20"}
    with gated_server() as (base, gate):
        command = [*isstrack_command(), "alert", *PLACE, "--before", "15m", "--tle-file", str(tle),
                   "--ntfy", f"{base}/ntfy/{SECRET}", "-q"]  # fmt: skip
        proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert gate.arrived.wait(90), "the alert never reached the server"
            proc.send_signal(signal.SIGTERM)  # systemd stopping the unit, or a shutdown
            threading.Timer(0.5, gate.answer.set).start()
            _out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == -signal.SIGTERM, err  # it still ends as terminated
        assert "Traceback" not in err
        record = Path(isolated_env["ISSTRACK_STATE_DIR"]) / "alerts-sent.json"
        assert record.is_file() and '"revolution": 58689' in record.read_text()
        assert not list(record.parent.glob("*.tmp")), "no temporary file left behind"
        again = run_in_process(  # the next cron run: an ordinary one
            command[len(isstrack_command()) :],
            {"ISSTRACK_AT": iso(at + timedelta(minutes=1)), "ISSTRACK_HTTP_TIMEOUT": "20"},
        )
        assert again.code == 1, again.err
        assert len(gate.bodies) == 1, "the pass was announced twice"


@contextlib.contextmanager
def raw_server(after_headers: str) -> Iterator[tuple[str, list[bytes]]]:
    """Serve raw HTTP on 127.0.0.1: read a POST, answer 200 with headers, then misbehave in the body."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    received: list[bytes] = []
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))  # type: ignore[union-attr]
            while len(body) < length:
                body += conn.recv(65536)
            received.append(body)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nok")
            if after_headers == "trickle":  # the rest of the body, a byte every half second
                for _ in range(60):
                    if stop.wait(0.5):
                        return
                    try:
                        conn.sendall(b".")
                    except OSError:  # the client hung up, as it should
                        return
            else:  # reset: RST instead of the rest of the body
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", received
    finally:
        stop.set()
        thread.join(5)
        listener.close()


@pytest.mark.parametrize("after_headers", ["trickle", "reset"])
def test_a_200_answer_counts_as_delivered_whatever_its_body_does(
    tmp_path: Path, cli: Any, after_headers: str
) -> None:
    tle = reference_file(tmp_path, 18)
    at = PASS_22 - timedelta(minutes=10)
    with raw_server(after_headers) as (base, received):
        for step in range(2):  # two cron runs a minute apart
            env = {"ISSTRACK_AT": iso(at + step * timedelta(minutes=1)), "ISSTRACK_HTTP_TIMEOUT": "2"}
            result = cli("alert", *PLACE, "--before", "15m", "--tle-file", str(tle),
                         "--webhook", f"{base}/hook/{SECRET}", "-q", env=env)  # fmt: skip
            assert result.code == [0, 1][step], result.err
            assert result.err == ""
        assert len(received) == 1, "the server took the alert and said 200: it must not get it again"


def test_elements_counting_revolutions_one_lower_do_not_silence_the_next_pass(tmp_path: Path) -> None:
    from tests.test_alert import alert

    original = history_sets()[18]
    renumbered_set = with_columns(original, 2, 63, f"{int(original[2][63:68]) - 1:5d}")
    renumbered = tmp_path / "renumbered.tle"
    renumbered.write_text(text(renumbered_set))
    tle = reference_file(tmp_path, 18)
    # Visible passes over Amsterdam on 23 September by set 18: revolution 58704 from 18:30:38 UTC,
    # then revolution 58705 from 20:08:06 UTC (97 min later), which the renumbered set calls 58704.
    first = datetime(2026, 9, 23, 18, 30, 38, tzinfo=timezone.utc)
    second = datetime(2026, 9, 23, 20, 8, 6, tzinfo=timezone.utc)
    with recording_server() as (base, recorder):
        hook = ["--webhook", f"{base}/hook/x"]
        assert alert(tle, first - timedelta(minutes=10), *hook).code == 0
        ((sent,),) = [[r.json() for r in recorder.delivered("/hook/")]]
        assert abs(parse_iso(sent["pass"]["visible_start"]["time"]) - first) < timedelta(seconds=5)
        # 50 minutes later, still within an hour of the first pass's end (so it is in the record):
        later = run_in_process(
            ["alert", *PLACE, "--before", "1h", "--tle-file", str(renumbered), *hook],
            {"ISSTRACK_AT": iso(second - timedelta(minutes=45))},
        )
        assert later.code == 0, later.err
        starts = [parse_iso(r.json()["pass"]["visible_start"]["time"]) for r in recorder.delivered("/hook/")]
        assert len(starts) == 2 and abs(starts[1] - second) < timedelta(seconds=5), (
            "a new pass, not the old one"
        )


@pytest.mark.parametrize("stdout", ["/dev/full", "closed"])
def test_stdout_that_cannot_be_written_fails_print_only_and_the_webhook_still_goes_once(
    tmp_path: Path, isolated_env: dict[str, str], stdout: str
) -> None:
    tle = reference_file(tmp_path, 18)
    at = PASS_22 - timedelta(minutes=10)
    with recording_server() as (base, recorder):
        command = [*isstrack_command(), "alert", *PLACE, "--before", "15m", "--tle-file", str(tle),
                   "--print", "--webhook", f"{base}/hook/{SECRET}", "-q"]  # fmt: skip
        env = {**os.environ, **isolated_env, "ISSTRACK_AT": iso(at)}
        if stdout == "closed":
            shell = ["/bin/sh", "-c", 'exec "$@" >&-', "sh", *command]
            failed = subprocess.run(shell, env=env, stderr=subprocess.PIPE, text=True, timeout=120)
        else:
            with open(stdout, "w") as full:
                failed = subprocess.run(
                    command, env=env, stdout=full, stderr=subprocess.PIPE, text=True, timeout=120
                )
        assert failed.returncode == 5, failed.stderr
        (line,) = failed.stderr.splitlines()
        assert "print: could not write to stdout" in line and SECRET not in line
        assert len(recorder.delivered("/hook/")) == 1, "the webhook does not depend on stdout"
        again = run_in_process(command[len(isstrack_command()) :], {"ISSTRACK_AT": iso(at)})  # stdout works
        assert again.code == 0, again.err
        assert again.out.startswith("ISS over ") and again.out.count("\n") == 1, "print is retried"
        assert len(recorder.delivered("/hook/")) == 1, "and the webhook is not sent twice"


def test_dry_run_leaves_a_damaged_record_where_it_is(tmp_path: Path, isolated_env: dict[str, str]) -> None:
    from tests.test_alert import alert

    state = Path(isolated_env["ISSTRACK_STATE_DIR"])
    state.mkdir()
    garbage = b"\x00\xff{not json" * 100
    (state / "alerts-sent.json").write_bytes(garbage)
    result = alert(reference_file(tmp_path, 18), PASS_22 - timedelta(minutes=10), "--dry-run")
    assert result.code == 0 and result.out.startswith("would send to print: ISS over "), result.err
    assert "was damaged" in result.err and "ignoring it" in result.err
    assert (state / "alerts-sent.json").read_bytes() == garbage
    assert sorted(p.name for p in state.iterdir()) == ["alerts-sent.json"], "a dry run records nothing"


def test_an_alert_during_the_pass_says_where_to_look_now(tmp_path: Path) -> None:
    from tests.independent import ephem_altaz, ephem_body
    from tests.test_alert import alert
    from tests.test_cron import compass16

    tle = reference_file(tmp_path, 18)
    now = PASS_22 + timedelta(seconds=100)  # the machine woke up (or the server came back) mid-pass
    with recording_server() as (base, recorder):
        result = alert(tle, now, "--webhook", f"{base}/hook/x")
        assert result.code == 0, result.err
        ((document,),) = [[r.json() for r in recorder.delivered("/hook/")]]
    message = document["alert"]["message"]
    assert message.startswith("Now, until ") and len(message) <= 120, message
    shown = re.search(r": look (\w+) at (\d+)° \(appeared (\w+) at (\d+)°\), highest", message)
    assert shown, message
    name, line1, line2 = history_sets()[18]
    azimuth_deg, altitude_deg = ephem_altaz(ephem_body(name, line1, line2), 52.37403, 4.88969, now)
    assert abs(int(shown.group(2)) - altitude_deg) <= 1.0, (message, altitude_deg)
    assert shown.group(1) == compass16(azimuth_deg), (message, azimuth_deg)
    assert altitude_deg > 20, "well up by then: not where it appeared (10°)"
