"""Where the observer stands: coordinates, a city, or the saved home location, with its time zone."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from isstrack.errors import ConfigError, LocationError, TimeInputError
from isstrack.io.atomic import link_target, sweep_stale_temps, write_atomic
from isstrack.io.decode import load_toml
from isstrack.place.timezones import zone, zone_name_at
from isstrack.sky.earth import format_latitude, format_longitude
from isstrack.sky.orbit import Observer

CONFIG_FILE = "config.toml"
MIN_ELEVATION_M = -500.0
MAX_ELEVATION_M = 9000.0

LocationSource = Literal["coordinates", "city", "saved"]


@dataclass(frozen=True)
class Location:
    """An observer's place with a name for people and an IANA time zone (None: unknown)."""

    name: str
    latitude_deg: float
    longitude_deg: float
    elevation_m: float
    time_zone: str | None
    source: LocationSource
    note: str | None = None  # how a --city name was resolved, when it had to choose

    @property
    def observer(self) -> Observer:
        """Return the place as an Observer for orbit calculations."""
        return Observer(self.latitude_deg, self.longitude_deg, self.elevation_m)


def check_coordinates(latitude_deg: float, longitude_deg: float, elevation_m: float) -> None:
    """Raise LocationError unless the coordinates are finite and in range."""
    if not math.isfinite(latitude_deg) or not -90 <= latitude_deg <= 90:
        raise LocationError(f"--lat {latitude_deg} is outside [-90, 90]; give degrees north (south negative)")
    if not math.isfinite(longitude_deg) or not -180 <= longitude_deg <= 180:
        raise LocationError(
            f"--lon {longitude_deg} is outside [-180, 180]; give degrees east (west negative)"
        )
    if not math.isfinite(elevation_m) or not MIN_ELEVATION_M <= elevation_m <= MAX_ELEVATION_M:
        raise LocationError(
            f"--elevation {elevation_m} m is outside [{MIN_ELEVATION_M:.0f}, {MAX_ELEVATION_M:.0f}]; "
            "give metres above sea level"
        )


def from_coordinates(
    latitude_deg: float, longitude_deg: float, elevation_m: float = 0.0, time_zone: str | None = None
) -> Location:
    """Return a Location for coordinates, finding the time zone offline unless given."""
    check_coordinates(latitude_deg, longitude_deg, elevation_m)
    if time_zone is None:
        time_zone = zone_name_at(latitude_deg, longitude_deg)
    name = f"{format_latitude(latitude_deg)}, {format_longitude(longitude_deg)}"
    return Location(name, latitude_deg, longitude_deg, elevation_m, time_zone, "coordinates")


def from_city(query: str, elevation_m: float | None = None) -> Location:
    """Return a Location for a city name resolved in the offline gazetteer."""
    from isstrack.place.gazetteer import choose_city

    choice = choose_city(query)
    city = choice.city
    elevation = 0.0 if elevation_m is None else elevation_m
    check_coordinates(city.latitude_deg, city.longitude_deg, elevation)
    note = None
    if choice.others:
        runner_up = choice.others[0]
        more = f", {len(choice.others) - 1} more" if len(choice.others) > 1 else ""
        # One short line (80 columns for most names): the place taken, and how to ask for the next.
        note = f"took {city.label}, the largest; also --city '{runner_up.label}'{more}"
    return Location(
        city.label, city.latitude_deg, city.longitude_deg, elevation, city.time_zone or None, "city", note
    )


def resolve(
    latitude_deg: float | None,
    longitude_deg: float | None,
    elevation_m: float | None,
    city: str | None,
    config_dir: Callable[[], Path],
) -> Location | None:
    """Return the place the options name, else the saved home location (from `config_dir()`), else None."""
    if city is not None and (latitude_deg is not None or longitude_deg is not None):
        raise LocationError("give either --city or --lat/--lon, not both")
    if city is not None:
        return from_city(city, elevation_m)
    if (latitude_deg is None) != (longitude_deg is None):
        missing = "--lon" if longitude_deg is None else "--lat"
        raise LocationError(f"{missing} is missing: give both --lat and --lon (or --city)")
    if latitude_deg is not None and longitude_deg is not None:
        return from_coordinates(latitude_deg, longitude_deg, elevation_m or 0.0)
    if elevation_m is not None:
        raise LocationError("--elevation needs --lat and --lon (or --city)")
    return load_saved(config_dir())


