"""The tutorial Dash app, the naive peer of the served map: one graph, a whole figure per switch.

This is how the Dash and Plotly tutorials map a choropleth: read the files at
start-up, build a ``px.choropleth_map`` of the whole layer, put it in one
``dcc.Graph`` beside a dropdown, and let the dropdown's callback build and
return a new whole figure (GeoJSON included) on every switch.

It reads the same files as the benchmark's geodash workspace: the indicator
CSV as the Statistikstelle wrote it, and the *display geometry* geodash sends
to the browser (``Dataset.areas_display``, written by the benchmark as
:data:`DISPLAY_FILE`), so both apps draw the same polygons. Run it as::

    python -m geodash.bench.tutorial_app WORKSPACE --port 8060

Its start-up (read files + build the figure + serve) is what the benchmark
sets beside ``geodash serve``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import dash
import geopandas as gpd
import pandas as pd
import plotly.express as px
from dash import Input, Output, dcc, html

from geodash.bench.city import INDICATORS
from geodash.bench.workspace import INDICATORS_FILE

DISPLAY_FILE = "geodata/bloecke_anzeige.gpkg"  # key, name, geometry of Dataset.areas_display
GRAPH = "karte"
DROPDOWN = "indikator"
FIGURE = f"{GRAPH}.figure"
TRIGGER = f"{DROPDOWN}.value"
COLUMNS = {ind_id: column for ind_id, column, *_ in INDICATORS}


def write_display_file(areas_display: gpd.GeoDataFrame, folder: Path) -> Path:
    """Write the display geometry geodash sends (``Dataset.areas_display``) for the tutorial app."""
    path = folder / DISPLAY_FILE
    areas_display[["key", "name", "geometry"]].to_file(path, driver="GPKG", layer="anzeige")
    return path


def read_inputs(folder: Path) -> gpd.GeoDataFrame:
    """The areas with one column per indicator of the latest year, as a tutorial joins them."""
    areas = gpd.read_file(folder / DISPLAY_FILE)
    table = pd.read_csv(folder / INDICATORS_FILE, sep=";", decimal=",", encoding="cp1252",
                        dtype={"Block-Nr": str})
    latest = table[table["Jahr"] == table["Jahr"].max()]
    latest = latest.rename(columns={column: ind_id for ind_id, column in COLUMNS.items()})
    return areas.merge(latest[["Block-Nr", *COLUMNS]], left_on="key", right_on="Block-Nr", how="left")


def choropleth(frame: gpd.GeoDataFrame, indicator: str):
    """The tutorial figure: the whole layer's GeoJSON and one colour column."""
    west, south, east, north = frame.total_bounds
    fig = px.choropleth_map(frame, geojson=frame.__geo_interface__, locations="key",
                            featureidkey="properties.key", color=indicator, hover_name="name",
                            map_style="white-bg", zoom=10,
                            center={"lat": (south + north) / 2, "lon": (west + east) / 2})
    fig.update_layout(margin={"l": 0, "r": 0, "t": 0, "b": 0})
    return fig


def create_tutorial_app(frame: gpd.GeoDataFrame, first: str = "alq") -> dash.Dash:
    """One dropdown and one graph; every switch returns a whole new figure."""
    app = dash.Dash(__name__, title="Tutorial-Karte")
    app.layout = html.Div([
        dcc.Dropdown(id=DROPDOWN, options=list(COLUMNS), value=first, clearable=False),
        dcc.Graph(id=GRAPH, figure=choropleth(frame, first), style={"height": "80vh"}),
    ])

    @app.callback(Output(GRAPH, "figure"), Input(DROPDOWN, "value"), prevent_initial_call=True)
    def switch(indicator):
        return choropleth(frame, indicator)

    return app


def main(argv: Sequence[str] | None = None) -> int:
    """Read the files, build the app and serve it on 127.0.0.1."""
    parser = argparse.ArgumentParser(prog="python -m geodash.bench.tutorial_app",
                                     description="The tutorial Dash map on a benchmark workspace.")
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--port", type=int, default=8060)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    app = create_tutorial_app(read_inputs(args.workspace))
    print(f"tutorial app ready in {time.perf_counter() - started:.1f} s at http://127.0.0.1:{args.port}/",
          flush=True)
    app.run(host="127.0.0.1", port=args.port, debug=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
