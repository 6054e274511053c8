"""Static maps of a view for print: a matplotlib Figure with everything a council paper needs.

Title, legend (class bounds per language, unit, count per class, "keine
Daten"), source line, data and export date, scale bar, north arrow, optional
area labels, sites and programme areas. Classes and colours come from
:func:`geodash.web.figures.choropleth.map_view`, the function the map on
screen is drawn from, so paper and screen never disagree. Areas are filled
fully opaque with the palette's colours (the screen map lays them at 85 %
over a white background): on paper the legend and the map must match exactly.

The figure is built on :class:`matplotlib.figure.Figure` directly, never
through pyplot: no global figure list, no GUI backend, safe in a Dash worker.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from geodash.analysis.years import sites_in_year, zones_in_year
from geodash.dataset import Dataset
from geodash.errors import ParameterError
from geodash.web.figures import derived
from geodash.web.figures.choropleth import (
    K_MAX,
    K_MIN,
    NAMED_SCHEME,
    SCHEMES,
    MapView,
    has_named_classes,
    legend_rows,
    map_view,
    resolve_state,
    view_years,
)
from geodash.web.figures.map import ZONE_COLOR, shown_categories, site_category_colors, visible_site_layers
from geodash.web.i18n import BARE_COUNT_UNITS, area_word, fmt_number, translate
from geodash.web.state import ViewState

MM_PER_INCH = 25.4
PT_MM = 25.4 / 72  # one typographic point in millimetres
# Paper sizes in millimetres, landscape (width, height).
PAPERS = {"a4": (297.0, 210.0), "a3": (420.0, 297.0)}
ORIENTATIONS = ("landscape", "portrait")
# DejaVu Sans (matplotlib's own font, with every Umlaut) averages about 0.6 em per character;
# label fitting errs on the wide side so that a kept label never spills over its area.
CHAR_WIDTH_EM = 0.62
LABEL_PT = 6.0
NICE_STEPS = (1, 2, 5)
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")

TEXT = {
    "de": {
        "title": "{label} {year}", "title_static": "{label}",
        "unit": "Einheit: {unit}", "count": "Anzahl {Units}",
        "scheme": "Klassen: {scheme}", "sites": "Angebote", "zones": "Programmgebiete",
        "zone_line": "Programmgebiet (Umriss)",
        "source": "Quelle: {source}", "geometry": "Geometrie: {source}",
        "no_source": "Quelle: nicht angegeben",
        "dates": "Datenstand: {year} · Erstellt am {created} mit geodash",
        "dates_static": "Datenstand: aktuelle Angebotsliste · Erstellt am {created} mit geodash",
        "scale": "Maßstab ca. 1 : {denominator} (bei Druck auf {paper})",
        "north": "N",
        "quantiles": "Quantile", "equal_interval": "gleiche Intervalle",
        "natural_breaks": "natürliche Brüche (Jenks)", "std_mean": "Standardabweichung",
        "mss": "MSS-Klassen",
    },
    "en": {
        "title": "{label} {year}", "title_static": "{label}",
        "unit": "Unit: {unit}", "count": "Number of {units}",
        "scheme": "Classes: {scheme}", "sites": "Offers", "zones": "Programme areas",
        "zone_line": "Programme area (outline)",
        "source": "Source: {source}", "geometry": "Boundaries: {source}",
        "no_source": "Source: not given",
        "dates": "Data as of: {year} · Made on {created} with geodash",
        "dates_static": "Data as of: current list of offers · Made on {created} with geodash",
        "scale": "Scale about 1 : {denominator} (printed on {paper})",
        "north": "N",
        "quantiles": "quantiles", "equal_interval": "equal intervals",
        "natural_breaks": "natural breaks (Jenks)", "std_mean": "standard deviation",
        "mss": "MSS classes",
    },
}


@dataclass(frozen=True)
class MapLayout:
    """How a static map is laid out on paper; the view itself (indicator, year, …) is a ViewState.

    Attributes
    ----------
    paper
        ``"a4"`` or ``"a3"``.
    orientation
        ``"landscape"`` (the default) or ``"portrait"``.
    labels
        Write area names where they fit inside their area.
    created
        The export date printed on the map (today when None).
    framed
        With title and source footer (a page of its own); without them for a
        figure inside a report, whose page says both.
    size
        Width and height in millimetres instead of the paper's.
    type_scale
        Type and line size relative to A4 instead of the paper's (see :attr:`scale`).
    focus
        Key of one area: the map shows it with its surroundings, outlined.
    simplify_mm
        Leave out boundary detail finer than this on paper (millimetres): no
        eye sees a tenth of a millimetre, but files and reports grow with it.
    """

    paper: str = "a4"
    orientation: str = "landscape"
    labels: bool = False
    created: date | None = None
    framed: bool = True
    size: tuple[float, float] | None = None
    type_scale: float | None = None
    focus: str | None = None
    simplify_mm: float = 0.1

    def __post_init__(self) -> None:
        if self.paper not in PAPERS:
            raise ParameterError(f"`paper` was {self.paper!r} but is expected to be one of {sorted(PAPERS)}.")
        if self.orientation not in ORIENTATIONS:
            raise ParameterError(
                f"`orientation` was {self.orientation!r} but is expected to be one of {list(ORIENTATIONS)}.")

    @property
    def size_mm(self) -> tuple[float, float]:
        """Width and height of the page in millimetres."""
        if self.size is not None:
            return self.size
        width, height = PAPERS[self.paper]
        return (width, height) if self.orientation == "landscape" else (height, width)

    @property
    def scale(self) -> float:
        """Type and line size relative to A4 (A3 is √2 larger, so it reads alike from further away)."""
        if self.type_scale is not None:
            return self.type_scale
        return max(self.size_mm) / PAPERS["a4"][0]


def format_date(day: date, lang: str) -> str:
    """A date as people write it: ``02.12.2026`` in German, ``2 December 2026`` in English.

    Examples
    --------
    >>> format_date(date(2026, 12, 2), "de"), format_date(date(2026, 12, 2), "en")
    ('02.12.2026', '2 December 2026')
    """
    if lang == "en":
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    return day.strftime("%d.%m.%Y")


def check_view(dataset: Dataset, state: ViewState) -> ViewState:
    """The view a static map will show, or a :class:`ParameterError` for what the workspace lacks.

    The map on screen falls back quietly (an unknown indicator shows the
    default one); a file made on request must show what was asked for or
    nothing, so an unknown indicator, a year without values, an unknown
    scheme or a number of classes out of range is an error here.
    """
    known = [*dataset.indicator_meta, *derived.measures(dataset)]
    if state.indicator is not None and state.indicator not in known:
        raise ParameterError(f"`indicator` was {state.indicator!r} but is expected to be one of "
                             f"{', '.join(known)}.", fix="`geodash info` lists the indicators.")
    if state.scheme not in (*SCHEMES, NAMED_SCHEME):
        raise ParameterError(f"`scheme` was {state.scheme!r} but is expected to be one of "
                             f"{', '.join((*SCHEMES, NAMED_SCHEME))}.")
    if not K_MIN <= state.k <= K_MAX:
        raise ParameterError(f"`classes` was {state.k} but is expected to be between {K_MIN} and {K_MAX}.")
    resolved = resolve_state(dataset, state)
    if state.scheme == NAMED_SCHEME and not has_named_classes(dataset, resolved.indicator):
        raise ParameterError(f"the scheme {NAMED_SCHEME!r} applies to the status and dynamics index only.",
                             fix="choose another scheme, e.g. quantiles.")
    years = view_years(dataset, resolved.indicator)
    measure = derived.measure_of(dataset, resolved.indicator)
    yearly = measure is None or measure.yearly
    if yearly and state.year is not None and state.year not in years:
        raise ParameterError(
            f"`year` was {state.year} but {resolved.indicator!r} has values for "
            f"{', '.join(map(str, years)) or 'no year'}.", fix="give one of these years.")
    return resolved


def nice_length(limit: float) -> float:
    """The longest 1, 2 or 5 × 10ⁿ that is at most ``limit`` (a scale bar's length in metres).

    Examples
    --------
    >>> nice_length(740.0), nice_length(3900.0), nice_length(12_000.0)
    (500.0, 2000.0, 10000.0)
    """
    exponent = np.floor(np.log10(limit))
    steps = np.array(NICE_STEPS, dtype=float) * 10.0**exponent
    return float(steps[steps <= limit].max())


def fitting_labels(geoms: np.ndarray, names: np.ndarray, metres_per_mm: float,
                   size_pt: float = LABEL_PT) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which area names fit inside their area at the map's scale, and where they go.

    A label is kept when the box of its text, centred on a point inside the
    area, lies wholly within the area; decided for all areas at once.

    Parameters
    ----------
    geoms
        Area polygons in a metric CRS.
    names
        One label per area.
    metres_per_mm
        Map scale: metres of ground per millimetre of paper.
    size_pt
        Type size of the labels.

    Returns
    -------
    tuple of numpy.ndarray
        ``fits`` (bool per area), ``x`` and ``y`` of the label centres.
    """
    points = shapely.point_on_surface(geoms)
    x, y = shapely.get_x(points), shapely.get_y(points)
    lengths = np.char.str_len(np.asarray(names, dtype=str)) if len(names) else np.zeros(0)
    em = size_pt * PT_MM * metres_per_mm
    half_w = lengths * CHAR_WIDTH_EM * em / 2
    half_h = 0.6 * em  # cap height plus descender, with a little air
    boxes = shapely.box(x - half_w, y - half_h, x + half_w, y + half_h)
    fits = shapely.contains(geoms, boxes)
    return np.asarray(fits, dtype=bool), x, y


def _title(dataset: Dataset, view: MapView) -> str:
    lang = view.lang
    label = view.spec.label.get(lang) if view.spec is not None else ""
    if view.yearly and view.state.year is not None:
        head = translate(TEXT, "title", lang, label=label, year=view.state.year)
    else:
        head = translate(TEXT, "title_static", lang, label=label)
    return f"{head} – {dataset.settings.name}"


def _areas_source(dataset: Dataset) -> str:
    return next((layer.source for layer in dataset.layers if layer.kind == "areas" and layer.source), "")


def source_lines(dataset: Dataset, view: MapView, created: date) -> list[str]:
    """The footer: indicator source, boundary source, data year and export date."""
    lang = view.lang
    source = getattr(view.spec, "source", "") if view.spec is not None else ""
    parts = [translate(TEXT, "source", lang, source=source) if source
             else translate(TEXT, "no_source", lang)]
    if _areas_source(dataset):
        parts.append(translate(TEXT, "geometry", lang, source=_areas_source(dataset)))
    dated = "dates" if view.yearly and view.state.year is not None else "dates_static"
    return [" · ".join(parts),
            translate(TEXT, dated, lang, year=view.state.year, created=format_date(created, lang))]


def _limits(bounds: np.ndarray, box_mm: tuple[float, float]) -> tuple[tuple, tuple, float]:
    """X and y limits that fill the map box at one scale, and that scale (metres per mm)."""
    minx, miny, maxx, maxy = bounds
    pad = 0.03 * max(maxx - minx, maxy - miny, 1.0)
    dx, dy = maxx - minx + 2 * pad, maxy - miny + 2 * pad
    width, height = box_mm
    per_mm = max(dx / width, dy / height)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    return ((cx - width * per_mm / 2, cx + width * per_mm / 2),
            (cy - height * per_mm / 2, cy + height * per_mm / 2), per_mm)


def _scale_bar(ax, xlim, ylim, per_mm: float, layout: MapLayout, lang: str) -> None:
    s = layout.scale
    length = nice_length(0.2 * (xlim[1] - xlim[0]))
    x0, y0 = xlim[0] + 6 * s * per_mm, ylim[0] + 9 * s * per_mm
    height = 1.4 * s * per_mm
    for i, color in enumerate(("#000000", "#ffffff")):
        ax.add_patch(Rectangle((x0 + i * length / 2, y0), length / 2, height, facecolor=color,
                               edgecolor="#000000", linewidth=0.6 * s, zorder=6))
    in_km = length >= 1000

    def text(metres: float) -> str:
        decimals = 0 if metres % 1000 == 0 or not in_km else 1
        return fmt_number(metres / 1000 if in_km else metres, lang, decimals)

    # Plain text (no halo): a halo turns text into outlines, and the PDF's text should stay searchable.
    style = {"fontsize": 6.5 * s, "ha": "center", "va": "bottom", "zorder": 6}
    for metres in (0.0, length / 2):
        ax.text(x0 + metres, y0 + height * 1.4, text(metres), **style)
    ax.text(x0 + length, y0 + height * 1.4, f"{text(length)} {'km' if in_km else 'm'}", **style)
    # The ratio holds when the page is printed at its size; rounded to two significant digits.
    denominator = float(f"{per_mm * 1000:.2g}")
    ratio = translate(TEXT, "scale", lang, denominator=fmt_number(denominator, lang, 0),
                      paper=layout.paper.upper())
    ax.text(x0, y0 - height * 0.9, ratio, fontsize=5.5 * s, ha="left", va="top", zorder=6)


def _north_arrow(ax, layout: MapLayout, lang: str) -> None:
    s = layout.scale
    # The metric CRS is a transverse Mercator (UTM): grid north is true north within a degree.
    ax.annotate(translate(TEXT, "north", lang), xy=(0.965, 0.975), xytext=(0.965, 0.885),
                xycoords="axes fraction", textcoords="axes fraction", ha="center", va="center",
                fontsize=10 * s, fontweight="bold", zorder=6,
                arrowprops={"facecolor": "black", "edgecolor": "black", "width": 3 * s,
                            "headwidth": 9 * s, "headlength": 9 * s, "shrink": 0.0})


def _draw_areas(ax, dataset: Dataset, view: MapView, areas: gpd.GeoDataFrame, layout: MapLayout,
                per_mm: float, window: shapely.Geometry) -> None:
    s = layout.scale
    edge = 0.5 if len(areas) <= 500 else 0.15
    # Only what the map's window shows goes into the file (a profile's map shows a few areas).
    inside = shapely.intersects(areas.geometry.values, window)
    geoms = areas.geometry.values[inside]
    names = np.asarray(view.names, dtype=object)[inside]
    colors = np.asarray(view.area_colors, dtype=object)[inside]
    drawn = geoms
    if layout.simplify_mm > 0:
        drawn = shapely.simplify(geoms, layout.simplify_mm * per_mm, preserve_topology=True)
    # One PatchCollection for all areas, coloured per area: no loop over areas.
    gpd.GeoSeries(drawn, crs=areas.crs).plot(
        ax=ax, color=list(colors), edgecolor="#ffffff", linewidth=edge * s, zorder=1)
    if not layout.labels:
        return
    fits, x, y = fitting_labels(geoms, names, per_mm, LABEL_PT * s)
    halo = [patheffects.withStroke(linewidth=1.6 * s, foreground="white")]
    # One Text artist per kept label is matplotlib's unit of text; which ones are kept is
    # decided above for all areas at once.
    for xi, yi, name in zip(x[fits], y[fits], names[fits], strict=True):
        ax.text(xi, yi, name, fontsize=LABEL_PT * s, ha="center", va="center", zorder=5,
                color="#1a1a1a", path_effects=halo, clip_on=True)


def _draw_zones(ax, dataset: Dataset, view: MapView, layout: MapLayout, window: shapely.Geometry) -> list:
    if "zones" not in view.state.overlays or not len(dataset.zones):
        return []
    s = layout.scale
    zones = zones_in_year(dataset.zones, view.state.year).to_crs(dataset.settings.metric_crs)
    zones = zones[shapely.intersects(zones.geometry.values, window)]
    if not len(zones):
        return []
    zones.boundary.plot(ax=ax, color=ZONE_COLOR, linewidth=1.6 * s, zorder=3)
    points = shapely.point_on_surface(zones.geometry.values)
    halo = [patheffects.withStroke(linewidth=2 * s, foreground="white")]
    for point, name in zip(points, zones["name"].astype(str), strict=True):
        ax.text(point.x, point.y, name, fontsize=7 * s, fontstyle="italic", color=ZONE_COLOR,
                ha="center", va="center", zorder=5, path_effects=halo, clip_on=True)
    return [(Line2D([], [], color=ZONE_COLOR, linewidth=1.6 * s),
             translate(TEXT, "zone_line", view.lang))]


def _draw_sites(ax, dataset: Dataset, view: MapView, layout: MapLayout, window: shapely.Geometry) -> list:
    layers = visible_site_layers(dataset, view.state)
    if not layers:
        return []
    s = layout.scale
    sites = sites_in_year(dataset.sites_metric, view.state.year)
    codes = shown_categories(dataset, view.state)
    shown = sites[sites["layer"].isin(layers) & sites["category"].isin(codes)
                  & shapely.intersects(sites.geometry.values, window)]
    colors = site_category_colors(dataset)
    size = (16 if len(shown) <= 300 else 5) * s
    entries = []
    # One scatter per category (a handful), each drawing all of its sites at once.
    for code in [c for c in codes if c in set(shown["category"])]:
        part = shown[shown["category"] == code]
        ax.scatter(part.geometry.x, part.geometry.y, s=size, color=colors[code], edgecolors="#ffffff",
                   linewidths=0.5 * s, zorder=4)
        entries.append((Line2D([], [], marker="o", linestyle="", markersize=5 * s,
                               markerfacecolor=colors[code], markeredgecolor="#ffffff"),
                        f"{dataset.category_label(code, view.lang)} ({len(part)})"))
    return entries


def _legend(lax, dataset: Dataset, view: MapView, panel_mm: tuple[float, float], layout: MapLayout,
            extra: list[tuple[str, list]]) -> None:
    """The legend panel, drawn row by row in millimetres from the top of the panel."""
    s = layout.scale
    width, height = panel_mm
    lax.set_xlim(0, width)
    lax.set_ylim(0, height)
    lax.set_axis_off()
    lang = view.lang
    row = 5.2 * s
    y = height
    chars = int(width / (9 * s * PT_MM * CHAR_WIDTH_EM))
    label = view.spec.label.get(lang) if view.spec is not None else ""
    for line in textwrap.wrap(label, chars) or [""]:
        lax.text(0, y, line, fontsize=9 * s, fontweight="bold", va="top")
        y -= row
    unit = getattr(view.spec, "unit", "") if view.spec is not None else ""
    notes = []
    if unit and unit not in BARE_COUNT_UNITS:
        notes.append(translate(TEXT, "unit", lang, unit=unit))
    scheme = translate(TEXT, view.state.scheme, lang)
    notes.append(translate(TEXT, "scheme", lang, scheme=scheme if view.class_names
                           else f"{scheme}, {view.classes.k if view.classes else 0}"))
    for note in notes:
        lax.text(0, y, note, fontsize=7.5 * s, va="top", color="#333333")
        y -= row * 0.9
    y -= row * 0.3
    count_head = translate(TEXT, "count", lang, Units=area_word(dataset, lang, plural=True),
                           units=area_word(dataset, lang, plural=True, capital=False))
    lax.text(width, y, count_head, fontsize=6.5 * s, ha="right", va="top", color="#333333")
    y -= row * 0.9
    box_w, box_h = 7 * s, 3.8 * s
    for item in legend_rows(view):
        lax.add_patch(Rectangle((0, y - box_h), box_w, box_h, facecolor=item.color,
                                edgecolor="#777777", linewidth=0.4 * s))
        lax.text(box_w + 2 * s, y - box_h / 2, item.label, fontsize=7.5 * s, va="center")
        lax.text(width, y - box_h / 2, fmt_number(item.count, lang, 0), fontsize=7.5 * s, va="center",
                 ha="right")
        y -= row
    for heading, entries in extra:
        if not entries:
            continue
        y -= row * 0.4
        lax.text(0, y, heading, fontsize=8 * s, fontweight="bold", va="top")
        y -= row
        for handle, text in entries:
            # The legend handles carry the style; a tiny legend per row would cost more than this.
            if handle.get_marker() not in (None, "None", ""):
                lax.plot([box_w / 2], [y - box_h / 2], marker="o", linestyle="",
                         markersize=handle.get_markersize(), markerfacecolor=handle.get_markerfacecolor(),
                         markeredgecolor="#777777", markeredgewidth=0.4 * s)
            else:
                lax.plot([0, box_w], [y - box_h / 2] * 2, color=handle.get_color(),
                         linewidth=handle.get_linewidth())
            lax.text(box_w + 2 * s, y - box_h / 2, text, fontsize=7.5 * s, va="center")
            y -= row


def _frame(fig: Figure, dataset: Dataset, view: MapView, created: date, layout: MapLayout,
           margin: float) -> None:
    """Title, subtitle and the source footer of a map that is a page of its own."""
    s = layout.scale
    width, height = layout.size_mm
    lang = view.lang
    fig.text(margin / width, 1 - margin / height, _title(dataset, view), fontsize=15 * s,
             fontweight="bold", va="top")
    subtitle = f"{area_word(dataset, lang, plural=True)} · {dataset.settings.title.get(lang)}"
    fig.text(margin / width, 1 - (margin + 9 * s) / height, subtitle, fontsize=9 * s, va="top",
             color="#333333")
    footer_chars = int((width - 2 * margin) / (6.5 * s * PT_MM * CHAR_WIDTH_EM))
    footer = [piece for line in source_lines(dataset, view, created)
              for piece in textwrap.wrap(line, footer_chars)]
    fig.text(margin / width, margin / height, "\n".join(footer), fontsize=6.5 * s, va="bottom",
             color="#333333", linespacing=1.4)


def static_map(dataset: Dataset, state: ViewState, layout: MapLayout | None = None) -> Figure:
    """The map of a view on one page: title, map, legend, sources, scale bar and north arrow.

    Parameters
    ----------
    dataset
        The workspace data.
    state
        The view: indicator, year, scheme, k, language and overlays (``sites``,
        ``sites:<layer>``, ``zones``), exactly as on the map page.
    layout
        Paper, orientation, labels and the export date.

    Returns
    -------
    matplotlib.figure.Figure
        The page at its paper size; write it with :func:`geodash.export.map_formats.map_bytes`.
    """
    layout = layout or MapLayout()
    view = map_view(dataset, state)
    lang = view.lang
    created = layout.created or date.today()
    s = layout.scale
    width, height = layout.size_mm
    fig = Figure(figsize=(width / MM_PER_INCH, height / MM_PER_INCH))
    margin, title_h, footer_h = (10 * s, 17 * s, 12 * s) if layout.framed else (2.0, 0.0, 0.0)
    panel_w = max(62 * s, 0.26 * width)
    box = (width - 2 * margin - panel_w - 4 * s, height - 2 * margin - title_h - footer_h)
    ax = fig.add_axes((margin / width, (margin + footer_h) / height, box[0] / width, box[1] / height))
    lax = fig.add_axes(((width - margin - panel_w) / width, (margin + footer_h) / height,
                        panel_w / width, box[1] / height))

    if layout.framed:
        _frame(fig, dataset, view, created, layout, margin)

    areas = dataset.areas_metric
    focus = areas[areas["key"] == layout.focus] if layout.focus is not None else areas
    bounds = focus.total_bounds if len(focus) else np.array([0, 0, 1000, 1000])
    if layout.focus is not None:
        # The area and a ring of its neighbours: a profile's map shows where the area lies.
        grow = 0.35 * max(bounds[2] - bounds[0], bounds[3] - bounds[1])
        bounds = bounds + np.array([-grow, -grow, grow, grow])
    xlim, ylim, per_mm = _limits(bounds, box)
    window = shapely.box(xlim[0], ylim[0], xlim[1], ylim[1])
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()
    if len(areas):
        _draw_areas(ax, dataset, view, areas, layout, per_mm, window)
    if layout.focus is not None and len(focus):
        focus.boundary.plot(ax=ax, color="#000000", linewidth=2.2 * s, zorder=3)
    zones = _draw_zones(ax, dataset, view, layout, window)
    sites = _draw_sites(ax, dataset, view, layout, window)
    if view.message:
        ax.text(0.5, 0.5, view.message, transform=ax.transAxes, ha="center", va="center",
                fontsize=10 * s, wrap=True,
                bbox={"facecolor": "white", "edgecolor": "#999999", "boxstyle": "round"})
    _scale_bar(ax, xlim, ylim, per_mm, layout, lang)
    _north_arrow(ax, layout, lang)
    _legend(lax, dataset, view, (panel_w, box[1]), layout,
            [(translate(TEXT, "sites", lang), sites), (translate(TEXT, "zones", lang), zones)])
    # The limits must survive the plotting calls above, which autoscale.
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    return fig
