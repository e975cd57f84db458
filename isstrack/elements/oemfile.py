"""Read a user-named ephemeris file (--ephemeris): bounded, regular files or standard input only."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from isstrack.elements.oem import MAX_OEM_BYTES, Oem, OemFormatError, parse_oem
from isstrack.elements.sources import timeout_from_env
from isstrack.io.infile import NotRegularFileError, StdinTimeoutError, is_stdin, open_regular, open_stdin


def load_oem_file(path: Path, now: datetime) -> Oem:
    """Return the OEM in `path` (or '-' for standard input); raise OemFormatError with the one problem."""
    where = f"--ephemeris {path}"
    return parse_oem(read_oem_bytes(path, where), where, now)


def read_oem_bytes(path: Path, where: str) -> bytes:
    """Return the bytes of an ephemeris file, refusing before reading one over MAX_OEM_BYTES."""
    limit = f"the {MAX_OEM_BYTES // 2**20} MB limit for an ephemeris file"
    try:
        handle = open_stdin(total_s=timeout_from_env()) if is_stdin(path) else open_regular(path)
        with handle:
            if not is_stdin(path) and os.fstat(handle.fileno()).st_size > MAX_OEM_BYTES:
                raise OemFormatError(f"{where} is over {limit}; give NASA's ISS.OEM_J2K_EPH.txt")
            raw = handle.read(MAX_OEM_BYTES + 1)
    except FileNotFoundError:
        raise OemFormatError(f"{where}: no such file; give the path of a CCSDS OEM text file") from None
    except IsADirectoryError:
        raise OemFormatError(f"{where} is a directory; give a CCSDS OEM text file") from None
    except NotRegularFileError:
        raise OemFormatError(
            f"{where} is not a regular file (a device, FIFO or socket); "
            "give a file, or '-' for standard input"
        ) from None
    except StdinTimeoutError:
        raise OemFormatError(
            f"{where}: standard input sent no end within {timeout_from_env():g} s "
            "(ISSTRACK_HTTP_TIMEOUT); pipe a file in, or give its path"
        ) from None
    except OSError as exc:
        raise OemFormatError(f"{where} cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_OEM_BYTES:
        raise OemFormatError(f"{where} is over {limit}; give NASA's ISS.OEM_J2K_EPH.txt")
    return raw
