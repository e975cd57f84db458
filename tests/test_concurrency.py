"""Eight real processes refreshing an empty cache at once: one request, no damaged file."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.conftest import isstrack_command
from tests.tle_tools import newest, shift_epoch, text

NEWER = shift_epoch(newest(), 20.0)


def _slowish(request: Request) -> Response:
    time.sleep(0.5)  # keep the first download in flight while the others arrive
    return Response(text(NEWER), content_type="text/plain")


def test_eight_concurrent_runs_make_one_request(
    httpserver: HTTPServer, isolated_env: dict[str, str], tmp_path: Path
) -> None:
    httpserver.expect_request("/gp.php").respond_with_handler(_slowish)
    env = {
        **os.environ,
        **isolated_env,
        "ISSTRACK_TLE_URL": httpserver.url_for("/gp.php") + "?CATNR={catnr}&FORMAT=TLE",
    }
    procs = [
        subprocess.Popen(
            [*isstrack_command(), "tle", "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        for _ in range(8)
    ]
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    for code, out, err in results:
        assert code == 0, err
        assert json.loads(out)["elements"]["line1"] == NEWER[1]
    sources = sorted(json.loads(out)["elements"]["source"] for _, out, _ in results)
    assert sources == ["cache"] * 7 + ["network"]
    assert len(httpserver.log) == 1
    cached = json.loads((tmp_path / "cache" / "gp-25544.json").read_text())
    assert cached["tle"] == text(NEWER)
    assert not list((tmp_path / "cache").glob("*.tmp"))
