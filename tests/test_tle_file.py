"""--tle-file against odd files (FIFO, device nodes, endless stdin) and files with many sets: real
files and device nodes in a temp dir, the CLI with a timeout (in a process of its own for /dev/stdin)."""

from __future__ import annotations

import itertools
import os
import stat
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.tle_tools import HISTORY, epoch_utc, history_sets, newest, text, with_columns


def _one_line_exit_2(result: Any, words: str) -> None:
    assert result.code == 2, result.err
    assert words in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert "Traceback" not in result.err


def test_fifo_is_refused_promptly(cli: Any, tmp_path: Path) -> None:
    fifo = tmp_path / "elements.fifo"
    os.mkfifo(fifo)
    start = time.monotonic()
    result = cli("tle", "--tle-file", str(fifo), timeout=30)
    assert time.monotonic() - start < 20
    _one_line_exit_2(result, "not a regular file")


def test_character_device_node_is_refused(cli: Any, tmp_path: Path) -> None:
    node = tmp_path / "zero"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 5))  # the numbers of /dev/zero
    except PermissionError:
        pytest.skip("making a device node needs root (CAP_MKNOD)")
    result = cli("now", "--tle-file", str(node), timeout=30)
    _one_line_exit_2(result, "not a regular file")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_endless_devices_are_refused(cli: Any, device: str) -> None:
    result = cli("tle", "--tle-file", device, timeout=30)
    _one_line_exit_2(result, "not a regular file")


QUICK_TIMEOUT = {"ISSTRACK_HTTP_TIMEOUT": "1"}


def test_dash_reads_standard_input(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "iss.tle"
    path.write_text(text(newest()))
    with path.open("rb") as handle:
        result = cli("tle", "--tle-file", "-", "--json", stdin=handle, env=QUICK_TIMEOUT)
    assert result.code == 0, result.err
    assert '"source": "file"' in result.out
    assert newest()[1] in result.out


def test_endless_standard_input_is_bounded(cli_process: Any) -> None:
    # /dev/stdin names the reading process's own descriptor 0: a process of its own is the point.
    with open("/dev/zero", "rb") as zero:
        result = cli_process("tle", "--tle-file", "/dev/stdin", stdin=zero, env=QUICK_TIMEOUT)
    assert result.code == 2, result.err
    assert "over the 1 MB limit" in result.err


def test_silent_standard_input_has_a_deadline(cli: Any) -> None:
    start = time.monotonic()
    read_end, write_end = os.pipe()  # held open, never written: a writer that went quiet
    try:
        result = cli("tle", "--tle-file", "-", stdin=read_end, env=QUICK_TIMEOUT, timeout=30)
    finally:
        os.close(read_end)
        os.close(write_end)
    assert time.monotonic() - start < 20
    assert result.code == 2, result.err
    assert "no end within 1 s" in result.err


# -- item 4: the set nearest the time asked about ------------------------------------------


def _history_epochs() -> list[datetime]:
    return [epoch_utc(s) for s in history_sets()]


@pytest.mark.parametrize("index", [0, 7, 13, 19])
def test_history_file_uses_the_set_nearest_the_time_asked(cli: Any, index: int) -> None:
    epochs = _history_epochs()
    # a time 3 hours after set `index`: nearer it than any other (the sets are over 10 h apart)
    gaps = [b - a for a, b in itertools.pairwise(epochs)]
    assert min(gaps) > timedelta(hours=10)
    at = epochs[index] + timedelta(hours=3)
    result = cli("now", "--tle-file", str(HISTORY), "--at", at.strftime("%Y-%m-%dT%H:%M:%SZ"), "--json", "-v")
    assert result.code == 0, result.err
    epoch = datetime.fromisoformat(result.json()["elements"]["epoch"].replace("Z", "+00:00"))
    assert abs((epoch - epochs[index]).total_seconds()) < 1
    assert result.json()["elements"]["line1"] == history_sets()[index][1]
    assert "20 sets for 25544" in result.err and "nearest to" in result.err


def test_tle_shows_the_set_nearest_now(cli: Any) -> None:
    result = cli("tle", "--tle-file", str(HISTORY), "--json")
    assert result.code == 0, result.err
    now = datetime.now(timezone.utc)
    epochs = _history_epochs()
    nearest = min(range(len(epochs)), key=lambda i: abs(epochs[i] - now))
    assert result.json()["elements"]["line1"] == history_sets()[nearest][1]


# -- item 8: a set that cannot reach the time asked gives exit 3, never NaN --------------------


def test_set_that_decays_before_the_time_asked_is_exit_3(cli: Any, tmp_path: Path) -> None:
    heavy_drag = with_columns(newest(), 1, 53, " 10000-1")  # B* 0.1: still flying 10 days out, not 45
    path = tmp_path / "drag.tle"
    path.write_text(text(heavy_drag))
    near = epoch_utc(heavy_drag) + timedelta(days=1)
    ok = cli("now", "--tle-file", str(path), "--at", near.strftime("%Y-%m-%dT%H:%MZ"), "--json")
    assert ok.code == 0, ok.err
    far = epoch_utc(heavy_drag) + timedelta(days=45)
    result = cli("now", "--tle-file", str(path), "--at", far.strftime("%Y-%m-%dT%H:%MZ"), "--json")
    assert result.code == 3, result.err
    assert "cannot be propagated" in result.err and "decayed" in result.err
    assert "nan" not in (result.out + result.err).lower()
    assert "internal error" not in result.err
