"""What the Sozialraumbericht says: sections of texts, maps and tables, formatted for one language.

Everything is computed here, by the analysis functions the pages use
(map view, social index, coverage, profile, programme evaluation); the
template only lays the sections out. Tables arrive as formatted text.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from markupsafe import Markup

from geodash.analysis.indicators import is_ranked, rank_areas
from geodash.dataset import Dataset
from geodash.errors import ParameterError
from geodash.export.map_formats import RC
from geodash.export.static_map import MapLayout, format_date, source_lines, static_map
from geodash.report.texts import TEXT
from geodash.web.figures import derived
from geodash.web.figures.choropleth import NAMED_SCHEME, map_view
from geodash.web.figures.coverage import MATRIX_TOTAL, coverage_matrix, gap_frame
from geodash.web.figures.evaluation import did_heads, did_notes, did_rows
from geodash.web.figures.profile import area_header, area_sites, area_zones, profile_table
from geodash.web.figures.profile_index import area_coverage_table, index_summary
from geodash.web.figures.reach import inside_outside
from geodash.web.i18n import area_texts, fmt_number, translate
from geodash.web.state import ViewState

# The report's text column on A4 portrait: 210 mm less 18 mm margins on each side.
CONTENT_MM = 174.0
MAP_SIZE = (CONTENT_MM, 118.0)
MAP_TYPE_SCALE = 0.8
NEED_ROWS = 20  # areas in the table of the greatest need
ANY = "any"


@dataclass(frozen=True)
class Table:
    """A table as the template shows it: headers, rows of text, which columns are numbers, widths.

    ``widths`` are percentages of the text column: with a fixed table layout
    they keep every table inside the page, however many rows or long names.
    """

    heads: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    widths: list[float]
    strong: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        # More than 100 % would push the last columns past the page's edge.
        if abs(sum(self.widths) - 100) > 1e-9 or len(self.widths) != len(self.heads):
            raise ValueError(f"column widths {self.widths} must be one per column and add up to 100")


@dataclass(frozen=True)
class Figure:
    """A map as inline SVG with its caption."""

    svg: Markup
    caption: str


@dataclass
class Section:
    """One numbered part of the report."""

    id: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    """Everything the template needs."""

    lang: str
    title: str
    subtitle: str
    city: str
    data_year: str
    created: str
    sections: list[Section]
    created_iso: str = ""


def widths(*rest: float) -> list[float]:
    """Column widths in % of the text column: the first column (names) takes what the others leave.

    Examples
    --------
    >>> widths(11, 9, 10)
    [70, 11, 9, 10]
    """
    return [100 - sum(rest), *rest]


def svg_markup(svg: bytes) -> Markup:
    """Matplotlib's SVG without the XML prolog, DOCTYPE and RDF metadata, ready to sit inside HTML."""
    text = svg.decode("utf-8")
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text[text.index("<svg"):], flags=re.S)
    return Markup(text)  # noqa: S704 - our own SVG, its texts escaped by matplotlib


def _map_figure(dataset: Dataset, state: ViewState, caption: str, *, focus: str | None = None) -> Figure:
    import io

    import matplotlib

    layout = MapLayout(framed=False, size=MAP_SIZE, type_scale=MAP_TYPE_SCALE, focus=focus,
                       labels=focus is not None or len(dataset.areas) <= 60)
    with matplotlib.rc_context(RC):
        figure = static_map(dataset, state, layout)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return Figure(svg_markup(buffer.getvalue()), caption)


def check_request(dataset: Dataset, area: str | None, year: int | None) -> None:
    """A :class:`ParameterError` for an area key or a year the workspace does not have."""
    if area is not None and area not in set(dataset.areas["key"]):
        sample = ", ".join(dataset.areas["key"].astype(str).head(5))
        raise ParameterError(f"`area` was {area!r}, which is not a key of the areas.",
                             fix=f"give a key as in the areas file (e.g. {sample}); `geodash export "
                                 "districts -f csv` lists them all.")
    if year is not None and year not in dataset.years:
        raise ParameterError(f"`year` was {year} but the indicators have values for "
                             f"{', '.join(map(str, dataset.years)) or 'no year'}.",
                             fix="give one of these years.")


