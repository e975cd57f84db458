"""Issue 17: an alert run stopped by a signal, or stuck on a slow desktop or webhook, with real processes."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from tests.alert_helpers import SECRET, iso, reference_file, serve_posts
from tests.conftest import isstrack_command
from tests.test_alert import PASS_22, PLACE


@dataclass
class _Server:
    """A loopback server: /fail/ answers 500 at once, /hook/ holds each POST until `answer` is set."""

    arrived: threading.Event = field(default_factory=threading.Event)
    answer: threading.Event = field(default_factory=threading.Event)
    failing: bool = True
    bodies: dict[str, list[bytes]] = field(default_factory=lambda: {"fail": [], "hook": []})


@contextlib.contextmanager
def loopback_server() -> Iterator[tuple[str, _Server]]:
    """Serve on 127.0.0.1 in threads; yield the base URL and the server's state."""
    state = _Server()

    def answer(path: str, body: bytes) -> int:
        kind = "fail" if path.startswith("/fail/") else "hook"
        state.bodies[kind].append(body)
        if kind == "hook":
            state.arrived.set()
            state.answer.wait(30)
        return 500 if kind == "fail" and state.failing else 200

    try:
        with serve_posts(answer) as base:
            yield base, state
    finally:
        state.answer.set()


def _command(tle: Path, base: str) -> list[str]:
    return [*isstrack_command(), "alert", *PLACE, "--before", "15m", "--tle-file", str(tle),
            "--ntfy", f"{base}/fail/{SECRET}", "--webhook", f"{base}/hook/{SECRET}", "-q"]  # fmt: skip


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=lambda s: s.name)
def test_a_stop_signal_during_delivery_records_only_what_was_delivered(
    tmp_path: Path, isolated_env: dict[str, str], stop: signal.Signals
) -> None:
    """Item 10: SIGINT and SIGHUP, like SIGTERM, let the run finish and record the failed target as failed."""
    tle = reference_file(tmp_path, 18)
    at = PASS_22 - timedelta(minutes=10)
    env = {**os.environ, **isolated_env, "ISSTRACK_AT": iso(at), "ISSTRACK_HTTP_TIMEOUT": "20"}
    record = Path(isolated_env["ISSTRACK_STATE_DIR"]) / "alerts-sent.json"
    with loopback_server() as (base, server):
        proc = subprocess.Popen(_command(tle, base), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, text=True)  # fmt: skip
        try:
            assert server.arrived.wait(90), "the webhook never got the alert"
            proc.send_signal(stop)  # while the webhook holds its answer and the ntfy target has failed
            threading.Timer(0.5, server.answer.set).start()
            _out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode in (-stop, 128 + stop, 130), err  # it still ends as stopped
        assert "Traceback" not in err and SECRET not in err
        sent = json.loads(record.read_text())["sent"]
        assert [entry["target"].split(":")[0] for entry in sent] == ["webhook"], "only what was delivered"
        assert len(server.bodies["fail"]) == 1
        server.failing = False
        later = {**env, "ISSTRACK_AT": iso(at + timedelta(minutes=1))}
        again = subprocess.run(
            _command(tle, base),
            env=later,
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
        assert again.returncode == 0, again.stderr
        assert len(server.bodies["fail"]) == 2, "the failed target is tried again"
        assert len(server.bodies["hook"]) == 1, "the delivered one is not"


def _marked_processes(mark: str) -> list[int]:
    """Return the ids of live processes whose environment holds `mark`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if mark.encode() in (entry / "environ").read_bytes():
                stat = (entry / "stat").read_text()
                if stat.rpartition(")")[2].split()[0] != "Z":  # a zombie is gone, waiting to be reaped
                    found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc")
def test_a_hung_notify_send_and_what_it_started_are_killed_before_the_run_ends(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    """Item 8: no notify-send (nor its children) is left running after a run, one per cron job."""
    tle = reference_file(tmp_path, 18)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "notify-send"
    fake.write_text("#!/bin/sh\nsleep 300\n")  # hangs, and in a child: killing the shell is not enough
    fake.chmod(0o755)
    mark = f"ISSTRACK_TEST_MARK={tmp_path.name}-{os.getpid()}"
    env = {
        **os.environ,
        **isolated_env,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/bus",
        "ISSTRACK_AT": iso(PASS_22 - timedelta(minutes=10)),
        "ISSTRACK_HTTP_TIMEOUT": "1",
        mark.split("=")[0]: mark.split("=")[1],
    }
    command = [*isstrack_command(), "alert", *PLACE, "--before", "15m", "--tle-file", str(tle), "--desktop"]
    try:
        run = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL
        )
        assert run.returncode == 5, run.stderr
        assert "notify-send did not finish within 1 s" in run.stderr or "no answer within 1 s" in run.stderr
        left = _marked_processes(mark)
        assert left == [], "a hung notify-send or its child outlived the run"
    finally:
        for pid in _marked_processes(mark):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def late_server(delay_s: float) -> Iterator[tuple[str, list[bytes]]]:
    """Serve on 127.0.0.1: take each POST, and answer 200 only `delay_s` later."""
    bodies: list[bytes] = []

    def answer(path: str, body: bytes) -> int:
        bodies.append(body)
        threading.Event().wait(delay_s)
        return 200

    with serve_posts(answer) as base:
        yield base, bodies


def test_a_webhook_answering_after_the_deadline_gets_the_alert_once(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    """Item 4: overlapping runs and the runs that follow do not send it again: sent, answer not seen."""
    tle = reference_file(tmp_path, 18)
    at = PASS_22 - timedelta(minutes=10)
    env = {**os.environ, **isolated_env, "ISSTRACK_AT": iso(at), "ISSTRACK_HTTP_TIMEOUT": "1"}
    record = Path(isolated_env["ISSTRACK_STATE_DIR"]) / "alerts-sent.json"
    with late_server(3.0) as (base, bodies):
        command = [*isstrack_command(), "alert", *PLACE, "--before", "15m", "--tle-file", str(tle),
                   "--webhook", f"{base}/hook/{SECRET}", "-q"]  # fmt: skip
        overlapping = [
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(4)
        ]
        results = [(proc.wait(120), proc.communicate()[1]) for proc in overlapping]
        for minutes in (1, 6):  # cron, later on, while the pass is still ahead
            later = {**env, "ISSTRACK_AT": iso(at + timedelta(minutes=minutes))}
            run = subprocess.run(command, env=later, capture_output=True, text=True, timeout=120)
            results.append((run.returncode, run.stderr))
        assert len(bodies) == 1, f"the late webhook got {len(bodies)} copies"
    codes = sorted(code for code, _ in results)
    assert codes == [1] * 5 + [5], results
    (err,) = [err for code, err in results if code == 5]
    (line,) = err.splitlines()
    assert "sent, but no answer within 1 s" in line and "answer not seen, and not sent again" in line
    assert SECRET not in line
    (entry,) = json.loads(record.read_text())["sent"]
    assert entry["answer_seen"] is False and entry["revolution"] == 58689
