"""Turn one layer spec and its file into a clean, validated frame of the data model.

Each ``load_*`` function reads through :mod:`geodash.sources`, renames the
spec's columns to the model's names, checks every row and raises a
:class:`~geodash.errors.DataError` naming the file, the row or feature and the
fix. What can be repaired without guessing (invalid rings, missing-value
markers) is repaired and recorded in the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geodash.catalog import (
    LAYER_KINDS,
    YEAR_EXAMPLES,
    YEAR_FORMATS,
    AddressesSpec,
    AreasSpec,
    IndicatorSpec,
    IndicatorsSpec,
    KeyFormat,
    PopulationSpec,
    Settings,
    SitesSpec,
    ZonesSpec,
    check_data_file,
)
from geodash.errors import DataError
from geodash.findings import ReportBuilder
from geodash.sources import (
    CHANGE_MARKER,
    GEOMETRY,
    TABLE,
    Table,
    guess_decimal,
    parse_numbers,
    read_table,
    source_for,
)

WGS84 = "EPSG:4326"


def normalise_keys(values: pd.Series, fmt: KeyFormat) -> pd.Series:
    """Turn area keys into comparable text, keeping leading zeros.

    Integers that came as floats ("7.0" from a spreadsheet) lose the ".0";
    ``fmt.pad`` zero-pads purely numeric keys to a width.

    Examples
    --------
    >>> normalise_keys(pd.Series([" 1", "01", 7.0]), KeyFormat(pad=2)).tolist()
    ['01', '01', '07']
    """

    def one(value: object) -> str | None:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value)
        if fmt.strip:
            text = text.strip()
        if text == "":
            return None
        if fmt.upper:
            text = text.upper()
        if fmt.pad and text.isdigit():
            text = text.zfill(fmt.pad)
        return text

    return pd.Series([one(v) for v in values], index=values.index, dtype=object)


def _require_columns(columns: dict[str, str | None], available: list[str], file: Path,
                     spec_name: str) -> None:
    missing = {role: col for role, col in columns.items() if col is not None and col not in available}
    if missing:
        role, col = next(iter(missing.items()))
        shown = ", ".join(repr(c) for c in available if c != "geometry")
        raise DataError(
            f"has no column {col!r} (named as columns.{role} in {spec_name}).",
            file=file,
            fix=f"use one of the file's columns: {shown}.",
        )


def _feature(position: int, frame: pd.DataFrame | None = None) -> str:
    """How a user finds a feature: "feature 3" in a file, or the source's own label ("row id=17")."""
    places = frame.attrs.get("places") if frame is not None else None
    return str(places[position]) if places is not None else f"feature {position + 1}"


def _valid_polygons(
    frame: gpd.GeoDataFrame, file: Path, layer: str, labels: pd.Series, report: ReportBuilder
) -> gpd.GeoSeries:
    """Check polygons: none empty or of another type; invalid ones repaired and reported."""
    geoms = frame.geometry
    for pos, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            raise DataError(
                "has no geometry (empty).",
                file=file,
                where=f"{_feature(pos, frame)} ({labels.iloc[pos]})",
                fix="draw the polygon or remove the feature.",
            )
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise DataError(
                f"is a {geom.geom_type}, but this layer needs polygons.",
                file=file,
                where=f"{_feature(pos, frame)} ({labels.iloc[pos]})",
                fix="export the layer with polygon geometry.",
            )
    invalid = ~shapely.is_valid(geoms.values)
    if not invalid.any():
        return geoms
    repaired = geoms.copy()
    for pos in np.flatnonzero(invalid):
        reason = shapely.is_valid_reason(geoms.iloc[pos])
        fixed = shapely.make_valid(geoms.iloc[pos])
        polys = shapely.get_parts(fixed)
        polys = [p for p in polys if p.geom_type in ("Polygon", "MultiPolygon")]
        fixed = shapely.union_all(polys) if polys else None
        if fixed is None or fixed.is_empty:
            raise DataError(
                f"has an invalid polygon that cannot be repaired ({reason}).",
                file=file,
                where=f"{_feature(pos, frame)} ({labels.iloc[pos]})",
                fix="redraw the polygon in a GIS.",
            )
        repaired.iloc[pos] = fixed
        report.add("repaired", layer, file.name, f"{_feature(pos, frame)} ({labels.iloc[pos]})",
                   f"invalid geometry ({reason}) repaired with make_valid")
    return repaired


def _check_coordinates(frame: gpd.GeoDataFrame, file: Path) -> None:
    """Catch the usual CRS mistakes: projected metres declared as degrees, lat/lon swapped."""
    if frame.empty or not frame.crs.is_geographic:
        return
    minx, miny, maxx, maxy = frame.total_bounds
    if max(abs(minx), abs(maxx)) > 180 or max(abs(miny), abs(maxy)) > 90:
        raise DataError(
            f"declares geographic coordinates ({frame.crs.to_string()}) but holds values like "
            f"{maxx:.0f}, {maxy:.0f}, which are metres, not degrees.",
            file=file,
            fix='set the real CRS in the file, or crs = "EPSG:25832" (or whichever) in the spec.',
        )


# How far (in degrees) areas may lie outside the area of use of the metric CRS: a city
# just beyond its UTM zone is common and harmless; lat/lon swapped lands thousands of km away.
AREA_OF_USE_MARGIN = 10.0


