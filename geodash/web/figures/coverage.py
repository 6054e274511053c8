"""Coverage of districts by offers, set against need: density table, scatter and gap list.

Pure functions of ``(dataset, year, categories, lang)``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from geodash.analysis.coverage import (
    coverage_table,
    gap_cutoffs,
    high_need_by_rule,
    need_offer_gap,
)
from geodash.analysis.indicators import need_order
from geodash.analysis.social_index import STATUS_CLASSES
from geodash.analysis.years import sites_in_year
from geodash.dataset import Dataset
from geodash.web.figures import derived
from geodash.web.figures.palettes import WARNING_COLOR, need_colorscale
from geodash.web.figures.profile import SEPARATORS, TEMPLATE
from geodash.web.i18n import area_texts, fmt_number, translate
from geodash.web.text import plotly_text, plotly_texts

NORMAL_COLOR = "#56B4E9"
# The gap is "more need": the palette's warning colour, as on the map (see palettes).
GAP_COLOR = WARNING_COLOR
LINE_COLOR = "#999999"

TEXT = {
    "de": {
        "total": "Alle gewählten",
        "need": "Statusindex (MSS) {year}: 0 = Stadtmittel, höher = mehr Bedarf",
        "offers": "Angebote je 1.000 Einwohner/innen",
        "districts": "{Units}",
        "gap": "hoher Bedarf, wenige Angebote",
        "q_gap": "hoher Bedarf,<br>wenige Angebote",
        "q_covered": "hoher Bedarf,<br>viele Angebote",
        "q_low": "geringer Bedarf,<br>wenige Angebote",
        "q_more": "geringer Bedarf,<br>viele Angebote",
        "hover": "Statusindex {need}{status} · {offers} Angebote je 1.000 ({count})",
        "status": " (Status {name})",
        "no_data": "Für diese Auswahl lassen sich keine Werte berechnen.",
    },
    "en": {
        "total": "All selected",
        "need": "Status index (MSS) {year}: 0 = city mean, higher = more need",
        "offers": "Offers per 1,000 residents",
        "districts": "{Units}",
        "gap": "high need, few offers",
        "q_gap": "high need,<br>few offers",
        "q_covered": "high need,<br>many offers",
        "q_low": "low need,<br>few offers",
        "q_more": "low need,<br>many offers",
        "hover": "status index {need}{status} · {offers} offers per 1,000 ({count})",
        "status": " (status {name})",
        "no_data": "No values can be computed for this selection.",
    },
}

MATRIX_TOTAL = "_total"


def selected_categories(dataset: Dataset, categories: Iterable[str] | None) -> list[str]:
    """Return the categories to count, in the dataset's order; ``None`` means all of them.

    Unknown codes (a stale link) are dropped rather than failing the page.
    """
    if categories is None:
        return list(dataset.categories)
    wanted = set(categories)
    return [code for code in dataset.categories if code in wanted]


def coverage_matrix(dataset: Dataset, categories: Iterable[str] | None = None, *,
                    year: int | None = None) -> pd.DataFrame:
    """Sites per 1,000 residents for every district and category, plus all chosen together.

    Only the offers running in ``year`` count, per 1,000 residents of that
    year (:func:`~geodash.web.figures.derived.offers_year`: the latest year
    when ``None``).

    Returns
    -------
    pandas.DataFrame
        Indexed by area key (in the dataset's order): ``name`` (the unique
        display label, :attr:`Dataset.area_labels`), ``population``,
        then per category ``count_<code>`` and ``per_1000_<code>``, and the
        sums ``count__total`` and ``per_1000__total``; per-1,000 values are
        NaN where the population is unknown or 0.

    """
    codes = selected_categories(dataset, categories)
    year = derived.offers_year(dataset, year)
    return derived.cached(dataset, ("coverage_matrix", tuple(codes), year),
                          lambda: _coverage_matrix(dataset, codes, year)).copy()


def _coverage_matrix(dataset: Dataset, codes: list[str], year: int | None) -> pd.DataFrame:
    areas = dataset.areas
    population = dataset.population_in(year)
    long = coverage_table(areas, sites_in_year(dataset.sites, year), codes, population=population)
    counts = long.pivot(index="area_key", columns="category", values="count")
    dens = long.pivot(index="area_key", columns="category", values="per_1000")
    out = pd.DataFrame(index=pd.Index(areas["key"], name="area_key"))
    out["name"] = areas["key"].map(dataset.area_labels).to_numpy()
    out["population"] = population.reindex(areas["key"]).astype(float).to_numpy()
    for code in codes:
        out[f"count_{code}"] = counts[code].reindex(out.index).fillna(0).astype(int)
        out[f"per_1000_{code}"] = dens[code].reindex(out.index).astype(float)
    total = out[[f"count_{c}" for c in codes]].sum(axis=1).astype(int)
    out[f"count_{MATRIX_TOTAL}"] = total
    pop = out["population"].where(out["population"] > 0)
    out[f"per_1000_{MATRIX_TOTAL}"] = total / pop * 1000
    return out


def need_ordered_keys(dataset: Dataset, year: int | None = None) -> list[str]:
    """The area keys with the most need first: the status index of the latest year up to ``year``.

    Without a status index (no index indicators, no year with values) the
    areas are in the order of their display labels. Every heat table and
    list that orders areas "by need" takes this order
    (:func:`geodash.analysis.indicators.need_order`).
    """
    labels = dataset.area_labels.reindex(dataset.areas["key"].to_numpy())
    score_year = derived.index_year(dataset, year)
    status = (derived.analysis(dataset, score_year)["status_index"] if score_year is not None
              else pd.Series(np.nan, index=labels.index))
    return need_order(status, labels)


# Heat tables stay readable on a phone: a fixed cell text size (Plotly would shrink it to
# fit a narrow cell, down to 5 px), cells wide enough for "12,34 (5)", column heads upright
# (turned a quarter) on at most three short lines, so that they never run into each other
# whatever the width; a graph wider than the screen scrolls inside its own box (see
# heatmap_min_width and geodash.web.narrow.scroll_box).
HEATMAP_FONT = 11
HEATMAP_CELL_PX = 78
HEATMAP_ROW_PX = 26
HEAD_LINE_PX = 14  # one line of a column head, turned upright, is this wide
# About the width of one character of the 12 px row names (a generous estimate).
CHAR_PX = 7.5


def heatmap_min_width(fig: go.Figure) -> int:
    """The narrowest a heat table may be drawn (px): the row names, then equal cells.

    A cell holds its number ("12,34 (5)") and its upright head, wrapped on
    lines of :data:`HEAD_LINE_PX` each (:func:`wrap_label`).

    Examples
    --------
    >>> fig = go.Figure(go.Heatmap(z=[[1, 2]], x=["Sprach<br>café", "Alle"], y=["Mitte"]))
    >>> heatmap_min_width(fig)  # "Mitte": 5 × 7.5 + 20 = 57.5, then 2 cells of 78
    214
    """
    heatmap = fig.data[0]
    heads = [str(h) for h in heatmap.x]
    lines = max((head.count("<br>") + 1 for head in heads), default=1)
    longest_name = max((len(str(name)) for name in heatmap.y), default=0)
    cell = max(HEATMAP_CELL_PX, HEAD_LINE_PX * lines + 8)
    return int(round(CHAR_PX * longest_name + 20 + cell * len(heads)))


def wrap_label(text: str, width: int = 16) -> str:
    """A column head on short lines (Plotly markup); words are never cut.

    Examples
    --------
    >>> wrap_label("Migrationsberatung (MBE/JMD)")
    'Migrationsberatung<br>(MBE/JMD)'
    """
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    return "<br>".join(plotly_text(line) for line in lines) or plotly_text(text)


def heatmap_layout(fig: go.Figure, rows: int, lang: str) -> go.Figure:
    """The shared look of the heat tables: upright heads on top, fixed font sizes."""
    fig.update_traces(textfont={"size": HEATMAP_FONT})
    fig.update_yaxes(autorange="reversed", automargin=True, tickfont={"size": 12})
    fig.update_xaxes(side="top", automargin=True, tickangle=-90, tickfont={"size": 11})
    return fig.update_layout(
        template=TEMPLATE, separators=SEPARATORS.get(lang, SEPARATORS["de"]),
        height=160 + HEATMAP_ROW_PX * rows, margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )


def coverage_heatmap(dataset: Dataset, categories: Iterable[str] | None = None,
                     lang: str = "de", *, year: int | None = None) -> go.Figure:
    """Draw a heat table of sites per 1,000 residents: districts as rows, categories as columns.

    Rows are in need order (:func:`need_ordered_keys`: the highest status
    index as of ``year`` first). Each cell reads "rate (count)". The colour
    compares districts within a column (share of the column's highest rate,
    so that a rare kind of offer is not washed out by the column of all
    offers together) on the palette rule: the fewer offers, the darker red
    (:func:`~geodash.web.figures.palettes.need_colorscale` for a resource).
    """
    codes = selected_categories(dataset, categories)
    matrix = coverage_matrix(dataset, codes, year=year).reindex(need_ordered_keys(dataset, year))
    columns = [*codes, MATRIX_TOTAL]
    labels = [dataset.category_label(c, lang) for c in codes] + [translate(TEXT, "total", lang)]
    rates = matrix[[f"per_1000_{c}" for c in columns]].astype(float)
    counts = matrix[[f"count_{c}" for c in columns]].to_numpy()
    top = rates.max().replace(0, np.nan)
    shade = (rates / top).fillna(0).where(rates.notna()).to_numpy()
    text = [[f"{fmt_number(v, lang, 2)} ({n})" for v, n in zip(zr, nr, strict=True)]
            for zr, nr in zip(rates.to_numpy(), counts, strict=True)]
    fig = go.Figure(go.Heatmap(
        z=shade, x=[wrap_label(label) for label in labels], y=plotly_texts(matrix["name"]),
        text=text, texttemplate="%{text}",
        colorscale=need_colorscale("resource"), zmin=0, zmax=1, showscale=False, xgap=2, ygap=2,
        hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
    ))
    return heatmap_layout(fig, len(matrix), lang)


GAP_COLUMNS = ["area_key", "name", "need", "status_class", "offers_per_1000", "count",
               "need_rank", "offer_rank", "gap"]


def gap_frame(dataset: Dataset, year: int | None = None,
              categories: Iterable[str] | None = None) -> tuple[pd.DataFrame, float, float]:
    """The status index against offers per 1,000 residents, the gap flag and its two cut-offs.

    The need is the MSS status index of the latest year up to ``year``
    (:mod:`geodash.web.figures.derived`), the offers those running in
    ``year`` (the latest year when ``None``); "high need" follows the
    workspace's rule (``coverage.gap_need``: the status classes
    ``coverage.gap_classes``, or the status index above
    ``coverage.need_quantile``), "few offers" is at or below
    ``coverage.offer_quantile``.
    Counting all categories, the flag is the analysis' own ``gap`` column
    (the one ``geodash export districts`` writes); counting fewer, the same
    rule is applied to the offers of those categories.

    Returns
    -------
    tuple
        ``(frame, need_cut, offer_cut)``: the frame has :data:`GAP_COLUMNS`,
        highest need first; districts without a status index or without a
        population are left out (neither "high need" nor "few offers" can be
        said of them). The cut-offs are NaN when nothing can be ranked.
    """
    index_year = derived.index_year(dataset, year)
    if index_year is None:
        return pd.DataFrame(columns=GAP_COLUMNS), np.nan, np.nan
    codes = selected_categories(dataset, categories)
    offers = derived.offers_year(dataset, year)
    frame, need_cut, offer_cut = derived.cached(
        dataset, ("gap", index_year, offers, tuple(codes)),
        lambda: _gap_frame(dataset, index_year, offers, codes))
    return frame.copy(), need_cut, offer_cut


def _gap_frame(dataset: Dataset, index_year: int, offers_year: int | None,
               codes: list[str]) -> tuple[pd.DataFrame, float, float]:
    matrix = coverage_matrix(dataset, codes, year=offers_year)
    analysis = derived.analysis(dataset, index_year)
    need = analysis["status_index"].astype(float)
    offers = matrix[f"per_1000_{MATRIX_TOTAL}"]
    settings = dataset.settings.coverage
    high = high_need_by_rule(need, analysis["status_class"], rule=settings.gap_need,
                             classes=settings.gap_classes, quantile=settings.need_quantile)
    frame = need_offer_gap(need, offers, need_quantile=settings.need_quantile,
                           offer_quantile=settings.offer_quantile, high_need=high)
    if codes == list(dataset.categories) and offers_year == index_year:
        frame["gap"] = frame["area_key"].map(analysis["gap"]).fillna(False).astype(bool)
    need_cut, offer_cut = gap_cutoffs(need, offers, need_quantile=settings.need_quantile,
                                      offer_quantile=settings.offer_quantile)
    if settings.gap_need == "status_class":
        need_cut = class_floor(dataset, settings.gap_classes)
    frame = frame.dropna(subset=["offers_per_1000"])
    frame["name"] = frame["area_key"].map(matrix["name"])
    frame["status_class"] = frame["area_key"].map(analysis["status_class"])
    frame["count"] = frame["area_key"].map(matrix[f"count_{MATRIX_TOTAL}"]).astype(int)
    return frame[GAP_COLUMNS].reset_index(drop=True), need_cut, offer_cut


def class_floor(dataset: Dataset, classes) -> float:
    """The status index above which an area is in one of ``classes`` (their lowest lower bound).

    ``niedrig``/``sehr niedrig`` with the MSS thresholds (−1, 1, 1.5): 1.0. NaN
    when ``hoch`` is among them (it has no lower bound).
    """
    bounds = (np.nan, *dataset.settings.index.status_thresholds)
    lowest = min(STATUS_CLASSES.index(c) for c in classes)
    return float(bounds[lowest])


def need_coverage(dataset: Dataset, year: int | None = None,
                  categories: Iterable[str] | None = None) -> pd.DataFrame:
    """The status index against offers per 1,000 residents, with the gap flag (see :func:`gap_frame`)."""
    return gap_frame(dataset, year, categories)[0]


def coverage_scatter(dataset: Dataset, year: int | None = None,
                     categories: Iterable[str] | None = None, lang: str = "de") -> go.Figure:
    """Need (x) against offers per 1,000 residents (y), quadrants split at the medians.

    Districts with high need and few offers are drawn in a second, highlighted
    trace, so the legend names them.
    """
    frame, need_cut, offer_cut = gap_frame(dataset, year, categories)
    texts = area_texts(TEXT, dataset)
    fig = go.Figure()
    if frame.empty:
        fig.add_annotation(text=translate(TEXT, "no_data", lang), showarrow=False,
                           x=0.5, y=0.5, xref="paper", yref="paper")
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return fig.update_layout(template=TEMPLATE, height=200)
    for flagged, label, color in ((False, "districts", NORMAL_COLOR), (True, "gap", GAP_COLOR)):
        part = frame[frame["gap"] == flagged]
        hover = [translate(TEXT, "hover", lang, need=fmt_number(n, lang, 2),
                           status=translate(TEXT, "status", lang,
                                            name=derived.class_name(k, lang)) if k else "",
                           offers=fmt_number(o, lang, 2), count=c)
                 for n, k, o, c in zip(part["need"], part["status_class"],
                                       part["offers_per_1000"], part["count"], strict=True)]
        # Neighbours along the need axis take turns above and below their point,
        # so that the names of districts close together do not print over each other.
        order = part["need"].rank(method="first").fillna(0).astype(int)
        positions = ["top center" if i % 2 else "bottom center" for i in order]
        fig.add_trace(go.Scatter(
            x=part["need"], y=part["offers_per_1000"], text=plotly_texts(part["name"]),
            customdata=hover,
            mode="markers+text", textposition=positions, name=translate(texts, label, lang),
            marker={"color": color, "size": 12 if flagged else 9,
                    "line": {"color": "white", "width": 1}},
            hovertemplate="<b>%{text}</b><br>%{customdata}<extra></extra>",
        ))
    # The lines are the gap rule's cut-offs: right of one and below the other is a gap.
    if not np.isnan(need_cut):
        fig.add_vline(x=need_cut, line_dash="dash", line_color=LINE_COLOR, line_width=1)
    if not np.isnan(offer_cut):
        fig.add_hline(y=offer_cut, line_dash="dash", line_color=LINE_COLOR, line_width=1)
    # Quadrant names in the corners, in words a council member reads without a legend.
    corners = (("q_gap", 1, 0, "right", "bottom"), ("q_covered", 1, 1, "right", "top"),
               ("q_low", 0, 0, "left", "bottom"), ("q_more", 0, 1, "left", "top"))
    for key, x, y, xa, ya in corners:
        fig.add_annotation(text=translate(TEXT, key, lang), x=x, y=y, xref="paper", yref="paper",
                           xanchor=xa, yanchor=ya, showarrow=False, align=xa,
                           font={"size": 11, "color": GAP_COLOR if key == "q_gap" else "#777"})
    spread = float(np.ptp(frame["need"])) or 1.0
    fig.update_xaxes(title_text=translate(TEXT, "need", lang, year=derived.index_year(dataset, year)),
                     zeroline=False,
                     range=[frame["need"].min() - 0.15 * spread,
                            frame["need"].max() + 0.15 * spread])
    fig.update_yaxes(title_text=translate(TEXT, "offers", lang), rangemode="tozero")
    return fig.update_layout(
        template=TEMPLATE, separators=SEPARATORS.get(lang, SEPARATORS["de"]), height=480,
        margin={"l": 10, "r": 10, "t": 30, "b": 40},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
    )


def gap_table(dataset: Dataset, year: int | None = None,
              categories: Iterable[str] | None = None, lang: str = "de") -> pd.DataFrame:
    """List the districts with high need and few offers, highest need first.

    Returns
    -------
    pandas.DataFrame
        ``area_key, name, need, status_class, need_rank, offers_per_1000,
        count`` of the flagged districts (empty when none is flagged);
        ``need`` is the status index.

    """
    frame = need_coverage(dataset, year, categories)
    columns = ["area_key", "name", "need", "status_class", "need_rank", "offers_per_1000", "count"]
    return frame.loc[frame["gap"].astype(bool), columns].reset_index(drop=True)
