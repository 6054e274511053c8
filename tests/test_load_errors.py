"""Loading layers into the data model: what is repaired, left out, or refused with file and row."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pyproj
import pytest
import shapely
from pandas.testing import assert_frame_equal

from geodash.catalog import KeyFormat, load_catalog
from geodash.dataset import build_dataset
from geodash.errors import DataError
from geodash.load import normalise_keys

INDICATOR_COLUMNS = ["area_key", "indicator", "year", "value"]

# The grid's indicator table (tests/conftest.py INDICATORS_CSV) in long form, by hand.
GRID_INDICATORS = pd.DataFrame(
    [("01", "alq", 2022, 5.0), ("02", "alq", 2022, 10.0), ("03", "alq", 2022, 15.0),
     ("04", "alq", 2022, 20.0), ("01", "alq", 2023, 4.0), ("02", "alq", 2023, 8.0),
     ("03", "alq", 2023, 16.0), ("04", "alq", 2023, 22.5),
     ("01", "kinder", 2022, 1200.0), ("02", "kinder", 2022, 300.0),
     ("03", "kinder", 2022, 450.0), ("04", "kinder", 2022, 2000.0),
     ("01", "kinder", 2023, 1100.0), ("03", "kinder", 2023, 500.0),
     ("04", "kinder", 2023, 2100.0)],
    columns=INDICATOR_COLUMNS,
).astype({"area_key": object, "indicator": object})


def load(workspace: Path):
    return build_dataset(load_catalog(workspace))


def data_error(workspace: Path) -> DataError:
    with pytest.raises(DataError) as info:
        load(workspace)
    return info.value


def indicators_of(dataset) -> pd.DataFrame:
    return dataset.indicators[INDICATOR_COLUMNS].reset_index(drop=True)


def edit(path: Path, old: str, new: str, encoding: str = "utf-8") -> None:
    text = path.read_text(encoding=encoding)
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding=encoding)


def edit_features(path: Path, change) -> None:
    collection = json.loads(path.read_text(encoding="utf-8"))
    change(collection)
    path.write_text(json.dumps(collection), encoding="utf-8")


def write_indicators(workspace: Path, text: str, encoding: str = "cp1252") -> Path:
    path = workspace / "data" / "ind.csv"
    path.write_bytes(text.encode(encoding))
    return path


HEADER = "Nr;Name;Jahr;Arbeitslosenquote;Kinder\n"


# --- key normalisation ---


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        (" 1", KeyFormat(pad=2), "01"),
        ("01", KeyFormat(pad=2), "01"),
        (7.0, KeyFormat(pad=2), "07"),
        (7, KeyFormat(pad=3), "007"),
        ("123", KeyFormat(pad=2), "123"),
        ("a1", KeyFormat(pad=3), "a1"),
        ("01", KeyFormat(), "01"),
        ("1", KeyFormat(), "1"),
        ("ab-3", KeyFormat(upper=True), "AB-3"),
        (" 5 ", KeyFormat(strip=False, pad=2), " 5 "),
        ("", KeyFormat(pad=2), None),
        ("  ", KeyFormat(), None),
        (None, KeyFormat(), None),
        (float("nan"), KeyFormat(pad=2), None),
    ],
)
def test_keys_are_normalised_to_comparable_text(value, fmt, expected):
    assert normalise_keys(pd.Series([value], dtype=object), fmt).tolist() == [expected]


# --- indicator tables ---


def test_grid_indicators_load_as_the_long_table_computed_by_hand(grid_workspace):
    assert_frame_equal(indicators_of(load(grid_workspace)), GRID_INDICATORS)


def test_long_and_wide_tables_give_the_same_long_frame(grid_workspace):
    rows = [line.split(";") for line in
            (grid_workspace / "data" / "ind.csv").read_text(encoding="cp1252").splitlines()[1:]]
    long = "Nr;Jahr;Merkmal;Wert\n" + "".join(
        f"{nr};{year};{code};{value}\n"
        for nr, _, year, alq, kinder in rows
        for code, value in (("Arbeitslosenquote", alq), ("Kinder", kinder)))
    write_indicators(grid_workspace, long)
    spec = grid_workspace / "layers" / "indicators.toml"
    edit(spec, 'format = "wide"', 'format = "long"')
    edit(spec, 'year = "Jahr"', 'year = "Jahr"\nindicator = "Merkmal"\nvalue = "Wert"')

    assert_frame_equal(indicators_of(load(grid_workspace)), GRID_INDICATORS)


def test_xlsx_with_title_row_and_numeric_keys_gives_the_same_long_frame(grid_workspace):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Sozialindikatoren Gitterstadt"])
    sheet.append(["Nr", "Name", "Jahr", "Arbeitslosenquote", "Kinder"])
    for line in (grid_workspace / "data" / "ind.csv").read_text(encoding="cp1252").splitlines()[1:]:
        nr, name, year, alq, kinder = line.split(";")
        # Keys as numbers (1.0); shares as numbers, or in 2023 typed as text ("22,5");
        # counts as numbers, "." (missing) as text.
        share = alq if year == "2023" else float(alq.replace(",", "."))
        count = kinder if kinder == "." else int(kinder.replace(".", ""))
        sheet.append([float(nr), name, int(year), share, count])
    book.save(grid_workspace / "data" / "ind.xlsx")
    spec = grid_workspace / "layers" / "indicators.toml"
    edit(spec, 'file = "data/ind.csv"', 'file = "data/ind.xlsx"\ntable = { skip_rows = 1 }')

    dataset = load(grid_workspace)

    assert_frame_equal(indicators_of(dataset), GRID_INDICATORS)


@pytest.mark.parametrize("marker", [".", "-", "x", ""])
def test_missing_markers_leave_the_value_out_and_are_reported(grid_workspace, marker):
    path = grid_workspace / "data" / "ind.csv"
    edit(path, "2;Nordost;2023;8,0;.", f"2;Nordost;2023;;{marker}", encoding="cp1252")

    dataset = load(grid_workspace)

    values = dataset.indicators.set_index(["area_key", "indicator", "year"])["value"]
    assert ("02", "alq", 2023) not in values.index
    assert ("02", "kinder", 2023) not in values.index
    notices = {f.where: f.message for f in dataset.report.of("notice")}
    assert notices["indicator alq"].startswith("1 value(s) marked as missing")
    assert notices["indicator kinder"].startswith("1 value(s) marked as missing")


def test_non_numeric_value_names_file_row_and_column(grid_workspace):
    path = grid_workspace / "data" / "ind.csv"
    edit(path, "3;Südwest;2022;15,0", "3;Südwest;2022;abc", encoding="cp1252")

    error = data_error(grid_workspace)

    assert error.file == str(path.resolve())
    assert error.where == "row 4"
    assert "'abc'" in error.problem
    assert "column 'Arbeitslosenquote'" in error.problem


def test_row_number_in_error_counts_blank_lines(grid_workspace):
    lines = (grid_workspace / "data" / "ind.csv").read_text(encoding="cp1252").splitlines()
    lines.insert(3, "")
    lines[5] = lines[5].replace("20,0", "zwanzig")
    write_indicators(grid_workspace, "\n".join(lines) + "\n")

    assert data_error(grid_workspace).where == "row 6"


def test_row_number_in_xlsx_error_is_the_excel_row(grid_workspace):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Titel"])
    sheet.append(["Nr", "Name", "Jahr", "Arbeitslosenquote", "Kinder"])
    sheet.append([1, "Nordwest", 2022, 5, 1200])
    sheet.append([2, "Nordost", 2022, 10, 300])
    sheet.append([3, "Südwest", 2022, "k. A. wg. Umzug", 450])
    book.save(grid_workspace / "data" / "ind.xlsx")
    edit(grid_workspace / "layers" / "indicators.toml", 'file = "data/ind.csv"',
         'file = "data/ind.xlsx"\ntable = { skip_rows = 1 }')

    error = data_error(grid_workspace)

    assert error.file.endswith("ind.xlsx")
    assert error.where == "row 5"


@pytest.mark.parametrize(
    ("year", "problem"),
    [("1850", "is out of range"), ("2222", "is out of range"), ("20x2", "is not a year"),
     ("2022,5", "is not a year"), ("", "is not a year")],
)
def test_bad_year_names_the_row(grid_workspace, year, problem):
    edit(grid_workspace / "data" / "ind.csv", "2;Nordost;2023", f"2;Nordost;{year}",
         encoding="cp1252")

    error = data_error(grid_workspace)

    assert error.where == "row 7"
    assert problem in error.problem
    assert "column 'Jahr'" in error.problem


def test_year_range_follows_the_workspace_settings(grid_workspace):
    (grid_workspace / "layers" / "workspace.toml").write_text(
        'kind = "workspace"\nmin_year = 2023\n', encoding="utf-8")

    error = data_error(grid_workspace)

    assert error.where == "row 2"
    assert "2023–2100" in error.problem


@pytest.mark.parametrize(("value", "word"), [("100,5", "above"), ("-0,1", "below")])
def test_share_outside_0_to_100_percent_is_refused(grid_workspace, value, word):
    edit(grid_workspace / "data" / "ind.csv", "4;Südost;2023;22,5", f"4;Südost;2023;{value}",
         encoding="cp1252")

    error = data_error(grid_workspace)

    assert error.where == "row 9"
    assert f"{word} the possible" in error.problem
    assert "'alq'" in error.problem


def test_share_of_exactly_100_percent_is_allowed(grid_workspace):
    edit(grid_workspace / "data" / "ind.csv", "4;Südost;2023;22,5", "4;Südost;2023;100,0",
         encoding="cp1252")

    values = load(grid_workspace).indicators
    assert values.loc[(values["area_key"] == "04") & (values["indicator"] == "alq")
                      & (values["year"] == 2023), "value"].tolist() == [100.0]


def test_duplicate_key_indicator_year_names_both_rows(grid_workspace):
    path = grid_workspace / "data" / "ind.csv"
    write_indicators(grid_workspace, path.read_text(encoding="cp1252") + "01;Nordwest;2022;6,0;1.300\n")

    error = data_error(grid_workspace)

    assert error.where == "rows 2, 10"
    assert "area '01', indicator 'alq', year 2022" in error.problem


def test_unmatched_keys_are_left_out_and_reported(grid_workspace):
    path = grid_workspace / "data" / "ind.csv"
    write_indicators(grid_workspace, path.read_text(encoding="cp1252") + "9;Neustadt;2022;7,0;100\n")

    dataset = load(grid_workspace)

    assert_frame_equal(indicators_of(dataset), GRID_INDICATORS)
    (finding,) = dataset.report.of("left_out")
    assert finding.where == "rows 10"
    assert "2 value(s) whose area key matches no area left out: '09'" in finding.message


def test_all_keys_unmatched_is_an_error_with_a_pad_hint(grid_workspace):
    edit(grid_workspace / "layers" / "indicators.toml", "key_format = { pad = 2 }\n", "")

    error = data_error(grid_workspace)

    assert "matches no area" in error.problem
    assert "'1', '2', '3'" in error.problem
    assert "key_format = { pad = 2 }" in error.problem


def test_missing_column_lists_the_columns_of_the_file(grid_workspace):
    edit(grid_workspace / "layers" / "indicators.toml", 'column = "Kinder"', 'column = "Kinder_u6"')

    error = data_error(grid_workspace)

    assert "has no column 'Kinder_u6'" in error.problem
    assert "'Kinder'" in error.fix


def test_row_without_key_is_refused(grid_workspace):
    edit(grid_workspace / "data" / "ind.csv", "3;Südwest;2023", ";Südwest;2023", encoding="cp1252")

    error = data_error(grid_workspace)

    assert (error.where, error.problem) == ("row 8", "has no area key in column 'Nr'.")


def test_long_rows_with_unknown_indicator_codes_are_left_out_and_reported(grid_workspace):
    write_indicators(grid_workspace, "Nr;Jahr;Merkmal;Wert\n1;2022;Arbeitslosenquote;5,0\n"
                     "1;2022;Kinder;12\n1;2022;Senioren;300\n")
    spec = grid_workspace / "layers" / "indicators.toml"
    edit(spec, 'format = "wide"', 'format = "long"')
    edit(spec, 'year = "Jahr"', 'year = "Jahr"\nindicator = "Merkmal"\nvalue = "Wert"')

    dataset = load(grid_workspace)

    assert len(dataset.indicators) == 2
    (finding,) = dataset.report.of("left_out")
    assert "1 row(s) with indicator code(s) not in the spec left out: Senioren" in finding.message


# --- areas ---


def grid_path(workspace: Path) -> Path:
    return workspace / "data" / "grid.geojson"


def test_utm_coordinates_declared_as_wgs84_are_refused(grid_workspace):
    edit_features(grid_path(grid_workspace), lambda c: c.pop("crs"))

    error = data_error(grid_workspace)

    assert error.file == str(grid_path(grid_workspace).resolve())
    assert "metres, not degrees" in error.problem
    assert 'crs = "EPSG:25832"' in error.fix


def test_utm_geojson_without_crs_member_loads_with_the_spec_crs(grid_workspace):
    edit_features(grid_path(grid_workspace), lambda c: c.pop("crs"))
    edit(grid_workspace / "layers" / "areas.toml", 'file = "data/grid.geojson"',
         'file = "data/grid.geojson"\ncrs = "EPSG:25832"')

    dataset = load(grid_workspace)

    assert dataset.areas_metric.area.tolist() == pytest.approx([1e6] * 4)


def test_bow_tie_polygon_is_repaired_and_reported(grid_workspace, grid_origin):
    x, y = grid_origin[0] + 1000, grid_origin[1] + 1000  # Nordost

    def bow_tie(collection):
        collection["features"][1]["geometry"]["coordinates"] = [
            [[x, y], [x + 1000, y + 1000], [x + 1000, y], [x, y + 1000], [x, y]]]

    edit_features(grid_path(grid_workspace), bow_tie)

    dataset = load(grid_workspace)

    (finding,) = dataset.report.of("repaired")
    assert (finding.layer, finding.file, finding.where) == ("areas", "grid.geojson",
                                                            "feature 2 (Nordost)")
    assert "make_valid" in finding.message
    repaired = dataset.areas_metric.set_index("key").geometry
    assert shapely.is_valid(repaired.loc["02"])
    # Two triangles of ½ · 1000 m · 500 m each.
    assert repaired.loc["02"].area == pytest.approx(500_000, rel=1e-6)


@pytest.mark.parametrize(
    "geometry", [None, {"type": "Polygon", "coordinates": []}], ids=["null", "empty-polygon"])
def test_area_without_geometry_is_refused(grid_workspace, geometry):
    def empty(collection):
        collection["features"][1]["geometry"] = geometry

    edit_features(grid_path(grid_workspace), empty)

    error = data_error(grid_workspace)

    assert error.where == "feature 2 (Nordost)"
    assert "has no geometry" in error.problem


def test_point_in_an_areas_layer_is_refused(grid_workspace, grid_origin):
    def point(collection):
        collection["features"][2]["geometry"] = {"type": "Point", "coordinates": list(grid_origin)}

    edit_features(grid_path(grid_workspace), point)

    error = data_error(grid_workspace)

    assert error.where == "feature 3 (Südwest)"
    assert "is a Point, but this layer needs polygons" in error.problem


@pytest.mark.parametrize("duplicate", ["02", "2", " 02 "])
def test_duplicate_area_keys_name_the_key_and_the_features(grid_workspace, duplicate):
    def same_key(collection):
        collection["features"][3]["properties"]["nr"] = duplicate

    edit_features(grid_path(grid_workspace), same_key)

    error = data_error(grid_workspace)

    assert "the key '02' more than once" in error.problem
    assert error.where == "feature 2, feature 4"


def test_area_without_key_is_refused(grid_workspace):
    def no_key(collection):
        collection["features"][0]["properties"]["nr"] = None

    edit_features(grid_path(grid_workspace), no_key)

    error = data_error(grid_workspace)

    assert (error.where, error.problem) == ("feature 1 (Nordwest)",
                                            "has no key (column 'nr' is empty).")


def test_area_without_name_is_refused(grid_workspace):
    def no_name(collection):
        collection["features"][2]["properties"]["name"] = " "

    edit_features(grid_path(grid_workspace), no_name)

    error = data_error(grid_workspace)

    assert (error.where, error.problem) == ("feature 3 (key 03)", "has no name.")


@pytest.mark.filterwarnings("ignore:Could not parse column:UserWarning")
@pytest.mark.parametrize(("population", "problem"),
                         [(-5, "has a negative population."), ("viele", "'viele'")])
def test_bad_population_is_refused(grid_workspace, population, problem):
    def bad(collection):
        collection["features"][1]["properties"]["ew"] = population

    edit_features(grid_path(grid_workspace), bad)

    error = data_error(grid_workspace)

    assert error.where == "feature 2 (Nordost)"
    assert problem in error.problem


def test_area_without_population_is_noticed(grid_workspace):
    def unknown(collection):
        collection["features"][1]["properties"]["ew"] = None

    edit_features(grid_path(grid_workspace), unknown)

    dataset = load(grid_workspace)

    assert dataset.areas["population"].isna().tolist() == [False, True, False, False]
    assert any("1 area(s) without population: Nordost" in f.message
               for f in dataset.report.of("notice"))


# --- sites ---


def sites_path(workspace: Path) -> Path:
    return workspace / "data" / "sites.csv"


def write_sites(workspace: Path, text: str) -> None:
    sites_path(workspace).write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))


def test_sites_with_lonlat_and_decimal_comma_land_in_their_squares(grid_workspace, grid_origin):
    to_wgs84 = pyproj.Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True)
    x0, y0 = grid_origin
    rows = []
    for site_id, dx, dy in (("s1", 500, 1500), ("s2", 1500, 1500), ("s3", 1500, 500)):
        lon, lat = to_wgs84.transform(x0 + dx, y0 + dy)
        rows.append(f"{site_id};Ort {site_id};qm;{lon:.6f};{lat:.6f}".replace(".", ","))
    write_sites(grid_workspace, "ID;Name;Art;Länge;Breite\n" + "\n".join(rows) + "\n")
    spec = grid_workspace / "layers" / "sites.toml"
    edit(spec, 'geometry = "xy"\ncrs = "EPSG:25832"', 'geometry = "lonlat"')
    edit(spec, 'x = "X"\ny = "Y"', 'x = "Länge"\ny = "Breite"')

    sites = load(grid_workspace).sites

    assert sites["area_key"].tolist() == ["01", "02", "04"]
    assert sites.crs == "EPSG:4326"


def test_sites_with_xy_in_utm_land_in_their_squares(grid_dataset):
    sites = grid_dataset.sites

    assert sites["site_id"].tolist() == ["s1", "s2", "s3", "s4"]
    assert sites["area_key"].tolist() == ["01", "01", "04", None]


def test_sites_from_a_point_file_land_in_their_squares(grid_workspace, grid_origin):
    x0, y0 = grid_origin
    points = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
        "features": [
            {"type": "Feature", "properties": {"ID": sid, "Name": f"Ort {sid}", "Art": "qm"},
             "geometry": {"type": "Point", "coordinates": [x0 + dx, y0 + dy]}}
            for sid, dx, dy in (("p1", 500, 500), ("p2", 1500, 1500))],
    }
    (grid_workspace / "data" / "sites.geojson").write_text(json.dumps(points), encoding="utf-8")
    spec = grid_workspace / "layers" / "sites.toml"
    edit(spec, 'file = "data/sites.csv"', 'file = "data/sites.geojson"')
    edit(spec, 'geometry = "xy"\ncrs = "EPSG:25832"', 'geometry = "geometry"')
    edit(spec, 'x = "X"\ny = "Y"\n', "")

    sites = load(grid_workspace).sites

    assert sites["area_key"].tolist() == ["03", "02"]


def test_site_just_outside_every_area_is_kept_without_area_and_reported(grid_dataset):
    outside = grid_dataset.sites.set_index("site_id").loc["s4"]

    assert outside["area_key"] is None
    notices = [f for f in grid_dataset.report.of("notice") if f.layer == "sites"]
    assert len(notices) == 1
    assert notices[0].where == "s4"
    assert "1 site(s) outside every area kept, without an area: Außerhalb" in notices[0].message


def test_site_100_km_away_is_refused_with_a_swap_hint(grid_workspace, grid_origin):
    x0, y0 = grid_origin
    edit(sites_path(grid_workspace), f"s4;Außerhalb;kurs;{x0 - 300}", f"s4;Außerhalb;kurs;{x0 + 100_000}",
         encoding="utf-8-sig")

    error = data_error(grid_workspace)

    assert error.file == str(sites_path(grid_workspace).resolve())
    assert error.where == "site s4"
    assert "'Außerhalb'" in error.problem and "km from the nearest area" in error.problem
    assert "longitude and latitude swapped" in error.fix


def test_lonlat_given_as_latlon_is_refused(grid_workspace):
    write_sites(grid_workspace, "ID;Name;Art;Länge;Breite\ns1;Vertauscht;qm;49,48;8,40\n")
    spec = grid_workspace / "layers" / "sites.toml"
    edit(spec, 'geometry = "xy"\ncrs = "EPSG:25832"', 'geometry = "lonlat"')
    edit(spec, 'x = "X"\ny = "Y"', 'x = "Länge"\ny = "Breite"')

    error = data_error(grid_workspace)

    assert error.where == "site s1"
    assert "swapped" in error.fix


def test_lonlat_holding_metres_is_refused(grid_workspace):
    edit(grid_workspace / "layers" / "sites.toml", 'geometry = "xy"\ncrs = "EPSG:25832"',
         'geometry = "lonlat"')

    error = data_error(grid_workspace)

    assert error.where == "row 2"
    assert "which are not degrees" in error.problem


@pytest.mark.parametrize(("row", "role"), [(3, "name"), (4, "category")])
def test_site_without_name_or_category_names_the_row(grid_workspace, grid_origin, row, role):
    x0, y0 = grid_origin
    lines = ["ID;Name;Art;X;Y", f"s1;QM;qm;{x0 + 500};{y0 + 500}", f"s2;Kurs;kurs;{x0 + 600};{y0 + 500}",
             f"s3;Treff;qm;{x0 + 700};{y0 + 500}"]
    cells = lines[row - 1].split(";")
    cells[1 if role == "name" else 2] = ""
    lines[row - 1] = ";".join(cells)
    write_sites(grid_workspace, "\n".join(lines) + "\n")

    error = data_error(grid_workspace)

    assert error.file == str(sites_path(grid_workspace).resolve())
    assert error.where == f"row {row}"
    assert error.problem.startswith(f"has no {role}")


def test_site_without_coordinate_names_the_row(grid_workspace, grid_origin):
    edit(sites_path(grid_workspace), f"{grid_origin[0] + 250};", ";", encoding="utf-8-sig")

    error = data_error(grid_workspace)

    assert error.where == "row 3"
    assert "column 'X'" in error.problem


def test_duplicate_site_id_is_refused(grid_workspace):
    edit(sites_path(grid_workspace), "s3;", "s1;", encoding="utf-8-sig")

    error = data_error(grid_workspace)

    assert "the site id 's1' more than once" in error.problem
    assert error.where == "row 2, row 4"


def test_site_table_without_coordinate_setting_is_refused(grid_workspace):
    edit(grid_workspace / "layers" / "sites.toml", 'geometry = "xy"\n', "")
    edit(grid_workspace / "layers" / "sites.toml", 'x = "X"\ny = "Y"\n', "")

    error = data_error(grid_workspace)

    assert "is a table, so it has no point geometry" in error.problem


# --- zones ---


def zones_path(workspace: Path) -> Path:
    return workspace / "data" / "zones.geojson"


def test_zone_without_name_is_refused(grid_workspace):
    edit_features(zones_path(grid_workspace),
                  lambda c: c["features"][0]["properties"].update(name=""))

    error = data_error(grid_workspace)

    assert (error.where, error.problem) == ("feature 1", "has no name.")


def test_zone_with_a_since_that_is_no_year_is_refused(grid_workspace):
    edit_features(zones_path(grid_workspace),
                  lambda c: c["features"][0]["properties"].update(seit="seit jeher"))

    error = data_error(grid_workspace)

    assert error.where == "feature 1 (West)"
    assert "'seit jeher' as since year" in error.problem