def _num(value: object, lang: str, decimals: int = 1, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    return fmt_number(float(value), lang, decimals, unit)


def _share(value: object, lang: str) -> str:
    return "–" if pd.isna(value) else fmt_number(float(value) * 100, lang, 0, "%")


def _signed(value: object, lang: str, decimals: int = 2) -> str:
    if pd.isna(value):
        return "–"
    text = fmt_number(float(value), lang, decimals)
    return text if text.startswith("−") or float(value) == 0 else "+" + text


def _index_maps(dataset: Dataset, year: int | None, lang: str, texts) -> list[Figure]:
    measures = derived.measures(dataset)
    index_year = derived.index_year(dataset, year)
    figures = []
    if "status_index" in measures and index_year is not None:
        for measure_id, key in (("status_index", "status_map"), ("dynamics_index", "dynamics_map")):
            # The programme areas on the index maps; the sites would hide the classes at city scale.
            state = ViewState(indicator=measure_id, year=index_year, scheme=NAMED_SCHEME, lang=lang,
                              overlays=("zones",))
            view = map_view(dataset, state)
            if view.message:
                continue
            source = translate(texts, "map_note", lang, source=_index_sources(dataset, lang))
            figures.append(_map_figure(dataset, state, f"{translate(texts, key, lang, year=index_year)}. "
                                                       f"{source}"))
    if not figures and dataset.default_indicator:
        state = ViewState(indicator=dataset.default_indicator, year=year, lang=lang, overlays=("zones",))
        view = map_view(dataset, state)
        label = view.spec.label.get(lang) if view.spec else ""
        caption = translate(texts, "indicator_map", lang, label=label, year=view.state.year or "")
        source = source_lines(dataset, view, date.today())[0]
        figures.append(_map_figure(dataset, state, f"{caption}. {source}"))
    return figures


def _index_sources(dataset: Dataset, lang: str) -> str:
    sources = dict.fromkeys(spec.source for spec in dataset.indicator_meta.values()
                            if spec.in_index and spec.source)
    return "; ".join(sources) or translate(TEXT, "no_source", lang)


def need_table(dataset: Dataset, year: int | None, lang: str, texts, rows: int = NEED_ROWS) -> Table | None:
    """The areas with the highest status index, their rank then and now, and the change."""
    index_year = derived.index_year(dataset, year)
    if index_year is None:
        return None
    now = derived.analysis(dataset, index_year)
    status = now["status_index"].astype(float)
    ranks = rank_areas(status, "need")
    by_year = derived.status_by_year(dataset)
    years = sorted(int(y) for y in by_year["year"].unique() if y < index_year)
    period = dataset.settings.index.period or 2
    before = (index_year - period if index_year - period in years else (years[0] if years else None))
    frame = pd.DataFrame({"status": status, "rank": ranks, "cls": now["status_class"],
                          "dynamics": now["dynamics_class"]})
    if before is not None:
        then = derived.analysis(dataset, before)["status_index"].astype(float).reindex(frame.index)
        frame["before"] = then
        frame["rank_before"] = rank_areas(then, "need")
    else:
        frame["before"] = np.nan
        frame["rank_before"] = pd.NA
    top = frame.dropna(subset=["status"]).sort_values("rank", kind="stable").head(rows)
    labels = dataset.area_labels
    heads = [translate(texts, "col_rank", lang), translate(texts, "col_area", lang),
             translate(texts, "col_status", lang, year=index_year), translate(texts, "col_class", lang),
             translate(texts, "col_dynamics", lang),
             translate(texts, "col_before", lang, year=before or "–"),
             translate(texts, "col_rank_before", lang, year=before or "–"),
             translate(texts, "col_change", lang)]
    body = [[str(int(r.rank)), str(labels.get(key, key)), _num(r.status, lang, 2),
             derived.class_name(r.cls, lang), derived.class_name(r.dynamics, lang),
             _num(r.before, lang, 2), "–" if pd.isna(r.rank_before) else str(int(r.rank_before)),
             _signed(r.status - r.before, lang)]
            for key, r in zip(top.index, top.itertuples(), strict=True)]
    return Table(heads, body, [True, False, True, False, False, True, True, True],
                 [7, 27, 12, 11, 11, 11, 9, 12])


def city_offers_table(dataset: Dataset, lang: str, texts, year: int | None = None) -> Table | None:
    """Offers per kind across the city: count, per 1,000 residents, residents within each distance.

    The offers running in ``year`` (the latest year when ``None``).
    """
    if dataset.sites.empty or not dataset.categories:
        return None
    year = derived.offers_year(dataset, year)
    matrix = coverage_matrix(dataset, year=year)
    access = dataset.access_in(year)
    shares = [c for c in access.columns if c.startswith("share_")]
    population = matrix["population"].where(matrix["population"] > 0)
    total_pop = float(population.sum())
    # Residents within reach, city-wide: the areas' shares weighted by their residents.
    weighted = access.assign(w=access["area_key"].map(population)).dropna(subset=["w"])
    reach = weighted[shares].mul(weighted["w"], axis=0).groupby(weighted["category"]).sum() / \
        weighted.groupby("category")["w"].sum().to_numpy()[:, None]
    codes = [*dataset.categories, ANY]
    counts = [int(matrix[f"count_{c}"].sum()) for c in dataset.categories] + \
        [int(matrix[f"count_{MATRIX_TOTAL}"].sum())]
    heads = [translate(texts, "col_category", lang), translate(texts, "col_count", lang),
             translate(texts, "col_per_1000", lang),
             *(translate(texts, "col_share", lang, d=fmt_number(float(c[6:]), lang, 0)) for c in shares)]
    body = [[translate(texts, "all_offers", lang) if code == ANY else dataset.category_label(code, lang),
             str(count), _num(count / total_pop * 1000 if total_pop else math.nan, lang, 2),
             *(_share(reach[s].get(code, math.nan), lang) for s in shares)]
            for code, count in zip(codes, counts, strict=True)]
    return Table(heads, body, [False, True, True, *([True] * len(shares))],
                 widths(13, 13, *([13] * len(shares))), strong=frozenset({len(body) - 1}))


def area_offers_table(dataset: Dataset, year: int | None, lang: str, texts) -> Table | None:
    """Per area: residents, offers, offers per 1,000, residents within reach, status index, gap."""
    if dataset.sites.empty or not dataset.categories:
        return None
    offers = derived.offers_year(dataset, year)
    matrix = coverage_matrix(dataset, year=offers)
    access = dataset.access_in(offers)
    shares = [c for c in access.columns if c.startswith("share_")]
    reach = access[access["category"] == ANY].set_index("area_key")[shares].reindex(matrix.index)
    gaps, _, _ = gap_frame(dataset, year)
    gaps = gaps.set_index("area_key").reindex(matrix.index)
    frame = matrix.assign(**{s: reach[s] for s in shares}, need=gaps["need"], gap=gaps["gap"])
    frame = frame.sort_values("name", kind="stable")
    gap_word = translate(texts, "gap_yes", lang)
    heads = [translate(texts, "col_area", lang), translate(texts, "col_population", lang),
             translate(texts, "col_count", lang), translate(texts, "col_per_1000", lang),
             *(translate(texts, "col_share", lang, d=fmt_number(float(c[6:]), lang, 0)) for c in shares),
             translate(texts, "col_status", lang, year=derived.index_year(dataset, year) or ""),
             translate(texts, "col_gap", lang)]
    columns = [frame["name"].astype(str), frame["population"].map(lambda v: _num(v, lang, 0)),
               frame[f"count_{MATRIX_TOTAL}"].astype(str),
               frame[f"per_1000_{MATRIX_TOTAL}"].map(lambda v: _num(v, lang, 2)),
               *(frame[s].map(lambda v: _share(v, lang)) for s in shares),
               frame["need"].map(lambda v: _num(v, lang, 2)),
               frame["gap"].map(lambda v: gap_word if v is True else "")]
    body = [list(row) for row in zip(*columns, strict=True)]
    n_shares = len(shares)
    return Table(heads, body, [False, True, True, True, *([True] * n_shares), True, False],
                 widths(11, 9, 11, *([10] * n_shares), 12, 8))


def programme_tables(dataset: Dataset, lang: str, texts) -> list[Table]:
    """The status index inside and outside the programme areas by year, and the list of the areas."""
    frame = inside_outside(dataset)
    tables = []
    if len(frame):
        heads = [translate(texts, k, lang) for k in ("col_year", "col_inside", "col_outside",
                                                     "col_n_inside", "col_n_outside")]
        body = [[str(int(r.year)), _num(r.inside, lang, 2), _num(r.outside, lang, 2), str(int(r.n_inside)),
                 str(int(r.n_outside))] for r in frame.itertuples()]
        tables.append(Table(heads, body, [False, True, True, True, True], [16, 21, 21, 21, 21]))
    if len(dataset.zones):
        zones = dataset.zones
        heads = [translate(texts, k, lang) for k in ("col_zone", "col_programme", "col_since", "col_until")]
        body = [[str(name), "" if pd.isna(prog) else str(prog), _num(since, lang, 0).replace(".", ""),
                 _num(until, lang, 0).replace(".", "")]
                for name, prog, since, until in zip(zones["name"], zones["programme"], zones["since"],
                                                    zones["until"], strict=True)]
        tables.append(Table(heads, body, [False, False, True, True], [40, 34, 13, 13]))
    if len(frame) and len(dataset.zones):
        tables.append(did_report_table(dataset, lang))
    return tables


def did_report_table(dataset: Dataset, lang: str) -> Table:
    """Each programme area before and after its start against similar areas (as on the coverage page)."""
    columns = ("zone", "comparison", "treated", "control", "did")
    body = [[row[c] for c in columns] for row in did_rows(dataset, lang)]
    return Table(did_heads(dataset, lang, columns), body, [False, False, True, True, False],
                 [22, 30, 14, 14, 20])


def method_section(dataset: Dataset, lang: str, texts) -> Section:
    """How the index and coverage are computed, and where every layer and indicator comes from."""
    section = Section("methode", translate(texts, "method", lang),
                      [translate(texts, "method_index", lang), translate(texts, "method_coverage", lang)])
    none = translate(texts, "no_source", lang)
    section.tables.append(Table(
        [translate(texts, k, lang) for k in ("col_layer", "col_source", "col_file", "col_rows")],
        [[layer.title.get(lang) or layer.kind, layer.source or none, layer.data_file, str(layer.count)]
         for layer in dataset.layers],
        [False, False, False, True], [20, 42, 28, 10]))
    years = dataset.years_by_indicator
    section.tables.append(Table(
        [translate(texts, k, lang) for k in ("col_indicator", "col_unit", "col_years", "col_in_index",
                                             "col_source")],
        [[spec.label.get(lang), spec.unit, _span(years.get(ind, ())),
          translate(texts, "yes" if spec.in_index else "no", lang), spec.source or none]
         for ind, spec in dataset.indicator_meta.items()],
        [False, False, False, False, False], [30, 11, 13, 9, 37]))
    return section


def _span(years: tuple[int, ...]) -> str:
    return "–" if not years else f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])


