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
from isstrack.scene.mapscene import PASS_TRACK_STEP_S, MapScene, track_window
from isstrack.sky.groundtrack import (
    SubsolarPoint,
    TrackPoint,
    footprint_radius_deg,
    footprint_radius_km,
    ground_track,
    subsolar_point,
)
from isstrack.sky.orbit import Orbit

TRACK_REFRESH = timedelta(minutes=3)
SUN_REFRESH = timedelta(minutes=1)
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


class LiveScene:
    """Scenes for successive moments, recomputing the track, the Sun and the next pass only as needed."""

    def __init__(
        self,
        orbit: Orbit,
        used: ElementsInUse,
        orbits: float,
        place: Location | None,
        min_elevation_deg: float,
    ) -> None:
        self.orbit, self.used, self.orbits = orbit, used, orbits
        self.place, self.min_elevation_deg = place, min_elevation_deg
        self.track: tuple[TrackPoint, ...] = ()
        self.track_at: datetime | None = None
        self.sun: SubsolarPoint | None = None
        self.upcoming: Any = None
        self.pass_track: tuple[TrackPoint, ...] = ()
        self.snapshot: Any = None

    def at(self, when: datetime) -> MapScene:
        """Return the scene at `when` (the matching `now` snapshot is left in .snapshot)."""
        from isstrack.scene.snapshot import take_snapshot

        snap = take_snapshot(self.orbit, self.used, when, self.place, self.min_elevation_deg, self.upcoming)
        self.snapshot = snap
        if snap.next_visible is None:
            self.pass_track = ()
        elif self.upcoming is None or snap.next_visible.item is not self.upcoming.item:
            found = snap.next_visible
            self.pass_track = ground_track(self.orbit, found.start, found.end, PASS_TRACK_STEP_S)
        self.upcoming = snap.next_visible
        if self.track_at is None or abs(when - self.track_at) >= TRACK_REFRESH:
            self.track = ground_track(self.orbit, *track_window(self.orbit, when, self.orbits))
            self.track_at = when
        if self.sun is None or abs(when - self.sun.time) >= SUN_REFRESH:
            self.sun = subsolar_point(self.orbit, when)
        state = snap.state
        return MapScene(
            at=when,
            state=state,
            heading_deg=track_heading(self.track, when, state.latitude_deg, state.longitude_deg),
            orbits_ahead=self.orbits,
            track=self.track,
            subsolar=self.sun,
            footprint_radius_deg=footprint_radius_deg(state.altitude_km),
            footprint_radius_km=footprint_radius_km(state.altitude_km),
            place=self.place,
            next_visible=self.upcoming,
            pass_track=self.pass_track,
        )


def track_heading(
    track: tuple[TrackPoint, ...], when: datetime, latitude_deg: float, longitude_deg: float
) -> float:
    """Return the bearing from a point towards the next track point after `when`."""
    from isstrack.sky.earth import bearing_deg

    ahead = next((p for p in track if p.time > when), track[-1])
    return bearing_deg(latitude_deg, longitude_deg, ahead.latitude_deg, ahead.longitude_deg)


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
