"""The Dataset: the one in-memory model of a workspace, built once, validated whole, never mutated."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from time import perf_counter

import geopandas as gpd
import pandas as pd

from geodash import progress
from geodash.catalog import (
    DEFAULT_PARENT_UNIT,
    DEFAULT_UNIT,
    LAYER_KINDS,
    Catalog,
    Category,
    IndicatorSpec,
    Settings,
    Text,
    Word,
)
from geodash.errors import DataError, SpecError
from geodash.findings import ReportBuilder, ValidationReport
from geodash.joins import locate_sites, zone_shares
from geodash.labels import area_labels, repeated_names
from geodash.load import WGS84, LoadContext, load_layer
from geodash.population import check_population_needed, population_by_year, report_population

# A site further than this from every area is not "just outside the city":
# its coordinates are wrong (swapped, wrong CRS, a typo).
FAR_OUTSIDE_M = 25_000

# ``layer``: the stem of the sites spec file, so that the map can switch each sites layer.
SITE_COLUMNS = ["site_id", "name", "category", "programme", "start", "end", "address", "contact",
                "area_key", "layer", "geometry"]
# Layer kinds the Dataset holds in attributes of their own; every other kind goes to other_layers.
OWN_KINDS = ("areas", "indicators", "sites", "zones", "population", "addresses")
ZONE_COLUMNS = ["zone_id", "name", "programme", "since", "until", "geometry"]


# Analyses a Dataset keeps once computed (the cache stores some, see geodash.cache.STORED):
# attribute -> "module:function" computing it from the Dataset. Named, not imported: the
# analysis layer lies above the Dataset (as geodash.catalog.LAYER_KINDS names its loaders).
MEMOISED = {
    "access": "geodash.analysis.of_dataset:access",
    "access_in": "geodash.analysis.of_dataset:access_in",
    "areas_display": "geodash.analysis.of_dataset:areas_display",
    "population_points": "geodash.analysis.of_dataset:population_points",
}


def memoised_analysis(name: str):
    """The function :data:`MEMOISED` names for ``name``."""
    module, _, function = MEMOISED[name].partition(":")
    return getattr(importlib.import_module(module), function)


@dataclass(frozen=True)
class LayerInfo:
    """What one layer is, where it came from, and how much of it was read."""

    kind: str
    spec_file: str
    data_file: str
    title: Text
    source: str
    notes: Text | None
    count: int


@dataclass(frozen=True)
class Dataset:
    """Areas, indicators, sites and zones of one workspace, validated and joined.

    Geometry is kept in WGS84 (for serving and exporting); metric copies in
    ``settings.metric_crs`` are available for areas and distances.

    Attributes
    ----------
    areas
        ``key, name, parent, parent_name, population, geometry``; sorted by key.
        Names may repeat: identify areas by key, show :attr:`area_labels`. With a
        ``population_indicator`` in the areas spec, ``population`` is each
        area's latest known number of residents from it.
    indicators
        Long table ``area_key, indicator, year, value, suppressed``; a suppressed
        value (fewer cases than ``settings.min_cases``) is NaN with ``suppressed`` True.
    indicator_meta
        Indicator specs by id, in spec order.
    sites
        ``site_id, name, category, programme, start, end, address, contact,
        area_key, geometry``; ``area_key`` is ``None`` outside every area.
    zones
        ``zone_id, name, programme, since, until, geometry``.
    zone_shares
        ``area_key, zone_id, share`` of each area's surface inside each zone.
    categories
        Site category code to its label and colour, in display order.
    report
        What was repaired, left out or noticed during the load.
    unit, parent_unit
        The city's words for one area and for the level above (from the areas
        spec); :func:`geodash.web.i18n.area_word` picks one for a text.
    population_table
        Long table ``area_key, year, population``: the residents of every area
        in every year of :attr:`years`, from the indicator the areas spec names
        as ``population_indicator`` where it has a value, else from the areas'
        own population column (NaN where neither knows).
    other_layers
        The frames of layer kinds that have no attribute of their own (kinds
        added to :data:`geodash.catalog.LAYER_KINDS` beyond the five above), by
        kind; the layers of one kind concatenated in spec order.
    """

    workspace: Path
    settings: Settings
    areas: gpd.GeoDataFrame
    indicators: pd.DataFrame
    indicator_meta: dict[str, IndicatorSpec]
    sites: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    zone_shares: pd.DataFrame
    categories: dict[str, Category]
    report: ValidationReport
    layers: tuple[LayerInfo, ...] = field(default=())
    population_grid: gpd.GeoDataFrame | None = None
    unit: Word = DEFAULT_UNIT
    parent_unit: Word = DEFAULT_PARENT_UNIT
    population_table: pd.DataFrame | None = None
    other_layers: dict[str, pd.DataFrame] = field(default_factory=dict)
    addresses: gpd.GeoDataFrame | None = None
    target_groups: dict[str, Category] = field(default_factory=dict)

    def population_in(self, year: int | None) -> pd.Series:
        """Residents per area in ``year``, by key (index of every area, NaN where unknown).

        From :attr:`population_table` (the areas spec's ``population_indicator``
        per year, else the areas' own column); for a year the table does not
        hold, the areas' own column.
        """
        own = self.areas.set_index("key")["population"].astype(float)
        table = self.population_table
        if year is None or table is None or not (table["year"] == year).any():
            return own
        part = table[table["year"] == year].set_index("area_key")["population"].astype(float)
        return part.reindex(own.index).rename("population")

    @cached_property
    def areas_metric(self) -> gpd.GeoDataFrame:
        """The areas in the workspace's metric CRS."""
        return self.areas.to_crs(self.settings.metric_crs)

    @cached_property
    def areas_display(self) -> gpd.GeoDataFrame:
        """The areas simplified for the screen (:func:`~geodash.analysis.display.display_areas`).

        Computed once per Dataset (with ``gunicorn --preload`` before the
        workers fork); only maps use it, exports keep :attr:`areas`.
        """
        return memoised_analysis("areas_display")(self)

    @cached_property
    def sites_metric(self) -> gpd.GeoDataFrame:
        """The sites in the workspace's metric CRS."""
        return self.sites.to_crs(self.settings.metric_crs)

    @cached_property
    def population_points(self) -> gpd.GeoDataFrame | None:
        """Grid residents assigned to areas (metric CRS), or ``None`` without a grid."""
        return memoised_analysis("population_points")(self)

    @cached_property
    def access(self) -> pd.DataFrame:
        """Accessibility of sites per area and category (computed once; it has no year)."""
        return memoised_analysis("access")(self)

    def access_in(self, year: int | None) -> pd.DataFrame:
        """Accessibility of the sites running in ``year`` (computed once per set of running sites).

        The same as :attr:`access` when every site runs in ``year`` (or ``year`` is None).
        """
        return memoised_analysis("access_in")(self, year)

    @cached_property
    def years(self) -> list[int]:
        """Every year that has at least one indicator value, ascending."""
        return sorted(int(y) for y in self.indicators["year"].unique())

    @cached_property
    def years_by_indicator(self) -> dict[str, tuple[int, ...]]:
        """The years with values of every indicator, ascending (computed once, asked per click)."""
        pairs = self.indicators[["indicator", "year"]].drop_duplicates()
        return {str(ind): tuple(sorted(int(y) for y in years))
                for ind, years in pairs.groupby("indicator", sort=False)["year"]}

    def indicator_years(self, indicator: str) -> list[int]:
        """The years with values for one indicator, ascending."""
        return list(self.years_by_indicator.get(indicator, ()))

    @cached_property
    def default_indicator(self) -> str | None:
        """The indicator the map opens with."""
        if self.settings.default_indicator:
            return self.settings.default_indicator
        return next(iter(self.indicator_meta), None)

    def area_name(self, key: str) -> str:
        """The name of the area with ``key``."""
        return str(self.areas.loc[self.areas["key"] == key, "name"].iloc[0])

    @cached_property
    def area_labels(self) -> pd.Series:
        """Display label per area key, unique even where names repeat (see :mod:`geodash.labels`)."""
        return area_labels(self.areas)

    def area_label(self, key: str) -> str:
        """The display label of the area with ``key``: its name, or "Name (Bezirk)" where it repeats."""
        return str(self.area_labels.get(key, key))

    def category_label(self, code: str, lang: str = "de") -> str:
        """The label of a site category, or its code if the spec gives none."""
        category = self.categories.get(code)
        return category.label.get(lang) if category else code


def collect_categories(catalog: Catalog, sites: gpd.GeoDataFrame) -> dict[str, Category]:
    """Site categories in display order: declared ones first, then any others found in the data."""
    declared: dict[str, Category] = {}
    for _, spec in catalog.sites:
        for code, category in spec.categories.items():
            declared.setdefault(code, category)
    # unique() first: iterating a million-row text column element by element takes seconds.
    present = {str(code) for code in sites["category"].unique()}
    for code in sorted(present - set(declared)):
        declared[code] = Category(label=Text(de=code))
    return {code: cat for code, cat in declared.items() if code in present or not len(sites)}


def collect_target_groups(catalog: Catalog) -> dict[str, Category]:
    """The target-group labels the sites specs declare, by code (the first spec that names one)."""
    declared: dict[str, Category] = {}
    for _, spec in catalog.sites:
        for code, group in spec.target_groups.items():
            declared.setdefault(code.lower(), group)
    return declared


def _note_repeated_names(areas: pd.DataFrame, file: str, report: ReportBuilder) -> None:
    repeated = repeated_names(areas)
    if repeated:
        listed = "; ".join(f"{name} (keys {', '.join(keys)})" for name, keys in list(repeated.items())[:10])
        report.add("notice", "areas", file, "",
                   f"{len(repeated)} name(s) used by more than one area, told apart by the parent's "
                   f"name or the key wherever areas are shown: {listed}")


def build_dataset(catalog: Catalog) -> Dataset:
    """Read, validate and join every layer of a catalog into a :class:`Dataset`.

    Nothing is returned unless the whole workspace is valid: the first error
    a user can fix is raised as :class:`~geodash.errors.DataError`.
    """
    report = ReportBuilder()
    settings = catalog.settings
    layers: list[LayerInfo] = []

    def info(kind: str, spec_path: Path, spec, count: int) -> None:
        layers.append(LayerInfo(kind, spec_path.name, spec.data_name, spec.title, spec.source, spec.notes,
                                count))
        # Each layer's time runs from the line before: reading, checking and joining it.
        nonlocal since
        progress.report(f"read {kind} {spec.data_name}: {count} rows/features", since)
        since = perf_counter()

    since = perf_counter()

    areas_path, areas_spec = catalog.areas
    context = LoadContext(settings, report, catalog.workspace)
    areas = load_layer(areas_spec, catalog.path(areas_spec), context)
    info("areas", areas_path, areas_spec, len(areas))
    _note_repeated_names(areas, areas_spec.data_name, report)
    keys = set(areas["key"])
    reference = settings.index.reference or []
    if set(reference) - keys:
        raise SpecError(f"index.reference names area key(s) that do not exist: "
                        f"{', '.join(sorted(set(reference) - keys))}.",
                        file=catalog.workspace / "layers" / "workspace.toml",
                        where="key index.reference", fix="use keys of the areas layer.")

    context = replace(context, area_keys=frozenset(keys))
    tables = []
    for spec_path, spec in catalog.indicators:
        table = load_layer(spec, catalog.path(spec), context)
        info("indicators", spec_path, spec, len(table))
        tables.append(table)
    indicators = (pd.concat(tables, ignore_index=True) if tables
                  else pd.DataFrame({"area_key": [], "indicator": [], "year": [], "value": [],
                                     "suppressed": []}))
    indicators = indicators.astype({"area_key": object, "indicator": object, "year": int, "value": float,
                                    "suppressed": bool})
    indicators = indicators.sort_values(["indicator", "year", "area_key"]).reset_index(drop=True)
    meta = catalog.indicator_specs
    file_of = {ind.id: spec.data_name for _, spec in catalog.indicators for ind in spec.indicators}
    for ind_id in meta:
        if not (indicators["indicator"] == ind_id).any():
            report.add("notice", "indicators", file_of[ind_id], f"indicator {ind_id}",
                       "has no values at all")
    without = sorted(keys - set(indicators["area_key"]))
    if without and len(indicators):
        names = area_labels(areas).loc[without].tolist()
        report.add("notice", "indicators", ", ".join(spec.data_name for _, spec in catalog.indicators),
                   "all indicator tables",
                   f"{len(without)} area(s) without any indicator value: {', '.join(names[:10])}")
    population = population_by_year(areas, indicators, areas_spec.population_indicator)
    if areas_spec.population_indicator:
        # Pages that show one number of residents (profile, coverage table) show the latest
        # year's, as the index and the rates per 1,000 of that year do.
        latest = population.dropna(subset=["population"]).sort_values("year").groupby("area_key").last()
        areas["population"] = areas["key"].map(latest["population"]).astype(float).fillna(
            areas["population"])
    report_population(areas, population, areas_spec, report)
    check_population_needed(catalog, areas, population, len(catalog.sites) > 0, report)

    metric_areas = areas.to_crs(settings.metric_crs)
    site_frames = []
    for spec_path, spec in catalog.sites:
        part = load_layer(spec, catalog.path(spec), context)
        part["area_key"] = locate_sites(part, areas)
        part["layer"] = Path(spec_path).stem
        outside = part["area_key"].isna()
        if outside.any():
            metric = part[outside].to_crs(settings.metric_crs)
            dist = metric.geometry.distance(metric_areas.union_all())
            far = dist > FAR_OUTSIDE_M
            if far.any():
                row = part[outside][far.to_numpy()].iloc[0]
                raise DataError(
                    f"has the site {row['name']!r} at {row.geometry.x:.5f}, {row.geometry.y:.5f}, "
                    f"{dist[far].iloc[0] / 1000:.0f} km from the nearest area.",
                    file=catalog.path(spec), where=f"site {row['site_id']}",
                    fix="check the coordinates: are longitude and latitude swapped, or is the CRS wrong?")
            report.add("notice", "sites", spec.data_name, ", ".join(part.loc[outside, "site_id"].head(10)),
                       f"{int(outside.sum())} site(s) outside every area kept, without an area: "
                       + ", ".join(part.loc[outside, "name"].head(10)))
        info("sites", spec_path, spec, len(part))
        site_frames.append(part)
    sites = (gpd.GeoDataFrame(pd.concat(site_frames, ignore_index=True), crs=WGS84) if site_frames
             else gpd.GeoDataFrame({c: [] for c in SITE_COLUMNS[:-1]}, geometry=[], crs=WGS84))
    if sites["site_id"].duplicated().any():
        dup = sites.loc[sites["site_id"].duplicated(), "site_id"].iloc[0]
        raise DataError(f"the site id {dup!r} occurs in more than one sites layer.",
                        file=catalog.workspace / "layers", fix="give sites unique ids across layers.")
    # The optional offer columns (and their translations) follow the model's own, "" where a
    # layer has none.
    extra = [c for c in sites.columns if c not in SITE_COLUMNS]
    sites = sites[[*SITE_COLUMNS[:-1], *extra, "geometry"]]
    if extra:
        sites = sites.assign(**{column: sites[column].fillna("") for column in extra})

    zone_frames = []
    for spec_path, spec in catalog.zones:
        part = load_layer(spec, catalog.path(spec), context)
        info("zones", spec_path, spec, len(part))
        zone_frames.append(part)
    zones = (gpd.GeoDataFrame(pd.concat(zone_frames, ignore_index=True), crs=WGS84) if zone_frames
             else gpd.GeoDataFrame({c: [] for c in ZONE_COLUMNS[:-1]}, geometry=[], crs=WGS84))
    zones = zones[ZONE_COLUMNS]
    with progress.step(f"joined {len(zones)} zone(s) to the areas"):
        shares = zone_shares(metric_areas, zones.to_crs(settings.metric_crs))

    grid = None
    if catalog.population:
        grid_path, grid_spec = catalog.population
        grid = load_layer(grid_spec, catalog.path(grid_spec), context)
        info("population", grid_path, grid_spec, len(grid))

    address_frames = []
    for spec_path, spec in catalog.addresses:
        address_frames.append(load_layer(spec, catalog.path(spec), context))
        info("addresses", spec_path, spec, len(address_frames[-1]))
    addresses = (gpd.GeoDataFrame(pd.concat(address_frames, ignore_index=True), crs=WGS84)
                 if address_frames else None)

    others: dict[str, pd.DataFrame] = {}
    for kind in LAYER_KINDS:
        if kind in OWN_KINDS or not catalog.of_kind(kind):
            continue
        parts = []
        for spec_path, spec in catalog.of_kind(kind):
            parts.append(load_layer(spec, catalog.path(spec), context))
            info(kind, spec_path, spec, len(parts[-1]))
        others[kind] = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]

    dataset = Dataset(
        workspace=catalog.workspace,
        settings=settings,
        areas=areas,
        indicators=indicators,
        indicator_meta=meta,
        sites=sites,
        zones=zones,
        zone_shares=shares,
        categories=collect_categories(catalog, sites),
        report=report.freeze(),
        layers=tuple(layers),
        population_grid=grid,
        unit=areas_spec.unit,
        parent_unit=areas_spec.parent_unit,
        population_table=population,
        other_layers=others,
        addresses=addresses,
        target_groups=collect_target_groups(catalog),
    )
    # The metric copy was needed anyway: keep it instead of projecting twice.
    dataset.__dict__["areas_metric"] = metric_areas
    return dataset
