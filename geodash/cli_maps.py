"""The command line of maps and reports: ``geodash export map`` and ``geodash report``.

Kept apart from :mod:`geodash.cli`, which only registers these commands.
Every check that needs no data (file suffix, paper, language) runs before the
workspace is loaded; nothing is written unless the whole file could be made.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from geodash.errors import ParameterError
from geodash.web.state import LANGS, ViewState

PAPERS = ("a4", "a3")


def add_map_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``geodash export map`` (on the ``export`` parser; other layers ignore them)."""
    group = parser.add_argument_group("map (geodash export map -o karte.pdf|.png|.svg|.html)")
    group.add_argument("--indicator", help="indicator or measure id (default: the workspace's default)")
    group.add_argument("--scheme", default="quantiles",
                       help="quantiles, equal_interval, natural_breaks, std_mean or mss (default quantiles)")
    group.add_argument("--classes", type=int, default=5, help="number of classes, 3–7 (default 5)")
    group.add_argument("--lang", default="de", choices=LANGS,
                       help="language of the map or of the XLSX sheets (default de)")
    group.add_argument("--labels", action="store_true", help="write area names where they fit")
    group.add_argument("--sites", action="store_true", help="draw every sites layer, by category")
    group.add_argument("--zones", action="store_true", help="draw the programme areas with their names")
    group.add_argument("--paper", default="a4", choices=PAPERS, help="paper size, landscape (default a4)")
    group.add_argument("--portrait", action="store_true", help="portrait instead of landscape")


def cmd_export_map(args: argparse.Namespace) -> int:
    """Write the map of one indicator and year as PNG, SVG, PDF or HTML."""
    from geodash.export.map_formats import map_format, write_map
    from geodash.export.static_map import MapLayout, check_view
    from geodash.web.figures.map import site_layers
    from geodash.workspace import load_workspace

    if args.output is None:
        raise ParameterError("`geodash export map` needs an output file.",
                             fix="give one with -o, e.g. -o karte.pdf (.png, .svg, .pdf or .html).")
    map_format(args.output)
    layout = MapLayout(paper=args.paper, orientation="portrait" if args.portrait else "landscape",
                       labels=args.labels)
    dataset = load_workspace(args.workspace)
    # Every sites layer by name (also those above [map] sites_visible_max), and "sites" for the
    # HTML map, which shows all sites or none.
    sites = ("sites", *(f"sites:{stem}" for stem in site_layers(dataset))) if args.sites else ()
    overlays = sites + (("zones",) if args.zones else ())
    state = check_view(dataset, ViewState(indicator=args.indicator, year=args.year, scheme=args.scheme,
                                          k=args.classes, lang=args.lang, overlays=overlays))
    start = time.perf_counter()
    path = write_map(dataset, state, args.output, layout)
    print(f"Wrote the map of {state.indicator} {state.year or ''} to {path} "
          f"in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


def add_report_parser(sub) -> None:
    """Register ``geodash report``."""
    from geodash.workspace import default_workspace

    p = sub.add_parser("report", help="write the Sozialraumbericht (city-wide or one area) as PDF or HTML")
    p.add_argument("workspace", nargs="?", type=Path, default=None,
                   help=f"workspace folder (default: the demo at {default_workspace()})")
    p.add_argument("-o", "--output", type=Path, required=True, help="bericht.pdf or bericht.html")
    p.add_argument("--area", help="key of one area: its profile instead of the city-wide report")
    p.add_argument("--year", type=int, help="data year (default: the latest)")
    p.add_argument("--lang", default="de", choices=LANGS, help="language (default de)")
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    """Write the Sozialraumbericht."""
    from geodash.report import report_format, write_report
    from geodash.workspace import load_workspace

    report_format(args.output)
    # The coverage tables need the accessibility analysis: from the cache when it is there.
    dataset = load_workspace(args.workspace, analyses=("access",))
    start = time.perf_counter()
    path = write_report(dataset, args.output, area=args.area, year=args.year, lang=args.lang)
    print(f"Wrote the report to {path} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0