def _check_area_of_use(areas: gpd.GeoDataFrame, metric_crs: str, file: Path) -> None:
    """Refuse areas that lie far outside where the workspace's metric CRS applies.

    Without it, polygons with latitude and longitude swapped load without complaint
    (every coordinate is a valid degree) and the mistake surfaces only later, blamed
    on the sites, or not at all. Each area is checked by its own bounds (``areas`` in
    WGS84, in the file's order), so one area moved to the other side of the world is
    named, not hidden among the others.
    """
    area = pyproj.CRS.from_user_input(metric_crs).area_of_use
    if area is None or areas.empty:
        return
    bounds = areas.geometry.bounds
    m = AREA_OF_USE_MARGIN
    outside = ((bounds["maxx"] < area.west - m) | (bounds["minx"] > area.east + m)
               | (bounds["maxy"] < area.south - m) | (bounds["miny"] > area.north + m)).to_numpy()
    if not outside.any():
        return
    pos = int(np.flatnonzero(outside)[0])
    lon = (bounds["minx"].iloc[pos] + bounds["maxx"].iloc[pos]) / 2
    lat = (bounds["miny"].iloc[pos] + bounds["maxy"].iloc[pos]) / 2
    others = f" ({int(outside.sum()) - 1} more area(s) too)" if outside.sum() > 1 else ""
    raise DataError(
        f"lies at longitude {lon:.2f}, latitude {lat:.2f}, far outside the area of use of the "
        f"metric CRS {metric_crs} (longitude {area.west:g} to {area.east:g}, latitude "
        f"{area.south:g} to {area.north:g}){others}.",
        file=file,
        where=f"{_feature(pos)} (key {areas['key'].iloc[pos]}, {areas['name'].iloc[pos]})",
        fix="check the coordinates: are longitude and latitude swapped, or was this area moved? "
        "If the city is elsewhere, set metric_crs in layers/workspace.toml to a metric CRS for it.",
    )


def load_areas(spec: AreasSpec, path: Path, settings: Settings, report: ReportBuilder,
               *, workspace: Path | None = None) -> gpd.GeoDataFrame:
    """Read the areas layer: ``key, name, parent, parent_name, population, geometry`` in WGS84.

    ``workspace`` resolves the parent's names table (``[parent] names``); it
    defaults to the folder above the areas file's folder.
    """
    frame = read_features(spec, path)
    cols = spec.columns
    _require_columns(cols.model_dump(), list(frame.columns), path, "the areas spec")
    for key in ("column", "name_column"):
        column = getattr(spec.parent, key) if spec.parent else None
        if column is not None and column not in frame.columns:
            shown = ", ".join(repr(c) for c in frame.columns if c != "geometry")
            raise DataError(f"has no column {column!r} (named as parent.{key} in the areas spec).",
                            file=path, fix=f"use one of the file's columns: {shown}.")
    _check_coordinates(frame, path)
    if frame.empty:
        raise DataError("has no features.", file=path, fix="check that the right file or layer is named.")
    keys = normalise_keys(frame[cols.key], spec.key_format)
    names = frame[cols.name].astype("string").str.strip()
    for pos in np.flatnonzero(keys.isna().to_numpy()):
        raise DataError(
            f"has no key (column {cols.key!r} is empty).",
            file=path,
            where=f"{_feature(pos, frame)} ({names.iloc[pos]})",
            fix="give every area a unique key.",
        )
    dupes = keys[keys.duplicated(keep=False)]
    if not dupes.empty:
        first = dupes.iloc[0]
        where = ", ".join(_feature(p, frame) for p in np.flatnonzero((keys == first).to_numpy()))
        raise DataError(
            f"has the key {first!r} more than once ({len(dupes.unique())} duplicated key(s) in all).",
            file=path,
            where=where,
            fix="give every area a unique key, or merge the duplicates.",
        )
    for pos in np.flatnonzero(names.isna().to_numpy() | (names == "").to_numpy()):
        raise DataError("has no name.", file=path, where=f"{_feature(pos, frame)} (key {keys.iloc[pos]})",
                        fix=f"fill column {cols.name!r}.")
    labels = names.fillna("").astype(str)
    geometry = _valid_polygons(frame, path, "areas", labels, report)
    population = pd.Series(np.nan, index=frame.index)
    if cols.population:
        raw = frame[cols.population]
        if pd.api.types.is_numeric_dtype(raw):
            population = raw.astype(float)
        else:
            texts = raw.astype("string").fillna("")
            population, _, bad = parse_numbers(texts, guess_decimal(texts, None, whole_numbers=True))
            if bad.any():
                pos = int(np.flatnonzero(bad.to_numpy())[0])
                raise DataError(
                    f"has the population {texts.iloc[pos]!r}, which is not a number.",
                    file=path, where=f"{_feature(pos, frame)} ({labels.iloc[pos]})",
                    fix="write the population as a whole number.")
        negative = population < 0
        if negative.any():
            pos = int(np.flatnonzero(negative.to_numpy())[0])
            raise DataError("has a negative population.", file=path,
                            where=f"{_feature(pos, frame)} ({labels.iloc[pos]})", fix="correct the value.")
        too_many = population > MAX_AREA_POPULATION
        if too_many.any():
            pos = int(np.flatnonzero(too_many.to_numpy())[0])
            raise DataError(
                f"has the population {population.iloc[pos]:,.0f} (column {cols.population!r}), more than the "
                f"{MAX_AREA_POPULATION:,} residents any one area can have.",
                file=path, where=f"{_feature(pos, frame)} ({labels.iloc[pos]})",
                fix="correct the value: write the number of residents of this area as a whole number.")
    parent = (
        frame[spec.parent_column].astype("string").str.strip().astype(object)
        if spec.parent_column else pd.Series(None, index=frame.index, dtype=object)
    )
    parent_name = _parent_names(spec, frame, parent, workspace or path.parent.parent, report, settings)
    areas = gpd.GeoDataFrame(
        {
            "key": keys.astype(str).to_numpy(),
            "name": labels.to_numpy(),
            "parent": parent.to_numpy(),
            "parent_name": parent_name.to_numpy(),
            "population": population.to_numpy(dtype=float),
        },
        geometry=gpd.GeoSeries(geometry.values, crs=frame.crs),
    ).to_crs(WGS84)
    _check_area_of_use(areas, settings.metric_crs, path)
    return areas.sort_values("key", kind="stable").reset_index(drop=True)