def city_report(dataset: Dataset, year: int | None = None, lang: str = "de",
                created: date | None = None) -> Report:
    """The city-wide Sozialraumbericht: index maps, greatest need, coverage, programme areas, method."""
    check_request(dataset, None, year)
    texts = area_texts(TEXT, dataset)
    year = year or (dataset.years[-1] if dataset.years else None)
    index_year = derived.index_year(dataset, year)
    sections = [Section("karten", translate(texts, "status_map", lang, year=index_year or year or "")
                        if index_year else dataset.settings.title.get(lang),
                        figures=_index_maps(dataset, year, lang, texts))]
    need = need_table(dataset, year, lang, texts)
    section = Section("bedarf", translate(texts, "need", lang))
    if need is None:
        section.paragraphs.append(translate(texts, "need_none", lang))
    else:
        before = need.heads[5].rsplit(" ", 1)[-1]
        section.paragraphs.append(translate(texts, "need_intro", lang, n=len(need.rows), year=index_year,
                                            before=before))
        section.tables.append(need)
    sections.append(section)
    section = Section("versorgung", translate(texts, "offers", lang))
    city = city_offers_table(dataset, lang, texts, year)
    if city is None:
        section.paragraphs.append(translate(texts, "no_offers", lang))
    else:
        section.paragraphs.append(translate(texts, "offers_intro", lang))
        section.tables += [city, area_offers_table(dataset, year, lang, texts)]
    sections.append(section)
    tables = programme_tables(dataset, lang, texts)
    paragraphs = [translate(texts, "programme_intro" if tables else "no_programme", lang)]
    if len(dataset.zones) and len(inside_outside(dataset)):  # the before/after table is there
        paragraphs += did_notes(dataset, lang)
    sections.append(Section("programmgebiete", translate(texts, "programme", lang), paragraphs,
                            tables=tables))
    sections.append(method_section(dataset, lang, texts))
    return Report(lang, translate(texts, "title_city", lang, city=dataset.settings.name, year=year or ""),
                  dataset.settings.title.get(lang), dataset.settings.name,
                  translate(texts, "data_year", lang, year=year or "–"),
                  translate(texts, "created", lang, date=format_date(created or date.today(), lang)),
                  sections, (created or date.today()).isoformat())


