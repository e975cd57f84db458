"""The compiled many-place loops (isstrack.sky.kernel) against the numpy engine they replace there.

The numpy engine is the single-place search and the reference: on 2,000 places spread over the Earth
for 10 days, every pass must be found by both, with every time within 1 ms, the same kind, shadow
ends, look angles within 1e-6 degree and magnitudes within 0.01; and the rounded columns written to
Parquet must be equal.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

from isstrack.elements.tle import parse_elements
from isstrack.sky.engine import (
    COMPILED_MIN_PLACES,
    pass_arrays,
    pass_columns_many,
    use_compiled,
    window_track,
)
from isstrack.sky.orbit import Observer
from isstrack.sky.skyview import Sky
from isstrack.sky.source import orbit_for

pytest.importorskip("numba")

ROOT = Path(__file__).resolve().parents[1]
START = datetime(2026, 9, 24, 6, tzinfo=timezone.utc)
END = START + timedelta(days=10)


@pytest.fixture(scope="module")
def places() -> list[Observer]:
    """Return 2,000 places uniform over the sphere, at heights from 0 to 3 km."""
    rng = np.random.default_rng(21)
    count = 2000
    latitude = np.degrees(np.arcsin(rng.uniform(-1, 1, count)))
    longitude = rng.uniform(-180, 180, count)
    height = rng.uniform(0, 3000, count)
    return [
        Observer(a, o, h)
        for a, o, h in zip(latitude.tolist(), longitude.tolist(), height.tolist(), strict=True)
    ]


@pytest.fixture(scope="module")
def orbit():  # type: ignore[no-untyped-def]
    """Return the bundled ISS elements' orbit."""
    return orbit_for(parse_elements((ROOT / "data" / "iss.tle").read_text()))


@pytest.mark.parametrize("visible_only", [False, True])
def test_kernel_finds_the_numpy_engines_passes(orbit, places, visible_only) -> None:  # type: ignore[no-untyped-def]
    sky = Sky(window_track(orbit, START, END), places)
    fast, _ = pass_arrays(sky, START, END, 10.0, -1.8, visible_only, compiled=True)
    reference, _ = pass_arrays(sky, START, END, 10.0, -1.8, visible_only, compiled=False)
    assert len(reference.who) > (2000 if visible_only else 20000)  # a real sample, not an empty one
    np.testing.assert_array_equal(fast.who, reference.who)
    for name in ("rise_s", "culmination_s", "set_s"):
        np.testing.assert_allclose(getattr(fast, name), getattr(reference, name), rtol=0, atol=1e-3)
    for name in ("start_s", "end_s"):
        np.testing.assert_allclose(getattr(fast.seen, name), getattr(reference.seen, name), rtol=0, atol=1e-3)
    np.testing.assert_array_equal(fast.seen.kind, reference.seen.kind)
    np.testing.assert_array_equal(fast.seen.emerges, reference.seen.emerges)
    np.testing.assert_array_equal(fast.seen.fades, reference.seen.fades)
    np.testing.assert_allclose(fast.seen.magnitude, reference.seen.magnitude, rtol=0, atol=0.01)
    assert np.isnan(fast.seen.magnitude).sum() == np.isnan(reference.seen.magnitude).sum()
    for name in (
        "corner_elevation_deg",
        "visible_elevation_deg",
        "corner_azimuth_deg",
        "visible_azimuth_deg",
    ):
        np.testing.assert_allclose(getattr(fast, name), getattr(reference, name), rtol=0, atol=1e-6)


def test_kernel_columns_equal_the_numpy_columns(orbit, places) -> None:  # type: ignore[no-untyped-def]
    fast = pass_columns_many(orbit, places, START, END, 10.0, -1.8, visible_only=True, compiled=True)
    reference = pass_columns_many(orbit, places, START, END, 10.0, -1.8, visible_only=True, compiled=False)
    assert fast.keys() == reference.keys()
    for name, values in reference.items():
        np.testing.assert_array_equal(fast[name], values, err_msg=name)


def test_small_searches_keep_to_numpy() -> None:
    assert not use_compiled(1, None)
    assert not use_compiled(COMPILED_MIN_PLACES - 1, None)
    assert use_compiled(COMPILED_MIN_PLACES, None)
    assert not use_compiled(10**6, False)
    assert use_compiled(1, True)


def test_compiled_code_is_cached_in_isstracks_cache_dir(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["ISSTRACK_CACHE_DIR"] = str(tmp_path / "cache")
    code = "import os, isstrack.sky.kernel; print(os.environ['NUMBA_CACHE_DIR'])"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(tmp_path / "cache" / "numba")
    env["NUMBA_CACHE_DIR"] = str(tmp_path / "mine")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == str(tmp_path / "mine")  # one the user sets is kept
