"""Magnitudes written for people: one format (a sign and tenths) and the bold threshold on what is shown."""

from __future__ import annotations

BRIGHT_MAGNITUDE = -3.0  # a pass at least this bright (as shown) is set in bold


def magnitude_text(magnitude: float) -> str:
    """Return `magnitude` with its sign and one decimal, as every table and message writes it: +0.6."""
    return f"{magnitude:+.1f}"


def is_bright(magnitude: float) -> bool:
    """Return whether `magnitude`, as shown to a tenth, is at least BRIGHT_MAGNITUDE (so -2.98 is)."""
    return float(magnitude_text(magnitude)) <= BRIGHT_MAGNITUDE
