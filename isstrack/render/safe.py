"""Show outside strings in Rich literally (escaped by io.literal, never markup), in ASCII where need be."""

from __future__ import annotations

import codecs
import re
import sys
import unicodedata
from typing import Any

from isstrack.io.literal import literal as literal


def text(value: str, style: str = "") -> Any:
    """Return a Rich Text showing `value` literally (escaped, never read as markup; ASCII if need be)."""
    from rich.text import Text

    shown = literal(value)
    return Text(to_ascii(shown) if _ascii_only else shown, style=style)


# -- ASCII fallback, for a stdout or stderr that cannot encode UTF-8 (PYTHONIOENCODING=ascii, ...) ----
_ascii_only = False
_ERRORS = "isstrack-ascii"
_ASCII = {
    "°": "deg",
    "·": "-",
    "…": "...",
    "→": "->",
    "←": "<-",
    "–": "-",
    "—": "-",
    "−": "-",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "×": "x",
    "±": "+/-",
    "≥": ">=",
    "≤": "<=",
    "\u00a0": " ",
}


def to_ascii(value: str) -> str:
    """Return `value` in ASCII: degree sign as 'deg', arrows and dashes spelled, accents dropped."""
    if value.isascii():
        return value
    out = []
    for char in value:
        if char.isascii():
            out.append(char)
        elif char in _ASCII:
            out.append(_ASCII[char])
        else:
            plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
            out.append(plain or "?")
    return "".join(out)


def _fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return to_ascii(error.object[error.start : error.end]), error.end


def fit_streams() -> None:
    """Make stdout and stderr fall back to ASCII spellings when their encoding is not UTF-8."""
    global _ascii_only
    codecs.register_error(_ERRORS, _fallback)
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
        if encoding.startswith("utf") or not hasattr(stream, "reconfigure"):
            continue
        stream.reconfigure(errors=_ERRORS)
        if stream is sys.stdout:
            _ascii_only = True


def ascii_only() -> bool:
    """Return whether results are being written as ASCII (stdout cannot encode UTF-8)."""
    return _ascii_only


# Characters XML 1.0 does not allow anywhere, not even escaped (C0 controls but tab and line ends,
# lone surrogates, U+FFFE and U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_chars(text: str) -> str:
    """Return `text` with every character XML does not allow replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)
