"""The change of a value per area between two years, and classes symmetric around 0 for its map.

A difference map (year B − year A) needs two things the ordinary classes do
not give: an area missing in either year has no difference (it is "keine
Daten", never 0), and the classes lie symmetrically around 0, so that the
same colour strength means the same amount of change in either direction.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geodash.analysis.classify import Classes
from geodash.errors import ParameterError


def difference(start: pd.Series, end: pd.Series) -> pd.Series:
    """``end − start`` per area; missing where either value is missing.

    Parameters
    ----------
    start, end
        The values of year A and year B, indexed by area key (NaN where missing).

    Returns
    -------
    pandas.Series
        Indexed like ``end`` followed by any keys only ``start`` has; NaN where
        an area has no value in one of the two years (not 0: no change is not
        the same as no data). For shares in % the result is in percentage points.

    Examples
    --------
    >>> a = pd.Series({"01": 5.0, "02": 10.0, "03": np.nan})
    >>> b = pd.Series({"01": 4.0, "02": np.nan, "03": 16.0})
    >>> difference(a, b).tolist()
    [-1.0, nan, nan]
    """
    index = end.index.append(start.index.difference(end.index, sort=False))
    a = pd.to_numeric(start, errors="coerce").astype(float).reindex(index)
    b = pd.to_numeric(end, errors="coerce").astype(float).reindex(index)
    return (b - a).rename("difference")


def _ceil_to(values: np.ndarray, decimals: int) -> np.ndarray:
    """``values`` rounded up to ``decimals`` places (rounding noise below 1e-9 ignored)."""
    factor = 10.0**decimals
    return np.ceil(np.round(np.asarray(values, dtype=float) * factor, 9)) / factor


def _equal_magnitudes(magnitude: np.ndarray, k: int, decimals: int) -> np.ndarray:
    """Bounds above 0 of ``k`` classes of one width, the outer one at least the largest change."""
    largest = float(magnitude.max())
    if k % 2:
        half = _ceil_to(largest / k, decimals)  # half a class: the middle class is ±half
        return (2 * np.arange(k // 2 + 1) + 1) * half
    return np.arange(1, k // 2 + 1) * _ceil_to(2 * largest / k, decimals)


def _quantile_magnitudes(magnitude: np.ndarray, k: int, decimals: int) -> np.ndarray:
    """Bounds above 0 at quantiles of the changes' magnitudes: each step holds about as many areas.

    With an odd ``k`` the middle class holds about 1 / (k // 2 + 1) of the areas,
    the smallest changes either way; each further pair of classes as many.
    """
    steps = k // 2 + 1 if k % 2 else k // 2
    levels = np.arange(1, steps + 1) / steps
    bounds = np.quantile(magnitude, levels)
    bounds[-1] = magnitude.max()
    return _ceil_to(bounds, decimals)


# How the bounds above 0 are chosen; the same bounds, negated, lie below 0.
SYMMETRIC_SCHEMES = {
    "quantiles": _quantile_magnitudes,
    "equal_interval": _equal_magnitudes,
}


def symmetric_bounds(values: pd.Series, k: int, decimals: int = 1,
                     scheme: str = "equal_interval") -> np.ndarray:
    """The class bounds of a diverging scale: symmetric around 0, the outer ones at the largest change.

    Every bound is rounded up to the values' precision (``decimals``), so that it
    reads as a number of the indicator. With an odd ``k`` the middle class is
    centred on 0; with an even ``k`` 0 is a bound. ``scheme`` chooses the bounds
    above 0 (see :data:`SYMMETRIC_SCHEMES`): ``equal_interval`` classes of one
    width, ``quantiles`` steps that each hold about as many areas (by the size of
    the change), which keeps one outlier from pressing every other area into the
    middle class. Bounds that coincide merge, and fewer classes result.

    Examples
    --------
    The changes −1, −2, +1, +2.5 have the largest magnitude 2.5; five classes of
    width 2 · 2.5 / 5 = 1.0 put the middle class at −0.5 … 0.5:

    >>> symmetric_bounds(pd.Series([-1.0, -2.0, 1.0, 2.5]), 5).tolist()
    [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]

    By quantiles, the magnitudes 1, 1, 2, 2.5 give the bounds at their ⅓ and ⅔
    quantiles (1.0 and 2.0) and at the largest (2.5):

    >>> symmetric_bounds(pd.Series([-1.0, -2.0, 1.0, 2.5]), 5, scheme="quantiles").tolist()
    [-2.5, -2.0, -1.0, 1.0, 2.0, 2.5]
    """
    if not 2 <= k <= 9:
        raise ParameterError(f"`k` was {k} but is expected to be between 2 and 9.")
    if scheme not in SYMMETRIC_SCHEMES:
        raise ParameterError(f"`scheme` was {scheme!r} but is expected to be one of "
                             f"{sorted(SYMMETRIC_SCHEMES)}.")
    magnitude = pd.to_numeric(values, errors="coerce").dropna().abs().to_numpy(dtype=float)
    if not len(magnitude) or magnitude.max() == 0.0:
        return np.zeros(k + 1)
    # At least one step of the last digit: "no change" is a class of its own, never a bound.
    above = np.maximum(SYMMETRIC_SCHEMES[scheme](magnitude, k, decimals), 10.0**-decimals)
    middle = [0.0] if k % 2 == 0 else []
    bounds = np.concatenate([-above[::-1], middle, above])
    # + 0.0 turns −0.0 into 0.0; unique merges bounds that coincide (many equal changes).
    return np.unique(np.round(bounds, decimals + 1) + 0.0)


def diverging_classes(values: pd.Series, k: int, decimals: int = 1,
                      scheme: str = "equal_interval") -> Classes:
    """Classify changes into ``k`` classes symmetric around 0 (see :func:`symmetric_bounds`).

    A value on a bound belongs to the class nearer 0, the same rule on both
    sides, so that a change and its opposite always get mirrored classes.
    Missing values get class ``-1``. When no area changed at all, there is
    one class, 0.

    Returns
    -------
    Classes
        ``breaks`` are the upper bounds, ``lower`` the lowest bound (−outer
        bound, not the smallest value), ``scheme`` ``"diverging"``.

    Examples
    --------
    >>> c = diverging_classes(pd.Series([-1.0, -2.0, 1.0, 2.5, np.nan]), 5)
    >>> c.classes.tolist(), c.counts
    ([1, 0, 3, 4, -1], (1, 1, 0, 1, 1))
    """
    bounds = symmetric_bounds(values, k, decimals, scheme)
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    valid = numbers.dropna()
    out = pd.Series(-1, index=values.index, dtype=int)
    if valid.empty:
        return Classes("diverging", (), float("nan"), out, ())
    if bounds[-1] == 0.0:
        out.loc[valid.index] = 0
        return Classes("diverging", (0.0,), 0.0, out, (len(valid),))
    inner = bounds[1:-1]
    # 7.0 − 7.9 is −0.9000000000000004 in floating point: a change of −0,9 must sit on the
    # bound −0,9, as it reads, not beyond it. Rounding noise below 1e-9 is dropped.
    y = np.round(valid.to_numpy(), 9)
    # Positive values: a value on a bound stays below it (nearer 0); negative ones above it.
    classes = np.where(y >= 0, np.searchsorted(inner, y, side="left"),
                       np.searchsorted(inner, y, side="right"))
    out.loc[valid.index] = classes
    counts = tuple(int(n) for n in np.bincount(classes, minlength=len(inner) + 1))
    return Classes("diverging", tuple(float(b) for b in bounds[1:]), float(bounds[0]), out, counts)
