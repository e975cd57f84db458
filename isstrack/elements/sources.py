"""What every element source returns, the bundled set, and the settings read from the environment."""

from __future__ import annotations

import os
import string
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from isstrack.elements.tle import ElementSet, parse_elements
from isstrack.errors import BadInputError, NoElementsError, TleFormatError
from isstrack.io.paths import data_file

if TYPE_CHECKING:
    from isstrack.elements.oem import Oem

DEFAULT_URL_TEMPLATE = "https://celestrak.org/NORAD/elements/gp.php?CATNR={catnr}&FORMAT=TLE"
DEFAULT_TIMEOUT_S = 10.0
BUNDLED_FILE = "iss.tle"

Source = Literal["network", "cache", "bundled", "file"]


@dataclass(frozen=True)
class ElementsInUse:
    """An element set together with where it came from and what the user should be told."""

    elements: ElementSet
    source: Source
    origin: str
    fetched_at: datetime | None = None
    next_fetch_at: datetime | None = None
    warnings: tuple[str, ...] = ()
    log: tuple[str, ...] = ()
    ephemeris: Oem | None = None  # NASA's trajectory given (--ephemeris): its burns judge the elements
    ephemeris_origin: str = ""
    ephemeris_used: bool = False  # whether it answers wherever it has states (else only its burns count)


@dataclass(frozen=True)
class UrlCheck:
    """What keeps a text from being an http(s) URL with a host; each caller words and orders them."""

    controls: bool  # spaces or control characters: never part of a URL a program should fetch
    invalid: str | None  # why it cannot be parsed (a bad port, an unmatched bracket), else None
    not_http: bool  # not http:// or https://, or no host (also true when it cannot be parsed)


def check_http_url(url: str) -> UrlCheck:
    """Return what, if anything, keeps `url` from being an http:// or https:// URL with a host."""
    controls = any(ord(ch) < 33 or ord(ch) == 127 for ch in url)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a bad port)
    except ValueError as exc:
        return UrlCheck(controls, str(exc), True)
    return UrlCheck(controls, None, parts.scheme not in ("http", "https") or not parts.hostname)


def url_template_from_env() -> str:
    """Return the element URL template: $ISSTRACK_TLE_URL (checked) or CelesTrak's."""
    return check_url_template(os.environ.get("ISSTRACK_TLE_URL") or DEFAULT_URL_TEMPLATE)


def check_url_template(template: str) -> str:
    """Return `template` if it is an http(s) URL whose only placeholder is {catnr}; else BadInputError."""
    fix = (
        f"set it to an http(s) URL with {{catnr}} where the catalog number goes, like {DEFAULT_URL_TEMPLATE}"
    )

    def bad(problem: str) -> BadInputError:
        return BadInputError(f"ISSTRACK_TLE_URL={template[:200]!r} {problem}; {fix}")

    try:
        fields = [
            (name, spec, conv)
            for _, name, spec, conv in string.Formatter().parse(template)
            if name is not None
        ]
    except ValueError:
        raise bad("has an unmatched brace (write {{ or }} for a literal one)") from None
    if not fields:
        raise bad("does not contain {catnr}")
    for name, spec, conversion in fields:
        if name != "catnr":
            raise bad(f"has a placeholder {{{name}}} other than {{catnr}}")
        if spec or conversion:
            written = "{catnr" + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise bad(f"has {written[:60]}, with a conversion or format spec; write a bare {{catnr}}")
    url = check_http_url(template.format(catnr=25544))
    if url.controls:
        raise bad("contains spaces or control characters")
    if url.invalid is not None:
        raise bad(f"is not a valid URL ({url.invalid})")
    if url.not_http:
        raise bad("is not an http:// or https:// URL with a host")
    return template


def timeout_from_env() -> float:
    """Return the HTTP timeout in seconds: $ISSTRACK_HTTP_TIMEOUT or 10."""
    text = os.environ.get("ISSTRACK_HTTP_TIMEOUT")
    if not text:
        return DEFAULT_TIMEOUT_S
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 120:
        raise BadInputError(f"ISSTRACK_HTTP_TIMEOUT={text!r} is not a number of seconds in (0, 120]")
    return value


def load_bundled(catalog_number: int) -> ElementsInUse:
    """Return the element set shipped with the package."""
    path = data_file(BUNDLED_FILE)
    try:
        elements = parse_elements(path.read_text(encoding="utf-8"), catalog_number)
    except (OSError, TleFormatError) as exc:
        raise NoElementsError(
            f"no usable elements: the bundled set is missing or damaged ({exc}); reinstall isstrack"
        ) from None
    return ElementsInUse(elements, "bundled", str(path))
