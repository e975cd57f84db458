"""`isstrack events`: the trajectory's upcoming events as text lines or JSON."""

from __future__ import annotations

from typing import Any

from isstrack.io.timetext import iso_z, time_text
from isstrack.render.console import fit_parts
from isstrack.render.safe import literal
from isstrack.sky.upcoming import UpcomingEvent

_KIND = {"burn": "reboost", "docking": "docking", "undocking": "undocking", "launch": "launch"}


def _numbers(item: UpcomingEvent) -> list[str]:
    e = item.event
    parts = []
    if e.delta_v_m_s is not None:
        parts.append(f"Δv {e.delta_v_m_s:.2f} m/s")
    if e.apogee_km is not None and e.perigee_km is not None:
        parts.append(f"then {e.apogee_km:.1f} × {e.perigee_km:.1f} km (apogee × perigee)")
    elif e.delta_a_km is not None and e.is_burn:
        parts.append(f"orbit {e.delta_a_km:+.1f} km")
    return parts


def _separated(parts: list[str], separator: str = ", ") -> list[str]:
    return [f"{part}{separator}" for part in parts[:-1]] + parts[-1:]


def event_lines(
    items: list[UpcomingEvent], zone: Any, zone_label: str, source: str, width: int | None = None
) -> list[str]:
    """Return one line per event (and its provisional passes), under a title naming the source.

    With a `width` (a terminal's), a line too long for it breaks between its parts, indented.
    """
    lines = fit_parts(_separated([f"Events in {source}", f"times in {zone_label} and UTC"], " · "), width)
    if not items:
        lines.append("No reboosts, dockings or undockings in this window.")
    for item in items:
        e = item.event
        when = f"{time_text(e.time, '%a %d %b %H:%M', zone)} ({time_text(e.time, '%Y-%m-%d %H:%M')} UTC)"
        kind = _KIND.get(e.kind, e.kind)
        origin = "detected in the states" if e.origin == "detected" else "listed"
        what = _separated([f"{when}  {kind} {literal(e.name)}", *_numbers(item)])
        what[-1] += " · "
        lines += fit_parts([*what, f"{item.status}, {origin}"], width, "    ")
        if item.provisional:
            times = [time_text(p.rise.time, "%a %d %b %H:%M", zone) for p in item.provisional[:6]]
            more = f" and {len(item.provisional) - 6} more" if len(item.provisional) > 6 else ""
            head = f"    provisional until confirmed: {len(item.provisional)} visible passes ("
            passes = _separated(times)
            passes[-1] += f"{more})"
            lines += fit_parts([head, *passes], width, "      ")
    return lines


def events_json(items: list[UpcomingEvent], zone_label: str, source: dict[str, Any]) -> dict[str, Any]:
    """Return the `events` JSON document (without schema_version)."""
    return {
        "time_zone": zone_label,
        "ephemeris": source,
        "events": [
            {
                "name": item.event.name,
                "kind": item.event.kind,
                "origin": item.event.origin,
                "status": item.status,
                "time": iso_z(item.event.time),
                "end": iso_z(item.event.end) if item.event.end else None,
                "delta_v_m_s": item.event.delta_v_m_s,
                "apogee_km": item.event.apogee_km,
                "perigee_km": item.event.perigee_km,
                "delta_a_km": item.event.delta_a_km,
                "provisional_passes": [
                    {"rise": iso_z(p.rise.time), "set": iso_z(p.set.time), "revolution": p.revolution}
                    for p in item.provisional
                ],
            }
            for item in items
        ],
    }
