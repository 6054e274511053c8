"""Static maps: matplotlib (what geodash uses) against Plotly + kaleido (the system Chromium), timed.

``python -m geodash.bench.static_maps [--sizes 17,5000] [--repeats 3]`` prints a Markdown
table: seconds and bytes per format for the demo and for synthetic cities. Both sides
draw the same classes and colours (:func:`geodash.web.figures.choropleth.map_view`)
from the same geometry; kaleido's side has no scale bar, north arrow or legend
table (Plotly has none to offer), so it does less work for the same page.
Needs ``pip install kaleido`` and Chromium (``BROWSER_PATH=/usr/bin/chromium``).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

FORMATS = ("png", "pdf", "svg")


def plotly_map(dataset, state):
    """The view as a Plotly choropleth (geo projection, no tiles), as a kaleido export would draw it."""
    import plotly.graph_objects as go

    from geodash.web.figures.choropleth import legend_rows, map_view

    view = map_view(dataset, state)
    areas = dataset.areas_display
    geojson = areas[["key", "geometry"]].__geo_interface__
    colors = view.area_colors
    palette = list(dict.fromkeys(colors))
    index = [palette.index(c) for c in colors]
    n = max(len(palette) - 1, 1)
    scale = [[i / n, c] for i, c in enumerate(palette)] if len(palette) > 1 else [[0, palette[0]],
                                                                                 [1, palette[0]]]
    # MapLibre with the tile-free "white-bg" style: go.Choropleth (geo) fetches its world topojson
    # from cdn.plot.ly even when the base map is hidden, which fails offline.
    minx, miny, maxx, maxy = areas.total_bounds
    figure = go.Figure(go.Choroplethmap(
        geojson=geojson, featureidkey="properties.key", locations=list(view.keys), z=index,
        colorscale=scale, zmin=0, zmax=n, showscale=False, marker_line_color="white", marker_line_width=0.5))
    figure.update_layout(map={"style": "white-bg", "bounds": {"west": minx, "east": maxx, "south": miny,
                                                             "north": maxy}})
    legend = "<br>".join(f"<span style='color:{item.color}'>■</span> {item.label} ({item.count})"
                         for item in legend_rows(view))
    figure.add_annotation(text=legend, x=1.0, y=0.9, xref="paper", yref="paper", showarrow=False,
                          align="left", xanchor="left")
    label = view.spec.label.get(view.lang) if view.spec else ""
    return figure.update_layout(title=f"{label} {view.state.year} – {dataset.settings.name}",
                                width=1123, height=794, margin={"l": 20, "r": 260, "t": 60, "b": 40})


def _time(call: Callable[[], bytes], repeats: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        size = len(call())
        times.append(time.perf_counter() - start)
    return statistics.median(times), size


def measure(dataset, repeats: int = 3) -> list[dict]:
    """Seconds (median) and bytes per format for matplotlib and for kaleido on one dataset."""
    import kaleido

    from geodash.export.map_formats import map_bytes
    from geodash.web.state import ViewState

    state = ViewState(lang="de", overlays=())
    rows = []
    for fmt in FORMATS:
        seconds, size = _time(lambda fmt=fmt: map_bytes(dataset, state, fmt), repeats)
        rows.append({"engine": "matplotlib", "format": fmt, "seconds": seconds, "bytes": size})
    figure = plotly_map(dataset, state)
    kaleido.start_sync_server(silence_warnings=True)
    try:
        for fmt in FORMATS:
            # A running Chromium (start_sync_server) is the fair case; the first call after it pays
            # for the page; the median of the repeats is what a busy server would see.
            seconds, size = _time(lambda fmt=fmt: figure.to_image(format=fmt, scale=2 if fmt == "png" else 1),
                                  repeats)
            rows.append({"engine": "plotly + kaleido", "format": fmt, "seconds": seconds, "bytes": size})
    finally:
        kaleido.stop_sync_server(silence_warnings=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print the table."""
    from geodash.bench.workspace import write_city_workspace
    from geodash.workspace import default_workspace, load_workspace

    parser = argparse.ArgumentParser(prog="python -m geodash.bench.static_maps")
    parser.add_argument("--sizes", default="17,5000", help="17 = the demo; others synthetic cities")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print("| areas | engine | format | seconds (median) | bytes |\n|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="geodash-bench-maps-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            folder = default_workspace() if size == 17 else write_city_workspace(Path(tmp) / str(size), size,
                                                                                 100).folder
            dataset = load_workspace(folder)
            for row in measure(dataset, args.repeats):
                print(f"| {len(dataset.areas):,} | {row['engine']} | {row['format']} | "
                      f"{row['seconds']:.2f} | {row['bytes']:,} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