def _parent_match(keys: pd.Series) -> pd.Series:
    """Parent keys as comparable text: "8", "08" and " 08 " are one Bezirk."""
    text = keys.astype("string").str.strip()
    numeric = text.str.fullmatch(r"\d+").fillna(False).astype(bool)
    return text.where(~numeric, text.str.lstrip("0").replace("", "0")).astype(object)


def _parent_names(spec: AreasSpec, frame: pd.DataFrame, parent: pd.Series, workspace: Path,
                  report: ReportBuilder, settings: Settings) -> pd.Series:
    """The parent's name per area, from a column of the areas file or a lookup table; else None."""
    none = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    if spec.parent is None or not (spec.parent.name_column or spec.parent.names):
        return none
    if spec.parent.name_column:
        names = frame[spec.parent.name_column].astype("string").str.strip()
        return _text_or_none(names.where(names != ""))
    lookup = spec.parent.names
    table_path = workspace / lookup.file
    if not table_path.exists() and not table_path.is_symlink():
        raise DataError(f"names the parent names table {lookup.file!r}, which does not exist.",
                        file=table_path, where="key parent.names",
                        fix=f"put the table at {table_path} or correct the path (relative to the workspace).")
    check_data_file(table_path, workspace, settings, named_in="key parent.names.file of the areas spec")
    table = read_table(table_path).frame
    _require_columns({"key": lookup.key, "name": lookup.name}, list(table.columns), table_path,
                     "parent.names of the areas spec")
    names = pd.Series(table[lookup.name].astype("string").str.strip().astype(object).to_numpy(),
                      index=_parent_match(table[lookup.key]).to_numpy())
    names = names[~names.index.duplicated()]
    found = _parent_match(parent).map(names)
    unmatched = sorted({str(p) for p in parent[found.isna() & parent.notna()]})
    if unmatched:
        report.add("notice", "areas", lookup.file, "",
                   f"{len(unmatched)} parent key(s) without a name in the table, shown as keys: "
                   + ", ".join(unmatched[:10]))
    return _text_or_none(found)


def _text_or_none(values: pd.Series) -> pd.Series:
    """Text values with ``None`` (not NaN or ``<NA>``) for missing ones, as everywhere in a Dataset."""
    out = values.astype(object).to_numpy(dtype=object, copy=True)
    out[pd.isna(out)] = None
    return pd.Series(out, index=values.index, dtype=object)


def read_features(spec, path: Path) -> gpd.GeoDataFrame:
    """The features of a layer that must have geometry, from whichever source kind holds them."""
    return source_for(spec, path, needs=GEOMETRY).features(spec, path)


def _table(spec: IndicatorsSpec | SitesSpec | PopulationSpec, path: Path) -> Table:
    return source_for(spec, path, needs=TABLE).rows(spec, path)


def _years(texts: pd.Series, table: Table, settings: Settings, column: str,
           year_format: str = "YYYY") -> pd.Series:
    """The year of every row, read from its cell in the spec's ``year_format``."""
    cells = texts.fillna("").astype(str).str.strip()
    found = cells.str.extract(f"^{YEAR_FORMATS[year_format]}$")["year"]
    wrong = found.isna()
    if wrong.any():
        pos = int(np.flatnonzero(wrong.to_numpy())[0])
        hint = next((f' It looks like year_format = "{name}".' for name, pattern in YEAR_FORMATS.items()
                     if name != year_format and re.fullmatch(pattern, cells.iloc[pos])), "")
        raise DataError(
            f"has {texts.iloc[pos]!r} in the year column {column!r}, which is not a year of the form "
            f'year_format = "{year_format}" (e.g. {YEAR_EXAMPLES[year_format]}).{hint}',
            file=table.path, where=f"row {table.row_number(pos)}",
            fix="set year_format in the spec to the form of the column (YYYY, YYYYMM, YYYY-MM-DD or "
            "DD.MM.YYYY), or give a fixed year = YYYY for the whole table and leave columns.year out.")
    numbers = found.astype(int)
    out_of_range = (numbers < settings.min_year) | (numbers > settings.max_year)
    if out_of_range.any():
        pos = int(np.flatnonzero(out_of_range.to_numpy())[0])
        raise DataError(
            f"has the year {texts.iloc[pos]!r} in column {column!r}, which is out of range "
            f"(allowed: {settings.min_year}–{settings.max_year}).",
            file=table.path, where=f"row {table.row_number(pos)}",
            fix="correct the year, or widen min_year/max_year in layers/workspace.toml.")
    return numbers


