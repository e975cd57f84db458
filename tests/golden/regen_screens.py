"""Regenerate the screen goldens: every command as a terminal shows it, at 80x24 and 200x50, in truecolour,
256 colours and plain (NO_COLOR).

Run from anywhere as `python tests/golden/regen_screens.py` (every command) or with command names
(`python tests/golden/regen_screens.py passes map`). tests/test_screens.py runs the same cases the same
way and compares byte for byte.

Each run is the installed CLI in a process of its own on a pseudo-terminal of the size (stdin, stdout and
stderr, as in a terminal window, so the stderr notes sit where a user sees them), in a fresh directory
holding copies of the input files (every path it prints is relative), with a minimal environment: the
colour mode set explicitly (TERM, COLORTERM, NO_COLOR), COLUMNS and LINES, ISSTRACK_AT, cache, config and
state directories inside the run's directory, and no network (URLs point at a closed local port). The
clock is pinned to ISSTRACK_AT for the commands that have no --at (`tle` shows the elements' age now).
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
ROOT = TESTS.parent
SCREENS = HERE / "screens"
REGEN_COMMAND = "python tests/golden/regen_screens.py"

AT = "2026-09-24T19:00:00Z"  # 21:00 in Amsterdam, 20 minutes before a visible pass
FROM = "2026-09-24T12:00:00Z"
PLACE = "Amsterdam, NL"  # a city as users type it; the country picks the one meant, so no note
CLOSED_URL = "http://127.0.0.1:9/gp.php?CATNR={catnr}&FORMAT=TLE"  # nothing listens: no network
RUN_TIMEOUT_S = 60.0

SIZES: dict[str, tuple[int, int]] = {"80x24": (80, 24), "200x50": (200, 50)}  # columns, rows

# The colour mode of each golden, chosen the way a terminal announces it (render/palette.py reads
# COLORTERM, then Rich's detection from TERM; NO_COLOR removes colour, keeping bold and dim).
MODES: dict[str, dict[str, str]] = {
    "truecolor": {"TERM": "xterm-256color", "COLORTERM": "truecolor"},
    "256": {"TERM": "xterm-256color"},
    "plain": {"TERM": "xterm-256color", "NO_COLOR": "1"},
}

# The input files each run's directory gets, by the name the commands use.
INPUTS = {
    "oem.txt": TESTS / "iss-oem-2026-09-21.txt",
    "visual.json": TESTS / "omm" / "celestrak-2026-09-19.json",
}
PLACES_CSV = (
    "latitude_deg,longitude_deg,name\n52.37,4.89,Amsterdam\n40.71,-74.0,New York\n-33.87,151.21,Sydney\n"
)


@dataclass(frozen=True)
class Case:
    """One command as a golden shows it: its arguments, and commands run before it (not shown)."""

    args: tuple[str, ...]
    setup: tuple[tuple[str, ...], ...] = ()
    fits_height: bool = False  # the command promises to fit the terminal's height (a screen)
    extra_env: dict[str, str] = field(default_factory=dict)


CASES: dict[str, Case] = {
    "help": Case(("--help",)),
    "now": Case(("now", "--city", PLACE, "--tle-file", "iss.tle")),
    "passes": Case(("passes", "--city", PLACE, "--from", FROM, "--days", "5", "--tle-file", "iss.tle")),
    "next": Case(("next", "--city", PLACE, "--tle-file", "iss.tle")),
    "map": Case(
        ("map", "--city", PLACE, "--tle-file", "iss.tle", "--graphics", "none"),
        fits_height=True,
    ),
    "transits": Case(
        ("transits", "--city", PLACE, "--from", FROM, "--radius", "100", "--tle-file", "iss.tle")
    ),
    "events": Case(
        ("events", "--ephemeris", "oem.txt", "--city", PLACE, "--from", FROM, "--tle-file", "iss.tle")
    ),
    "tonight": Case(("tonight", PLACE, "--at", "2026-09-19T18:00:00Z", "--tle-file", "visual.json")),
    "tle": Case(("tle", "--tle-file", "iss.tle")),
    "location": Case(("location", "show"), setup=(("location", "set", "--city", PLACE),)),
    "alert": Case(("alert", "--before", "30m", "--dry-run", "--city", PLACE, "--tle-file", "iss.tle")),
    "site": Case(
        (
            "site",
            "out",
            "--places",
            "places.csv",
            "--from",
            FROM,
            "--days",
            "3",
            "--workers",
            "1",
            "--tle-file",
            "iss.tle",
        )
    ),
}

# Run `isstrack ARGS` with the clock pinned: utc_now is replaced before any command module imports it.
LAUNCHER = """\
import sys
from datetime import datetime
import isstrack.sky.times as times
pinned = datetime.fromisoformat(sys.argv.pop(1).replace("Z", "+00:00"))
times.utc_now = lambda: pinned
from isstrack.cli.app import main
main(sys.argv[1:])
"""


def golden_path(name: str, size: str, mode: str) -> Path:
    """Return the file of one golden: command, size, colour mode."""
    return SCREENS / f"{name}-{size}-{mode}.ans"


def variants() -> Iterator[tuple[str, str]]:
    """Yield every (size, mode) a command is shown in."""
    for size in SIZES:
        for mode in MODES:
            yield size, mode


def newest_elements() -> str:
    """Return the newest reference element set (the bundled one) as 3LE text."""
    lines = [
        line.rstrip() for line in (TESTS / "iss-tle-history.tle").read_text().splitlines() if line.strip()
    ]
    return "\n".join(lines[-3:]) + "\n"


def _prepare(directory: Path) -> None:
    """Put the inputs every case may name into `directory`."""
    (directory / "iss.tle").write_text(newest_elements())
    (directory / "places.csv").write_text(PLACES_CSV)
    for name, source in INPUTS.items():
        shutil.copyfile(source, directory / name)


def environment(directory: Path, size: str, mode: str) -> dict[str, str]:
    """Return the whole environment of a run: nothing inherited but PATH."""
    columns, rows = SIZES[size]
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),  # this checkout's isstrack, whichever one the interpreter has installed
        "HOME": str(directory),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
        "PYTHONHASHSEED": "0",
        "COLUMNS": str(columns),
        "LINES": str(rows),
        "ISSTRACK_AT": AT,
        "ISSTRACK_CACHE_DIR": "cache",
        "ISSTRACK_CONFIG_DIR": "config",
        "ISSTRACK_STATE_DIR": "state",
        "XDG_CACHE_HOME": "xdg-cache",
        "XDG_CONFIG_HOME": "xdg-config",
        "XDG_STATE_HOME": "xdg-state",
        "ISSTRACK_TLE_URL": CLOSED_URL,
        "ISSTRACK_GP_URL": CLOSED_URL,
        "ISSTRACK_OEM_URL": "http://127.0.0.1:9/ISS.OEM_J2K_EPH.txt",
        **MODES[mode],
    }


def _drain(fd: int, sink: list[bytes]) -> None:
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: the child side closed
            return
        if not data:
            return
        sink.append(data)


def _on_pty(
    args: tuple[str, ...], env: dict[str, str], cwd: Path, rows: int, columns: int
) -> tuple[int, bytes]:
    """Run the launcher with its three streams on a pty of rows x columns; return its status and bytes."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    attributes = termios.tcgetattr(follower)
    attributes[1] &= ~termios.OPOST  # keep the bytes as written: no \n -> \r\n on the way out
    termios.tcsetattr(follower, termios.TCSANOW, attributes)
    command = [sys.executable, "-c", LAUNCHER, AT, *args]
    proc = subprocess.Popen(
        command, stdin=follower, stdout=follower, stderr=follower, env=env, cwd=cwd, start_new_session=True
    )
    os.close(follower)
    chunks: list[bytes] = []
    reader = threading.Thread(target=_drain, args=(leader, chunks), daemon=True)
    reader.start()
    try:
        code = proc.wait(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise
    finally:
        reader.join(timeout=10)
        os.close(leader)
    return code, b"".join(chunks)


# Rich's live displays (the site's transient progress bar) hide the cursor, redraw a frame after each
# "\r, erase line" as the work goes (how many depends on the machine's speed) and show the cursor again.
_LIVE = re.compile(rb"(\x1b\[\?25l)(.*?)(\x1b\[\?25h)", re.S)
_FRAME = b"\r\x1b[2K"


def steady(drawn: bytes) -> bytes:
    """Return `drawn` with each live display's frames cut to its first and last (those between vary)."""

    def first_and_last(match: re.Match[bytes]) -> bytes:
        frames = match.group(2).split(_FRAME)
        kept = frames if len(frames) <= 3 else [*frames[:2], frames[-1]]
        return match.group(1) + _FRAME.join(kept) + match.group(3)

    return _LIVE.sub(first_and_last, drawn)


def render(name: str, size: str, mode: str) -> bytes:
    """Return the bytes a terminal of `size` in `mode` receives from case `name` (exit status checked)."""
    case = CASES[name]
    columns, rows = SIZES[size]
    with tempfile.TemporaryDirectory(prefix="isstrack-screen-") as temp:
        directory = Path(temp)
        _prepare(directory)
        env = {**environment(directory, size, mode), **case.extra_env}
        for step in case.setup:
            done = subprocess.run(
                [sys.executable, "-c", LAUNCHER, AT, *step],
                env=env,
                cwd=directory,
                capture_output=True,
                timeout=RUN_TIMEOUT_S,
                stdin=subprocess.DEVNULL,
            )
            if done.returncode != 0:
                raise RuntimeError(f"setup {' '.join(step)} exited {done.returncode}: {done.stderr!r}")
        code, drawn = _on_pty(case.args, env, directory, rows, columns)
    if code != 0:
        raise RuntimeError(f"isstrack {' '.join(case.args)} exited {code} at {size} {mode}:\n{drawn!r}")
    return steady(drawn)


def render_all(name: str, workers: int = 3) -> dict[tuple[str, str], bytes]:
    """Return every variant of case `name`, run a few at a time (each is a process of its own)."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {key: pool.submit(render, name, *key) for key in variants()}
        return {key: future.result() for key, future in futures.items()}


def main(argv: list[str]) -> int:
    """Write the goldens of the named cases (all without names); print what changed."""
    unknown = [name for name in argv if name not in CASES]
    if unknown:
        print(f"unknown case(s) {', '.join(unknown)}; known: {', '.join(CASES)}", file=sys.stderr)
        return 2
    SCREENS.mkdir(exist_ok=True)
    for name in argv or list(CASES):
        for (size, mode), drawn in render_all(name).items():
            path = golden_path(name, size, mode)
            old = path.read_bytes() if path.exists() else None
            if old != drawn:
                path.write_bytes(drawn)
                print(f"{'updated' if old is not None else 'created'} {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
