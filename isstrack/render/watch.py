"""`isstrack map --watch`: the live full-screen map, or one JSON line per interval when piped."""

from __future__ import annotations

import os
import select
import signal
import sys
import time
from datetime import datetime, timedelta
from typing import Any

from isstrack.elements.load import ElementsInUse
from isstrack.place.location import Location
from isstrack.scene.live import LiveScene
from isstrack.sky.orbit import Orbit

ENTER_SCREEN = "\x1b[?1049h\x1b[?25l\x1b[2J"
LEAVE_SCREEN = "\x1b[0m\x1b[?25h\x1b[?1049l"


def watch_map(
    orbit: Orbit,
    used: ElementsInUse,
    start: datetime,
    orbits: float,
    place: Location | None,
    min_elevation_deg: float,
    zone: Any,
    zone_label: str,
    width: int | None,
    interval: float,
    json: bool,
) -> None:
    """Redraw the map every `interval` seconds until Ctrl-C; JSON lines instead with --json or a pipe."""
    clock_start = time.monotonic()

    def now() -> datetime:
        return start + timedelta(seconds=time.monotonic() - clock_start)

    live = LiveScene(orbit, used, orbits, place, min_elevation_deg)
    try:
        if json or not sys.stdout.isatty():
            _json_lines(live, now, interval)
        else:
            _full_screen(live, now, interval, zone, width)
    except KeyboardInterrupt:
        return


def _json_lines(live: LiveScene, now: Any, interval: float) -> None:
    import json as jsonlib

    from isstrack.render.jsonout import SCHEMA_VERSION
    from isstrack.render.scenejson import snapshot_json

    while True:
        live.at(now())
        line = {"schema_version": SCHEMA_VERSION, **snapshot_json(live.snapshot)}
        print(jsonlib.dumps(line, ensure_ascii=False), flush=True)
        time.sleep(interval)


def _full_screen(live: LiveScene, now: Any, interval: float, zone: Any, width: int | None) -> None:
    from isstrack.render.mapstatus import compose
    from isstrack.render.safe import ascii_only
    from isstrack.render.worldmap import as_ascii

    out = sys.stdout
    fd = out.fileno()
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    os.set_blocking(wake_read, False)
    previous_wakeup = signal.set_wakeup_fd(wake_write)
    previous_winch = signal.signal(signal.SIGWINCH, lambda *_: None)
    previous_term = signal.signal(signal.SIGTERM, _raise_interrupt)
    out.write(ENTER_SCREEN)
    out.flush()
    try:
        size = os.terminal_size((0, 0))
        while True:
            current = os.get_terminal_size(fd)
            if current.columns < 1 or current.lines < 1:  # size unknown (some ptys): assume 80 x 24
                current = os.terminal_size((80, 24))
            if current != size:
                size = current
                out.write("\x1b[2J")
            text = compose(live, live.at(now()), zone, size.columns, size.lines, width)
            if ascii_only():
                text = as_ascii(text)  # glyphs as one ASCII character each: the layout holds
            out.write("\x1b[H" + text + "\x1b[J")
            out.flush()
            ready, _, _ = select.select([wake_read], [], [], interval)
            if ready:
                while True:
                    try:
                        if not os.read(wake_read, 512):
                            break
                    except BlockingIOError:
                        break
    finally:
        out.write(LEAVE_SCREEN)
        out.flush()
        signal.set_wakeup_fd(previous_wakeup)
        signal.signal(signal.SIGWINCH, previous_winch)
        signal.signal(signal.SIGTERM, previous_term)
        os.close(wake_read)
        os.close(wake_write)


def _raise_interrupt(*_: Any) -> None:
    raise KeyboardInterrupt
