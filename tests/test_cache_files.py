"""The cache and download log under full disks, clock skew, other users, killed writers and odd
values: real files, a loopback server counting requests, the CLI in process, and real subprocesses
where a limit or another uid must apply to the run alone."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from tests.conftest import isstrack_command
from tests.tle_tools import newest, shift_epoch, text

NEWER = shift_epoch(newest(), 20.0)
STALE = shift_epoch(newest(), 10.0)


def url(server: HTTPServer) -> str:
    return server.url_for("/gp.php") + "?CATNR={catnr}&FORMAT=TLE"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _write(path: Path, payload: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload))


# -- item 10: no record of the attempt, no attempt -------------------------------------------


def _no_file_growth() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # every write fails (EFBIG), like a full disk


def test_full_disk_makes_no_requests(httpserver: HTTPServer, isolated_env: dict[str, str]) -> None:
    httpserver.expect_request("/gp.php").respond_with_data(text(NEWER))
    env = {**os.environ, **isolated_env, "ISSTRACK_TLE_URL": url(httpserver)}
    for _ in range(4):
        proc = subprocess.run(
            [*isstrack_command(), "tle", "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
            preexec_fn=_no_file_growth,
        )
        assert proc.returncode == 0, proc.stderr
        assert "cannot record the attempt" in proc.stderr
    assert len(httpserver.log) == 0


# -- item 11: times ahead of the clock are damage ----------------------------------------------


def test_cache_and_log_from_the_future_are_set_aside(
    httpserver: HTTPServer, cli: Any, tmp_path: Path
) -> None:
    httpserver.expect_request("/gp.php").respond_with_data(text(NEWER))
    cache = tmp_path / "cache"
    ahead = datetime.now(timezone.utc) + timedelta(days=400)
    _write(cache / "gp-25544.json", {"catalog_number": 25544, "fetched_at": _iso(ahead), "tle": text(STALE)})
    _write(
        cache / "gp-25544.state.json",
        {"last_attempt": _iso(ahead), "outcome": "ok", "retry_after": _iso(ahead + timedelta(hours=2))},
    )
    result = cli("tle", "--json", env={"ISSTRACK_TLE_URL": url(httpserver)})
    assert result.code == 0, result.err
    assert result.err.count("ahead of the clock") == 2
    assert (cache / "gp-25544.json.damaged").exists() and (cache / "gp-25544.state.json.damaged").exists()
    assert len(httpserver.log) == 1
    assert result.json()["elements"]["source"] == "network"


# -- item 17 (part): out-of-range times are damage, even offline --------------------------------

OUT_OF_RANGE = [
    ("fetched_at", "9999-12-31T23:59:59Z"),
    ("fetched_at", "99999-01-01T00:00:00Z"),
    ("fetched_at", 1e20),
    ("last_attempt", "0001-01-01T00:00:00+01:00"),
    ("retry_after", "9999-12-31T23:59:59Z"),
    ("retry_after", 1e20),
]


@pytest.mark.parametrize(("key", "value"), OUT_OF_RANGE)
def test_out_of_range_times_are_damage_even_offline(cli: Any, tmp_path: Path, key: str, value: Any) -> None:
    cache = tmp_path / "cache"
    record: dict[str, Any] = {
        "catalog_number": 25544,
        "fetched_at": "2026-11-01T00:00:00Z",
        "tle": text(STALE),
    }
    log: dict[str, Any] = {"last_attempt": "2026-11-01T00:00:00Z", "outcome": "ok", "retry_after": None}
    (record if key == "fetched_at" else log)[key] = value
    _write(cache / "gp-25544.json", record)
    _write(cache / "gp-25544.state.json", log)
    for args in (("tle", "--offline"), ("now", "--offline", "--json"), ("tle", "--offline")):
        result = cli(*args)
        assert result.code == 0, result.err
        assert "internal error" not in result.err
    damaged = "gp-25544.json.damaged" if key == "fetched_at" else "gp-25544.state.json.damaged"
    assert (cache / damaged).exists()


DEEP = b"[" * 100_000 + b"]" * 100_000  # issue 17 item 3: RecursionError in the JSON decoder


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("gp-25544.json", DEEP),
        ("gp-25544.state.json", DEEP),
        ("gp-25544.json", b'{"catalog_number": 25544, "fetched_at": ' + b"[" * 5000 + b"]" * 5000 + b"}"),
        ("gp-25544.state.json", b'{"last_attempt": "2026-11-01T00:00:00Z", "outcome": ' + b"9" * 400 + b"}"),
    ],
)
def test_deeply_nested_or_huge_numbers_are_damage_set_aside(
    cli: Any, tmp_path: Path, name: str, content: bytes
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / name).write_bytes(content)
    result = cli("tle", "--offline")
    assert result.code == 0, result.err
    assert "internal error" not in result.err and "Traceback" not in result.err
    assert "was damaged" in result.err and "moved it aside" in result.err
    assert (cache / f"{name}.damaged").read_bytes() == content
    again = cli("tle", "--offline")
    assert again.code == 0 and "damaged" not in again.err, "set aside once, then treated as missing"


# -- item 17 (part): the URL template ---------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "words"),
    [
        ("http://127.0.0.1:9/gp.php?CATNR={catnr}&X={other}", "placeholder {other}"),
        ("http://127.0.0.1:9/gp.php?CATNR={catnr}&X={", "unmatched brace"),
        ("http://127.0.0.1:9/gp.php?CATNR={catnr}}", "unmatched brace"),
        ("http://[::1/gp.php?CATNR={catnr}", "not a valid URL"),
        ("http://127.0.0.1:99999/gp.php?CATNR={catnr}", "not a valid URL"),
        ("ftp://127.0.0.1/gp.php?CATNR={catnr}", "http:// or https://"),
        ("http://127.0.0.1:9/gp.php?CATNR={catnr:>999999999}", "has {catnr:>999999999}, with a conversion"),
        ("http://x/{catnr!r}", "has {catnr!r}, with a conversion or format spec; write a bare {catnr}"),
        ("http://127.0.0.1:9/gp.php?CATNR={0}", "placeholder {0}"),
    ],
)
def test_bad_url_templates_are_bad_input(cli: Any, template: str, words: str) -> None:
    for args in (("tle",), ("now", "--json"), ("tle", "--update")):
        result = cli(*args, env={"ISSTRACK_TLE_URL": template})
        assert result.code == 2, result.err
        assert words in result.err and "ISSTRACK_TLE_URL" in result.err
        assert len(result.err.strip().splitlines()) == 1, result.err


# -- item 12: unreadable is not damage --------------------------------------------------------


def _without_permission_override() -> None:
    """In the child: drop root's power to read any file, as if it were another user."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP: gone after exec
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_another_users_unreadable_files_are_left_alone(
    httpserver: HTTPServer, isolated_env: dict[str, str], tmp_path: Path
) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to make files owned by another user")
    httpserver.expect_request("/gp.php").respond_with_data(text(NEWER))
    cache = tmp_path / "cache"
    stale = datetime.now(timezone.utc) - timedelta(hours=5)
    _write(cache / "gp-25544.json", {"catalog_number": 25544, "fetched_at": _iso(stale), "tle": text(STALE)})
    _write(cache / "gp-25544.state.json", {"last_attempt": _iso(stale), "outcome": "ok"})
    before = {p.name: p.read_bytes() for p in cache.iterdir()}
    for p in cache.iterdir():
        os.chown(p, 65534, 65534)  # another user's private files in a directory we can write
        p.chmod(0o600)
    env = {**os.environ, **isolated_env, "ISSTRACK_TLE_URL": url(httpserver)}
    for args in (("tle", "--json"), ("tle", "--offline", "--json"), ("now", "--json")):
        proc = subprocess.run(
            [*isstrack_command(), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
            preexec_fn=_without_permission_override,
        )
        assert proc.returncode == 0, proc.stderr
        assert "cannot read" in proc.stderr and "damaged" not in proc.stderr
        for what in ("cache file", "download log"):  # each unreadable file is reported once, not per read
            assert proc.stderr.count(f"cannot read {what} ") == 1, proc.stderr
    after = {p.name: p.read_bytes() for p in cache.iterdir() if p.name in before}
    assert after == before, "the other user's files were renamed or changed"
    assert not list(cache.glob("*.damaged"))
    assert len(httpserver.log) == 0, "downloaded without being able to read the download log"


def test_a_directory_in_place_of_the_log_is_not_damage(
    httpserver: HTTPServer, cli: Any, tmp_path: Path
) -> None:
    httpserver.expect_request("/gp.php").respond_with_data(text(NEWER))
    log = tmp_path / "cache" / "gp-25544.state.json"
    log.mkdir(parents=True)
    for _ in range(2):
        result = cli("tle", "--json", env={"ISSTRACK_TLE_URL": url(httpserver)})
        assert result.code == 0, result.err
        assert "cannot read download log" in result.err
    assert log.is_dir() and not list(log.parent.glob("*.damaged"))
    assert len(httpserver.log) == 0


# -- item 14: stale temporary files are swept, live ones kept ---------------------------------


def test_stale_temp_files_are_removed_and_fresh_ones_kept(
    httpserver: HTTPServer, cli: Any, tmp_path: Path
) -> None:
    httpserver.expect_request("/gp.php").respond_with_data(text(NEWER))
    cache = tmp_path / "cache"
    cache.mkdir()
    old = [cache / ".gp-25544.json.k2j4h5g6.tmp", cache / ".gp-25544.state.json.a_b1c2d3.tmp"]
    fresh = cache / ".gp-25544.json.zz99yy88.tmp"
    unrelated = [cache / "notes.tmp", cache / ".gp-25544.json.mine.tmp"]
    hour_ago = time.time() - 3600
    for path in [*old, fresh, *unrelated]:
        path.write_text("{")
    for path in [*old, *unrelated]:
        os.utime(path, (hour_ago, hour_ago))
    result = cli("tle", "--json", env={"ISSTRACK_TLE_URL": url(httpserver)})
    assert result.code == 0, result.err
    assert not any(p.exists() for p in old)
    assert fresh.exists()
    assert all(p.exists() for p in unrelated)
    offline = cli("tle", "--offline")
    assert offline.code == 0
    assert fresh.exists()


def test_a_deeply_nested_query_cache_is_damage_set_aside(httpserver: HTTPServer, tmp_path: Path) -> None:
    """Issue 17 item 3: the per-query (--sat) cache is decoded within the same bounds."""
    from isstrack.elements.querystore import QueryStore
    from isstrack.elements.satellites import catalog_query
    from isstrack.errors import NoElementsError
    from tests.test_omm import SEPT, records
    from tests.test_satellites import base, by_catnr

    httpserver.expect_request("/gp.php").respond_with_handler(by_catnr(records(SEPT)))
    assert QueryStore(catalog_query(48274), tmp_path, base(httpserver)).get().source == "network"
    cache = tmp_path / "omm-catnr-48274.json"
    cache.write_bytes(DEEP)
    with pytest.raises(NoElementsError, match="nothing cached"):  # missing now, and not due for download
        QueryStore(catalog_query(48274), tmp_path, base(httpserver)).get()
    assert (tmp_path / "omm-catnr-48274.json.damaged").read_bytes() == DEEP
