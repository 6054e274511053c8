"""Residents per area and year, from the areas' own column or an indicator table.

Many cities publish their boundaries without residents and the residents per
planning area and year in the social-monitoring tables; the areas spec's
``population_indicator`` names that indicator. Settings that need residents
(the index's ``min_population`` and ``weighted``, coverage per 1,000) are
checked here: where a workspace has none, that is an error, never a silently
empty result.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geodash.catalog import AreasSpec, Catalog, Settings, parse_spec
from geodash.errors import SpecError
from geodash.findings import ReportBuilder
from geodash.labels import area_labels

POPULATION_COLUMNS = ["area_key", "year", "population"]


def population_by_year(areas: pd.DataFrame, indicators: pd.DataFrame,
                       indicator: str | None) -> pd.DataFrame:
    """Residents per area and year: the named indicator's value, else the areas' own column.

    Parameters
    ----------
    areas
        ``key, population`` (the areas' own column, NaN where the file has none).
    indicators
        Long table ``area_key, indicator, year, value``; its years are the years returned.
    indicator
        The id of the indicator holding residents per area and year, or ``None``.

    Returns
    -------
    pandas.DataFrame
        ``area_key, year, population`` for every area and year (NaN where unknown).

    Examples
    --------
    >>> areas = pd.DataFrame({"key": ["a", "b"], "population": [100.0, None]})
    >>> ind = pd.DataFrame({"area_key": ["a", "b", "a"], "indicator": ["ew", "ew", "x"],
    ...                     "year": [2020, 2020, 2021], "value": [120.0, 80.0, 1.0]})
    >>> population_by_year(areas, ind, "ew")["population"].tolist()
    [120.0, 80.0, 100.0, nan]
    """
    years = sorted(int(y) for y in indicators["year"].unique())
    grid = pd.MultiIndex.from_product([list(areas["key"]), years], names=["area_key", "year"])
    own = areas.set_index("key")["population"].astype(float)
    table = pd.DataFrame(index=grid).reset_index()
    table["population"] = table["area_key"].map(own).astype(float)
    if indicator is not None:
        given = (indicators[indicators["indicator"] == indicator]
                 .set_index(["area_key", "year"])["value"].astype(float))
        from_table = pd.Series(given.reindex(grid).to_numpy(), index=table.index, dtype=float)
        table["population"] = from_table.fillna(table["population"])
    return table.sort_values(["year", "area_key"], kind="stable").reset_index(drop=True)[
        POPULATION_COLUMNS]


def report_population(areas: pd.DataFrame, population: pd.DataFrame, spec: AreasSpec,
                      report: ReportBuilder) -> None:
    """Say which areas and years have no residents: their index and rates per 1,000 stay empty."""
    source = (f"indicator {spec.population_indicator!r}" if spec.population_indicator
              else f"column {spec.columns.population!r}" if spec.columns.population else "")
    if areas["population"].isna().any() and (spec.columns.population or not spec.population_indicator):
        # Labels, not names: two areas of one name must be told apart in the report too.
        missing = area_labels(areas)[areas["population"].isna().to_numpy()].tolist()
        report.add("notice", "areas", spec.file, source,
                   f"{len(missing)} area(s) without population: {', '.join(missing[:10])}")
    if spec.population_indicator and len(population):
        known = population.groupby("year")["population"].count()
        empty = known[known == 0].index.tolist()
        if empty:
            report.add("notice", "areas", spec.file, source,
                       f"no residents for the year(s) {', '.join(map(str, empty))}: the index with "
                       "min_population or weights and sites per 1,000 stay empty there")


def check_population_needed(catalog: Catalog, areas: pd.DataFrame, population: pd.DataFrame,
                             has_sites: bool, report: ReportBuilder) -> None:
    """A setting that needs residents where the workspace has none is an error, never an empty result."""
    if areas["population"].notna().any() or population["population"].notna().any():
        return
    areas_file = catalog.areas[0].name
    spec = catalog.areas[1]
    named = spec.columns.population or spec.population_indicator
    why = (f"the areas spec {areas_file} names no population" if not named
           else "the population it names is empty for every area")
    how = (f'name the residents per area in {areas_file}: columns.population (a column of the '
           'areas file) or population_indicator = "<id>" (an indicator with the residents per '
           "area and year)")
    index = catalog.settings.index
    needs = [("index.min_population", index.min_population > 0,
              "or set min_population = 0 in [index]"),
             ("index.weighted", index.weighted, "or set weighted = false in [index]"),
             ("[coverage]", has_sites and "coverage" in catalog.settings.model_fields_set,
              "or remove the [coverage] section")]
    for key, needed, alternative in needs:
        if needed:
            raise SpecError(
                f"{key} needs the residents per area, but the workspace has none: {why}.",
                file=_settings_file(catalog), where=f"key {key}", fix=f"{how}; {alternative}.")
    if has_sites:
        report.add("notice", "areas", spec.file, "",
                   "no residents per area: sites per 1,000 residents and the need–offer gap stay "
                   f"empty ({how})")


def _settings_file(catalog: Catalog) -> Path:
    """The workspace settings spec (``kind = "workspace"``), for messages."""
    for path in catalog.spec_files:
        if isinstance(parse_spec(path), Settings):
            return path
    return catalog.workspace / "layers" / "workspace.toml"
