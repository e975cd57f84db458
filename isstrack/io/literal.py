"""Show strings from outside (files, network, config, arguments) literally: no controls, no reordering."""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls, lone surrogates (undecodable bytes in paths), the bidirectional
# overrides and isolates that reorder what follows them on screen, and the noncharacters U+FFFE and
# U+FFFF, which XML (an SVG map) does not allow at all.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not valid UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def literal(text: str) -> str:
    """Return `text` with every character a terminal would act on shown as a visible escape like \\x1b."""
    return _UNSAFE.sub(_escape, text)
