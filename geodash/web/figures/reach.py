"""How near offers are to residents, and the status index inside and outside the programme areas.

Pure functions of ``(dataset, categories, lang)`` for the coverage page:
a heat table of the share of residents within the workspace's first coverage
distance of each kind of offer (from ``Dataset.access``), and the mean status
index inside and outside the Soziale Stadt programme areas over the years
(weighted by residents inside, :mod:`geodash.web.figures.evaluation`).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

from geodash.analysis.districts import ANY
from geodash.dataset import Dataset
from geodash.web.figures import derived
from geodash.web.figures.coverage import heatmap_layout, need_ordered_keys, wrap_label
from geodash.web.figures.evaluation import inside_outside, residents
from geodash.web.figures.palettes import need_colorscale
from geodash.web.figures.profile import SEPARATORS, TEMPLATE
from geodash.web.i18n import area_texts, fmt_number, translate
from geodash.web.text import plotly_text, plotly_texts

INSIDE_COLOR = "#D55E00"
OUTSIDE_COLOR = "#0072B2"

TEXT = {
    "de": {
        "all": "Alle Angebote",
        "within": "≤ {d} m: {share}",
        "mean": "mittlere Entfernung {m}",
        "inside": "in Programmgebieten",
        "outside": "außerhalb",
        "hover": "%{x}: %{y:.2f} (%{customdata[0]} {Units} ganz oder teilweise)",
        "hover_residents": "%{x}: %{y:.2f} (%{customdata[0]} {Units} ganz oder teilweise, "
                           "%{customdata[1]:,.0f} Einwohner/innen)",
        "index_axis": "mittlerer Statusindex (höher = mehr Bedarf)",
    },
    "en": {
        "all": "All offers",
        "within": "≤ {d} m: {share}",
        "mean": "mean distance {m}",
        "inside": "in programme areas",
        "outside": "outside",
        "hover": "%{x}: %{y:.2f} (%{customdata[0]} {units} wholly or partly)",
        "hover_residents": "%{x}: %{y:.2f} (%{customdata[0]} {units} wholly or partly, "
                           "%{customdata[1]:,.0f} residents)",
        "index_axis": "mean status index (higher = more need)",
    },
}


def reach_matrix(dataset: Dataset, categories: Iterable[str], *,
                 year: int | None = None) -> pd.DataFrame:
    """Share of residents near each kind of offer, per area.

    Near the offers running in ``year`` (the latest year when ``None``;
    :meth:`Dataset.access_in`).

    Returns
    -------
    pandas.DataFrame
        Long: ``area_key, name, category, mean_distance, share_<d>…`` for
        the given categories, plus ``any`` (all sites) when every category
        is given; areas in the dataset's order. ``name`` is the area's unique
        display label (:attr:`Dataset.area_labels`), so that areas of one name
        stay apart.
    """
    codes = list(categories)
    if codes == list(dataset.categories):
        codes.append(ANY)
    access = dataset.access_in(derived.offers_year(dataset, year))
    part = access[access["category"].isin(codes)].copy()
    part["name"] = part["area_key"].map(dataset.area_labels)
    order = {c: i for i, c in enumerate(codes)}
    keys = {k: i for i, k in enumerate(dataset.areas["key"])}
    part = part.sort_values(["area_key", "category"],
                            key=lambda s: s.map(keys) if s.name == "area_key" else s.map(order))
    columns = ["area_key", "name", "category", "mean_distance",
               *[c for c in access.columns if c.startswith("share_")]]
    return part[columns].reset_index(drop=True)


def reach_heatmap(dataset: Dataset, categories: Iterable[str], lang: str = "de", *,
                  year: int | None = None) -> go.Figure:
    """Draw a heat table: areas as rows, kinds of offer as columns, the share within the first distance.

    Rows are areas by key, labelled with their unique display labels, in need
    order (the highest status index as of ``year`` first, as on the density
    table); the smaller the share, the darker red (the palette rule: fewer
    residents within reach is more need). The hover adds every distance and
    the mean distance to the nearest offer.
    """
    long = reach_matrix(dataset, categories, year=year)
    shares = [c for c in long.columns if c.startswith("share_")]
    first = shares[0]
    codes = list(dict.fromkeys(long["category"]))
    labels = [translate(TEXT, "all", lang) if c == ANY else dataset.category_label(c, lang)
              for c in codes]
    parts = [long[s].map(lambda v, d=float(s[6:]): translate(
                 TEXT, "within", lang, d=fmt_number(d, lang, 0), share=fmt_number(v * 100, lang, 0, "%")))
             for s in shares]
    parts.append(long["mean_distance"].map(
        lambda m: translate(TEXT, "mean", lang, m=fmt_number(m, lang, 0, "m"))))
    hover_text = parts[0]
    for part in parts[1:]:
        hover_text = hover_text + " · " + part
    long = long.assign(_text=long[first].map(lambda v: fmt_number(v * 100, lang, 0, "%")),
                       _hover=hover_text)
    order = {key: i for i, key in enumerate(need_ordered_keys(dataset, year))}
    rows = long.drop_duplicates("area_key")
    rows = rows.iloc[rows["area_key"].map(order).to_numpy().argsort(kind="stable")]

    def grid(column: str) -> pd.DataFrame:
        return long.pivot(index="area_key", columns="category", values=column).reindex(
            index=rows["area_key"], columns=codes)

    fig = go.Figure(go.Heatmap(
        z=grid(first).to_numpy(dtype=float), x=[wrap_label(label) for label in labels],
        y=plotly_texts(rows["name"]),
        text=grid("_text").fillna("–").to_numpy(), customdata=grid("_hover").fillna("").to_numpy(),
        texttemplate="%{text}", colorscale=need_colorscale("resource"), zmin=0, zmax=1,
        showscale=False, xgap=2, ygap=2, hovertemplate="%{y} · %{x}<br>%{customdata}<extra></extra>",
    ))
    return heatmap_layout(fig, len(rows), lang)


def inside_outside_figure(dataset: Dataset, lang: str = "de") -> go.Figure:
    """Two lines over the years: the mean status index inside and outside the programme areas."""
    table = inside_outside(dataset)
    texts = area_texts(TEXT, dataset)
    # Residents inside and outside when the means are weighted by them (else the shares are).
    hover = translate(texts, "hover_residents" if residents(dataset) is not None else "hover", lang)
    fig = go.Figure()
    for column, color in (("inside", INSIDE_COLOR), ("outside", OUTSIDE_COLOR)):
        fig.add_trace(go.Scatter(
            x=table["year"], y=table[column],
            customdata=table[[f"n_{column}", f"residents_{column}"]].to_numpy(),
            name=plotly_text(translate(TEXT, column, lang)), mode="lines+markers",
            line={"color": color, "width": 2},
            hovertemplate=hover + "<extra>%{fullData.name}</extra>",
        ))
    fig.add_hline(y=0, line_color="#999999", line_width=1)
    fig.update_xaxes(tickvals=table["year"].tolist(), tickformat="d")
    fig.update_yaxes(title_text=translate(TEXT, "index_axis", lang), zeroline=False)
    return fig.update_layout(
        template=TEMPLATE, separators=SEPARATORS.get(lang, SEPARATORS["de"]), height=320,
        margin={"l": 10, "r": 10, "t": 30, "b": 30},
        # Below the years, so that the toolbar above never covers it on a phone.
        legend={"orientation": "h", "y": -0.12, "yanchor": "top", "x": 0},
    )
