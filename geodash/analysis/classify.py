"""Class breaks for choropleth maps, through mapclassify's schemes behind one front door."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import mapclassify
import numpy as np
import pandas as pd

from geodash.errors import ParameterError


@dataclass(frozen=True)
class Classes:
    """The result of classifying values for a map legend.

    Attributes
    ----------
    scheme
        The scheme used.
    breaks
        Upper bound of each class, ascending (one per class).
    lower
        The smallest classified value (lower bound of the first class).
    classes
        Class number per value (0 … k-1), ``-1`` where the value is missing.
    counts
        Number of values in each class.
    """

    scheme: str
    breaks: tuple[float, ...]
    lower: float
    classes: pd.Series
    counts: tuple[int, ...]

    @property
    def k(self) -> int:
        """The number of classes."""
        return len(self.breaks)


def _quantiles(y: np.ndarray, k: int) -> np.ndarray:
    with warnings.catch_warnings():
        # Ties can merge quantiles; mapclassify warns, classify() drops the repeated breaks.
        warnings.simplefilter("ignore", UserWarning)
        return mapclassify.Quantiles(y, k=k).bins


def _equal_interval(y: np.ndarray, k: int) -> np.ndarray:
    return mapclassify.EqualInterval(y, k=k).bins


def _natural_breaks(y: np.ndarray, k: int) -> np.ndarray:
    with warnings.catch_warnings():
        # Without numba mapclassify warns and is O(k·n²): sample above a few thousand values.
        warnings.simplefilter("ignore", UserWarning)
        if len(y) > 2000:
            return mapclassify.FisherJenksSampled(y, k=k, pct=2000 / len(y), truncate=False).bins
        return mapclassify.FisherJenks(y, k=k).bins


# Class widths tried for the standard-deviation scheme, in standard deviations, widest first
# (the interval sizes GIS desktop software offers).
STD_STEPS = (1.0, 0.5, 1 / 3, 0.25)


def std_breaks(y: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of ``k`` classes of equal width in standard deviations around the mean.

    The ``k − 1`` inner breaks are symmetric around the mean: with an even ``k``
    one break lies on the mean, with an odd ``k`` the middle class is centred on
    it. The width is the widest of :data:`STD_STEPS` whose inner breaks all fall
    strictly inside the data's range, so that no class lies wholly beyond the
    data (no class of negative rates, no run of empty classes); the last bound is
    the maximum. If even a quarter of a standard deviation is too wide, the
    breaks outside the range are dropped and fewer classes result.
    The standard deviation is the sample one (``ddof=1``), as mapclassify's.

    Examples
    --------
    1, 3, 5, 7, 9 have the mean 5 and the sample standard deviation √(40 / 4) ≈ 3.162;
    for 4 classes the breaks mean − 1 SD, mean and mean + 1 SD lie inside 1…9:

    >>> std_breaks(np.array([1.0, 3.0, 5.0, 7.0, 9.0]), 4).round(3).tolist()
    [1.838, 5.0, 8.162, 9.0]
    """
    mean, sd = float(y.mean()), float(y.std(ddof=1))
    offsets = np.arange(k - 1) - (k - 2) / 2  # even k: …, −1, 0, 1, …; odd k: …, −½, ½, …
    low, high = float(y.min()), float(y.max())
    for step in STD_STEPS:
        inner = mean + offsets * step * sd
        if inner.size == 0 or (inner[0] > low and inner[-1] < high):
            break
    inner = inner[(inner > low) & (inner < high)]
    return np.append(inner, high)


def _std_mean(y: np.ndarray, k: int) -> np.ndarray:
    return std_breaks(y, k)


SCHEMES: dict[str, Callable[[np.ndarray, int], np.ndarray]] = {
    "quantiles": _quantiles,
    "equal_interval": _equal_interval,
    "natural_breaks": _natural_breaks,
    "std_mean": _std_mean,
}


def classify(
    values: pd.Series,
    scheme: str = "quantiles",
    k: int = 5,
    *,
    breaks: Sequence[float] | None = None,
) -> Classes:
    """Classify values into ``k`` classes with a named scheme, or with manual breaks.

    Missing values stay out of the breaks and get class ``-1``. With fewer
    distinct values than ``k`` the classes shrink to the distinct values.

    Parameters
    ----------
    values
        The values to classify (NaN for missing or suppressed).
    scheme
        One of ``quantiles``, ``equal_interval``, ``natural_breaks``,
        ``std_mean`` or ``manual`` (then ``breaks`` are required).
    k
        Number of classes (2–9).
    breaks
        Upper bounds for ``manual``; the last class extends to the maximum.

    Examples
    --------
    >>> c = classify(pd.Series([1.0, 2.0, 3.0, 4.0]), "equal_interval", 2)
    >>> c.breaks, c.classes.tolist(), c.counts
    ((2.5, 4.0), [0, 0, 1, 1], (2, 2))
    """
    key = scheme.lower().replace(" ", "_").replace("-", "_")
    if key != "manual" and key not in SCHEMES:
        raise ParameterError(
            f"`scheme` was {scheme!r} but is expected to be one of {sorted([*SCHEMES, 'manual'])}."
        )
    if not 2 <= k <= 9:
        raise ParameterError(f"`k` was {k} but is expected to be between 2 and 9.")
    valid = values.dropna().astype(float)
    out = pd.Series(-1, index=values.index, dtype=int)
    if valid.empty:
        return Classes(key, (), float("nan"), out, ())
    y = valid.to_numpy()
    distinct = np.unique(y)
    if key == "manual":
        if not breaks:
            raise ParameterError("the manual scheme needs `breaks`.")
        bins = np.unique(np.asarray(breaks, dtype=float))
        if bins[-1] < y.max():
            bins = np.append(bins, y.max())
    elif len(distinct) <= k:
        bins = distinct
    else:
        bins = np.unique(np.asarray(SCHEMES[key](y, k), dtype=float))
        bins[-1] = max(bins[-1], y.max())
    # A value equal to a break belongs to that class (upper bounds are inclusive).
    classes = np.searchsorted(bins, y, side="left")
    classes = np.minimum(classes, len(bins) - 1)
    out.loc[valid.index] = classes
    counts = tuple(int((classes == i).sum()) for i in range(len(bins)))
    return Classes(key, tuple(float(b) for b in bins), float(y.min()), out, counts)
