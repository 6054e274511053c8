"""The status index over the years for some areas, with the city line and the class bands.

Pure functions of ``(dataset, keys, lang)``. The values are the Dataset's
memoised index of every year (:func:`geodash.web.figures.derived.status_by_year`,
the same frames the map, the profile and ``geodash export districts`` use),
cut to the chosen areas by :mod:`geodash.analysis.index_series`.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from geodash.analysis.index_series import city_status, index_series
from geodash.dataset import Dataset
from geodash.web.figures import derived
from geodash.web.figures.compare import AREA_COLORS
from geodash.web.figures.profile import CITY_COLOR, SEPARATORS, TEMPLATE
from geodash.web.i18n import fmt_number, translate
from geodash.web.text import plotly_text

# The bands of the two need classes (niedrig, sehr niedrig): the warning end is "more need".
BAND_COLORS = ("rgba(253, 174, 97, 0.18)", "rgba(215, 48, 39, 0.16)")

TEXT = {
    "de": {
        "axis": "Statusindex (höher = niedrigerer Status, mehr Bedarf)",
        "city": "Stadt (Mittel)",
        "no_index": "Für diese Auswahl gibt es keinen Statusindex.",
        "hover": "%{x}: %{y:.2f} (%{customdata})",
        "band": "Status {name}",
    },
    "en": {
        "axis": "Status index (higher = lower status, more need)",
        "city": "City (mean)",
        "no_index": "There is no status index for this selection.",
        "hover": "%{x}: %{y:.2f} (%{customdata})",
        "band": "status {name}",
    },
}


def status_years(dataset: Dataset) -> list[int]:
    """The years with a status index (empty when the workspace has no index indicators)."""
    table = derived.status_by_year(dataset)
    return sorted(int(y) for y in table.loc[table["status_index"].notna(), "year"].unique())


def index_series_table(dataset: Dataset, keys: list[str], lang: str = "de") -> pd.DataFrame:
    """Status index and class per year of the chosen areas, with their display names.

    Returns
    -------
    pandas.DataFrame
        ``area_key, name, year, status_index, status_class, class_name`` (the
        class in the UI language), areas in the order of ``keys``.
    """
    table = index_series(derived.status_by_year(dataset), keys)
    names = dataset.area_labels
    return table.assign(
        name=[str(names.get(k, k)) for k in table["area_key"]],
        class_name=[derived.class_name(c, lang) for c in table["status_class"]],
    )[["area_key", "name", "year", "status_index", "status_class", "class_name"]]


def city_line(dataset: Dataset) -> pd.DataFrame:
    """The city's status index per year (``year, status_index, n``), weighted as the index is."""
    weights = None
    if dataset.settings.index.weighted:
        weights = dataset.areas.set_index("key")["population"].astype(float)
    return derived.cached(dataset, "city_status",
                          lambda: city_status(derived.status_by_year(dataset), weights))


def _empty(message: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig.update_layout(template=TEMPLATE, height=200)


def index_series_figure(dataset: Dataset, keys: list[str], lang: str = "de") -> go.Figure:
    """One line per chosen area (its status index per year, the class in the hover), the city dotted.

    The bands above the upper thresholds mark the classes niedrig and sehr
    niedrig (the workspace's thresholds), so a line entering them reads as
    "the area's status fell into a need class".
    """
    table = index_series_table(dataset, keys, lang)
    if table.empty or table["status_index"].isna().all():
        return _empty(translate(TEXT, "no_index", lang))
    fig = go.Figure()
    for i, (key, part) in enumerate(table.groupby("area_key", sort=False)):
        fig.add_trace(go.Scatter(
            x=part["year"], y=part["status_index"], name=plotly_text(part["name"].iloc[0]),
            customdata=[plotly_text(c) or "–" for c in part["class_name"]],
            mode="lines+markers", line={"color": AREA_COLORS[i % len(AREA_COLORS)], "width": 2},
            hovertemplate=translate(TEXT, "hover", lang) + "<extra>%{fullData.name}</extra>",
            meta={"key": str(key)},
        ))
    city = city_line(dataset)
    fig.add_trace(go.Scatter(
        x=city["year"], y=city["status_index"], name=translate(TEXT, "city", lang),
        mode="lines", line={"color": CITY_COLOR, "dash": "dot", "width": 2},
        hovertemplate="%{x}: %{y:.2f}<extra>%{fullData.name}</extra>",
    ))
    _, upper, top = dataset.settings.index.status_thresholds
    values = table["status_index"].dropna()
    high = max(float(values.max()), top) + 0.5
    low = min(float(values.min()), -1.5) - 0.3
    for (y0, y1), color, name in zip(((upper, top), (top, high)), BAND_COLORS,
                                     ("niedrig", "sehr niedrig"), strict=True):
        fig.add_hrect(y0=y0, y1=y1, fillcolor=color, line_width=0, layer="below",
                      annotation_text=translate(TEXT, "band", lang,
                                                name=derived.class_name(name, lang)),
                      annotation_position="top left", annotation_font_size=11)
    years = sorted(int(y) for y in table["year"].unique())
    fig.update_xaxes(tickvals=years, tickformat="d")
    fig.update_yaxes(title_text=translate(TEXT, "axis", lang), range=[low, high], zeroline=False)
    return fig.update_layout(
        template=TEMPLATE, separators=SEPARATORS.get(lang, SEPARATORS["de"]), height=340,
        margin={"l": 10, "r": 10, "t": 30, "b": 30},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
    )


def series_text(value: float, lang: str) -> str:
    """An index value as the page writes it (two decimals, a dash when missing)."""
    return fmt_number(None if math.isnan(value) else value, lang, 2)
