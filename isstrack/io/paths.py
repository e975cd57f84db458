"""Where isstrack keeps its cache and configuration (platformdirs, overridable by environment)."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "isstrack"


def cache_dir() -> Path:
    """Return the cache directory: $ISSTRACK_CACHE_DIR, else the platform's user cache dir."""
    override = os.environ.get("ISSTRACK_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    """Return the config directory: $ISSTRACK_CONFIG_DIR, else the platform's user config dir."""
    override = os.environ.get("ISSTRACK_CONFIG_DIR")
    if override:
        return Path(override)
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def state_dir() -> Path:
    """Return the state directory (the record of sent alerts): $ISSTRACK_STATE_DIR, else the platform's."""
    override = os.environ.get("ISSTRACK_STATE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_state_path

    return user_state_path(APP_NAME, appauthor=False)


def data_file(name: str) -> Path:
    """Return the path of a file bundled in the package's data directory."""
    from importlib.resources import files

    return Path(str(files("isstrack.data").joinpath(name)))
