"""Where the station is, whatever the source: one position-and-velocity provider for arrays of times.

Two implementations: `SgpProvider` (a TLE or OMM through SGP4, as isstrack has always done) and
`OemProvider` (NASA's trajectory, interpolated). Both answer for UTC Julian dates split in two
(`jd`, `fr`), as `sgp4.api.Satrec.sgp4_array` takes them, in TEME (what the pass engine's track
rotates to the Earth-fixed frame) or in the GCRS; and both give a Skyfield vector function, so that
look angles, sunlight and `(body - place).at(t)` work unchanged. An OEM answers only inside its arcs:
elsewhere its states are NaN and its error code is 6 (SGP4's "decayed"), which callers treat as no
data for that time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np

from isstrack.sky.frames import gcrs_to_teme, rotate, rotate_back

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from isstrack.sky.oemephemeris import (
        OemEphemeris,  # numpy.typing costs about 30 ms to import: annotations only
    )

    Array = NDArray[Any]


DAY_S = 86400.0
UNIX_EPOCH_JD = 2440587.5
AU_KM = 149597870.700
NOT_COVERED = 6
SourceKind = Literal["tle", "omm", "oem"]


@dataclass(frozen=True)
class SourceInfo:
    """What the positions come from, for every output to state."""

    kind: SourceKind
    name: str  # e.g. "TLE epoch 2026-09-24 03:24 UTC" or "NASA OEM created 2026-09-21"
    epoch: datetime  # the elements' epoch, or the ephemeris's creation


class StateProvider(Protocol):
    """A source of the station's position and velocity at arrays of UTC times."""

    @property
    def source(self) -> SourceInfo:
        """Return what the states come from."""

    def covered(self, jd: Array, fr: Array) -> Array:
        """Return whether each time has a state."""

    def teme_states(self, jd: Array, fr: Array) -> tuple[Array, Array, Array]:
        """Return (error codes, TEME positions km (n, 3), velocities km/s (n, 3)) like sgp4_array."""

    def gcrs_states(self, jd: Array, fr: Array) -> tuple[Array, Array, Array]:
        """Return (covered, GCRS positions km (n, 3), velocities km/s (n, 3))."""

    def skyfield_body(self) -> Any:
        """Return a Skyfield vector function (centre: the Earth) for `.at(t)` and look angles."""


def posix_seconds(jd: Array, fr: Array) -> Array:
    """Return POSIX seconds for UTC Julian dates split in a whole and a fraction."""
    return np.asarray(
        (np.asarray(jd, dtype=float) - UNIX_EPOCH_JD) * DAY_S + np.asarray(fr, dtype=float) * DAY_S
    )


def _rotation_origin(t_s: Array) -> tuple[datetime, Array]:
    """Return a whole-hour origin near the times, and the times as seconds after it."""
    first = float(np.nanmin(t_s)) if len(t_s) else 0.0
    origin_s = np.floor(first / 3600.0) * 3600.0
    return datetime.fromtimestamp(origin_s, timezone.utc), t_s - origin_s


class SgpProvider:
    """Positions from one element set through SGP4."""

    def __init__(self, satellite: Any, source: SourceInfo) -> None:
        self.satellite = satellite  # a skyfield EarthSatellite
        self._source = source

    @property
    def source(self) -> SourceInfo:
        """Return what the states come from."""
        return self._source

    def covered(self, jd: Array, fr: Array) -> Array:
        """Return whether each time has a state (SGP4 answers at any time it does not fail)."""
        error, _, _ = self.teme_states(jd, fr)
        return np.asarray(error == 0)

    def teme_states(self, jd: Array, fr: Array) -> tuple[Array, Array, Array]:
        """Return (error codes, TEME positions km, velocities km/s) from SGP4."""
        error, r, v = self.satellite.model.sgp4_array(
            np.asarray(jd, dtype=float), np.asarray(fr, dtype=float)
        )
        return np.asarray(error), np.asarray(r), np.asarray(v)

    def gcrs_states(self, jd: Array, fr: Array) -> tuple[Array, Array, Array]:
        """Return (covered, GCRS positions km, velocities km/s), TEME turned as Skyfield turns it."""
        error, r, v = self.teme_states(jd, fr)
        origin, t_s = _rotation_origin(posix_seconds(jd, fr))
        matrices = gcrs_to_teme(origin, t_s)
        return error == 0, rotate_back(matrices, r), rotate_back(matrices, v)

    def skyfield_body(self) -> Any:
        """Return the EarthSatellite itself."""
        return self.satellite