def load_indicators(
    spec: IndicatorsSpec, path: Path, settings: Settings, area_keys: set[str], report: ReportBuilder
) -> pd.DataFrame:
    """Read one indicator table into long form: ``area_key, indicator, year, value``."""
    table = _table(spec, path)
    frame = table.frame
    cols = spec.columns
    needed = {"key": cols.key, "year": cols.year, "indicator": cols.indicator, "value": cols.value}
    if spec.format == "wide":
        needed.update({f"indicators[{ind.id}].column": ind.code for ind in spec.indicators})
    _require_columns(needed, list(frame.columns), path, "the indicators spec")
    keys = normalise_keys(frame[cols.key], spec.key_format)
    for pos in np.flatnonzero(keys.isna().to_numpy()):
        raise DataError(f"has no area key in column {cols.key!r}.", file=path,
                        where=f"row {table.row_number(pos)}", fix="fill the key or delete the row.")
    years = (_years(frame[cols.year], table, settings, cols.year, spec.year_format) if cols.year
             else pd.Series(spec.year, index=frame.index))
    rows = pd.Series(table.rows, index=frame.index)
    if spec.format == "wide":
        parts = [
            pd.DataFrame({"area_key": keys, "indicator": ind.id, "year": years,
                          "text": frame[ind.code], "column": ind.code, "row": rows,
                          "cases": frame[ind.cases] if ind.cases else ""})
            for ind in spec.indicators
        ]
        long = pd.concat(parts, ignore_index=True)
    else:
        codes = frame[cols.indicator].astype(str)
        by_code = {ind.code: ind.id for ind in spec.indicators}
        known = codes.isin(by_code)
        if (~known).any():
            unknown = sorted(codes[~known].unique())
            report.add("left_out", "indicators", path.name, f"column {cols.indicator!r}",
                       f"{int((~known).sum())} row(s) with indicator code(s) not in the spec left out: "
                       + ", ".join(unknown[:10]))
        long = pd.DataFrame({"area_key": keys, "indicator": codes.map(by_code), "year": years,
                             "text": frame[cols.value], "column": cols.value, "row": rows,
                             "cases": frame[cols.cases] if cols.cases else ""})[known.to_numpy()]
    values = []
    for ind in spec.indicators:
        part = long[long["indicator"] == ind.id]
        values.append(_indicator_values(part, ind, spec, table, settings, report))
    long = pd.concat(values, ignore_index=True)
    unmatched = ~long["area_key"].isin(area_keys)
    if len(long) and unmatched.all():
        sample = sorted(long["area_key"].unique())[:3]
        width = {len(k) for k in area_keys if k.isdigit()}
        hint = (f' The areas\' keys have {max(width)} digits: add key_format = {{ pad = {max(width)} }} '
                "to the spec." if width and all(k.isdigit() for k in sample) else "")
        raise DataError(
            f"matches no area: keys like {', '.join(map(repr, sample))} are not among the area keys "
            f"(e.g. {', '.join(map(repr, sorted(area_keys)[:3]))}).{hint}",
            file=path, where=f"column {cols.key!r}",
            fix="use the same keys as the areas layer, or name the right key column in the spec.")
    if unmatched.any():
        bad_keys = sorted(long.loc[unmatched, "area_key"].unique())
        report.add("left_out", "indicators", path.name,
                   "rows " + ", ".join(str(r) for r in sorted(long.loc[unmatched, "row"].unique())[:10]),
                   f"{int(unmatched.sum())} value(s) whose area key matches no area left out: "
                   + ", ".join(repr(k) for k in bad_keys[:10]))
        long = long[~unmatched]
    dup = long.duplicated(["area_key", "indicator", "year"], keep=False)
    if dup.any():
        first = long[dup].iloc[0]
        same = long[(long["area_key"] == first["area_key"]) & (long["indicator"] == first["indicator"])
                    & (long["year"] == first["year"])]
        raise DataError(
            f"has more than one value for area {first['area_key']!r}, indicator {first['indicator']!r}, "
            f"year {first['year']}.",
            file=path, where="rows " + ", ".join(str(r) for r in same["row"].head(4)),
            fix="keep one row per area, indicator and year.")
    return long[["area_key", "indicator", "year", "value", "suppressed"]].reset_index(drop=True)


# Numbers that tables commonly write for "no value". Equal to one of them and not declared
# as missing, a value is probably a code, not a measurement: the report says so.
# (-1 is left out: it is a real change, and not a usual code.)
SENTINELS = (-9999.0, -999.0, -99.0, 9999.0, 99999.0, 999999.0)


def _declared_missing(texts: pd.Series, markers: list[str], decimal: str) -> pd.Series:
    """Cells that hold a declared missing marker: the same text, or a number equal to it."""
    trimmed = texts.fillna("").astype(str).str.strip()
    marked = trimmed.isin(markers)
    marker_numbers = pd.to_numeric(pd.Series(markers, dtype=object).str.replace(",", ".", regex=False),
                                   errors="coerce").dropna()
    if len(marker_numbers):
        numbers, _, _ = parse_numbers(trimmed.where(~marked, ""), decimal)
        marked |= numbers.isin(marker_numbers.to_numpy())
    return marked


