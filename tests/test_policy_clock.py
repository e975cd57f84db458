"""The 2-hour download window, with the store's clock moved forward (real server, real files)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from isstrack.elements.load import ElementStore
from isstrack.errors import UpdateError
from tests.tle_tools import newest, shift_epoch, text


def test_download_window_reopens_after_two_hours(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/gp.php").respond_with_data(text(shift_epoch(newest(), 20)))
    now = [datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)]
    store = ElementStore(
        25544,
        tmp_path / "cache",
        httpserver.url_for("/gp.php") + "?CATNR={catnr}",
        timeout_s=5,
        clock=lambda: now[0],
    )
    assert store.get().source == "network"
    now[0] += timedelta(hours=1, minutes=59)
    assert store.get().source == "cache"
    with pytest.raises(UpdateError, match="next download allowed 2026-11-23 14:00 UTC"):
        store.update()
    assert len(httpserver.log) == 1
    now[0] += timedelta(minutes=2)
    assert store.get().source == "network"
    assert len(httpserver.log) == 2