class OemProvider:
    """Positions interpolated from an OEM (EME2000 turned into the GCRS; see isstrack.sky.frames)."""

    def __init__(self, ephemeris: OemEphemeris, source: SourceInfo) -> None:
        self.ephemeris = ephemeris
        self._source = source

    @property
    def source(self) -> SourceInfo:
        """Return what the states come from."""
        return self._source

    def covered(self, jd: Array, fr: Array) -> Array:
        """Return whether each time lies inside an arc of the ephemeris."""
        return self.ephemeris.covered(posix_seconds(jd, fr))

    def gcrs_states(self, jd: Array, fr: Array) -> tuple[Array, Array, Array]:
        """Return (covered, GCRS positions km, velocities km/s) by Hermite interpolation."""
        r, v, ok = self.ephemeris.states_gcrs(posix_seconds(jd, fr))
        return ok, r, v

    def teme_states(self, jd: Array, fr: Array) -> tuple[Array, Array, Array]:
        """Return (error codes, TEME positions km, velocities km/s): 0 where covered, 6 where not."""
        t_s = posix_seconds(jd, fr)
        r, v, ok = self.ephemeris.states_gcrs(t_s)
        origin, offsets = _rotation_origin(t_s)
        matrices = gcrs_to_teme(origin, offsets)
        error = np.where(ok, 0, NOT_COVERED)
        return error, rotate(matrices, r), rotate(matrices, v)

    def skyfield_body(self) -> Any:
        """Return a Skyfield vector function giving the interpolated GCRS states."""
        return _oem_body(self)


class BlendedProvider:
    """NASA's trajectory wherever it has states, and SGP4 from the freshest elements elsewhere.

    Beyond the trajectory's end (or in a hole between its runs) the elements answer: a careful
    analyst's choice, since no other source exists there. Its source is the OEM's.
    """

    def __init__(self, primary: OemProvider, fallback: SgpProvider) -> None:
        self.primary = primary
        self.fallback = fallback

    @property
    def source(self) -> SourceInfo:
        """Return what the states come from (the OEM's name)."""
        return self.primary.source

    def covered(self, jd: Array, fr: Array) -> Array:
        """Return whether each time has a state from either source."""
        return np.asarray(self.primary.covered(jd, fr) | self.fallback.covered(jd, fr))

    def _blend(self, states: tuple[Array, Array, Array], ok: Array, jd: Array, fr: Array, teme: bool) -> Any:
        if bool(np.all(ok)):
            return states
        missing = np.flatnonzero(~ok)
        take = self.fallback.teme_states if teme else self.fallback.gcrs_states
        extra = take(np.asarray(jd, dtype=float)[missing], np.asarray(fr, dtype=float)[missing])
        code, r, v = (np.array(x) for x in states)
        code[missing], r[missing], v[missing] = extra
        return code, r, v

    def teme_states(self, jd: Array, fr: Array) -> tuple[Array, Array, Array]:
        """Return (error codes, TEME positions km, velocities km/s), the OEM's where it has them."""
        states = self.primary.teme_states(jd, fr)
        result: tuple[Array, Array, Array] = self._blend(states, states[0] == 0, jd, fr, teme=True)
        return result

    def gcrs_states(self, jd: Array, fr: Array) -> tuple[Array, Array, Array]:
        """Return (covered, GCRS positions km, velocities km/s), the OEM's where it has them."""
        states = self.primary.gcrs_states(jd, fr)
        result: tuple[Array, Array, Array] = self._blend(states, np.asarray(states[0]), jd, fr, teme=False)
        return result

    def skyfield_body(self) -> Any:
        """Return a Skyfield vector function giving the blended GCRS states."""
        return _oem_body(self)


def _oem_body(provider: OemProvider | BlendedProvider) -> Any:
    from skyfield.vectorlib import VectorFunction

    class OemBody(VectorFunction):  # type: ignore[misc]
        """The station from an OEM, for Skyfield: centre the Earth (399), GCRS states."""

        center = 399
        target = -125544  # no NAIF code is the station's; a negative one stands for a spacecraft
        target_name = "ISS (OEM)"

        def _at(self, t: Any) -> tuple[Any, Any, None, None]:
            jd = np.atleast_1d(t.whole)
            fr = np.atleast_1d(t.tai_fraction - t._leap_seconds() / DAY_S)
            jd, fr = np.broadcast_arrays(jd, fr)
            _, r, v = provider.gcrs_states(jd.ravel(), fr.ravel())
            position = r.T / AU_KM
            velocity = v.T / AU_KM * DAY_S
            if np.ndim(t.whole) == 0 and np.ndim(t.tai_fraction) == 0:
                return position[:, 0], velocity[:, 0], None, None
            return position, velocity, None, None

    return OemBody()
