"""Runs of items laid end to end in one flat array: the pass engine's and the map's way to vectorise."""

from __future__ import annotations

from typing import Any


def ragged(counts: Any) -> tuple[Any, Any, Any]:
    """Return (owner, index within its run, run offsets) for runs of `counts[i]` items laid end to end.

    For counts [2, 3]: owner [0, 0, 1, 1, 1], index [0, 1, 0, 1, 2], offsets [0, 2].
    """
    import numpy as np

    offsets = (np.cumsum(counts) - counts).astype(np.int64)
    owner = np.repeat(np.arange(len(counts)), counts)
    return owner, np.arange(int(np.sum(counts))) - offsets[owner], offsets
