"""The district profile as data and figures: every indicator of one district beside the city.

Pure functions of ``(dataset, district, year, lang)``; the page only lays out
what they return.
"""

from __future__ import annotations

import math
import textwrap

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from geodash.analysis.indicators import rank_areas
from geodash.analysis.years import sites_in_year, zone_shares_in_year
from geodash.dataset import Dataset
from geodash.web.figures import derived
from geodash.web.text import plotly_text

TEMPLATE = "plotly_white"
# Plotly's own number format per language (decimal mark, thousands mark), so
# that hover labels read 1.234,5 in German without a remote locale bundle.
SEPARATORS = {"de": ",.", "en": ".,"}
DISTRICT_COLOR = "#0072B2"
CITY_COLOR = "#555555"
LEGEND = {
    "de": {"city": "Stadt", "trend_empty": "Keine Zeitreihen vorhanden."},
    "en": {"city": "City", "trend_empty": "No time series available."},
}

PROFILE_COLUMNS = [
    "indicator", "theme", "label", "unit", "decimals", "polarity", "year", "value", "city",
    "rank", "ranked", "first_year", "change", "suppressed",
]


def values_as_of(indicators: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """Take the values of every indicator in its most recent year up to ``year``.

    Indicator tables do not all cover the same years (school entry data may
    lag a year behind), so a view of "2023" shows each indicator in 2023 if it
    has values then, else in its latest earlier year. All areas of one
    indicator always come from the same year, so they stay comparable.

    Parameters
    ----------
    indicators
        Long table ``area_key, indicator, year, value``.
    year
        The year asked for; ``None`` takes each indicator's latest year.

    Returns
    -------
    pandas.DataFrame
        ``area_key, indicator, year, value``; indicators with no value up to
        ``year`` are left out.

    Examples
    --------
    >>> long = pd.DataFrame({"area_key": ["a", "a", "a"], "indicator": ["x", "x", "y"],
    ...                      "year": [2020, 2022, 2020], "value": [1.0, 2.0, 3.0]})
    >>> values_as_of(long, 2021)["value"].tolist()
    [1.0, 3.0]

    """
    part = indicators if year is None else indicators[indicators["year"] <= year]
    chosen = part.groupby("indicator")["year"].transform("max")
    return part[part["year"] == chosen].reset_index(drop=True)


def population(dataset: Dataset) -> pd.Series:
    """Return the population by area key (NaN where unknown)."""
    return dataset.areas.set_index("key")["population"].astype(float)


def is_suppressed(values: pd.DataFrame, key: str) -> bool:
    """Tell whether the value of area ``key`` in ``values`` was withheld (too few cases).

    ``values`` is a part of ``Dataset.indicators`` for one indicator and year;
    a workspace loaded without confidentiality has no ``suppressed`` column.
    """
    if "suppressed" not in values.columns:
        return False
    flags = values.loc[values["area_key"] == key, "suppressed"]
    return bool(flags.any())


def area_header(dataset: Dataset, key: str) -> dict[str, object]:
    """Name, parent (key and name) and population of one area.

    ``title`` is "Name (Parent name)" when the parent level has names, else
    the area's unique display label; ``parent`` the parent's key, shown with
    the parent word only when it has no name.
    """
    row = dataset.areas.set_index("key").loc[key]
    parent = row["parent"]
    parent_name = row.get("parent_name")
    parent_name = None if parent_name is None or pd.isna(parent_name) else str(parent_name)
    pop = row["population"]
    return {
        "key": key,
        "name": str(row["name"]),
        "title": f"{row['name']} ({parent_name})" if parent_name else dataset.area_label(key),
        "parent": None if pd.isna(parent) or parent == "" else str(parent),
        "parent_name": parent_name,
        "population": None if pd.isna(pop) else float(pop),
    }


def profile_table(
    dataset: Dataset, key: str, year: int | None = None, lang: str = "de"
) -> pd.DataFrame:
    """Every indicator of one district: value, city value, rank and change.

    Parameters
    ----------
    dataset
        The workspace.
    key
        The district's area key.
    year
        Show each indicator as of this year (see :func:`values_as_of`);
        ``None`` shows the latest year of each.
    lang
        Language of labels and themes.

    Returns
    -------
    pandas.DataFrame
        One row per indicator in spec order, grouped by theme (themes in order
        of first appearance): ``indicator, theme, label, unit, decimals,
        polarity, year, value, city, rank, ranked, first_year, change,
        suppressed``. ``rank`` is 1 for the district with the most need among the
        ``ranked`` districts with a value; ``change`` is the value minus the
        district's value in ``first_year``, its first year with a value.
        ``suppressed`` is True where the value is withheld because it rests
        on too few cases. Indicators without any value up to ``year`` have
        ``year`` NaN.

    """
    current = values_as_of(dataset.indicators, year)
    reference = derived.city_values(dataset)
    city = reference.set_index(["indicator", "year"])["value"]
    own = dataset.indicators[dataset.indicators["area_key"] == key]
    rows = []
    for ind, spec in dataset.indicator_meta.items():
        part = current[current["indicator"] == ind]
        row = {
            "indicator": ind, "theme": spec.theme.get(lang), "label": spec.label.get(lang),
            "unit": spec.unit, "decimals": spec.decimals, "polarity": spec.polarity,
            "year": math.nan, "value": math.nan, "city": math.nan, "rank": pd.NA,
            "ranked": 0, "first_year": math.nan, "change": math.nan, "suppressed": False,
        }
        if len(part):
            ind_year = int(part["year"].iloc[0])
            values = part.set_index("area_key")["value"]
            ranks = rank_areas(values, spec.polarity)
            history = own[(own["indicator"] == ind) & (own["year"] <= ind_year)]
            history = history.dropna(subset=["value"]).sort_values("year")
            row.update(
                year=ind_year,
                value=float(values.get(key, math.nan)),
                city=float(city.get((ind, ind_year), math.nan)),
                rank=ranks.get(key, pd.NA),
                ranked=int(values.notna().sum()),
                suppressed=is_suppressed(part, key),
            )
            # A change needs two years; in the first year there is nothing to compare.
            if len(history) and not math.isnan(row["value"]) and history["year"].iloc[0] < ind_year:
                row["first_year"] = int(history["year"].iloc[0])
                row["change"] = row["value"] - float(history["value"].iloc[0])
        rows.append(row)
    table = pd.DataFrame(rows, columns=PROFILE_COLUMNS)
    table["rank"] = table["rank"].astype("Int64")
    # Group by theme without reordering indicators inside a theme.
    theme_order = {t: i for i, t in enumerate(dict.fromkeys(table["theme"]))}
    order = table["theme"].map(theme_order).sort_values(kind="stable").index
    return table.loc[order].reset_index(drop=True)


def area_sites(dataset: Dataset, key: str, lang: str = "de", *,
               year: int | None = None) -> pd.DataFrame:
    """List the sites in one district, by category (in the dataset's order), then name.

    With ``year``, only the sites running in it (:mod:`geodash.analysis.years`).

    Returns
    -------
    pandas.DataFrame
        ``category, category_label, name, address, programme`` (text, empty
        where unknown).

    """
    sites = sites_in_year(dataset.sites, year)
    sites = sites[sites["area_key"] == key]
    columns = ["category", "category_label", "name", "address", "programme"]
    if sites.empty:
        return pd.DataFrame(columns=columns)
    order = {code: i for i, code in enumerate(dataset.categories)}
    out = pd.DataFrame({
        "category": sites["category"].astype(str),
        "category_label": [dataset.category_label(c, lang) for c in sites["category"]],
        "name": sites["name"].astype(str),
        "address": sites["address"].fillna("").astype(str),
        "programme": sites["programme"].fillna("").astype(str),
    })
    out["_order"] = out["category"].map(order).fillna(len(order))
    out = out.sort_values(["_order", "name"], kind="stable").drop(columns="_order")
    return out.reset_index(drop=True)


def area_zones(dataset: Dataset, key: str, *, year: int | None = None) -> pd.DataFrame:
    """List the programme areas a district touches, with the share of its surface inside.

    With ``year``, only the programme areas running in it.

    Returns
    -------
    pandas.DataFrame
        ``zone_id, name, programme, since, until, share`` (share 0–1), the
        largest share first.

    """
    shares = zone_shares_in_year(dataset.zone_shares, dataset.zones, year)
    shares = shares[shares["area_key"] == key]
    columns = ["zone_id", "name", "programme", "since", "until", "share"]
    if shares.empty or dataset.zones.empty:
        return pd.DataFrame(columns=columns)
    zones = pd.DataFrame(dataset.zones.drop(columns="geometry"))
    out = shares[["zone_id", "share"]].merge(zones, on="zone_id", how="left")
    return out[columns].sort_values("share", ascending=False, kind="stable").reset_index(drop=True)


def trend_figure(dataset: Dataset, key: str, lang: str = "de", columns: int = 4) -> go.Figure:
    """Small multiples: one panel per indicator with the district's and the city's trend.

    Parameters
    ----------
    dataset
        The workspace.
    key
        The district's area key.
    lang
        Language of titles and hover labels.
    columns
        Panels per row.

    """
    meta = {i: s for i, s in dataset.indicator_meta.items()
            if (dataset.indicators["indicator"] == i).any()}
    fig = go.Figure()
    if not meta:
        fig.add_annotation(text=LEGEND.get(lang, LEGEND["de"])["trend_empty"], showarrow=False,
                           x=0.5, y=0.5, xref="paper", yref="paper")
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return fig.update_layout(template=TEMPLATE, height=160)
    reference = derived.city_values(dataset)
    own = dataset.indicators[dataset.indicators["area_key"] == key]
    cols = max(1, min(columns, len(meta)))
    rows = math.ceil(len(meta) / cols)
    # Long labels wrap instead of running into the next panel (a printed page is narrow);
    # each line is escaped on its own, so that only our <br> stays markup. Two panels a row
    # are for a phone, where a panel is about 170 px wide.
    width = 32 if cols > 2 else 26
    titles = ["<br>".join(plotly_text(line) for line in textwrap.wrap(
        f"{s.label.get(lang)} ({s.unit})" if s.unit else s.label.get(lang), width))
        for s in meta.values()]
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles,
                        horizontal_spacing=0.06, vertical_spacing=min(0.5 / rows, 0.12))
    name = plotly_text(dataset.area_label(key))
    city_name = LEGEND.get(lang, LEGEND["de"])["city"]
    shown: set[str] = set()
    for i, (ind, spec) in enumerate(meta.items()):
        r, c = divmod(i, cols)
        fmt = f",.{spec.decimals}f"
        mine = own[own["indicator"] == ind].sort_values("year")
        city = reference[reference["indicator"] == ind].sort_values("year")
        # A city total (counts add up) dwarfs a district's count: leave that line out.
        lines = [(name, mine, DISTRICT_COLOR, "solid")]
        if not (city["method"] == "sum").any():
            lines.insert(0, (city_name, city, CITY_COLOR, "dot"))
        for label, part, color, dash in lines:
            fig.add_trace(go.Scatter(
                x=part["year"], y=part["value"], name=label, legendgroup=label,
                showlegend=label not in shown, mode="lines+markers",
                line={"color": color, "dash": dash, "width": 2}, marker={"size": 5},
                hovertemplate=f"%{{x}}: %{{y:{fmt}}} {plotly_text(spec.unit)}"
                              "<extra>%{fullData.name}</extra>",
            ), row=r + 1, col=c + 1)
            shown.add(label)
        years = sorted(set(dataset.indicator_years(ind)))
        fig.update_xaxes(tickvals=[years[0], years[-1]] if years else [], tickformat="d",
                         row=r + 1, col=c + 1)
    fig.update_annotations(font_size=10)
    fig.update_yaxes(nticks=4)
    return fig.update_layout(
        template=TEMPLATE, separators=SEPARATORS.get(lang, SEPARATORS["de"]),
        height=40 + 170 * rows, margin={"l": 40, "r": 10, "t": 40, "b": 30},
        legend={"orientation": "h", "y": 1.0 + 30 / (40 + 170 * rows), "x": 0,
                "yanchor": "bottom"},
        hovermode="x unified",
    )
