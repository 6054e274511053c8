"""One search of the offer finder, answered from a Dataset: the place, then the nearest offers.

No Dash here: :func:`find` takes the Dataset, a :class:`FinderQuery` and the
year, and returns what the page shows. The place is the address typed (found
in the addresses layer), a district's centre (a point inside it) or a point
clicked on the map; distances are straight lines in the metric CRS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd
import pyproj

from geodash.analysis.addresses import AddressIndex, AddressMatch
from geodash.analysis.offers import nearest_offers
from geodash.dataset import Dataset
from geodash.web.public.query import FinderQuery


@dataclass(frozen=True)
class Place:
    """Where the distances are measured from."""

    kind: str  # "address", "area" or "point"
    label: str
    x: float
    y: float
    lon: float
    lat: float
    exact: bool = True


@dataclass(frozen=True)
class FinderResult:
    """What a search found: the place (or why none), the offers nearest to it, other streets meant."""

    place: Place | None
    offers: pd.DataFrame
    alternatives: tuple[AddressMatch, ...] = field(default=())
    problem: str | None = None  # "not_found", "no_addresses", "unknown_area"


# Where a Dataset keeps its address index once built: like its other memoised analyses, in its
# instance dict (the Dataset stays frozen; a new Dataset after an upload builds its own).
INDEX_KEY = "finder_address_index"


def address_index(dataset: Dataset) -> AddressIndex | None:
    """The offline address search over the dataset's addresses layer, built once per Dataset.

    ``None`` when the workspace has no addresses layer.
    """
    memo = dataset.__dict__
    if INDEX_KEY not in memo:
        addresses = dataset.addresses
        memo[INDEX_KEY] = (AddressIndex(addresses.to_crs(dataset.settings.metric_crs))
                           if addresses is not None and len(addresses) else None)
    return memo[INDEX_KEY]


@lru_cache(maxsize=8)
def _to_metric(crs: str) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)


def find_place(dataset: Dataset, query: FinderQuery) -> tuple[Place | None, tuple[AddressMatch, ...],
                                                               str | None]:
    """The place a query names: address first, then a clicked point, then a district."""
    if query.address:
        index = address_index(dataset)
        if index is None:
            return None, (), "no_addresses"
        matches = index.search(query.address)
        if not matches:
            return None, (), "not_found"
        best = matches[0]
        return (Place("address", best.label, best.x, best.y, best.lon, best.lat, best.exact),
                tuple(matches[1:]), None)
    if query.point:
        lat, lon = query.point
        x, y = _to_metric(dataset.settings.metric_crs).transform(lon, lat)
        return Place("point", f"{lat:.5f}, {lon:.5f}", float(x), float(y), lon, lat), (), None
    if query.area:
        areas = dataset.areas_metric
        chosen = areas[areas["key"] == query.area]
        if chosen.empty:
            return None, (), "unknown_area"
        inside = chosen.geometry.representative_point()
        wgs = inside.to_crs("EPSG:4326").iloc[0]
        return (Place("area", dataset.area_label(query.area), float(inside.iloc[0].x),
                      float(inside.iloc[0].y), float(wgs.x), float(wgs.y)), (), None)
    return None, (), None


def find(dataset: Dataset, query: FinderQuery, *, year: int) -> FinderResult:
    """The nearest running offers to the place of ``query`` that pass its filters.

    Parameters
    ----------
    dataset
        The workspace; its sites carry the optional offer columns.
    query
        Place, filters and list length.
    year
        Offers that ended before it are left out (the caller passes this year).
    """
    place, alternatives, problem = find_place(dataset, query)
    if place is None:
        return FinderResult(None, dataset.sites.iloc[0:0].drop(columns="geometry"), alternatives, problem)
    offers = nearest_offers(dataset.sites_metric, place.x, place.y, year=year,
                            categories=query.categories, target_group=query.target_group or None,
                            language=query.language or None, free_only=query.free_only,
                            limit=query.count)
    wgs = dataset.sites.set_index("site_id").geometry
    offers = offers.assign(lon=offers["site_id"].map(wgs.x), lat=offers["site_id"].map(wgs.y))
    return FinderResult(place, offers, alternatives, None)