MAX_CONFIG_BYTES = 64 * 1024
MAX_NAME_CHARS = 200


def load_saved(config_dir: Path) -> Location | None:
    """Return the saved home location, or None when none is saved."""
    path = config_dir / CONFIG_FILE
    raw = _read_config(path)
    if raw is None:
        return None
    fix = "run 'isstrack location set ...' to replace it, or 'isstrack location clear'"
    try:
        data = load_toml(raw, MAX_CONFIG_BYTES)
    except ValueError as exc:
        raise ConfigError(f"{path} is damaged ({_short(str(exc))}); {fix}") from None
    home = data.get("home")
    if home is None and any(isinstance(data.get(name), dict) for name in ("defaults", "smtp")):
        return None  # a file with only [defaults] or [smtp]: no place saved
    if not isinstance(home, dict):
        raise ConfigError(f"{path} has no [home] table; {fix}")
    try:
        name = home.get("name")
        if name is None:
            raise ValueError("name is missing")
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_CHARS:
            raise ValueError(f"name must be text of 1-{MAX_NAME_CHARS} characters")
        latitude_deg = _number(home, "latitude_deg", -90, 90)
        longitude_deg = _number(home, "longitude_deg", -180, 180)
        elevation_m = _number(home, "elevation_m", MIN_ELEVATION_M, MAX_ELEVATION_M, default=0.0)
        time_zone = home.get("time_zone")
        if time_zone is not None:
            if not isinstance(time_zone, str):
                raise ValueError("time_zone must be text, an IANA name like Europe/Amsterdam")

            try:
                zone(time_zone, option="time_zone")
            except TimeInputError as exc:
                raise ValueError(str(exc)) from None
    except ValueError as exc:
        raise ConfigError(f"{path}: {exc}; {fix}") from None
    return Location(name, latitude_deg, longitude_deg, elevation_m, time_zone or None, "saved")


@dataclass(frozen=True)
class Defaults:
    """What config.toml's [defaults] table sets: never touch the network, warn about the elements' age."""

    offline: bool = False
    warn_age: bool = True


DEFAULT_KEYS = ("offline", "warn_age")


def load_defaults(config_dir: Path) -> Defaults:
    """Return the [defaults] of config.toml; ConfigError naming the key and file for a bad one.

    A file that is missing, unreadable or not TOML gives the built-in defaults here: the saved place
    reports that damage where a place is needed.
    """
    path = config_dir / CONFIG_FILE
    try:
        raw = _read_config(path)
        data = load_toml(raw, MAX_CONFIG_BYTES) if raw is not None else {}
    except (ConfigError, ValueError):
        return Defaults()
    table = data.get("defaults")
    if table is None:
        return Defaults()
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: defaults must be a table, like '[defaults]' then 'offline = true'")
    for key, value in table.items():
        if key not in DEFAULT_KEYS:
            raise ConfigError(
                f"{path}: [defaults] has no key {_short(key, 40)!r}; the keys are offline and warn_age"
            )
        if not isinstance(value, bool):
            raise ConfigError(
                f"{path}: [defaults] {key} = {_short(repr(value), 40)} is not true or false; "
                f"write {key} = true or {key} = false"
            )
    return Defaults(**table)


def config_table(config_dir: Path, name: str) -> tuple[Path, dict[str, Any] | None]:
    """Return config.toml's path and its table `name` (None if absent); ConfigError if it is unusable."""
    path = config_dir / CONFIG_FILE
    raw = _read_config(path)
    if raw is None:
        return path, None
    try:
        data = load_toml(raw, MAX_CONFIG_BYTES)
    except ValueError as exc:
        raise ConfigError(f"{path}: {_short(str(exc))}; fix the file") from None
    table = data.get(name)
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: {name} must be a table, like '[{name}]' on a line of its own")
    return path, table


def _other_tables(path: Path) -> dict[str, Any]:
    """Return what config.toml holds besides [home] ([defaults], say), to keep it; {} if unreadable."""
    try:
        raw = _read_config(path)
        data = load_toml(raw, MAX_CONFIG_BYTES) if raw is not None else {}
    except (ConfigError, ValueError):
        return {}
    return {key: value for key, value in data.items() if key != "home"}


