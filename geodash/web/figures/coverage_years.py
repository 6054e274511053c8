"""Coverage over the years for the Abdeckung page: "did reach improve since the base year?".

Pure functions of ``(dataset, base year, year, categories, lang)`` over
:func:`geodash.web.figures.derived.coverage_series` (the offers running in each
year, :mod:`geodash.analysis.coverage_years`).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from geodash.analysis.coverage_years import ANY, city_coverage, coverage_change
from geodash.dataset import Dataset
from geodash.web.figures import derived
from geodash.web.figures.profile import SEPARATORS, TEMPLATE
from geodash.web.i18n import fmt_number, translate
from geodash.web.text import plotly_texts

TEXT = {
    "de": {"all": "Alle Angebote", "axis": "Anteil Bewohner ≤ {d} m (%)", "base": "Basisjahr",
           "shown": "gezeigtes Jahr"},
    "en": {"all": "All offers", "axis": "Residents ≤ {d} m (%)", "base": "base year",
           "shown": "year shown"},
}
# Colours of the lines: all offers dark, the categories in the map's order of colours.
ALL_COLOR = "#1b2a6b"


def base_year(dataset: Dataset, requested: int | str | None, year: int | None) -> int | None:
    """The base year to compare with: the one requested if it has data and is not later, else the first.

    Examples of the rule: with years 2019–2023 shown 2023, ``"2021"`` gives
    2021; ``"1990"``, ``"abc"`` or nothing gives 2019.
    """
    years = dataset.years
    if not years:
        return None
    try:
        wanted = int(requested) if requested is not None else None
    except (TypeError, ValueError):
        wanted = None
    shown = derived.offers_year(dataset, year)
    if wanted in years and (shown is None or wanted <= shown):
        return wanted
    return years[0]


def city_series(dataset: Dataset) -> pd.DataFrame:
    """The whole city per year and category (:func:`~geodash.analysis.coverage_years.city_coverage`)."""
    return derived.cached(dataset, "coverage_city_years", lambda: city_coverage(
        derived.coverage_series(dataset), {y: dataset.population_in(y) for y in dataset.years}))


def city_change(dataset: Dataset, base: int, year: int, categories: Sequence[str]) -> pd.DataFrame:
    """City-wide figures of each category (and all offers) in the base year and the year shown.

    Returns
    -------
    pandas.DataFrame
        Indexed by category (``categories`` then ``any``): ``count_base,
        count, count_change, per_1000_base, per_1000, per_1000_change`` and
        the same for every ``share_<d>`` (0–1).
    """
    change = coverage_change(city_series(dataset), base, year, by=["category"]).set_index("category")
    return change.reindex([*categories, ANY])


def area_change(dataset: Dataset, base: int, year: int) -> pd.DataFrame:
    """Per area, all offers together: the base year against the year shown, largest loss of reach first.

    Returns
    -------
    pandas.DataFrame
        ``area_key, name`` and the columns of :func:`city_change` for all
        offers (``any``); sorted by the change of the share within the first
        coverage distance, then by name.
    """
    series = derived.coverage_series(dataset)
    change = coverage_change(series[series["category"] == ANY], base, year)
    change = change.drop(columns="category")
    change.insert(1, "name", change["area_key"].map(dataset.area_labels).to_numpy())
    shares = [c for c in change.columns if c.startswith("share_") and c.endswith("_change")]
    order = [shares[0], "name"] if shares else ["count_change", "name"]
    return change.sort_values(order, kind="stable", na_position="last").reset_index(drop=True)


def reach_trend_figure(dataset: Dataset, base: int, year: int, categories: Sequence[str],
                       lang: str = "de") -> go.Figure:
    """City-wide share of residents within the first coverage distance, one line per kind of offer."""
    city = city_series(dataset)
    shares = [c for c in city.columns if c.startswith("share_")]
    fig = go.Figure()
    if not shares:
        return fig.update_layout(template=TEMPLATE, height=120)
    first = shares[0]
    distance = float(first[len("share_"):])
    for code in [ANY, *categories]:
        part = city[city["category"] == code].sort_values("year")
        label = translate(TEXT, "all", lang) if code == ANY else dataset.category_label(code, lang)
        fig.add_trace(go.Scatter(
            x=part["year"], y=part[first] * 100, mode="lines+markers", name=plotly_texts([label])[0],
            line={"width": 3 if code == ANY else 1.5, "color": ALL_COLOR if code == ANY else None},
            hovertemplate="%{x}: %{y:.0f} %<extra>" + plotly_texts([label])[0] + "</extra>",
        ))
    for mark, key in ((base, "base"), (year, "shown")):
        fig.add_vline(x=mark, line_dash="dot", line_color="#777", line_width=1,
                      annotation_text=f"{translate(TEXT, key, lang)} {mark}",
                      annotation_position="top")
    fig.update_xaxes(dtick=1, tickformat="d")
    fig.update_yaxes(title_text=translate(TEXT, "axis", lang, d=fmt_number(distance, lang, 0)),
                     rangemode="tozero")
    return fig.update_layout(
        template=TEMPLATE, separators=SEPARATORS.get(lang, SEPARATORS["de"]), height=340,
        margin={"l": 10, "r": 10, "t": 40, "b": 30},
        legend={"orientation": "h", "y": -0.15, "yanchor": "top", "x": 0},
    )