def area_report(dataset: Dataset, key: str, year: int | None = None, lang: str = "de",
                created: date | None = None) -> Report:
    """One area's profile: map with sites and zones, index, every indicator against the city, offers."""
    check_request(dataset, key, year)
    texts = area_texts(TEXT, dataset)
    year = year or (dataset.years[-1] if dataset.years else None)
    header = area_header(dataset, key)
    lines = []
    if header["population"] is not None:
        lines.append(translate(texts, "population", lang, n=fmt_number(header["population"], lang, 0)))
    if header["parent"]:
        lines.append(translate(texts, "parent", lang, name=header["parent_name"] or header["parent"]))
    summary = index_summary(dataset, key, year)
    if summary is not None and not math.isnan(summary.status):
        lines.append(translate(texts, "status_line", lang, year=summary.year,
                               value=_num(summary.status, lang, 2),
                               cls=derived.class_name(summary.status_class, lang), rank=summary.rank,
                               n=summary.ranked))
        if not math.isnan(summary.dynamics):
            lines.append(translate(texts, "dynamics_line", lang, year=summary.year,
                                   value=_num(summary.dynamics, lang, 2),
                                   cls=derived.class_name(summary.dynamics_class, lang)))
    else:
        lines.append(translate(texts, "no_index", lang))
    indicator = "status_index" if summary is not None else dataset.default_indicator
    state = ViewState(indicator=indicator, year=summary.year if summary else year, lang=lang,
                      scheme=NAMED_SCHEME if summary is not None else "quantiles",
                      overlays=tuple(f"sites:{stem}" for stem in dict.fromkeys(dataset.sites["layer"]))
                      + ("zones",))
    view = map_view(dataset, state)
    caption = (f"{translate(texts, 'area_map', lang)} · {view.spec.label.get(lang) if view.spec else ''} "
               f"{view.state.year or ''}")
    sections = [Section("profil", translate(texts, "profile", lang), lines,
                        figures=[_map_figure(dataset, state, caption, focus=key)])]
    sections.append(Section("indikatoren", translate(texts, "against_city", lang),
                            tables=[_indicator_table(dataset, key, year, lang, texts)]))
    sites = area_sites(dataset, key, lang, year=year)
    section = Section("angebote", translate(texts, "area_offers", lang))
    if sites.empty:
        section.paragraphs.append(translate(texts, "no_area_offers", lang))
    else:
        section.tables.append(Table(
            [translate(texts, k, lang) for k in ("col_category", "col_name", "col_address", "col_programme")],
            sites[["category_label", "name", "address", "programme"]].astype(str).values.tolist(),
            [False] * 4, [24, 32, 26, 18]))
    sections.append(section)
    coverage = area_coverage_table(dataset, key, lang, year=year)
    if not coverage.empty:
        shares = [c for c in coverage.columns if c.startswith("share_")]
        heads = [translate(texts, "col_category", lang), translate(texts, "col_count", lang),
                 translate(texts, "col_per_1000", lang), translate(texts, "col_distance", lang),
                 *(translate(texts, "col_share", lang, d=fmt_number(float(c[6:]), lang, 0)) for c in shares)]
        body = [[translate(texts, "all_offers", lang) if r["category"] == ANY else r["label"],
                 _num(r["count"], lang, 0), _num(r["per_1000"], lang, 2),
                 _num(r["mean_distance"], lang, 0, "m"),
                 *(_share(r[c], lang) for c in shares)] for r in coverage.to_dict("records")]
        sections.append(Section("erreichbarkeit", translate(texts, "reach", lang), tables=[Table(
            heads, body, [False, True, True, True, *([True] * len(shares))],
            widths(12, 12, 12, *([12] * len(shares))), strong=frozenset({len(body) - 1}))]))
    zones = area_zones(dataset, key, year=year)
    section = Section("programmgebiete", translate(texts, "area_zones", lang))
    if zones.empty:
        section.paragraphs.append(translate(texts, "no_area_zones", lang))
    else:
        section.tables.append(Table(
            [translate(texts, k, lang) for k in ("col_zone", "col_programme", "col_since", "col_share_area")],
            [[str(z["name"]), "" if pd.isna(z["programme"]) else str(z["programme"]),
              "–" if pd.isna(z["since"]) else str(int(z["since"])), _share(z["share"], lang)]
             for z in zones.to_dict("records")],
            [False, False, True, True], [40, 30, 15, 15]))
    sections.append(section)
    sections.append(method_section(dataset, lang, texts))
    title = header["title"]
    return Report(lang, translate(texts, "title_area", lang, area=title),
                  translate(texts, "subtitle_area", lang, city=dataset.settings.name, year=year or "–"),
                  dataset.settings.name, translate(texts, "data_year", lang, year=year or "–"),
                  translate(texts, "created", lang, date=format_date(created or date.today(), lang)),
                  sections, (created or date.today()).isoformat())


