"""Downloads that stand alone: labels and units beside every table, and all years as one long table.

The 2×2 grid by hand (tests/conftest.py): ``alq`` (%) is 5.0 / 10.0 / 15.0 / 20.0 in 2022 and
4.0 / 8.0 / 16.0 / 22.5 in 2023 for Nordwest (01), Nordost (02), Südwest (03), Südost (04);
``kinder`` (Anzahl) is 1200 / 300 / 450 / 2000 in 2022 and 1100 / – / 500 / 2100 in 2023.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from geodash.cli import main
from geodash.export import build_layer, column_table, companion_bytes, layer_bytes, write_layer
from geodash.web.pages import data as data_page
from geodash.web.state import ViewState

BY_HAND = {("01", "alq", 2022): 5.0, ("01", "alq", 2023): 4.0,
           ("04", "alq", 2022): 20.0, ("04", "alq", 2023): 22.5,
           ("01", "kinder", 2022): 1200.0, ("01", "kinder", 2023): 1100.0,
           ("04", "kinder", 2022): 2000.0, ("04", "kinder", 2023): 2100.0}


def test_the_long_table_holds_every_year_with_label_and_unit(grid_dataset):
    long = build_layer(grid_dataset, "indicators")

    assert list(long.columns) == ["area_key", "area_name", "indicator", "label", "label_en", "unit",
                                  "year", "value", "suppressed"]
    rows = long.set_index(["area_key", "indicator", "year"])
    for (key, ind, year), value in BY_HAND.items():
        assert rows.loc[(key, ind, year), "value"] == value
    assert rows.loc[("04", "alq", 2023), ["area_name", "label", "label_en", "unit"]].tolist() == [
        "Südost", "Arbeitslosenquote", "Unemployment rate", "%"]
    assert rows.loc[("04", "kinder", 2022), "unit"] == "Anzahl"
    assert sorted(long["year"].unique().tolist()) == [2022, 2023]


@pytest.mark.parametrize("year", [2022, 2023])
def test_long_values_equal_the_wide_tables_values_of_each_year(grid_dataset, year):
    long = build_layer(grid_dataset, "indicators").set_index(["area_key", "indicator", "year"])
    wide = build_layer(grid_dataset, "districts", year).set_index("key")
    for key in ("01", "04"):
        for ind in ("alq", "kinder"):
            assert long.loc[(key, ind, year), "value"] == wide.loc[key, ind] == BY_HAND[(key, ind, year)]


@pytest.mark.parametrize(("lang", "sheets", "polarity"), [
    ("de", ["Daten", "Metadaten"], "hoher Wert = mehr Bedarf"),
    ("en", ["Data", "Metadata"], "high value = more need")])
def test_xlsx_has_a_metadata_sheet_with_label_unit_source_years_and_polarity(grid_dataset, lang, sheets,
                                                                            polarity):
    content = layer_bytes(build_layer(grid_dataset, "districts", 2023), "xlsx", lang=lang)
    book = pd.read_excel(io.BytesIO(content), sheet_name=None, dtype={"key": str})
    meta = pd.read_excel(io.BytesIO(content), sheet_name=sheets[1], dtype=str).fillna("")

    assert list(book) == sheets
    data = book[sheets[0]]
    assert data.set_index("key").loc["04", "alq"] == 22.5
    alq = meta.set_index(meta.columns[0]).loc["alq"].tolist()
    label = "Arbeitslosenquote" if lang == "de" else "Unemployment rate"
    assert alq == [label, "%", "", "2023", polarity, ""]
    assert meta.columns.tolist() == (["Spalte", "Bezeichnung", "Einheit", "Quelle", "Jahr(e)", "Richtung",
                                      "Hinweis"] if lang == "de" else
                                     ["Column", "Label", "Unit", "Source", "Year(s)", "Direction", "Note"])
    assert "key" in meta.iloc[:, 0].tolist() and "share500_any" in meta.iloc[:, 0].tolist()


def test_the_long_tables_metadata_describes_each_indicator_over_its_years(grid_dataset):
    meta = column_table(build_layer(grid_dataset, "indicators"), "de").set_index("Spalte")
    assert meta.loc["alq", ["Bezeichnung", "Einheit", "Jahr(e)"]].tolist() == ["Arbeitslosenquote", "%",
                                                                               "2022–2023"]
    assert meta.loc["value", "Bezeichnung"] == "Wert (in der Einheit der Zeile)"


def test_the_metadata_says_how_many_values_were_suppressed(grid_workspace):
    from geodash.catalog import load_catalog
    from geodash.dataset import build_dataset

    (grid_workspace / "layers" / "workspace.toml").write_text('kind = "workspace"\nmin_cases = 400\n',
                                                              encoding="utf-8")
    dataset = build_dataset(load_catalog(grid_workspace))
    # Counts below 400: Nordost's 300 children in 2022 (2023 has no value): one suppressed value.
    meta = column_table(build_layer(dataset, "indicators"), "de").set_index("Spalte")
    assert meta.loc["kinder", "Hinweis"] == ("Werte, die auf weniger als 400 Fällen beruhen, sind "
                                             "unterdrückt (leer); hier 1.")
    assert meta.loc["alq", "Hinweis"] == ""


def test_the_daten_page_csv_companion_is_the_file_the_cli_writes(grid_dataset, tmp_path):
    name, content = data_page.export_file(grid_dataset, ViewState(year=2023), "districts-columns")
    write_layer(build_layer(grid_dataset, "districts", 2023), tmp_path / "stadtteile_2023.csv", "csv")

    assert name == "stadtteile_2023.csv.columns.csv"
    assert content == (tmp_path / "stadtteile_2023.csv.columns.csv").read_bytes()
    rows = {r["column"]: r for r in csv.DictReader(io.StringIO(content.decode("utf-8-sig")))}
    assert (rows["alq"]["label_de"], rows["alq"]["unit"], rows["alq"]["years"]) == (
        "Arbeitslosenquote", "%", "2023")
    assert rows["per1000_qm"]["unit"] == "je 1.000 EW"


@pytest.mark.parametrize(("item", "name"), [
    ("indicators-csv", "indikatoren_alle_jahre.csv"),
    ("indicators-xlsx", "indikatoren_alle_jahre.xlsx"),
    ("indicators-columns", "indikatoren_alle_jahre.csv.columns.csv"),
    ("districts-xlsx", "stadtteile_2022.xlsx")])
def test_the_daten_page_offers_the_long_table_and_excel(grid_dataset, item, name):
    got, content = data_page.export_file(grid_dataset, ViewState(year=2022), item)
    assert got == name and content


def test_the_daten_page_long_csv_holds_both_years(grid_dataset):
    _, content = data_page.export_file(grid_dataset, ViewState(year=2022), "indicators-csv")
    table = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", dtype={"area_key": str})
    rows = table.set_index(["area_key", "indicator", "year"])["value"]
    assert {k: rows.loc[k] for k in BY_HAND} == BY_HAND
    assert companion_bytes(build_layer(grid_dataset, "indicators"))


def test_cli_exports_every_year_as_a_long_xlsx(grid_workspace, tmp_path, monkeypatch):
    monkeypatch.setenv("GEODASH_CACHE", str(tmp_path / "cache"))
    target = tmp_path / "alle.xlsx"
    assert main(["export", "indicators", str(grid_workspace), "--all-years", "-f", "xlsx",
                 "-o", str(target)]) == 0
    book = pd.read_excel(target, sheet_name=None, dtype={"area_key": str})
    assert list(book) == ["Daten", "Metadaten"]
    rows = book["Daten"].set_index(["area_key", "indicator", "year"])["value"]
    assert {k: rows.loc[k] for k in BY_HAND} == BY_HAND


def test_cli_refuses_all_years_for_a_one_year_layer(grid_workspace, capsys):
    assert main(["export", "districts", str(grid_workspace), "--all-years"]) == 2
    assert "--all-years" in capsys.readouterr().err
