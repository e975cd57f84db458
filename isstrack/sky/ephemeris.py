"""The Sun, the Moon and Earth from the bundled DE421 excerpt, and Skyfield's built-in timescale."""

from __future__ import annotations

import atexit
from datetime import datetime, timezone
from functools import cache
from typing import Any

from isstrack.errors import TimeInputError
from isstrack.io.paths import data_file

EPHEMERIS_FILE = "sun-moon-earth-2000-2050.bsp"
FIRST = datetime(2000, 1, 2, tzinfo=timezone.utc)
LAST = datetime(2049, 12, 30, tzinfo=timezone.utc)


@cache
def timescale() -> Any:
    """Return Skyfield's timescale from its built-in tables (never downloads)."""
    import numpy as np
    from skyfield.functions import load_bundled_npy
    from skyfield.timelib import Timescale

    # What skyfield.api's load.timescale(builtin=True) does, without importing skyfield.api (whose
    # iokit pulls in urllib, http.client and ssl: a tenth of the start-up of every command).
    arrays = load_bundled_npy("iers.npz")
    daily_tt = arrays["tt_jd_minus_arange"]
    daily_tt += np.arange(len(daily_tt))
    daily_delta_t = (arrays["delta_t_1e7"] / 1e7).round(7)
    return Timescale((daily_tt, daily_delta_t), arrays["leap_dates"], arrays["leap_offsets"])


def fast_nutation(t: Any) -> Any:
    """Return Skyfield Time `t` set to use IAU 2000B nutation: 1 mas from 2000A, and much faster.

    Skyfield's almanac does the same; the milliarcsecond is far below anything isstrack shows.
    """
    from skyfield.nutationlib import iau2000b_radians

    t._nutation_angles_radians = iau2000b_radians(t)
    return t


@cache
def _kernel() -> Any:
    from skyfield.jpllib import SpiceKernel

    kernel = SpiceKernel(str(data_file(EPHEMERIS_FILE)))
    atexit.register(kernel.close)
    return kernel


@cache
def bodies() -> tuple[Any, Any]:
    """Return (earth, sun) from the bundled excerpt of JPL DE421."""
    kernel = _kernel()
    return kernel["earth"], kernel["sun"]


@cache
def moon() -> Any:
    """Return the Moon from the bundled excerpt of JPL DE421."""
    return _kernel()["moon"]


def sunlight_ephemeris() -> dict[str, Any]:
    """Return the mapping Skyfield's is_sunlit() reads ('earth' and 'sun')."""
    earth, sun = bodies()
    return {"earth": earth, "sun": sun}


def check_in_range(*moments: datetime) -> None:
    """Raise TimeInputError unless every moment lies inside the bundled ephemeris (2000-2049)."""
    for moment in moments:
        if not FIRST <= moment <= LAST:
            raise TimeInputError(
                f"{moment:%Y-%m-%d} is outside the years isstrack covers "
                "(2000-01-02 to 2049-12-30); pick a time inside them"
            )
