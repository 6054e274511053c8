"""Offline address search: normalised street names, a fuzzy match, then the house number.

Residents type addresses as they speak them: "Ludwigstrasse 2", "Bgm-Grünzweig-Str 35",
"ludwigstr.2". The search normalises street names once per Dataset
(:func:`normalise_streets`: lower case, ß→ss, ä→ae, abbreviations written out,
spaces, hyphens and dots dropped), compares the typed street with every
distinct street at once (rapidfuzz, in C), and then picks the house number on
the best street: the same number and suffix, else the same number, else the
nearest number on that street (and says it is not exact).

Nothing here reads files or knows the web: an :class:`AddressIndex` is built
from an addresses frame (``street, number, suffix, postcode, geometry`` in a
metric CRS) and answers :meth:`AddressIndex.search`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

# Written-out forms of the abbreviations found on signs, in office lists and in OSM, applied
# (in order) to a lower-cased street whose Umlauts are already spelt out. Each pattern ends
# at a word end so that "strand" stays "strand". One registry: add a line for a new one.
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    (r"str\b\.?", "strasse"),
    (r"\bbgm\b\.?", "buergermeister"),
    (r"\bbuergerm\b\.?", "buergermeister"),
    (r"\bpl\b\.", "platz"),
    (r"\bst\b\.", "sankt"),
    (r"\bprof\b\.?", "professor"),
    (r"\bdoktor\b", "dr"),
)
UMLAUTS = {"ß": "ss", "ä": "ae", "ö": "oe", "ü": "ue", "é": "e", "è": "e", "á": "a", "à": "a"}
# Minimum rapidfuzz score (0–100) for a street to count as meant.
MIN_SCORE = 70.0
# Other streets are offered as "did you mean" only when they score nearly as well as the best.
ALTERNATIVE_MARGIN = 8.0
# A typed address: street, house number with optional letter suffix, optional postcode.
_POSTCODE = re.compile(r"\b\d{5}\b")
_NUMBER = re.compile(r"(?P<number>\d{1,4})\s*(?P<suffix>[a-zA-Z])?(?:\s*[-/]\s*\d{1,4}[a-zA-Z]?)?\s*$")


def normalise_streets(streets: pd.Series) -> pd.Series:
    """Street names as comparable keys, vectorised over a whole column.

    Examples
    --------
    >>> normalise_streets(pd.Series(["Bgm-Grünzweig-Str 35", "Ludwigstraße", "Mannheimer Str."])).tolist()
    ['buergermeistergruenzweigstrasse35', 'ludwigstrasse', 'mannheimerstrasse']
    """
    text = streets.fillna("").astype(str).str.lower()
    for char, spelt in UMLAUTS.items():
        text = text.str.replace(char, spelt, regex=False)
    # Hyphens and dots separate words like spaces ("Bgm.-Grünzweig-Str."): make them spaces first
    # so that the abbreviations see their word ends, then drop every separator.
    text = text.str.replace(r"[-‐–/]", " ", regex=True)
    for pattern, spelt in ABBREVIATIONS:
        text = text.str.replace(pattern, spelt, regex=True)
    return text.str.replace(r"[^0-9a-z]", "", regex=True)


def normalise_street(street: str) -> str:
    """:func:`normalise_streets` of one name."""
    return str(normalise_streets(pd.Series([street])).iloc[0])


@dataclass(frozen=True)
class TypedAddress:
    """What a person typed, split into street, house number, suffix and postcode."""

    street: str
    number: int | None = None
    suffix: str = ""
    postcode: str | None = None


def parse_address(text: str) -> TypedAddress:
    """Split a typed address into its parts; the number is the last number before the end.

    Examples
    --------
    >>> parse_address("Bgm-Grünzweig-Str 35")
    TypedAddress(street='Bgm-Grünzweig-Str', number=35, suffix='', postcode=None)
    >>> parse_address("Ludwigstr. 2a, 67059 Ludwigshafen")
    TypedAddress(street='Ludwigstr.', number=2, suffix='a', postcode='67059')
    """
    text = " ".join(str(text or "").split())
    postcode = None
    found = _POSTCODE.search(text)
    if found:
        postcode = found.group(0)
        # What follows the postcode is the town: the street and number come before it.
        text = text[: found.start()]
    text = text.strip(" ,;")
    number = _NUMBER.search(text)
    if not number or not text[: number.start()].strip(" ,"):
        return TypedAddress(street=text, postcode=postcode)
    return TypedAddress(street=text[: number.start()].strip(" ,"), number=int(number["number"]),
                        suffix=(number["suffix"] or "").lower(), postcode=postcode)


@dataclass(frozen=True)
class AddressMatch:
    """One address found for a typed text.

    ``exact`` is False when the street was found but not the house number, and
    the nearest number on that street is given instead. ``x, y`` are in the
    index's metric CRS, ``lon, lat`` in WGS84.
    """

    street: str
    number: int
    suffix: str
    postcode: str
    x: float
    y: float
    lon: float
    lat: float
    score: float
    exact: bool

    @property
    def label(self) -> str:
        """``"Ludwigstraße 2a, 67059"``: how the page shows it."""
        where = f", {self.postcode}" if self.postcode else ""
        return f"{self.street} {self.number}{self.suffix}{where}"


class AddressIndex:
    """The addresses of a workspace, prepared once for fast fuzzy searches.

    Parameters
    ----------
    addresses
        ``street, number, suffix, postcode, geometry`` (points in a metric CRS).
        ``number`` is an integer house number, ``suffix`` a lower-case letter or "".
    """

    def __init__(self, addresses: gpd.GeoDataFrame) -> None:
        wgs = addresses.to_crs("EPSG:4326")
        keys = normalise_streets(addresses["street"]).to_numpy(dtype=object)
        numbers = addresses["number"].to_numpy(dtype=np.int64)
        order = np.lexsort((addresses["suffix"].to_numpy(dtype=str), numbers, keys.astype(str)))
        self._keys = keys[order]
        self.streets = addresses["street"].to_numpy(dtype=object)[order]
        self.numbers = numbers[order]
        self.suffixes = addresses["suffix"].to_numpy(dtype=object)[order]
        self.postcodes = addresses["postcode"].fillna("").astype(str).to_numpy(dtype=object)[order]
        self.x = addresses.geometry.x.to_numpy()[order]
        self.y = addresses.geometry.y.to_numpy()[order]
        self.lon = wgs.geometry.x.to_numpy()[order]
        self.lat = wgs.geometry.y.to_numpy()[order]
        # One entry per distinct street key: the rapidfuzz choices, and where its rows start.
        self.street_keys, self._starts = np.unique(self._keys.astype(str), return_index=True)
        self._ends = np.append(self._starts[1:], len(self._keys))

    def __len__(self) -> int:
        return len(self.numbers)

    def search(self, text: str, *, limit: int = 4, min_score: float = MIN_SCORE) -> list[AddressMatch]:
        """The addresses that ``text`` most likely means, best first (empty when none fits).

        One match per street: the best street's address first, then other
        streets that fit almost as well (for "did you mean …").
        """
        from rapidfuzz import fuzz, process

        typed = parse_address(text)
        key = normalise_street(typed.street)
        if not key or not len(self.street_keys):
            return []
        found = process.extract(key, self.street_keys, scorer=fuzz.WRatio, limit=limit,
                                score_cutoff=min_score)
        # Equal scores: the street whose key is closest in length (a typo, not a prefix) first.
        found = sorted(found, key=lambda f: (-round(f[1], 6), abs(len(f[0]) - len(key)), f[0]))
        # Every street shares "strasse" with the typed one: only near-equals are alternatives.
        found = [f for f in found if f[1] >= found[0][1] - ALTERNATIVE_MARGIN] if found else []
        return [self._on_street(position, score, typed) for _, score, position in found]

    def _on_street(self, position: int, score: float, typed: TypedAddress) -> AddressMatch:
        rows = np.arange(self._starts[position], self._ends[position])
        if typed.postcode is not None:
            same_code = rows[self.postcodes[rows] == typed.postcode]
            rows = same_code if len(same_code) else rows
        numbers = self.numbers[rows]
        if typed.number is None:
            row, exact = rows[int(np.argmin(numbers))], False
        else:
            same = rows[numbers == typed.number]
            with_suffix = same[self.suffixes[same] == typed.suffix]
            if len(with_suffix):
                row, exact = with_suffix[0], True
            elif len(same):
                row, exact = same[0], not typed.suffix
            else:
                row, exact = rows[int(np.argmin(np.abs(numbers - typed.number)))], False
        return AddressMatch(
            street=str(self.streets[row]), number=int(self.numbers[row]), suffix=str(self.suffixes[row]),
            postcode=str(self.postcodes[row]), x=float(self.x[row]), y=float(self.y[row]),
            lon=float(self.lon[row]), lat=float(self.lat[row]), score=float(score), exact=exact)