def _number(table: dict[str, Any], key: str, low: float, high: float, default: float | None = None) -> float:
    """Return a finite number in [low, high] from the config table (booleans are not numbers)."""
    value = table.get(key, default)
    if value is None:
        raise ValueError(f"{key} is missing")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{key} = {_short(repr(value))} is not a number")
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        raise ValueError(f"{key} = {number:g} is outside [{low:g}, {high:g}]")
    return number


def _short(text: str, limit: int = 120) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "..."


def _read_config(path: Path) -> bytes | None:
    """Return the config file's bytes (bounded), None when missing; refuse what is not a regular file."""
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise ConfigError(_directory_message(path)) from None
    except OSError as exc:
        raise ConfigError(
            f"cannot read {path} ({exc.strerror}); fix it, or run 'isstrack location clear'"
        ) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise ConfigError(_directory_message(path))
        if not stat.S_ISREG(mode):
            raise ConfigError(
                f"{path} is not a regular file; remove it (isstrack location clear) and save the place again"
            )
        with os.fdopen(fd, "rb", closefd=False) as stream:
            raw = stream.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(
            f"cannot read {path} ({exc.strerror}); fix it, or run 'isstrack location clear'"
        ) from None
    finally:
        os.close(fd)
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(
            f"{path} is over {MAX_CONFIG_BYTES // 1024} KiB, too big for a saved place; "
            "run 'isstrack location clear'"
        )
    return raw


def _directory_message(path: Path) -> str:
    return (
        f"{path} is a directory, not a config file; run 'isstrack location clear' if it is empty, "
        f"or move it away (mv '{path}' '{path}.old')"
    )


def save(location: Location, config_dir: Path) -> Path:
    """Write the home location as TOML, atomically; return the file's path."""
    import tomli_w

    home: dict[str, Any] = {
        "name": location.name,
        "latitude_deg": location.latitude_deg,
        "longitude_deg": location.longitude_deg,
        "elevation_m": location.elevation_m,
    }
    if location.time_zone:
        home["time_zone"] = location.time_zone
    path = config_dir / CONFIG_FILE
    kept = _other_tables(path)  # [defaults] and anything else the user wrote stay
    text = "# isstrack home location, written by 'isstrack location set'\n" + tomli_w.dumps(
        {"home": home, **kept}
    )
    target = link_target(path)  # a link (to a dotfiles repository, say) stays; its file is replaced
    try:
        config_dir.mkdir(parents=True, exist_ok=True)
        mode = _regular_mode(target)
        write_atomic(target, text.encode("utf-8"), mode=mode)
    except OSError as exc:
        if path.is_dir():
            raise ConfigError(_directory_message(path)) from None
        shown = path if target == path else f"{target} (where {path} leads)"
        raise ConfigError(
            f"cannot write {shown} ({exc.strerror}); set ISSTRACK_CONFIG_DIR to a writable directory"
        ) from None
    sweep_stale_temps(target.parent, target.name)
    return path


def _readable_home(path: Path) -> bool:
    try:
        raw = _read_config(path)
        return raw is not None and isinstance(load_toml(raw, MAX_CONFIG_BYTES).get("home"), dict)
    except (ConfigError, ValueError):
        return False


def _regular_mode(path: Path) -> int | None:
    """Return the permissions of the regular file at `path`, to keep them; None if there is none."""
    import stat

    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return stat.S_IMODE(found.st_mode) if stat.S_ISREG(found.st_mode) else None


def clear(config_dir: Path) -> bool:
    """Remove the saved home location (a file, link or empty directory); return whether there was one.

    A file that also holds [defaults] keeps them: only its [home] table goes.
    """
    path = config_dir / CONFIG_FILE
    kept = _other_tables(path)
    if kept:
        import tomli_w

        had_home = _readable_home(path)
        target = link_target(path)
        try:
            write_atomic(target, tomli_w.dumps(kept).encode("utf-8"), mode=_regular_mode(target))
        except OSError as exc:
            raise ConfigError(f"cannot write {path} ({exc.strerror}); remove its [home] table") from None
        return had_home
    try:
        if path.is_dir() and not path.is_symlink():
            path.rmdir()
        else:
            path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        if path.is_dir() and not path.is_symlink():
            raise ConfigError(
                f"{path} is a directory with files in it; isstrack will not delete them: "
                f"move it away (mv '{path}' '{path}.old')"
            ) from None
        raise ConfigError(f"cannot remove {path} ({exc.strerror}); remove it yourself") from None
    return True