def _indicator_values(part: pd.DataFrame, ind: IndicatorSpec, spec: IndicatorsSpec, table: Table,
                      settings: Settings, report: ReportBuilder) -> pd.DataFrame:
    """Parse, check and suppress the values of one indicator (rows ``part`` of the long table)."""
    path = table.path
    markers = [*spec.missing, *ind.missing]
    decimal = spec.table.decimal
    if decimal == "auto":
        unmarked = part["text"].where(~part["text"].astype(str).str.strip().isin(markers), "")
        decimal = guess_decimal(unmarked.fillna("").astype(str), table.separator)
    declared = _declared_missing(part["text"], markers, decimal)
    numbers, missing, bad = parse_numbers(part["text"].where(~declared, ""), decimal)
    missing &= ~declared
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"has {part['text'].iloc[pos]!r} for {ind.id!r} (column {part['column'].iloc[pos]!r}), "
            "which is not a number.",
            file=path, where=f"row {part['row'].iloc[pos]}",
            fix="write a number (decimal comma or point), or leave the cell empty / '.' for missing; "
            "a table that writes a code for 'no value' declares it with missing = [\"…\"] in the spec.")
    sentinel = numbers.isin(SENTINELS)
    # A count of people cannot be negative, nor more than any area holds, even where the spec
    # sets no range.
    count = ind.unit in COUNT_UNITS
    minimum = ind.minimum if ind.minimum is not None else (0.0 if count else None)
    maximum = ind.maximum if ind.maximum is not None else (MAX_AREA_POPULATION if count else None)
    for bound, mask, word in (
        (minimum, numbers < (minimum if minimum is not None else -np.inf), "below"),
        (maximum, numbers > (maximum if maximum is not None else np.inf), "above"),
    ):
        if bound is not None and mask.any():
            pos = int(np.flatnonzero(mask.to_numpy())[0])
            text = part["text"].iloc[pos]
            if sentinel.iloc[pos]:
                # Never advise widening the range here: that would let the code in as a number.
                fix = (f"{text.strip()!r} looks like a code for 'no value': declare it with "
                       f"missing = [\"{text.strip()}\"] in the spec (for the whole table, or in the "
                       f"[[indicators]] block of {ind.id!r}).")
            else:
                fix = ("correct the value (a share cannot exceed 100 %, a count cannot be negative); "
                       "if it is a code for 'no value', declare it with missing = [\"…\"] in the spec; "
                       f"if such values are real, set minimum/maximum for {ind.id!r}.")
            raise DataError(
                f"has {text!r} for {ind.id!r} (column {part['column'].iloc[pos]!r}), {word} the "
                f"possible {bound:g} {ind.unit}.",
                file=path, where=f"row {part['row'].iloc[pos]}", fix=fix)
    _check_magnitude(part, numbers, ind, path)
    if sentinel.any():
        for value in sorted(numbers[sentinel].unique()):
            at = sentinel & (numbers == value)
            rows = ", ".join(str(r) for r in part.loc[at.to_numpy(), "row"].head(5))
            report.add("notice", "indicators", path.name, f"indicator {ind.id}, rows {rows}",
                       f"{int(at.sum())} value(s) {value:g} in column {part['column'].iloc[0]!r} taken as "
                       f"numbers; {value:g} is a common code for 'no value'. If it is one here, declare "
                       f'missing = ["{value:g}"] in the spec.')
    if declared.any():
        report.add("notice", "indicators", path.name, f"indicator {ind.id}",
                   f"{int(declared.sum())} value(s) marked as missing by the declared marker(s) "
                   + ", ".join(repr(m) for m in markers))
    if missing.any():
        report.add("notice", "indicators", path.name, f"indicator {ind.id}",
                   f"{int(missing.sum())} value(s) marked as missing (empty, '.', '-', 'x' …)")
    suppressed = _suppressed(part, numbers, ind, settings.min_cases, table, spec.table.decimal)
    if suppressed.any():
        report.add("notice", "indicators", path.name, f"indicator {ind.id}",
                   f"{int(suppressed.sum())} value(s) suppressed: fewer than {settings.min_cases} "
                   "cases (statistical confidentiality)")
    kept = part.assign(value=numbers.where(~suppressed).to_numpy(), suppressed=suppressed.to_numpy())
    return kept[(~(missing | declared) | suppressed).to_numpy()]


# Units whose values are themselves counts of people: a small count is a small case number.
COUNT_UNITS = frozenset({"Anzahl", "Personen", "count", "persons"})

# No area of any city holds more residents than this (Berlin has 3.9 million in all): a
# population or a count of people above it is a typing or unit mistake, or 1e308 from a
# broken export.
MAX_AREA_POPULATION = 10_000_000

# Beyond this magnitude a number is no measurement of an area (a city's budget in euros is
# about 1e10); such values would also overflow sums and means to infinity. A spec that sets
# minimum/maximum for the indicator decides for itself.
MAX_MAGNITUDE = 1e12


def _check_magnitude(part: pd.DataFrame, numbers: pd.Series, ind: IndicatorSpec, path: Path) -> None:
    """Refuse values too large to be measurements where the spec sets no range of its own."""
    huge = ((numbers > MAX_MAGNITUDE) & (ind.maximum is None)) | (
        (numbers < -MAX_MAGNITUDE) & (ind.minimum is None))
    if huge.any():
        pos = int(np.flatnonzero(huge.to_numpy())[0])
        raise DataError(
            f"has {part['text'].iloc[pos]!r} for {ind.id!r} (column {part['column'].iloc[pos]!r}), "
            f"beyond ±{MAX_MAGNITUDE:g}, too large to be a value of one area.",
            file=path, where=f"row {part['row'].iloc[pos]}",
            fix=f"correct the value (check its unit and decimal mark); if such values are real, set "
            f"minimum/maximum for {ind.id!r} in the spec.")


def _suppressed(part: pd.DataFrame, numbers: pd.Series, ind: IndicatorSpec, min_cases: int,
                table: Table, decimal: str) -> pd.Series:
    """Which values rest on fewer than ``min_cases`` cases and must not be shown.

    Case counts are read with the table's decimal and thousands marks: "1.204"
    in a German table is 1204 cases, not 1.204.
    """
    path = table.path
    if min_cases <= 0:
        return pd.Series(False, index=part.index)
    texts = part["cases"].fillna("").astype(str)
    if (texts != "").any():
        if decimal == "auto":
            decimal = guess_decimal(texts, table.separator, whole_numbers=True)
        cases, missing, bad = parse_numbers(texts, decimal)
        if bad.any():
            pos = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(f"has the case count {texts.iloc[pos]!r} for {ind.id!r}, which is not a number.",
                            file=path, where=f"row {part['row'].iloc[pos]}",
                            fix="write the number of cases the value rests on, or leave it empty.")
        return (cases < min_cases).fillna(False)
    if ind.unit in COUNT_UNITS:
        return (numbers < min_cases).fillna(False) & (numbers > 0)
    return pd.Series(False, index=part.index)


