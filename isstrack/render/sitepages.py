"""The sightings site's pages: one per place (passes, sky charts, feeds) and an index with a search box.

Static HTML that reads fully without JavaScript: the index is a plain list grouped by initial, and a
small script only adds a filter box. Tables are semantic (caption, column and row headers), colours
keep WCAG AA contrast in light and dark schemes, and every outside string is escaped (render.markup).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, tzinfo

from isstrack.alerts.wording import sighting_fields
from isstrack.render.markup import esc
from isstrack.render.skysvg import SKY_SYMBOL, chart_marks, pass_svg
from isstrack.sky.passes import Pass
from isstrack.sky.times import iso_z

STYLE_NAME = "style.css"
INDEX_NAME = "index.html"
PLACES_DIR = "places"
MAX_SLUG_CHARS = 60

STYLE = """:root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fff;--link:#0b57d0;--muted:#4d4d4d;
--line:#bdbdbd;--path:#c5221f}
@media (prefers-color-scheme:dark){:root{--fg:#ececec;--bg:#121212;--link:#8ab4f8;--muted:#c4c4c4;
--line:#5f5f5f;--path:#ff8a80}}
body{font:16px/1.45 system-ui,sans-serif;color:var(--fg);background:var(--bg);max-width:62rem;
margin:0 auto;padding:1rem}
a{color:var(--link)}
table{border-collapse:collapse;width:100%}
caption{text-align:left;font-weight:600;padding:.4rem 0}
th,td{border-bottom:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:middle}
thead th{border-bottom:2px solid var(--fg)}
.m,footer,.n{color:var(--muted)}
.h{fill:none;stroke:var(--fg);stroke-width:1.5}.r{fill:none;stroke:var(--line)}
.c{font:11px sans-serif;fill:var(--muted);text-anchor:middle}
.sky path{fill:none;stroke:var(--path);stroke-width:3;stroke-linecap:round}.sky circle{fill:var(--path)}
nav a{display:inline-block;min-width:1.6em;padding:.1em}
ul.p{columns:16rem;padding-left:1.2em}
input{font:inherit;padding:.3em}
"""

_SEARCH_SCRIPT = """(function(){
var f=document.getElementById('find'),q=document.getElementById('q'),n=document.getElementById('found');
var items=Array.prototype.slice.call(document.querySelectorAll('ul.p li'));
function norm(s){return s.normalize('NFD').replace(/[\\u0300-\\u036f]/g,'').toLowerCase();}
var keys=items.map(function(li){return norm(li.firstChild.textContent);});
function filter(){
var t=norm(q.value.trim()),count=0;
items.forEach(function(li,i){var show=!t||keys[i].indexOf(t)!==-1;li.hidden=!show;if(show){count++;}});
document.querySelectorAll('section.g').forEach(function(s){s.hidden=!s.querySelector('li:not([hidden])');});
n.textContent=t?count+(count===1?' place':' places'):'';}
f.hidden=false;
q.addEventListener('input',filter);
f.addEventListener('submit',function(e){e.preventDefault();
var first=document.querySelector('ul.p li:not([hidden]) a');if(first){window.location.href=first.href;}});
var asked=new URLSearchParams(window.location.search).get('q');
if(asked){q.value=asked;filter();}
})();"""


@dataclass(frozen=True)
class PageFacts:
    """What every page says about the run: the window, the elements and where they came from."""

    start: datetime
    end: datetime
    elements_name: str
    catalog_number: int
    epoch: datetime
    source: str
    version: str

    def elements_note(self) -> str:
        """Return the sentence about the elements: name, epoch, age at the window's start, source."""
        age_days = (self.start - self.epoch).total_seconds() / 86400
        return (
            f"Orbital elements: {self.elements_name} (catalog {self.catalog_number}), epoch "
            f"{self.epoch:%Y-%m-%d %H:%M} UTC, {abs(age_days):.1f} days "
            f"{'old' if age_days >= 0 else 'ahead'} at the window's start; source: {self.source}. "
            "Newer elements can move a pass by seconds to minutes."
        )

    def window(self) -> str:
        """Return the window as dates in UTC."""
        return f"{self.start:%Y-%m-%d %H:%M} to {self.end:%Y-%m-%d %H:%M} UTC"


def slug(name: str) -> str:
    """Return a file name stem for a place name: ASCII letters, digits and dashes ('place' if none)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    stem = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:MAX_SLUG_CHARS].strip("-")
    return stem or "place"


def _head(title: str, style_href: str, extra: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{title}</title><link rel="stylesheet" href="{style_href}">{extra}</head>\n<body>\n'
    )


def _footer(facts: PageFacts) -> str:
    return f"<footer><p>Made with isstrack {esc(facts.version)}.</p></footer>\n</body></html>\n"


def _cell(value: str) -> str:
    return value.replace(" degrees", "°")


def pass_row(
    item: Pass, said: list[tuple[str, str]], marks: str | None = None, start: str | None = None
) -> str:
    """Return a table row: time, time visible, height, where it appears and disappears, magnitude, chart.

    `said` is the pass's sighting fields (alerts.email.sighting_fields), worded once for every output;
    `marks` its chart's path (skysvg.chart_marks) and `start` its iso_z start, when made for many at once.
    """
    fields = dict(said)
    assert item.visible_start is not None
    high, appears, disappears = (_cell(fields[key]) for key in ("Max Height", "Appears", "Disappears"))
    label = f"Sky path: appears {appears}, highest {high}, disappears {disappears}"
    return (
        f'<tr id="rev{item.revolution}"><th scope="row"><time datetime="'
        f'{start or iso_z(item.visible_start.time)}">'
        f"{fields['Time']}</time></th><td>{fields['Visible']}</td><td>{high}</td>"
        f"<td>{appears}</td><td>{disappears}</td>"
        f"<td>{fields.get('Magnitude', '')}</td><td>{pass_svg(item, esc(label), marks=marks)}</td></tr>\n"
    )


def place_page(
    name: str,
    stem: str,
    coordinates: tuple[float, float, float],
    zone: tzinfo,
    zone_name: str,
    passes: list[Pass],
    facts: PageFacts,
    said: list[list[tuple[str, str]]] | None = None,
    drawn: tuple[list[str], list[str]] | None = None,
) -> bytes:
    """Return a place's page: where it is, its time zone, the pass table with charts, feeds, elements.

    `drawn` is each pass's chart marks and iso_z start, when the caller made them for many at once.
    """
    if said is None:
        said = [sighting_fields(item, zone) for item in passes]
    if drawn is None:
        drawn = [chart_marks(item) for item in passes], [iso_z(_start(item)) for item in passes]
    title = f"ISS sightings over {esc(name)}"
    lat, lon, height = coordinates
    feed = f'<link rel="alternate" type="application/rss+xml" title="{title}" href="{stem}.rss">'
    parts = [
        _head(title, f"../{STYLE_NAME}", feed),
        f'<p><a href="../{INDEX_NAME}">All places</a></p>\n<main>\n<h1>{title}</h1>\n',
        f'<p class="m">{lat:.4f}, {lon:.4f}, {height:.0f} m. Times are local: {esc(zone_name)}.</p>\n',
        f'<p>Subscribe: <a href="{stem}.ics">calendar (.ics)</a> · <a href="{stem}.rss">RSS feed</a></p>\n',
    ]
    window, note = _facts_texts(facts)
    count = len(passes)
    caption = f"{count} visible pass{'' if count == 1 else 'es'}, {window}"
    if passes:
        parts.append(SKY_SYMBOL)
        parts.append(f"<table>\n<caption>{caption}</caption>\n{_TABLE_HEAD}")
        rows = zip(passes, said, *drawn, strict=True)
        parts.extend(pass_row(item, fields, marks, start) for item, fields, marks, start in rows)
        parts.append("</tbody>\n</table>\n")
        parts.append(
            '<p class="m">Sky path: looking up, north at the top and east on the left; '
            "the dot marks where the station appears.</p>\n"
        )
    else:
        parts.append(f"<p>No visible passes, {window}.</p>\n")
    parts.append(note)
    parts.append(_footer(facts))
    return "".join(parts).encode("utf-8")


_TABLE_HEAD = (
    "<thead><tr>"
    + "".join(
        f'<th scope="col">{h}</th>'
        for h in ("Time", "Visible", "Max height", "Appears", "Disappears", "Magnitude", "Sky path")
    )
    + "</tr></thead>\n<tbody>\n"
)


@functools.lru_cache(maxsize=4)
def _facts_texts(facts: PageFacts) -> tuple[str, str]:
    """Return the window and the elements' paragraph, the same on every page of a build (made once)."""
    return facts.window(), f'<p class="m">{esc(facts.elements_note())}</p>\n</main>\n'


def _start(item: Pass) -> datetime:
    assert item.visible_start is not None, "the site shows visible passes"
    return item.visible_start.time


@dataclass(frozen=True)
class IndexEntry:
    """One place on the index: its name, page stem and how many visible passes it has."""

    name: str
    stem: str
    count: int


def _initial(name: str) -> str:
    first = unicodedata.normalize("NFKD", name.strip()[:1] or "#")[:1].upper()
    return first if first.isalpha() else "#"


def index_page(entries: list[IndexEntry], facts: PageFacts) -> bytes:
    """Return the index: every place by initial, with a filter box that needs JavaScript to appear."""
    groups: dict[str, list[IndexEntry]] = {}
    for entry in sorted(entries, key=lambda e: (e.name.casefold(), e.stem)):
        groups.setdefault(_initial(entry.name), []).append(entry)
    parts = [
        _head("ISS sightings", STYLE_NAME),
        "<main>\n<h1>ISS sightings</h1>\n",
        f"<p>Visible passes of the International Space Station over {len(entries)} places, "
        f"{facts.window()}.</p>\n",
        '<form id="find" role="search" action="index.html" method="get" hidden><label for="q">Find a place'
        '</label> <input id="q" name="q" type="search" autocomplete="off"> '
        '<output id="found" class="n"></output></form>\n',
        "<noscript><p>To find a place, use your browser's Find in page (Ctrl+F).</p></noscript>\n",
        '<nav aria-label="Places by initial">'
        + " ".join(f'<a href="#g{ord(key)}">{esc(key)}</a>' for key in groups)
        + "</nav>\n",
    ]
    for key, group in groups.items():
        parts.append(f'<section class="g"><h2 id="g{ord(key)}">{esc(key)}</h2>\n<ul class="p">\n')
        parts.extend(
            f'<li><a href="{PLACES_DIR}/{e.stem}.html">{esc(e.name)}</a> '
            f'<span class="n">({e.count})</span></li>\n'
            for e in group
        )
        parts.append("</ul></section>\n")
    parts.append(f'<p class="m">{esc(facts.elements_note())}</p>\n</main>\n')
    parts.append(f"<script>{_SEARCH_SCRIPT}</script>\n")
    parts.append(_footer(facts))
    return "".join(parts).encode("utf-8")
