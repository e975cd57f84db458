"""The keys of `map --watch`: step the shown moment, pause, return to now, change the orbits drawn,
follow the station."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

STEP = timedelta(minutes=1)
MIN_ORBITS, MAX_ORBITS, ORBITS_STEP = 0.5, 5.0, 0.5
KEYS_HINT = "arrows/[ ] 1 min  shift/{ } 1 orbit  space pause  0 now  +/- orbits  f follow  q quits"
# Shorter key help for narrower screens, tried in turn: the status line never wraps.
SHORT_HINTS = (
    "[ ]{ } time  space pause  0 now  +- orbits  f follow  q quits",
    "f follow  q quits",
    "q quits",
)


@dataclass
class TimeControl:
    """The moment a live map shows: the clock's, offset by the keys pressed, or frozen while paused."""

    orbit_period: timedelta
    orbits: float
    offset: timedelta = timedelta(0)
    paused_at: datetime | None = None
    last_clock: datetime | None = None
    following: bool = False  # the map centred on the station's longitude

    def shown(self, clock: datetime) -> datetime:
        """Return the moment to draw when the wall clock reads `clock`."""
        self.last_clock = clock
        if self.paused_at is not None:
            # While paused the shown moment stands still: the offset grows with the clock.
            self.offset = self.paused_at - clock
        return clock + self.offset

    def press(self, key: str) -> None:
        """Change the shown moment or the orbits drawn for one key."""
        steps = {
            "left": -STEP,
            "[": -STEP,
            "right": STEP,
            "]": STEP,
            "shift-left": -self.orbit_period,
            "{": -self.orbit_period,
            "shift-right": self.orbit_period,
            "}": self.orbit_period,
        }
        if key in steps:
            self.offset += steps[key]
            if self.paused_at is not None:
                self.paused_at += steps[key]
        elif key == " ":
            clock = self.last_clock
            if self.paused_at is not None:
                self.paused_at = None
            elif clock is not None:
                self.paused_at = clock + self.offset
        elif key in ("f", "F"):
            self.following = not self.following
        elif key == "0":
            self.offset, self.paused_at = timedelta(0), None
        elif key in "+=" and key:
            self.orbits = min(MAX_ORBITS, self.orbits + ORBITS_STEP)
        elif key in "-_" and key:
            self.orbits = max(MIN_ORBITS, self.orbits - ORBITS_STEP)

    def status(self, columns: int = 400) -> str:
        """Return the line saying how far the shown moment is from now, whether it is paused or
        following, and the key help that fits in `columns`."""
        minutes = round(self.offset.total_seconds() / 60)
        where = "now" if minutes == 0 else f"{minutes:+d} min"
        paused = "  paused" if self.paused_at is not None else ""
        following = "  following" if self.following else ""
        state = f"{where}{paused}{following}  {self.orbits:g} orbits  "
        hint = next((h for h in (KEYS_HINT, *SHORT_HINTS) if len(state) + len(h) <= columns), "")
        return (state + hint)[:columns]
