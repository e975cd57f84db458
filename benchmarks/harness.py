"""Time two whole commands, alternating, in one run; report the median ratio of wall times."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_TLE = ROOT / "data" / "iss.tle"


def isstrack_command() -> list[str]:
    """Return the installed isstrack script next to this Python, else `python -m isstrack`."""
    script = shutil.which("isstrack", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "isstrack"]


def quiet_env() -> dict[str, str]:
    """Return an environment with private cache/config dirs and no reachable element server."""
    tmp = tempfile.mkdtemp(prefix="isstrack-bench-")
    return {
        **os.environ,
        "ISSTRACK_CACHE_DIR": f"{tmp}/cache",
        "ISSTRACK_CONFIG_DIR": f"{tmp}/config",
        "ISSTRACK_TLE_URL": "http://127.0.0.1:9/gp.php?CATNR={catnr}",
        "NO_COLOR": "1",
    }


def wall_time(cmd: Sequence[str], env: dict[str, str]) -> float:
    """Run a command to completion and return its wall time in seconds (it must succeed)."""
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def compare(name: str, ours: Sequence[str], floor: Sequence[str], runs: int, target: float) -> float:
    """Alternate the two commands `runs` times after a warm-up; print and return the median ratio."""
    env = quiet_env()
    for cmd in (ours, floor):
        wall_time(cmd, env)  # warm the OS file cache and .pyc files
    ratios, ours_s, floor_s = [], [], []
    for _ in range(runs):
        a = wall_time(ours, env)
        b = wall_time(floor, env)
        ours_s.append(a)
        floor_s.append(b)
        ratios.append(a / b)
    median = statistics.median(ratios)
    print(
        f"{name}: isstrack median {statistics.median(ours_s) * 1000:.0f} ms, "
        f"floor median {statistics.median(floor_s) * 1000:.0f} ms, "
        f"median ratio {median:.2f} over {runs} alternating pairs (target <= {target})"
    )
    return median
