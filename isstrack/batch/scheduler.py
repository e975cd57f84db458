"""Find and reach a Dask scheduler as Dask users name one: an address, a scheduler file, the environment.

`--scheduler ADDRESS`, `--scheduler-file FILE` (the JSON `dask scheduler --scheduler-file` and
dask-jobqueue write, for SLURM and PBS jobs) and `DASK_SCHEDULER_ADDRESS` each name one; giving
more than one is an error, so that a forgotten variable never sends work somewhere unexpected.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from isstrack.errors import BadInputError
from isstrack.io.infile import NotRegularFileError, open_regular
from isstrack.io.literal import literal

ENV_ADDRESS = "DASK_SCHEDULER_ADDRESS"
MAX_SCHEDULER_FILE_BYTES = 1024 * 1024


def scheduler_address(
    address: str | None, scheduler_file: Path | None, environ: dict[str, str] | None = None
) -> str | None:
    """Return the scheduler address from exactly one of the three ways to name it, or None for none."""
    env = os.environ if environ is None else environ
    from_env = env.get(ENV_ADDRESS, "").strip() or None
    given = {
        "--scheduler": address is not None,
        "--scheduler-file": scheduler_file is not None,
        ENV_ADDRESS: from_env is not None,
    }
    named = [name for name, on in given.items() if on]
    if len(named) > 1:
        fix = f"unset {ENV_ADDRESS}" if from_env is not None else "keep one"
        raise BadInputError(f"{' and '.join(named)} both name a Dask scheduler; {fix}")
    if address is not None:
        return address.strip() or _empty("--scheduler")
    if scheduler_file is not None:
        return read_scheduler_file(scheduler_file)
    return from_env


def _empty(option: str) -> str:
    raise BadInputError(f"{option} is empty; give the scheduler's address, e.g. tcp://127.0.0.1:8786")


def read_scheduler_file(path: Path) -> str:
    """Return the address in a Dask scheduler file; raise BadInputError naming what is wrong with it."""

    label = f"--scheduler-file {literal(str(path))}"
    try:
        with open_regular(path) as handle:
            raw = handle.read(MAX_SCHEDULER_FILE_BYTES + 1)
    except FileNotFoundError:
        raise BadInputError(
            f"{label} does not exist; start the scheduler with 'dask scheduler --scheduler-file FILE' first"
        ) from None
    except (IsADirectoryError, NotRegularFileError):
        raise BadInputError(
            f"{label} is not a regular file; give the JSON file the scheduler wrote"
        ) from None
    except OSError as error:
        raise BadInputError(f"{label}: {error.strerror or error}; give a readable file") from None
    if len(raw) > MAX_SCHEDULER_FILE_BYTES:
        raise BadInputError(
            f"{label} is larger than {MAX_SCHEDULER_FILE_BYTES:,} bytes; is it a scheduler file?"
        )
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadInputError(
            f"{label} is not JSON; give the file 'dask scheduler --scheduler-file' wrote"
        ) from None
    address = document.get("address") if isinstance(document, dict) else None
    if not isinstance(address, str) or not address.strip():
        raise BadInputError(
            f"{label} has no \"address\"; give the file 'dask scheduler --scheduler-file' wrote"
        )
    return address.strip()
