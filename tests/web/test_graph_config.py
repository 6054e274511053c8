"""Every Plotly graph on every page has the one shared configuration: local tools, the page's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from dash import dcc
from dash_tree import walk

from geodash.web.app import assets_folder
from geodash.web.graphs import graph_config
from geodash.web.pages import compare, coverage, profile
from geodash.web.state import ViewState

VIEWS = [(profile, ViewState(areas=("03",), year=2023)),
         (compare, ViewState(areas=("01", "02", "03"), year=2023)),
         (coverage, ViewState(year=2023))]


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize(("page", "state"), VIEWS, ids=["profil", "vergleich", "abdeckung"])
def test_every_graph_uses_the_shared_config_in_the_pages_language(grid_dataset, page, state, lang):
    tree = page.layout(grid_dataset, state.with_(lang=lang))
    graphs = [c for c in walk(tree) if isinstance(c, dcc.Graph)]

    assert graphs
    for graph in graphs:
        assert graph.config == graph_config(lang)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_config_keeps_only_local_tools(lang):
    config = graph_config(lang)
    assert config["displaylogo"] is False and config["showSendToCloud"] is False
    assert config["showEditInChartStudio"] is False and config["showLink"] is False
    assert {"sendDataToCloud", "editInChartStudio"} <= set(config["modeBarButtonsToRemove"])
    assert config["locale"] == lang and config.get("displayModeBar", "hover") != "false"


def test_the_german_locale_is_served_from_the_apps_assets():
    locale = (Path(assets_folder()) / "gd-chart-locale-de.js").read_text(encoding="utf-8")
    assert "'Download plot as a PNG': 'Graphen als PNG herunterladen'" in locale
    assert "PlotlyLocales" in locale and "http" not in locale.split("*/", 1)[1]
