"""Fixtures: private cache/config dirs, no real network, and the installed CLI as a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# A loopback port nothing listens on: a test that forgets to set a URL fails fast, locally.
CLOSED_URL = "http://127.0.0.1:9/gp.php?CATNR={catnr}&FORMAT=TLE"
REFERENCE_DIR = Path(__file__).parent


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Point isstrack's cache and config at temp dirs and its element URL at a closed local port."""
    env = {
        "ISSTRACK_CACHE_DIR": str(tmp_path / "cache"),
        "ISSTRACK_CONFIG_DIR": str(tmp_path / "config"),
        "ISSTRACK_STATE_DIR": str(tmp_path / "state"),
        "ISSTRACK_TLE_URL": CLOSED_URL,
        "XDG_CACHE_HOME": str(tmp_path / "xdg-cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "XDG_STATE_HOME": str(tmp_path / "xdg-state"),
        "NO_COLOR": "1",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    for key in ("COLUMNS", "LINES", "ISSTRACK_HTTP_TIMEOUT"):
        monkeypatch.delenv(key, raising=False)
    return env


@dataclass
class Result:
    """What a CLI run produced."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """Return stdout parsed as JSON."""
        return json.loads(self.out)


def isstrack_command() -> list[str]:
    """Return the installed console script next to this Python, else `python -m isstrack`."""
    script = shutil.which("isstrack", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "isstrack"]


@pytest.fixture
def cli(isolated_env: dict[str, str]) -> Any:
    """Return a function that runs the installed isstrack in a subprocess and returns a Result."""

    def run(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> Result:
        full_env = {**os.environ, **isolated_env, **(env or {})}
        proc = subprocess.run(
            [*isstrack_command(), *args],
            capture_output=True,
            text=True,
            env=full_env,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """Bind pytest-httpserver to 127.0.0.1 on a free port."""
    return ("127.0.0.1", 0)
