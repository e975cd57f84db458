"""RSS 2.0 and Atom (RFC 4287) feeds of visible passes: one item per pass, ids stable across runs.

An item's id is the pass's calendar UID (RSS guid) or a name-based UUID made from it (Atom id), so
a feed regenerated with newer elements keeps its items and readers show no duplicates. Dates are
the elements' epoch, not the time of the run, so the same inputs give the same bytes.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone, tzinfo
from email.utils import format_datetime
from pathlib import Path

from isstrack import __version__
from isstrack.alerts.wording import sighting_fields, sighting_line
from isstrack.io.outfile import write_output
from isstrack.place.location import Location
from isstrack.render.calendar import event_uid
from isstrack.render.markup import esc
from isstrack.sky.passes import Pass

ATOM_NS = "http://www.w3.org/2005/Atom"
_NAMESPACE = uuid.UUID("5d1f0c36-4b0e-5f59-9a8e-6f2c5b1a7e21")  # isstrack's, for name-based ids


def geo_link(place: Location) -> str:
    """Return the place as a geo: URI (RFC 5870), the feed's link when it belongs to no web page."""
    return f"geo:{place.latitude_deg:.4f},{place.longitude_deg:.4f}"


def atom_id(name: str) -> str:
    """Return a stable urn:uuid: id for a name (a pass's UID, or a place's key)."""
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, name)}"


def _items(passes: list[Pass]) -> list[Pass]:
    return [p for p in passes if p.visible and p.visible_start is not None and p.visible_end is not None]


def _whole(name: str) -> str:
    return "the International Space Station" if name == "ISS" else esc(name)


def _title(fields: list[tuple[str, str]]) -> str:
    values = dict(fields)
    return f"{values['Time']}: visible {values['Visible']}, max height {values['Max Height']}"


def _stamp(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(microsecond=0)


def rss_bytes(
    passes: list[Pass],
    place: Location,
    catalog_number: int,
    zone: tzinfo,
    zone_label: str,
    stamp: datetime,
    link: str | None = None,
    said: list[list[tuple[str, str]]] | None = None,
    name: str = "ISS",
) -> bytes:
    """Return an RSS 2.0 feed with one item per visible pass (guid: its calendar UID).

    `said` is each visible pass's sighting fields when the caller has them already.
    """
    home = esc(link or geo_link(place))
    built = format_datetime(_stamp(stamp), usegmt=True)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0">\n<channel>\n',
        f"<title>{esc(name)} sightings over {esc(place.name)}</title>\n<link>{home}</link>\n",
        f"<description>Visible passes of {_whole(name)} over {esc(place.name)} "
        f"({place.latitude_deg:.4f}, {place.longitude_deg:.4f}); times in {esc(zone_label)}.</description>\n",
        f"<lastBuildDate>{built}</lastBuildDate>\n<generator>isstrack {esc(__version__)}</generator>\n",
    ]
    items = _items(passes)
    for item, fields in zip(items, said or [sighting_fields(p, zone) for p in items], strict=True):
        uid = event_uid(item, place, catalog_number)
        parts.append(
            f"<item><title>{esc(_title(fields))}</title><link>{home}</link>"
            f"<description>{esc(sighting_line(fields))}</description>"
            f'<guid isPermaLink="false">{esc(uid)}</guid><pubDate>{built}</pubDate></item>\n'
        )
    parts.append("</channel>\n</rss>\n")
    return "".join(parts).encode("utf-8")


def atom_bytes(
    passes: list[Pass],
    place: Location,
    catalog_number: int,
    zone: tzinfo,
    zone_label: str,
    stamp: datetime,
    link: str | None = None,
    name: str = "ISS",
) -> bytes:
    """Return an Atom feed with one entry per visible pass (id: a UUID named by its calendar UID)."""
    home = esc(link or geo_link(place))
    updated = _stamp(stamp).strftime("%Y-%m-%dT%H:%M:%SZ")
    key = f"place:{place.latitude_deg:.3f}{place.longitude_deg:+.3f}"
    parts = [
        f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="{ATOM_NS}">\n',
        f"<id>{atom_id(key)}</id>\n<title>{esc(name)} sightings over {esc(place.name)}</title>\n",
        f"<subtitle>Visible passes of {_whole(name)}; times in {esc(zone_label)}."
        f'</subtitle>\n<updated>{updated}</updated>\n<link rel="alternate" href="{home}"/>\n',
        "<author><name>isstrack</name></author>\n",
        f'<generator version="{esc(__version__)}">isstrack</generator>\n',
    ]
    for item in _items(passes):
        fields = sighting_fields(item, zone)
        uid = event_uid(item, place, catalog_number)
        parts.append(
            f"<entry><id>{atom_id(uid)}</id><title>{esc(_title(fields))}</title>"
            f'<updated>{updated}</updated><link rel="alternate" href="{home}"/>'
            f"<summary>{esc(sighting_line(fields))}</summary></entry>\n"
        )
    parts.append("</feed>\n")
    return "".join(parts).encode("utf-8")


def write_feed(path: Path, data: bytes, option: str) -> None:
    """Write a feed the user named (atomically over a regular file, - for stdout), like --ics."""
    write_output(path, data, option)
