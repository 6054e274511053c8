"""What leaves geodash as a file is safe: no formula runs in Excel, no suppressed value escapes.

Formula injection: every exported layer's CSV, plain and for German Excel,
prefixes text cells that start with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return with an apostrophe, and leaves numbers as numbers.

Confidentiality: in a workspace with ``min_cases = 3``, the unemployment rate
of Nordwest (93,7 %, on 2 cases) must not be in any export format, in any
download of the Daten page, nor in the HTML map, which shows "vertraulich".
The value is searched as text (``93.7``, ``93,7``) and as the 8 bytes of a
double, as GeoPackage and Parquet store it.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import struct

import pytest
from conftest import X0, Y0, make_grid_workspace

from geodash.catalog import load_catalog
from geodash.dataset import build_dataset
from geodash.export import LAYERS, build_layer, layer_bytes
from geodash.export.formats import FORMULA_START
from geodash.export.html_map import html_map, read_map_data
from geodash.web.pages import data as data_page
from geodash.web.state import ViewState

HYPERLINK = '=HYPERLINK("http://x")'


def cells(raw: bytes, german: bool) -> list[list[str]]:
    text = raw.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";" if german else ","))


def is_number(cell: str, german: bool) -> bool:
    try:
        float(cell.replace(",", ".") if german else cell)
    except ValueError:
        return False
    return True


def formula_cells(table: list[list[str]], german: bool) -> list[str]:
    """Cells that Excel would run: text starting with a formula character."""
    return [cell for row in table for cell in row
            if cell.startswith(FORMULA_START) and not is_number(cell, german)]


# --- formula injection ---


@pytest.fixture(scope="module")
def formula_dataset(tmp_path_factory):
    """The grid with formula-like names in every text column that reaches an export."""
    ws = make_grid_workspace(tmp_path_factory.mktemp("formulas") / "grid")
    grid = ws / "data" / "grid.geojson"
    collection = json.loads(grid.read_text(encoding="utf-8"))
    collection["features"][0]["properties"]["name"] = HYPERLINK
    collection["features"][1]["properties"]["bezirk"] = "@SUMME(A1)"
    grid.write_text(json.dumps(collection), encoding="utf-8")
    zones = ws / "data" / "zones.geojson"
    collection = json.loads(zones.read_text(encoding="utf-8"))
    collection["features"][0]["properties"]["name"] = "+Zone West"
    zones.write_text(json.dumps(collection), encoding="utf-8")
    spec = ws / "layers" / "zones.toml"
    spec.write_text(spec.read_text(encoding="utf-8").replace('"Soziale Stadt"', '"-Soziale Stadt"'),
                    encoding="utf-8")
    rows = ["ID;Name;Art;X;Y;Programm;Adresse;Kontakt",
            f'"s1";"{HYPERLINK.replace(chr(34), chr(34) * 2)}";qm;{X0 + 500};{Y0 + 1500};-ESF;'
            "+49 621 504;@stadt",
            f"s2;Kurs Nordwest;-kurs;{X0 + 250};{Y0 + 1750};;;",
            f"s3;QM Südost;qm;{X0 + 1500};{Y0 + 500};;;"]
    (ws / "data" / "sites.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    spec = ws / "layers" / "sites.toml"
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        'y = "Y"', 'y = "Y"\nprogramme = "Programm"\naddress = "Adresse"\ncontact = "Kontakt"'),
        encoding="utf-8")
    return build_dataset(load_catalog(ws))


def test_the_formula_workspace_holds_every_formula_start(formula_dataset):
    ds = formula_dataset
    texts = {*ds.areas["name"], *ds.areas["parent"], *ds.zones["name"], *ds.zones["programme"],
             *ds.sites["name"], *ds.sites["category"], *ds.sites["programme"], *ds.sites["address"],
             *ds.sites["contact"]}
    assert {t[0] for t in texts if t} >= {"=", "+", "-", "@"}


@pytest.mark.parametrize("german", [False, True], ids=["plain", "german"])
@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_every_layer_csv_neutralises_formula_cells(formula_dataset, layer, german):
    table = cells(layer_bytes(build_layer(formula_dataset, layer), "csv", german=german), german)

    assert formula_cells(table, german) == []
    flat = {cell for row in table for cell in row}
    expected = {"districts": {"'" + HYPERLINK, "'@SUMME(A1)", "'+Zone West"},
                "sites": {"'" + HYPERLINK, "'-ESF", "'+49 621 504", "'@stadt", "'-kurs"},
                "zones": {"'+Zone West", "'-Soziale Stadt"},
                "indicators": {"'" + HYPERLINK},
                "catchments": {"'-kurs"},
                "coverage": {"'" + HYPERLINK, "'-kurs"}}[layer]
    assert expected <= flat


@pytest.mark.parametrize("german", [False, True], ids=["plain", "german"])
def test_numbers_stay_numbers_in_the_csv(formula_dataset, german):
    table = cells(layer_bytes(build_layer(formula_dataset, "districts", 2023), "csv", german=german),
                  german)
    header, rows = table[0], table[1:]
    by_key = {row[header.index("key")]: row for row in rows}

    assert by_key["04"][header.index("alq")] == ("22,5" if german else "22.5")
    assert is_number(by_key["01"][header.index("population")], german)
    negative = [row[header.index("status_index")] for row in rows
                if row[header.index("status_index")].startswith("-")]
    assert negative and all(is_number(cell, german) for cell in negative)


@pytest.mark.parametrize("german", [False, True], ids=["plain", "german"])
@pytest.mark.parametrize("layer", ["districts", "sites"])
def test_tab_and_carriage_return_starts_are_neutralised_too(formula_dataset, layer, german):
    # The readers strip cells, so these only reach an export from a Dataset built otherwise.
    ds = formula_dataset
    ds = dataclasses.replace(
        ds, areas=ds.areas.assign(name=["\tTab", "\r=1+1", "Südwest", "Südost"]),
        sites=ds.sites.assign(name=["\t=1", "\rCR", "QM Südost"]))
    table = cells(layer_bytes(build_layer(ds, layer), "csv", german=german), german)

    assert formula_cells(table, german) == []
    flat = {cell for row in table for cell in row}
    assert ({"'\tTab", "'\r=1+1"} if layer == "districts" else {"'\t=1", "'\rCR"}) <= flat


# --- confidentiality ---

CASES_CSV = (
    "Nr;Jahr;Arbeitslosenquote;Fälle;Kinder\n"
    "01;2023;93,7;2;1.100\n"    # 2 cases < 3: suppressed
    "02;2023;8,0;40;2\n"        # a count of 2 children: suppressed
    "03;2023;16,0;55;500\n"
    "04;2023;22,5;80;2.100\n"
)
SECRET = 93.7
SECRET_FORMS = [b"93.7", b"93,7", struct.pack("<d", SECRET), struct.pack(">d", SECRET)]
SHOWN = 22.5  # Südost's rate is not suppressed: the same search finds it
SHOWN_FORMS = [b"22.5", b"22,5", struct.pack("<d", SHOWN), struct.pack(">d", SHOWN)]


@pytest.fixture(scope="module")
def confidential_dataset(tmp_path_factory):
    ws = make_grid_workspace(tmp_path_factory.mktemp("confidential") / "grid")
    (ws / "data" / "ind.csv").write_bytes(CASES_CSV.encode("cp1252"))
    spec = ws / "layers" / "indicators.toml"
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        'column = "Arbeitslosenquote"', 'column = "Arbeitslosenquote"\ncases = "Fälle"'), encoding="utf-8")
    (ws / "layers" / "workspace.toml").write_text('kind = "workspace"\nmin_cases = 3\n', encoding="utf-8")
    return build_dataset(load_catalog(ws))


def leaks(content: bytes) -> list[bytes]:
    return [form for form in SECRET_FORMS if form in content]


def decoded_values(content: bytes, fmt: str, tmp_path) -> set:
    """Every cell of a binary export, read back (its pages may be compressed)."""
    import geopandas as gpd
    import pandas as pd

    path = tmp_path / f"export.{fmt}"
    path.write_bytes(content)
    if fmt == "xlsx":  # every sheet: the data and the metadata
        frame = pd.concat(pd.read_excel(path, sheet_name=None).values(), ignore_index=True)
    else:
        frame = gpd.read_file(path) if fmt == "gpkg" else pd.read_parquet(path)
    frame = frame.drop(columns=[c for c in ("geometry",) if c in frame])
    return {v for column in frame.columns for v in frame[column].tolist()}


def test_the_confidential_workspace_suppresses_the_value(confidential_dataset):
    table = confidential_dataset.indicators.set_index(["area_key", "indicator"])
    assert table.loc[("01", "alq"), "suppressed"] and table.loc[("02", "kinder"), "suppressed"]


EXPORTS = [(layer, fmt, german) for layer in ("districts", "indicators")
           for fmt, german in (("geojson", False), ("gpkg", False), ("csv", False), ("csv", True),
                               ("parquet", False), ("xlsx", False))
           if not (layer == "indicators" and fmt in ("geojson", "gpkg"))]


EXPORT_IDS = [f"{layer}-{fmt}{'-german' if german else ''}" for layer, fmt, german in EXPORTS]


@pytest.mark.parametrize(("layer", "fmt", "german"), EXPORTS, ids=EXPORT_IDS)
def test_no_export_format_holds_a_suppressed_value(confidential_dataset, layer, fmt, german, tmp_path):
    content = layer_bytes(build_layer(confidential_dataset, layer, 2023), fmt, german=german)

    assert leaks(content) == []
    if fmt in ("gpkg", "parquet", "xlsx"):
        values = decoded_values(content, fmt, tmp_path)
        assert SECRET not in values
        assert SHOWN in values  # the search would find a value
    else:
        assert any(form in content for form in SHOWN_FORMS)  # the search would find a value


def test_suppressed_values_are_empty_in_the_geojson(confidential_dataset):
    content = layer_bytes(build_layer(confidential_dataset, "districts", 2023), "geojson")
    props = {f["properties"]["key"]: f["properties"] for f in json.loads(content)["features"]}

    assert props["01"]["alq"] is None and props["02"]["kinder"] is None
    assert props["04"]["alq"] == SHOWN


@pytest.mark.parametrize("item", [*data_page.DOWNLOADS, data_page.MAP_HTML])
def test_no_daten_page_download_holds_a_suppressed_value(confidential_dataset, item):
    name, content = data_page.export_file(confidential_dataset, ViewState(indicator="alq", year=2023), item)

    assert leaks(content) == [], name


@pytest.mark.parametrize(("lang", "word"), [("de", "vertraulich"), ("en", "confidential")])
def test_html_map_shows_a_suppressed_value_as_vertraulich(confidential_dataset, lang, word):
    page = html_map(confidential_dataset, ViewState(indicator="alq", year=2023, lang=lang))

    assert leaks(page.encode("utf-8")) == []
    areas = read_map_data(page)["areas"]
    values = dict(zip(areas["key"], areas["value"], strict=True))
    assert values["01"] == word
    assert values["04"] == ("22,5 %" if lang == "de" else "22.5 %")
