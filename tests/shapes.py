"""The shape of a JSON document: its keys and the kinds of its values, not the values."""

from __future__ import annotations

import re
from typing import Any

_ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def shape(value: Any) -> Any:
    """Return the shape: dicts keep their keys, lists show their first item, scalars their kind."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "time-utc" if _ISO_Z.match(value) else "string"
    return "null"
