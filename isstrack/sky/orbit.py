"""Where the station is at a moment: the point below, speed, footprint, sunlight, look angles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from isstrack.elements.tle import ElementSet
from isstrack.sky.earth import footprint_diameter_km
from isstrack.sky.ephemeris import bodies, check_in_range, sunlight_ephemeris, timescale

if TYPE_CHECKING:  # the library's types (StationState, Observer) load no numpy
    from isstrack.sky.provider import StateProvider

DARK_SKY_SUN_ALTITUDE_DEG = -6.0
DEFAULT_MIN_ELEVATION_DEG = 10.0


@dataclass(frozen=True)
class Observer:
    """A place on the WGS84 ellipsoid."""

    latitude_deg: float
    longitude_deg: float
    elevation_m: float = 0.0


@dataclass(frozen=True)
class LookAngles:
    """The station as seen from an observer at one moment."""

    azimuth_deg: float
    elevation_deg: float
    range_km: float
    sun_altitude_deg: float
    above_horizon: bool
    visible: bool


@dataclass(frozen=True)
class StationState:
    """The station at one moment, from the whole Earth's point of view."""

    time: datetime
    latitude_deg: float
    longitude_deg: float
    altitude_km: float
    speed_km_s: float
    ground_speed_km_s: float
    footprint_diameter_km: float
    sunlit: bool
    revolution: int


def is_visible(sunlit: bool, sun_altitude_deg: float, elevation_deg: float, min_elevation_deg: float) -> bool:
    """Return whether the eye can see the station: sunlit, sky dark, high enough."""
    return sunlit and sun_altitude_deg <= DARK_SKY_SUN_ALTITUDE_DEG and elevation_deg >= min_elevation_deg


class Orbit:
    """The station's motion from one source: an element set through SGP4, or a provider such as the OEM.

    `elements` always names an element set: it numbers the revolutions (a count the OEM does not
    carry) and, with the default provider, is the source itself. `satellite` is the provider's
    Skyfield vector function, so look angles and sunlight never ask which source it is.
    """

    def __init__(self, elements: ElementSet, provider: StateProvider | None = None) -> None:
        self.elements = elements
        self.ts = timescale()
        if provider is None:
            from skyfield.sgp4lib import EarthSatellite

            from isstrack.sky.provider import SgpProvider, SourceInfo

            satellite = EarthSatellite(elements.line1, elements.line2, elements.name, self.ts)
            provider = SgpProvider(satellite, SourceInfo("tle", elements.name, elements.epoch))
        self.provider: StateProvider = provider
        self.satellite = provider.skyfield_body()

    def time(self, moment: datetime) -> Any:
        """Return a Skyfield Time for a timezone-aware datetime."""
        check_in_range(moment)
        return self.ts.from_datetime(moment)

    def state(self, moment: datetime) -> StationState:
        """Return the station's state at `moment`."""
        from skyfield.framelib import itrs
        from skyfield.toposlib import wgs84

        t = self.time(moment)
        geocentric = self.satellite.at(t)
        point = wgs84.geographic_position_of(geocentric)
        altitude_km = float(point.elevation.km)
        _, ground_velocity = geocentric.frame_xyz_and_velocity(itrs)
        return StationState(
            time=moment.astimezone(timezone.utc),
            latitude_deg=float(point.latitude.degrees),
            longitude_deg=float(point.longitude.degrees),
            altitude_km=altitude_km,
            speed_km_s=float(geocentric.speed().km_per_s),
            ground_speed_km_s=float(ground_velocity.km_per_s.dot(ground_velocity.km_per_s) ** 0.5),
            footprint_diameter_km=footprint_diameter_km(altitude_km),
            sunlit=bool(geocentric.is_sunlit(sunlight_ephemeris())),
            revolution=self.revolution(moment),
        )

    def look(self, moment: datetime, observer: Observer, min_elevation_deg: float) -> LookAngles:
        """Return azimuth, elevation, range and visibility of the station from `observer`."""
        from skyfield.toposlib import wgs84

        earth, sun = bodies()
        t = self.time(moment)
        place = wgs84.latlon(observer.latitude_deg, observer.longitude_deg, observer.elevation_m)
        elevation, azimuth, distance = (self.satellite - place).at(t).altaz()
        sun_altitude = (sun - (earth + place)).at(t).altaz()[0].degrees
        sunlit = bool(self.satellite.at(t).is_sunlit(sunlight_ephemeris()))
        elevation_deg = float(elevation.degrees)
        return LookAngles(
            azimuth_deg=float(azimuth.degrees),
            elevation_deg=elevation_deg,
            range_km=float(distance.km),
            sun_altitude_deg=float(sun_altitude),
            above_horizon=elevation_deg > 0,
            visible=is_visible(sunlit, float(sun_altitude), elevation_deg, min_elevation_deg),
        )

    def revolution(self, moment: datetime) -> int:
        """Return the revolution number at `moment`, counted at ascending-node crossings."""
        return int(revolution_number(self.elements, self.elements.age_days(moment)))


def revolution_number(elements: ElementSet, age_days: Any) -> Any:
    """Return the revolution number(s) `age_days` after the epoch, counted at ascending-node crossings.

    The epoch's count (line 2) plus the mean motion's whole turns, counted from the node: the
    argument of latitude at the epoch (argument of perigee plus mean anomaly) says how far past it
    the epoch lies. Takes a float or a numpy array of ages; returns int64 of the same shape.
    """
    import numpy as np

    line2 = elements.line2
    argument_of_latitude_deg = float(line2[34:42]) + float(line2[43:51])
    revs = elements.mean_motion_rev_per_day * age_days
    return elements.revolution_number_at_epoch + np.floor(argument_of_latitude_deg / 360.0 + revs).astype(
        np.int64
    )
