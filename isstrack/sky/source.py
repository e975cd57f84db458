"""Choose the station's source for a search: NASA's trajectory where it has states, else the elements.

`orbit_for` is the one place an `Orbit` learns its provider: with an OEM, the OEM's interpolated
states wherever it covers the time and SGP4 from the freshest elements beyond it (`BlendedProvider`);
without one, SGP4 as isstrack has always done. Everything downstream (the pass engine, now, map,
transits, many places) asks the orbit's provider and never which one it is.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from isstrack.elements.sources import ElementsInUse
from isstrack.elements.tle import ElementSet
from isstrack.elements.trust import REMEDY
from isstrack.elements.uncertainty import burns_between, elements_error_km, oem_error_km, time_uncertainty_s
from isstrack.errors import UntrustedElementsError
from isstrack.sky.orbit import Orbit
from isstrack.sky.passtypes import Pass

if TYPE_CHECKING:  # the OEM stack (numpy at import) loads only when a trajectory is in use
    from isstrack.elements.oem import Oem
    from isstrack.elements.oemevents import TrajectoryEvent
    from isstrack.sky.oemephemeris import OemEphemeris

_LAST: dict[int, tuple[Oem, OemEphemeris]] = {}


def ephemeris_of(oem: Oem) -> OemEphemeris:
    """Return the OEM made ready to interpolate (the last one is kept: a run builds it once)."""
    from isstrack.sky.oemephemeris import build_ephemeris

    kept = _LAST.get(id(oem))
    if kept is None or kept[0] is not oem:
        kept = (oem, build_ephemeris(oem))
        _LAST.clear()
        _LAST[id(oem)] = kept
    return kept[1]


def oem_source_name(oem: Oem) -> str:
    """Return how outputs name the trajectory: who made it and when."""
    return f"NASA OEM created {oem.creation:%Y-%m-%d %H:%M} UTC"


def orbit_for(elements: ElementSet, oem: Oem | None = None) -> Orbit:
    """Return the orbit a command searches: the OEM blended with the elements, or the elements alone."""
    plain = Orbit(elements)
    if oem is None:
        return plain
    from isstrack.sky.provider import BlendedProvider, OemProvider, SgpProvider, SourceInfo

    primary = OemProvider(ephemeris_of(oem), SourceInfo("oem", oem_source_name(oem), oem.creation))
    assert isinstance(plain.provider, SgpProvider)
    return Orbit(elements, BlendedProvider(primary, plain.provider))


def burns_of(oem: Oem) -> tuple[TrajectoryEvent, ...]:
    """Return the burns the OEM lists in its summary, or shows in its states."""
    return ephemeris_of(oem).burns


def first_burn_after(oem: Oem, epoch: datetime) -> TrajectoryEvent | None:
    """Return the first burn starting after `epoch` (elements from before it know nothing of it)."""
    later = [b for b in burns_of(oem) if b.time > epoch]
    return min(later, key=lambda b: b.time) if later else None


def choose_ephemeris(oem: Oem, elements: ElementSet, at: datetime) -> tuple[bool, str]:
    """Return whether to use the OEM for an answer at `at`, and the reason said to the user.

    A recent OEM inside its span wins; beyond its end, or when the elements are newer than the OEM
    and a burn it planned lies between them (the elements saw the burn; the OEM only planned it),
    the freshest elements answer.
    """
    if at >= oem.stop:
        return False, (
            f"the ephemeris ends {oem.stop:%Y-%m-%d %H:%M} UTC, before {at:%Y-%m-%d %H:%M} UTC: "
            f"using the elements (epoch {elements.epoch:%Y-%m-%d %H:%M} UTC)"
        )
    if elements.epoch > oem.creation:
        seen = [b for b in burns_of(oem) if oem.creation < b.time and (b.end or b.time) < elements.epoch]
        if seen:
            return False, (
                f"the elements (epoch {elements.epoch:%Y-%m-%d %H:%M} UTC) are newer than the burn of "
                f"{seen[-1].time:%Y-%m-%d %H:%M} UTC the ephemeris only planned: using the elements"
            )
    span = f"{oem.start:%Y-%m-%d %H:%M}-{oem.stop:%Y-%m-%d %H:%M} UTC"
    return True, f"using {oem_source_name(oem)} inside {span}"


def burn_distrust(oem: Oem | None, orbit: Orbit, epoch: datetime, when: datetime) -> TrajectoryEvent | None:
    """Return the burn that makes elements from `epoch` untrusted at `when`, if the OEM does not answer then.

    Elements from before a burn know nothing of it: whatever their age, they are untrusted after it.
    """
    if oem is None:
        return None
    burn = first_burn_after(oem, epoch)
    if burn is None or when <= (burn.end or burn.time):
        return None
    if orbit.provider.source.kind == "oem":
        import numpy as np
        from sgp4.api import jday

        jd, fr = jday(when.year, when.month, when.day, when.hour, when.minute, when.second)
        primary = getattr(orbit.provider, "primary", None)
        if primary is not None and bool(primary.covered(np.array([jd]), np.array([fr]))[0]):
            return None
    return burn


def require_burn_trusted(times: list[datetime], oem: Oem | None, orbit: Orbit, epoch: datetime) -> None:
    """Raise UntrustedElementsError when an answer at one of `times` rests on elements a burn made stale.

    Elements from before a burn the OEM lists (or shows) are untrusted for any time after it,
    whatever their age, wherever the OEM has no states of its own.
    """
    for when in times:
        burn = burn_distrust(oem, orbit, epoch, when)
        if burn is not None:
            raise UntrustedElementsError(
                f"the pass on {when:%Y-%m-%d at %H:%M} UTC comes after the burn of "
                f"{burn.time:%Y-%m-%d %H:%M} UTC, and the elements (epoch {epoch:%Y-%m-%d %H:%M} UTC) "
                "precede it: untrusted whatever their age; give a newer --ephemeris covering it, or "
                f"elements from after the burn: {REMEDY}"
            )


def time_uncertainty_at(elements: ElementSet, oem: Oem | None, oem_used: bool, moment: datetime) -> float:
    """Return the pass-time uncertainty (s) at `moment` from the source that answers then (docs/accuracy.md).

    The OEM where it has states: its lead-time growth and any planned burn not yet confirmed. The
    elements elsewhere: their age, plus every burn the OEM lists between their epoch and `moment`.
    """
    at_s = moment.timestamp()
    burns = burns_of(oem) if oem is not None else ()
    import numpy as np

    if oem is not None and oem_used and bool(ephemeris_of(oem).covered(np.array([at_s]))[0]):
        lead_days = (at_s - oem.creation.timestamp()) / 86400.0
        return time_uncertainty_s(
            oem_error_km(lead_days, burns_between(burns, oem.creation.timestamp(), at_s))
        )
    age_days = elements.age_days(moment)
    return time_uncertainty_s(
        elements_error_km(age_days, burns_between(burns, elements.epoch.timestamp(), at_s))
    )


def show_uncertainty(values: list[float], oem_used: bool) -> bool:
    """Return whether outputs show ±: always with the OEM, else only when some pass is over a second out.

    So the long-standing outputs from fresh elements keep their exact form.
    """
    return oem_used or any(v > 1.0 for v in values)


def uncertainties_s(used: ElementsInUse, items: list[Pass], *, always: bool = False) -> list[float] | None:
    """Return each pass's time uncertainty (s) at its rise, or None when the table leaves it out.

    JSON always carries it (`always`); the table shows it by `show_uncertainty`'s rule.
    """
    values = [
        time_uncertainty_at(used.elements, used.ephemeris, used.ephemeris_used, p.rise.time) for p in items
    ]
    return values if always or show_uncertainty(values, used.ephemeris_used) else None


def burn_status(burn: TrajectoryEvent, oem: Oem, elements_epoch: datetime, now: datetime) -> str:
    """Return "planned", "planned, not confirmed" (its time has passed) or "confirmed".

    A burn the OEM lists after its creation is a plan; elements from after it confirm it (they saw
    the orbit it left); a burn before the OEM's creation is in its past, so NASA's fit has seen it.
    """
    end = burn.end or burn.time
    if end <= oem.creation or elements_epoch > end:
        return "confirmed"
    return "planned, not confirmed" if now > end else "planned"


def orbit_of(used: ElementsInUse) -> Orbit:
    """Return the orbit for the elements in use: with NASA's trajectory when it was chosen."""
    return orbit_for(used.elements, used.ephemeris if used.ephemeris_used else None)
