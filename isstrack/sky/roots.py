"""Vectorised root finding and minimisation on many brackets at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # numpy.typing costs about 30 ms to import: annotations only
    from numpy.typing import NDArray

    Array = NDArray[Any]
    Index = NDArray[np.int64]
    # fn(times, which) evaluates item `which[i]` at `times[i]`.
    Function = Callable[[Array, Index], Array]

MAX_ITERATIONS = 80


def find_roots(fn: Function, a: Array, b: Array, fa: Array, fb: Array, tolerance_s: float) -> Array:
    """Return a root of `fn` inside every bracket [a, b] whose ends have opposite signs (Illinois method)."""
    a, b, fa, fb = (np.array(x, dtype=float) for x in (a, b, fa, fb))
    last_side = np.zeros(len(a), dtype=np.int8)
    active = np.flatnonzero((np.abs(b - a) > tolerance_s) & (fa != 0) & (fb != 0))
    for _ in range(MAX_ITERATIONS):
        if not len(active):
            break
        la, lb, lfa, lfb = a[active], b[active], fa[active], fb[active]
        denominator = lfb - lfa
        c = np.where(
            denominator != 0,
            (la * lfb - lb * lfa) / np.where(denominator != 0, denominator, 1),
            0.5 * (la + lb),
        )
        low, high = np.minimum(la, lb), np.maximum(la, lb)
        c = np.where((c > low) & (c < high), c, 0.5 * (la + lb))
        fc = fn(c, active)
        same_as_a = np.sign(fc) == np.sign(lfa)
        # Replace the end with the same sign; halve the other end's value when it is kept twice.
        keep_b_again = same_as_a & (last_side[active] == 1)
        keep_a_again = ~same_as_a & (last_side[active] == -1)
        a[active] = np.where(same_as_a, c, la)
        fa[active] = np.where(same_as_a, fc, np.where(keep_a_again, lfa / 2, lfa))
        b[active] = np.where(same_as_a, lb, c)
        fb[active] = np.where(same_as_a, np.where(keep_b_again, lfb / 2, lfb), fc)
        last_side[active] = np.where(same_as_a, 1, -1)
        done = (np.abs(b[active] - a[active]) <= tolerance_s) | (fc == 0)
        exact = fc == 0
        a[active[exact]] = c[exact]
        b[active[exact]] = c[exact]
        active = active[~done]
    # An end that is exactly zero is the root.
    root = 0.5 * (a + b)
    root = np.where(fa == 0, a, root)
    return np.where(fb == 0, b, root)


def find_minima(fn: Function, a: Array, b: Array, tolerance_s: float) -> tuple[Array, Array]:
    """Return (time, value) of a minimum of `fn` inside every [a, b] by golden-section search."""
    ratio = (np.sqrt(5.0) - 1) / 2
    a, b = np.array(a, dtype=float), np.array(b, dtype=float)
    which = np.arange(len(a), dtype=np.int64)
    c = b - ratio * (b - a)
    d = a + ratio * (b - a)
    fc, fd = fn(c, which), fn(d, which)
    width = float(np.max(b - a)) if len(a) else 0.0
    while width > tolerance_s:
        left = fc < fd
        b = np.where(left, d, b)
        a = np.where(left, a, c)
        new_c = np.where(left, b - ratio * (b - a), d)
        new_d = np.where(left, c, a + ratio * (b - a))
        # The kept interior point is reused: one new evaluation per bracket per step.
        value = fn(np.where(left, new_c, new_d), which)
        fc, fd = np.where(left, value, fd), np.where(left, fc, value)
        c, d = new_c, new_d
        width *= ratio
    middle = 0.5 * (a + b)
    return middle, fn(middle, which)