def _indicator_table(dataset: Dataset, key: str, year: int | None, lang: str, texts) -> Table:
    table = profile_table(dataset, key, year, lang)
    suppressed = translate(texts, "suppressed", lang)
    body = []
    for r in table.to_dict("records"):
        decimals, unit = int(r["decimals"]), str(r["unit"] or "")
        value = suppressed if r["suppressed"] else _num(r["value"], lang, decimals, unit)
        # A neutral indicator (age shares) ranks nobody: "Rang 1" would read as "most need".
        rank = (translate(texts, "neutral", lang) if not is_ranked(r["polarity"]) else
                "–" if pd.isna(r["rank"]) else translate(texts, "rank_of", lang, rank=int(r["rank"]),
                                                         n=int(r["ranked"])))
        trend = ("–" if pd.isna(r["change"]) else
                 f"{_signed(r['change'], lang, decimals)} ({int(r['first_year'])})")
        body.append([str(r["label"]), "–" if pd.isna(r["year"]) else str(int(r["year"])), value,
                     _num(r["city"], lang, decimals, unit), rank, trend])
    heads = [translate(texts, k, lang) for k in ("col_indicator", "col_year", "col_value", "col_city",
                                                 "col_rank", "col_trend")]
    return Table(heads, body, [False, True, True, True, True, True], [34, 9, 15, 15, 11, 16])


def css_string(text: str) -> str:
    r"""A text as a CSS string literal (for the page margins), quotes and backslashes escaped.

    Examples
    --------
    >>> css_string('Ludwigshafen "am" Rhein')
    '"Ludwigshafen \\22 am\\22  Rhein"'
    """
    escaped = re.sub(r'["\\\n\r]', lambda m: f"\\{ord(m.group()):x} ", text)
    return f'"{escaped}"'