def _sites_from_table(spec: SitesSpec | PopulationSpec, path: Path) -> tuple[gpd.GeoDataFrame, pd.Series]:
    table = _table(spec, path)
    frame = table.frame
    _require_columns(spec.columns.model_dump(), list(frame.columns), path, "the sites spec")
    if spec.geometry == "geometry":
        raise DataError("is a table, so it has no point geometry.", file=path,
                        fix='set geometry = "lonlat" or "xy" and name columns.x and columns.y.')
    coords = {}
    for axis in ("x", "y"):
        texts = frame[getattr(spec.columns, axis)]
        # Projected metres may group thousands ("5.482.113,2"); degrees never do.
        decimal = spec.table.decimal if spec.table.decimal != "auto" else guess_decimal(
            texts.fillna("").astype(str), table.separator if spec.geometry == "xy" else None)
        numbers, missing, bad = parse_numbers(texts, decimal)
        wrong = bad | missing
        if wrong.any():
            pos = int(np.flatnonzero(wrong.to_numpy())[0])
            raise DataError(
                f"has the coordinate {texts.iloc[pos]!r} in column {getattr(spec.columns, axis)!r}, "
                "which is not a number.",
                file=path, where=f"row {table.row_number(pos)}", fix="fill in both coordinates of the site.")
        coords[axis] = numbers.to_numpy()
    crs = WGS84 if spec.geometry == "lonlat" else spec.crs
    if spec.geometry == "lonlat":
        lon, lat = coords["x"], coords["y"]
        outside = (np.abs(lon) > 180) | (np.abs(lat) > 90)
        if outside.any():
            pos = int(np.flatnonzero(outside)[0])
            raise DataError(
                f"has lon/lat {lon[pos]}, {lat[pos]}, which are not degrees.",
                file=path, where=f"row {table.row_number(pos)}",
                fix='if these are projected coordinates, set geometry = "xy" and crs = "EPSG:…".')
    geometry = gpd.points_from_xy(coords["x"], coords["y"], crs=crs)
    return gpd.GeoDataFrame(frame, geometry=geometry), pd.Series(table.rows)


def load_sites(spec: SitesSpec, path: Path, report: ReportBuilder) -> gpd.GeoDataFrame:
    """Read a sites layer: ``site_id, name, category, programme, start, end, address, contact``."""
    source = source_for(spec, path)
    if source.can(GEOMETRY):
        frame = source.features(spec, path)
        _require_columns(spec.columns.model_dump(exclude={"x", "y"}), list(frame.columns), path,
                         "the sites spec")
        _check_coordinates(frame, path)
        places = pd.Series([_feature(i, frame) for i in range(len(frame))])
        for pos, geom in enumerate(frame.geometry):
            if geom is None or geom.is_empty or geom.geom_type != "Point":
                kind = "no geometry" if geom is None or geom.is_empty else f"a {geom.geom_type}"
                raise DataError(f"has {kind}, but sites need points.", file=path,
                                where=places.iloc[pos], fix="give every site one point.")
    else:
        frame, rows = _sites_from_table(spec, path)
        places = rows.map(lambda r: f"row {r}")
    cols = spec.columns
    out = {}
    for role in ("name", "category"):
        texts = frame[getattr(cols, role)].astype("string").str.strip()
        empty = texts.isna() | (texts == "")
        if empty.any():
            pos = int(np.flatnonzero(empty.to_numpy())[0])
            raise DataError(f"has no {role} (column {getattr(cols, role)!r}).", file=path,
                            where=places.iloc[pos], fix=f"fill in the {role} of every site.")
        out[role] = texts.astype(str).to_numpy()
    for role in ("programme", "address", "contact"):
        col = getattr(cols, role)
        out[role] = (frame[col].astype("string").str.strip().fillna("").astype(str).to_numpy()
                     if col else np.full(len(frame), "", dtype=object))
    out.update(offer_columns(spec, frame))
    for role in ("start", "end"):
        col = getattr(cols, role)
        if col is None:
            out[role] = np.full(len(frame), np.nan)
            continue
        texts = frame[col].astype("string").fillna("").astype(str).str.strip()
        numbers, _missing, bad = parse_numbers(texts.str.slice(0, 4).where(texts.str.len() >= 4, texts), ".")
        if bad.any():
            pos = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(f"has {texts.iloc[pos]!r} as {role} year, which is not a year.", file=path,
                            where=places.iloc[pos], fix="write a four-digit year or leave it empty.")
        out[role] = numbers.to_numpy()
    ids = (frame[cols.id].astype("string").fillna("").astype(str).to_numpy() if cols.id
           else np.array([f"{path.stem}-{i + 1}" for i in range(len(frame))]))
    sites = gpd.GeoDataFrame({"site_id": ids, **out}, geometry=frame.geometry.values, crs=frame.crs)
    dup = pd.Series(ids).duplicated(keep=False)
    if dup.any():
        raise DataError(f"has the site id {ids[int(np.flatnonzero(dup)[0])]!r} more than once.",
                        file=path, where=", ".join(places[dup.to_numpy()].head(4)),
                        fix="give every site a unique id.")
    return sites.to_crs(WGS84)


# The optional offer columns (for the public finder), kept only when the spec names them;
# those in LIST_ROLES hold several values ("de, tr, ar") and are kept as comma-joined tokens.
OFFER_ROLES = ("target_group", "languages", "cost", "opening_hours", "phone", "email", "web",
               "description")
LIST_ROLES = ("target_group", "languages")
# Roles whose translations "<column>_<lang>" are kept beside them as "<role>_<lang>".
TRANSLATED_ROLES = ("name", "description", "opening_hours")


def tokens(values: pd.Series) -> pd.Series:
    """Comma-joined lower-case tokens of a list column ("Deutsch; TR / ar" → "deutsch,tr,ar").

    Examples
    --------
    >>> tokens(pd.Series(["de, TR;ar", None, " Familien / Frauen "])).tolist()
    ['de,tr,ar', '', 'familien,frauen']
    """
    text = values.fillna("").astype(str).str.lower()
    # String operations over the whole column, no loop over offers.
    text = text.str.replace(r"\s*[,;/|]\s*", ",", regex=True).str.strip()
    return text.str.replace(r",{2,}", ",", regex=True).str.strip(",")


