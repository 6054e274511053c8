"""Text from the data reaches every Plotly figure escaped: a district name is a name, never markup.

Plotly reads a small HTML subset in hover labels, legends, titles, tick
labels and annotations. The grid is loaded with a district named
``<img src=x onerror=alert(1)>``, another named ``<b>X</b>``, and markup in a
site, a category label, an indicator label and a unit; no figure may carry
any of it unescaped.
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from geodash.catalog import Text
from geodash.web.figures import compare, coverage, profile, reach
from geodash.web.figures import map as map_figure_module
from geodash.web.figures.map import map_patch_values
from geodash.web.state import ViewState
from geodash.web.text import plotly_text

IMG = "<img src=x onerror=alert(1)>"
BOLD = "<b>X</b>"
IMG_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
BOLD_ESCAPED = "&lt;b&gt;X&lt;/b&gt;"


@pytest.fixture(scope="module")
def evil(grid_dataset):
    areas = grid_dataset.areas.copy()
    areas.loc[areas["key"] == "01", "name"] = IMG
    areas.loc[areas["key"] == "02", "name"] = BOLD
    sites = grid_dataset.sites.copy()
    sites.loc[sites["site_id"] == "s1", "name"] = IMG
    sites.loc[sites["site_id"] == "s1", "address"] = BOLD
    meta = dict(grid_dataset.indicator_meta)
    meta["alq"] = meta["alq"].model_copy(update={"label": Text(de=IMG, en=IMG)})
    meta["kinder"] = meta["kinder"].model_copy(update={"unit": BOLD + "%{y}"})
    categories = dict(grid_dataset.categories)
    categories["qm"] = categories["qm"].model_copy(update={"label": Text(de=BOLD)})
    return dataclasses.replace(grid_dataset, areas=areas, sites=sites, indicator_meta=meta,
                               categories=categories)


def strings(value) -> list[str]:
    """Every string inside a figure dict (data, layout, annotations, …)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list | tuple | np.ndarray):
        return [s for v in value for s in strings(v)]
    return []


def assert_escaped(figure, *expected: str) -> None:
    texts = strings(figure if isinstance(figure, dict) else figure.to_dict())
    joined = "\n".join(texts)
    for raw in (IMG, BOLD, "<img", "<b>X"):
        assert raw not in joined
    for text in expected:
        assert text in joined, f"{text!r} missing"


@pytest.mark.parametrize(("value", "escaped"), [
    (IMG, IMG_ESCAPED),
    (BOLD, BOLD_ESCAPED),
    ('Nord "Süd" & Ost', "Nord &#34;Süd&#34; &amp; Ost"),
    ("%{y}", "%&#123;y&#125;"),
    (None, ""),
    (float("nan"), ""),
    (2023, "2023"),
])
def test_plotly_text_escapes_markup_quotes_and_placeholders(value, escaped):
    assert plotly_text(value) == escaped


def test_map_sends_names_as_data_for_the_browser_to_escape(evil):
    """The map page and its payloads carry names as plain strings (never as markup of ours).

    ``assets/gd-map.js`` escapes them before Leaflet shows them (see
    tests/web/test_map_js.py and the browser journey).
    """
    state = ViewState(indicator="alq", year=2023)
    columns = map_figure_module.sites_columns(evil, "sites")
    assert IMG in columns["n"]
    hideout = map_figure_module.sites_hideout(evil, state, "sites")
    assert BOLD in hideout["labels"].values()
    for payload in (map_patch_values(evil, state),
                    map_patch_values(evil, ViewState(indicator="status_index", scheme="mss"))):
        assert IMG not in json.dumps(payload) and BOLD not in json.dumps(payload)


def test_trend_figure(evil):
    figure = profile.trend_figure(evil, "01", "de")
    assert_escaped(figure, IMG_ESCAPED, BOLD_ESCAPED)
    assert figure.data[1].name == IMG_ESCAPED
    # Panel titles: since the phone layout a figure holds one row of panels; assert_escaped above
    # checks that no panel title carries raw markup.


def test_compare_and_timeseries_figures(evil):
    assert_escaped(compare.compare_figure(evil, ["01", "02", "03"], 2022), IMG_ESCAPED,
                   BOLD_ESCAPED)
    assert_escaped(compare.timeseries_figure(evil, ["01", "02"], "alq"), IMG_ESCAPED,
                   BOLD_ESCAPED)
    assert_escaped(compare.timeseries_figure(evil, ["01", "02"], "kinder"), BOLD_ESCAPED)


def test_coverage_figures(evil):
    assert_escaped(coverage.coverage_heatmap(evil), IMG_ESCAPED, BOLD_ESCAPED)
    assert_escaped(coverage.coverage_scatter(evil, 2022), IMG_ESCAPED, BOLD_ESCAPED)
    assert_escaped(reach.reach_heatmap(evil, list(evil.categories)), IMG_ESCAPED, BOLD_ESCAPED)
    assert_escaped(reach.inside_outside_figure(evil))


def test_a_unit_cannot_become_a_template_placeholder(evil):
    template = compare.timeseries_figure(evil, ["01"], "kinder").data[0].hovertemplate
    assert BOLD_ESCAPED + "%&#123;y&#125;" in template
    assert template.count("%{y") == 1  # only our own value placeholder
    trend = profile.trend_figure(evil, "01").data[-1].hovertemplate
    assert trend.count("%{y") == 1
