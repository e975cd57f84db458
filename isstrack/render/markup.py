"""Text from outside (place names above all) made safe for XML and HTML: no controls, no markup."""

from __future__ import annotations

import html
import re

# Characters XML 1.0 forbids (C0 controls but tab and newline, lone surrogates, U+FFFE/FFFF) and ones
# it discourages (DEL, C1 controls): each becomes U+FFFD, so a hostile name shows that it was odd.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """Return `text` with every character XML cannot carry replaced by U+FFFD, on one line."""
    if text.isascii() and text.isprintable():  # most names: nothing to replace, no search to make
        return text
    return _NOT_XML.sub("\ufffd", text).replace("\r", " ").replace("\n", " ").replace("\t", " ")


def esc(text: str) -> str:
    """Return `text` cleaned and escaped for XML or HTML element content and quoted attribute values."""
    return html.escape(clean(text))  # & < > " and ' (str.replace in C: faster than a translate table)