# German (and a few English) language names as offer lists write them, to ISO 639 codes;
# codes pass unchanged, and unknown words are kept as written (lower-cased).
LANGUAGE_NAMES = {
    "deutsch": "de", "englisch": "en", "english": "en", "türkisch": "tr", "tuerkisch": "tr",
    "arabisch": "ar", "russisch": "ru", "ukrainisch": "uk", "französisch": "fr", "franzoesisch": "fr",
    "persisch": "fa", "farsi": "fa", "dari": "prs", "polnisch": "pl", "rumänisch": "ro",
    "rumaenisch": "ro", "bulgarisch": "bg", "kurdisch": "ku", "kurmandschi": "kmr",
    "italienisch": "it", "spanisch": "es", "griechisch": "el", "kroatisch": "hr", "serbisch": "sr",
    "albanisch": "sq", "tigrinya": "ti", "paschtu": "ps", "somali": "so", "vietnamesisch": "vi",
}


def language_codes(values: pd.Series) -> pd.Series:
    """Comma-joined language tokens with German names replaced by their codes.

    Examples
    --------
    >>> language_codes(pd.Series(["deutsch,tr,arabisch", ""])).tolist()
    ['de,tr,ar', '']
    """
    text = values.fillna("").astype(str)
    for name, code in LANGUAGE_NAMES.items():
        text = text.str.replace(rf"(?<![^,]){name}(?![^,])", code, regex=True)
    return text


