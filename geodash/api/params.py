"""The query parameters of the OGC API, read and checked before anything is built.

Every parameter a client can get wrong ends in a :class:`~geodash.errors.ParameterError`
naming the parameter, what was given, what is allowed and the fix; the
service answers it with 400. Nothing here knows Flask: the parameters come
in as a plain mapping of name to text.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from geodash.api.crs import CRS84, ServedCrs, parse_crs
from geodash.errors import ParameterError

DEFAULT_LIMIT = 100
FORMATS = {"json": "json", "geojson": "json", "application/json": "json",
           "application/geo+json": "json", "html": "html", "text/html": "html"}
LANGUAGES = ("de", "en")

# Parameters each kind of request understands (OGC API – Features: any other one is a 400).
COMMON = ("f", "lang")
ITEMS = (*COMMON, "limit", "offset", "bbox", "bbox-crs", "datetime", "properties", "crs")
ITEM = (*COMMON, "crs", "properties")

_YEAR = re.compile(r"^(?P<year>\d{4})(-\d{2}(-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}(:?\d{2})?)?)?)?)?$")


@dataclass(frozen=True)
class ItemsQuery:
    """What a client asked of ``/items``, checked.

    Attributes
    ----------
    limit, offset
        The page: at most ``limit`` features from position ``offset``.
    bbox, bbox_crs
        The box (in ``bbox_crs``'s axis order) features must intersect, or None.
    years
        The first and last year asked for (``None`` for an open end), or None
        when ``datetime`` was not given.
    properties
        The property names to return, or None for all.
    crs
        The CRS of the answer's coordinates.
    """

    limit: int = DEFAULT_LIMIT
    offset: int = 0
    bbox: tuple[float, float, float, float] | None = None
    bbox_crs: ServedCrs | None = None
    years: tuple[int | None, int | None] | None = None
    properties: list[str] | None = None
    crs: ServedCrs | None = None


def check_known(args: Mapping[str, str], allowed: Sequence[str]) -> None:
    """Refuse parameters the request does not understand (OGC: 400, not silently ignored)."""
    unknown = sorted(set(args) - set(allowed))
    if unknown:
        raise ParameterError(
            f"the parameter(s) {', '.join(map(repr, unknown))} are not known here.",
            fix=f"use only {', '.join(allowed)}.",
        )


def output_format(args: Mapping[str, str], html_preferred: bool) -> str:
    """``"json"`` or ``"html"``: the ``f`` parameter, else what the client's Accept header prefers."""
    value = args.get("f")
    if value is None:
        return "html" if html_preferred else "json"
    fmt = FORMATS.get(value.strip().lower())
    if fmt is None:
        raise ParameterError(f"`f` was {value!r} but is expected to be one of json, geojson, html.",
                             fix="use f=json for GeoJSON or f=html for a web page.")
    return fmt


def language(args: Mapping[str, str]) -> str:
    """The language of titles and pages: ``lang`` (de, en), German by default."""
    value = (args.get("lang") or "de").strip().lower()
    if value not in LANGUAGES:
        raise ParameterError(f"`lang` was {value!r} but is expected to be one of {', '.join(LANGUAGES)}.",
                             fix="use lang=de or lang=en.")
    return value


def _integer(args: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    text = args.get(name)
    if text is None:
        return default
    try:
        value = int(text.strip())
    except ValueError:
        raise ParameterError(f"`{name}` was {text!r} but is expected to be a whole number.",
                             fix=f"write a whole number of at least {minimum}.") from None
    if value < minimum:
        raise ParameterError(f"`{name}` was {value} but is expected to be at least {minimum}.",
                             fix=f"write a whole number of at least {minimum}.")
    return value


def _bbox(text: str) -> tuple[float, float, float, float]:
    parts = text.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) == 6:  # with heights: lower corner, then upper corner
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
        raise ParameterError(f"`bbox` was {text!r} but is expected to be four numbers.",
                             fix="write bbox=minx,miny,maxx,maxy (CRS84: lon,lat,lon,lat), e.g. "
                                 "bbox=8.40,49.46,8.45,49.50.")
    a, b, c, d = numbers
    if a > c or b > d:
        raise ParameterError(f"`bbox` was {text!r}, whose lower corner lies above or right of its "
                             "upper corner.", fix="write the lower corner first: minx,miny,maxx,maxy.")
    return a, b, c, d


def _instant_year(text: str) -> int | None:
    """The year of one end of ``datetime``; None for an open end (``..`` or empty)."""
    text = text.strip()
    if text in ("", ".."):
        return None
    match = _YEAR.match(text)
    if match and len(text) > 4:
        try:
            dt.datetime.fromisoformat(text.replace("Z", "+00:00") if len(text) > 7 else text + "-01")
        except ValueError:
            match = None
    if not match:
        raise ParameterError(
            f"`datetime` was {text!r}, which is not a year or a date.",
            fix="write a year (2022), a date (2022-12-31) or an interval (2020/2022, 2020/..).")
    return int(match["year"])


def years(text: str) -> tuple[int | None, int | None]:
    """The first and last year of a ``datetime`` value (an instant or an interval ``a/b``).

    Examples
    --------
    >>> years("2021"), years("2021-12-31"), years("2019/2021"), years("2020/.."), years("../2020")
    ((2021, 2021), (2021, 2021), (2019, 2021), (2020, None), (None, 2020))
    """
    parts = text.split("/")
    if len(parts) > 2:
        raise ParameterError(f"`datetime` was {text!r} but is expected to hold at most one '/'.",
                             fix="write a year, a date or an interval such as 2020/2022.")
    if len(parts) == 1:
        year = _instant_year(parts[0])
        if year is None:
            raise ParameterError(f"`datetime` was {text!r}, which names no time.",
                                 fix="write a year (2022), a date or an interval such as 2020/2022.")
        return year, year
    first, last = (_instant_year(p) for p in parts)
    if first is not None and last is not None and first > last:
        raise ParameterError(f"`datetime` was {text!r}, whose start is after its end.",
                             fix="write the earlier end first, e.g. 2020/2022.")
    return first, last


def property_names(text: str, columns: Sequence[str]) -> list[str]:
    """The names in ``properties=a,b`` (empty for none), each a column of the collection."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in columns]
    if unknown:
        raise ParameterError(
            f"`properties` names {', '.join(map(repr, unknown))}, which the collection does not have.",
            fix=f"name some of {', '.join(columns)}.")
    return list(dict.fromkeys(names))


def items_query(args: Mapping[str, str], served: dict[str, ServedCrs], columns: Sequence[str], *,
                max_limit: int) -> ItemsQuery:
    """Read and check the parameters of an ``/items`` request.

    ``limit`` above ``max_limit`` is capped to it, as OGC API – Features allows.
    """
    check_known(args, ITEMS)
    limit = min(_integer(args, "limit", DEFAULT_LIMIT, 1), max_limit)
    offset = _integer(args, "offset", 0, 0)
    bbox = _bbox(args["bbox"]) if "bbox" in args else None
    if "bbox-crs" in args and bbox is None:
        raise ParameterError("`bbox-crs` was given without `bbox`.", fix="give bbox too, or leave both out.")
    bbox_crs = parse_crs(args["bbox-crs"], served, "bbox-crs") if "bbox-crs" in args else served[CRS84]
    period = years(args["datetime"]) if "datetime" in args else None
    properties = property_names(args["properties"], columns) if "properties" in args else None
    crs = parse_crs(args["crs"], served) if "crs" in args else served[CRS84]
    return ItemsQuery(limit, offset, bbox, bbox_crs, period, properties, crs)
