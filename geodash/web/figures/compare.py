"""Districts side by side: standardised indicators, time series and a ranking of all districts.

Pure functions of ``(dataset, districts, indicator, year, lang)``.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from geodash.analysis.indicators import is_ranked, rank_areas, standardise
from geodash.dataset import Dataset
from geodash.web.figures import derived
from geodash.web.figures.profile import (
    CITY_COLOR,
    SEPARATORS,
    TEMPLATE,
    population,
    values_as_of,
)
from geodash.web.i18n import fmt_number, translate
from geodash.web.text import plotly_text, plotly_texts

# Okabe–Ito: distinguishable with the common colour-vision deficiencies; six
# colours for the six districts a comparison allows.
AREA_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")

TEXT = {
    "de": {
        # Two lines: one would be cut off on a phone.
        "z_axis": "Abweichung vom Stadtmittel<br>in Standardabweichungen "
                  "(rechts = mehr Bedarf)",
        "no_values": "Für diese Auswahl liegen keine Werte vor.",
        "city": "Stadt",
        "year": "Jahr",
    },
    "en": {
        "z_axis": "Difference from the city mean<br>in standard deviations "
                  "(right = more need)",
        "no_values": "There are no values for this selection.",
        "city": "City",
        "year": "Year",
    },
}


def _empty(message: str, height: int = 200) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig.update_layout(template=TEMPLATE, height=height)


def compare_table(dataset: Dataset, keys: list[str], year: int | None = None,
                  lang: str = "de") -> pd.DataFrame:
    """Standardised values of every indicator for some districts.

    The z-scores are taken over all districts of the city (not only the
    chosen ones), so that a district's bar does not change when another
    district joins the comparison; they are weighted by population, as the
    need score is, so 0 is the city as a whole.

    Parameters
    ----------
    dataset
        The workspace.
    keys
        The districts to compare, in display order.
    year
        Each indicator as of this year (see
        :func:`~geodash.web.figures.profile.values_as_of`); ``None`` = latest.
    lang
        Language of labels.

    Returns
    -------
    pandas.DataFrame
        ``area_key, name, indicator, label, unit, decimals, year, value, z``,
        one row per area and indicator that has a value in that year (``name``
        is the area's unique display label);
        ``z`` is positive where the district has more need than the mean.

    """
    current = values_as_of(dataset.indicators, year)
    columns = ["area_key", "name", "indicator", "label", "unit", "decimals", "year", "value", "z"]
    ids = [i for i in dataset.indicator_meta if i in set(current["indicator"])]
    if not ids or not keys:
        return pd.DataFrame(columns=columns)
    wide = current.pivot(index="area_key", columns="indicator", values="value")[ids]
    z = standardise(wide, dataset.indicator_meta, weights=population(dataset))
    ind_year = current.groupby("indicator")["year"].first()
    names = dataset.area_labels
    rows = []
    for key in keys:
        for ind in ids:
            spec = dataset.indicator_meta[ind]
            value = wide[ind].get(key, math.nan)
            rows.append({
                "area_key": key, "name": str(names.get(key, key)), "indicator": ind,
                "label": spec.label.get(lang), "unit": spec.unit, "decimals": spec.decimals,
                "year": int(ind_year[ind]), "value": float(value),
                "z": float(z[ind].get(key, math.nan)),
            })
    return pd.DataFrame(rows, columns=columns)


def compare_figure(dataset: Dataset, keys: list[str], year: int | None = None,
                   lang: str = "de") -> go.Figure:
    """Draw grouped horizontal bars: one bar per district and indicator, in z-scores.

    One trace per district (so a legend entry per district), the first chosen
    district last (drawn on top); the hover shows the real value with its unit
    and year.
    """
    table = compare_table(dataset, keys, year, lang)
    if table.empty or table["z"].isna().all():
        return _empty(translate(TEXT, "no_values", lang))
    # Labels, names and units come from the workspace: escaped for Plotly's markup.
    table = table.assign(label=plotly_texts(table["label"]), name=plotly_texts(table["name"]),
                         unit=plotly_texts(table["unit"]))
    labels = list(dict.fromkeys(table["label"]))
    fig = go.Figure()
    groups = list(table.groupby("area_key", sort=False))
    # Plotly stacks a group's bars bottom-up in trace order: add the districts last to
    # first so that the first chosen is on top, and reverse the legend to match.
    for i, (_key, part) in reversed(list(enumerate(groups))):
        texts = [
            f"{fmt_number(v, lang, d, u)} ({translate(TEXT, 'year', lang)} {y})"
            for v, d, u, y in zip(part["value"], part["decimals"], part["unit"], part["year"],
                                  strict=True)
        ]
        fig.add_trace(go.Bar(
            y=part["label"], x=part["z"], orientation="h", name=part["name"].iloc[0],
            marker_color=AREA_COLORS[i % len(AREA_COLORS)], customdata=texts,
            hovertemplate="%{y}: %{customdata}<br>z = %{x:.2f}<extra>%{fullData.name}</extra>",
        ))
    fig.add_vline(x=0, line_color=CITY_COLOR, line_width=1)
    height = 80 + len(labels) * (14 * len(keys) + 18)
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1], automargin=True)
    fig.update_xaxes(title_text=translate(TEXT, "z_axis", lang), zeroline=False)
    return fig.update_layout(
        template=TEMPLATE, separators=SEPARATORS.get(lang, SEPARATORS["de"]), barmode="group",
        height=height, margin={"l": 10, "r": 10, "t": 30, "b": 64},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0,
                "traceorder": "reversed"},
    )


def timeseries_figure(dataset: Dataset, keys: list[str], indicator: str | None,
                      lang: str = "de") -> go.Figure:
    """Draw one indicator over the years: a line per district, the city mean dotted.

    The city line is left out for counts, whose city value is a total.
    """
    spec = dataset.indicator_meta.get(indicator) if indicator else None
    part = dataset.indicators[dataset.indicators["indicator"] == indicator]
    if spec is None or part.empty:
        return _empty(translate(TEXT, "no_values", lang))
    city = derived.city_values(dataset)
    reference = city[city["indicator"] == indicator]
    unit = plotly_text(spec.unit)
    hover = f"%{{x}}: %{{y:,.{spec.decimals}f}} {unit}<extra>%{{fullData.name}}</extra>"
    names = dataset.area_labels
    fig = go.Figure()
    for i, key in enumerate(keys):
        mine = part[part["area_key"] == key].sort_values("year")
        fig.add_trace(go.Scatter(
            x=mine["year"], y=mine["value"], name=plotly_text(names.get(key, key)),
            mode="lines+markers", line={"color": AREA_COLORS[i % len(AREA_COLORS)], "width": 2},
            hovertemplate=hover,
        ))
    # A city total (counts add up) would flatten the districts' lines: only means are drawn.
    if not (reference["method"] == "sum").any():
        fig.add_trace(go.Scatter(
            x=reference["year"], y=reference["value"], name=translate(TEXT, "city", lang),
            mode="lines+markers", line={"color": CITY_COLOR, "dash": "dot", "width": 2},
            hovertemplate=hover,
        ))
    years = dataset.indicator_years(indicator)
    fig.update_xaxes(tickvals=years, tickformat="d")
    fig.update_yaxes(title_text=plotly_text(f"{spec.label.get(lang)} ({spec.unit})" if spec.unit
                                            else spec.label.get(lang)))
    return fig.update_layout(
        template=TEMPLATE, separators=SEPARATORS.get(lang, SEPARATORS["de"]), height=360,
        margin={"l": 10, "r": 10, "t": 30, "b": 30}, hovermode="x unified",
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
    )


def ranking_table(dataset: Dataset, indicator: str | None, year: int | None = None,
                  lang: str = "de") -> pd.DataFrame:
    """All districts ranked on one indicator, with the MSS status index beside.

    Parameters
    ----------
    dataset
        The workspace.
    indicator
        The indicator id.
    year
        The indicator as of this year (its latest year up to it); ``None`` =
        its latest year. The status index is as of the indicator's year.
    lang
        Language (kept for a uniform signature; names are not translated).

    Returns
    -------
    pandas.DataFrame
        ``key, name, parent, year, value, rank, status, status_class,
        status_rank, suppressed``, sorted by rank (1 = most need), areas
        without a value last; a neutral indicator has no ranks (NA) and is
        sorted by value, highest first; ``suppressed`` marks values withheld because
        they rest on too few cases.

    """
    columns = ["key", "name", "parent", "year", "value", "rank", "status", "status_class",
               "status_rank", "suppressed"]
    spec = dataset.indicator_meta.get(indicator) if indicator else None
    current = values_as_of(dataset.indicators[dataset.indicators["indicator"] == indicator], year)
    if spec is None or current.empty:
        return pd.DataFrame(columns=columns)
    ind_year = int(current["year"].iloc[0])
    keys = dataset.areas["key"]
    values = current.set_index("area_key")["value"].reindex(keys)
    index_year = derived.index_year(dataset, ind_year)
    if index_year is None:
        status = pd.Series(math.nan, index=keys.to_numpy())
        classes = pd.Series(None, index=keys.to_numpy(), dtype=object)
    else:
        frame = derived.analysis(dataset, index_year).reindex(keys.to_numpy())
        status, classes = frame["status_index"].astype(float), frame["status_class"]
    out = pd.DataFrame({
        "key": keys.to_numpy(),
        "name": keys.map(dataset.area_labels).to_numpy(),
        # The parent's name where the spec gives names, else its key.
        "parent": dataset.areas["parent_name"].where(dataset.areas["parent_name"].notna(),
                                                     dataset.areas["parent"]).to_numpy(),
        "year": ind_year,
        "value": values.to_numpy(dtype=float),
        "rank": rank_areas(values, spec.polarity).to_numpy(),
        "status": status.to_numpy(dtype=float),
        "status_class": classes.to_numpy(),
        "status_rank": rank_areas(status, "need").to_numpy(),
    })
    withheld = (current.loc[current["suppressed"].astype(bool), "area_key"]
                if "suppressed" in current.columns else pd.Series(dtype=object))
    out["suppressed"] = out["key"].isin(withheld).to_numpy()
    out["rank"] = out["rank"].astype("Int64")
    out["status_rank"] = out["status_rank"].astype("Int64")
    if not is_ranked(spec.polarity):
        # A neutral indicator ranks nobody; the list is by value, highest first, without ranks.
        return out.sort_values(["value", "name"], ascending=[False, True], na_position="last",
                               kind="stable").reset_index(drop=True)
    out = out.sort_values(["rank", "name"], na_position="last", kind="stable")
    return out.reset_index(drop=True)