def offer_columns(spec: SitesSpec, frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """The optional offer columns of a sites file, by their model name (``languages``, ``name_tr``, …)."""
    def text(column: str) -> pd.Series:
        return frame[column].astype("string").str.strip().fillna("").astype(str)

    out: dict[str, np.ndarray] = {}
    for role in OFFER_ROLES:
        column = getattr(spec.columns, role)
        if column is None:
            continue
        values = text(column)
        if role in LIST_ROLES:
            values = tokens(values)
        if role == "languages":
            values = language_codes(values)
        out[role] = values.to_numpy(dtype=object)
    for role in TRANSLATED_ROLES:
        column = getattr(spec.columns, role)
        if column is None:
            continue
        pattern = re.compile(re.escape(column) + r"_(?P<lang>[a-z]{2,3})")
        for name in frame.columns:
            found = pattern.fullmatch(str(name))
            if found:
                out[f"{role}_{found['lang']}"] = text(name).to_numpy(dtype=object)
    return out


def load_zones(spec: ZonesSpec, path: Path, report: ReportBuilder) -> gpd.GeoDataFrame:
    """Read a programme-area layer: ``zone_id, name, programme, since, until``."""
    frame = read_features(spec, path)
    cols = spec.columns
    _require_columns(cols.model_dump(), list(frame.columns), path, "the zones spec")
    _check_coordinates(frame, path)
    names = frame[cols.name].astype("string").str.strip().fillna("").astype(str)
    for pos in np.flatnonzero((names == "").to_numpy()):
        raise DataError("has no name.", file=path, where=_feature(pos, frame),
                        fix=f"fill column {cols.name!r}.")
    geometry = _valid_polygons(frame, path, "zones", names, report)
    programme = (frame[cols.programme].astype("string").fillna("").astype(str) if cols.programme
                 else pd.Series(spec.programme or "", index=frame.index))
    years = {}
    for role in ("since", "until"):
        col = getattr(cols, role)
        if col is None:
            years[role] = np.full(len(frame), np.nan)
            continue
        texts = frame[col].astype("string").fillna("").astype(str)
        numbers, _missing, bad = parse_numbers(texts, ".")
        if bad.any():
            pos = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(f"has {texts.iloc[pos]!r} as {role} year, which is not a year.", file=path,
                            where=f"{_feature(pos, frame)} ({names.iloc[pos]})",
                            fix="write a four-digit year.")
        years[role] = numbers.to_numpy()
    zones = gpd.GeoDataFrame(
        {"zone_id": [f"{path.stem}-{i + 1}" for i in range(len(frame))], "name": names.to_numpy(),
         "programme": programme.to_numpy(), **years},
        geometry=gpd.GeoSeries(geometry.values, crs=frame.crs),
    )
    return zones.to_crs(WGS84)


def load_population(spec: PopulationSpec, path: Path, report: ReportBuilder) -> gpd.GeoDataFrame:
    """Read a population grid: points with a resident count, ``count, geometry`` in WGS84."""
    source = source_for(spec, path)
    if source.can(GEOMETRY):
        frame = source.features(spec, path)
        _require_columns({"count": spec.columns.count}, list(frame.columns), path, "the population spec")
        _check_coordinates(frame, path)
        if len(frame) and not (frame.geom_type == "Point").all():
            # Grid cells given as squares count at their centre.
            frame = frame.set_geometry(frame.geometry.representative_point())
        places = pd.Series([_feature(i, frame) for i in range(len(frame))])
    else:
        frame, rows = _sites_from_table(spec, path)
        places = rows.map(lambda r: f"row {r}")
    raw = frame[spec.columns.count]
    texts = raw.astype("string").fillna("").astype(str)
    if pd.api.types.is_numeric_dtype(raw):
        counts, missing, bad = raw.astype(float), raw.isna(), pd.Series(False, index=raw.index)
    else:
        decimal = (spec.table.decimal if spec.table.decimal != "auto"
                   else guess_decimal(texts, None, whole_numbers=True))
        counts, missing, bad = parse_numbers(texts, decimal)
    wrong = bad | (counts < 0) | (counts > MAX_AREA_POPULATION)
    if wrong.any():
        pos = int(np.flatnonzero(wrong.to_numpy())[0])
        raise DataError(f"has the count {texts.iloc[pos]!r}, which is not a number of residents "
                        f"(0 to {MAX_AREA_POPULATION:,}).",
                        file=path, where=places.iloc[pos], fix="write the number of residents.")
    if missing.any():
        report.add("notice", "population", path.name, "",
                   f"{int(missing.sum())} grid cell(s) without a count (secret or empty) taken as 0")
    grid = gpd.GeoDataFrame({"count": counts.fillna(0).to_numpy()}, geometry=frame.geometry.values,
                            crs=frame.crs)
    return grid.to_crs(WGS84)


@dataclass(frozen=True)
class LoadContext:
    """What a layer's loader may need beyond its spec and file: one signature for every kind."""

    settings: Settings
    report: ReportBuilder
    workspace: Path
    area_keys: frozenset[str] = field(default_factory=frozenset)


def load_layer(spec, path: Path, context: LoadContext):
    """Read one layer through the loader its kind registers in :data:`geodash.catalog.LAYER_KINDS`.

    A layer from a source that changes under it (a database) is noted in the
    report with the time it was read: a Dataset from the cache says when its
    data was last read.
    """
    frame = LAYER_KINDS[spec.kind].load_function()(spec, path, context)
    source = source_for(spec, path)
    if source.can(CHANGE_MARKER):
        read_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        context.report.add("notice", spec.kind, path.name, "",
                           f"{len(frame)} row(s) read from {source.location(spec, path)} at {read_at}")
    return frame


# The registered loaders: the public load_* functions above, called with the one signature.

def load_areas_layer(spec: AreasSpec, path: Path, context: LoadContext) -> gpd.GeoDataFrame:
    """:func:`load_areas` as registered for the kind ``areas``."""
    return load_areas(spec, path, context.settings, context.report, workspace=context.workspace)


def load_indicators_layer(spec: IndicatorsSpec, path: Path, context: LoadContext) -> pd.DataFrame:
    """:func:`load_indicators` as registered for the kind ``indicators``."""
    return load_indicators(spec, path, context.settings, set(context.area_keys), context.report)


def load_sites_layer(spec: SitesSpec, path: Path, context: LoadContext) -> gpd.GeoDataFrame:
    """:func:`load_sites` as registered for the kind ``sites``."""
    return load_sites(spec, path, context.report)


def load_zones_layer(spec: ZonesSpec, path: Path, context: LoadContext) -> gpd.GeoDataFrame:
    """:func:`load_zones` as registered for the kind ``zones``."""
    return load_zones(spec, path, context.report)


def load_population_layer(spec: PopulationSpec, path: Path, context: LoadContext) -> gpd.GeoDataFrame:
    """:func:`load_population` as registered for the kind ``population``."""
    return load_population(spec, path, context.report)


# --------------------------------------------------------------------------
# addresses: house addresses with a point each, for the offer finder's address search.
# Official house coordinates (Hauskoordinaten: a table with street, number, suffix, postcode
# and easting/northing) or an OpenStreetMap extract (addr:street, addr:housenumber,
# addr:postcode on points or building outlines). Rows without a street or a house number
# that starts with digits are left out and reported, never guessed.

ADDRESS_COLUMNS = ["street", "number", "suffix", "postcode", "geometry"]
# "12", "12a", "12 A", "12-14", "12/1": the leading number and a letter right after it.
_HOUSE_NUMBER = r"^\s*(?P<number>\d{1,5})\s*(?P<suffix>[A-Za-z]?)\b"


def load_addresses(spec: AddressesSpec, path: Path, report: ReportBuilder) -> gpd.GeoDataFrame:
    """Read an addresses layer: ``street, number, suffix, postcode, geometry`` in WGS84."""
    cols = spec.columns
    source = source_for(spec, path)
    if source.can(GEOMETRY):
        frame = source.read(spec, path)
        _require_columns(cols.model_dump(exclude={"x", "y"}), list(frame.columns), path,
                         "the addresses spec")
        _check_coordinates(frame, path)
        empty = frame.geometry.isna() | frame.geometry.is_empty
        if empty.any():
            report.add("left_out", "addresses", path.name, "",
                       f"{int(empty.sum())} address(es) without geometry left out")
            frame = frame[~empty.to_numpy()]
        if len(frame) and not (frame.geom_type == "Point").all():
            # Building outlines (OSM) count at a point inside them.
            frame = frame.set_geometry(frame.geometry.representative_point())
    else:
        frame, _rows = _sites_from_table(spec, path)
    street = frame[cols.street].astype("string").str.strip().fillna("").astype(str)
    raw_number = frame[cols.number].astype("string").fillna("").astype(str)
    if pd.api.types.is_float_dtype(frame[cols.number]):
        # A spreadsheet's whole numbers arrive as 12.0.
        raw_number = raw_number.str.replace(r"\.0$", "", regex=True)
    parts = raw_number.str.extract(_HOUSE_NUMBER)
    suffix = parts["suffix"].fillna("").str.lower()
    if cols.suffix:
        given = frame[cols.suffix].astype("string").str.strip().fillna("").astype(str).str.lower()
        suffix = given.where(given != "", suffix)
    unusable = (street == "").to_numpy() | parts["number"].isna().to_numpy()
    if unusable.all():
        raise DataError(
            f"has no address with a street (column {cols.street!r}) and a house number "
            f"(column {cols.number!r}).",
            file=path, fix="name the street and house number columns in the addresses spec.")
    if unusable.any():
        report.add("left_out", "addresses", path.name, "",
                   f"{int(unusable.sum())} address(es) without a street or a house number left out")
    postcode = (frame[cols.postcode].astype("string").str.strip().fillna("").astype(str)
                .str.replace(r"\.0$", "", regex=True) if cols.postcode
                else pd.Series("", index=frame.index))
    keep = ~unusable
    addresses = gpd.GeoDataFrame(
        {"street": street.to_numpy(dtype=object)[keep],
         "number": parts["number"].to_numpy()[keep].astype(np.int64),
         "suffix": suffix.to_numpy(dtype=object)[keep],
         "postcode": postcode.to_numpy(dtype=object)[keep]},
        geometry=frame.geometry.values[keep], crs=frame.crs)
    return addresses.to_crs(WGS84).reset_index(drop=True)


def load_addresses_layer(spec: AddressesSpec, path: Path, context: LoadContext) -> gpd.GeoDataFrame:
    """The :data:`~geodash.catalog.LAYER_KINDS` loader of an addresses layer."""
    return load_addresses(spec, path, context.report)
