"""The Handlungsbedarf page without a browser: the view from the URL, filters, sort, downloads (2×2 grid).

2022 and 2023 only: for 2023 the MSS default base year (2021) has no data, so the
nearest year with data, 2022, is the base. alq 2022 → 2023: Nordwest 5 → 4, Nordost
10 → 8, Südwest 15 → 16, Südost 20 → 22.5; changes −1, −2, +1, +2.5 (mean 0.125,
SD 1.746): dynamics z −0.64 stabil, −1.22 positiv, +0.50 stabil, +1.36 negativ.
Status 2023: −1.21 hoch, −0.65 mittel, +0.47 mittel, +1.38 niedrig.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest

from geodash.web.figures import need as need_fig
from geodash.web.pages import handlungsbedarf as page
from geodash.web.state import ViewState


def view(dataset, query: str = "") -> need_fig.NeedView:
    return need_fig.need_view(dataset, ViewState.from_query(query, page="handlungsbedarf"))


def test_the_default_view_is_the_latest_year_against_the_nearest_base_year(grid_dataset):
    shown = view(grid_dataset)
    assert (shown.year, shown.base, shown.sort, shown.notes) == (2023, 2022, "-status_index", ())


def test_the_table_holds_status_dynamics_changes_offers_and_programme_by_hand(grid_dataset):
    table = need_fig.shown_table(grid_dataset, view(grid_dataset)).set_index("area_key")
    assert table["name"].tolist() == ["Südost", "Südwest", "Nordost", "Nordwest"]
    assert table["status_class"].tolist() == ["niedrig", "mittel", "mittel", "hoch"]
    assert table["dynamics_class"].tolist() == ["negativ", "stabil", "positiv", "stabil"]
    assert table["dynamics_index"].tolist() == pytest.approx([1.3606, 0.5013, -1.2174, -0.6445],
                                                             abs=1e-4)
    assert table["change_alq"].tolist() == [2.5, 1.0, -2.0, -1.0]
    assert table["worse_alq"].tolist() == [1, 1, -1, -1]
    # One QM office in Südost (4,000 residents), a QM office and a course in Nordwest (1,000).
    assert table.loc["04", "per1000_qm"] == pytest.approx(0.25)
    assert table.loc["01", "per1000_total"] == pytest.approx(2.0)
    # The zone "West" (since 2005) covers half of Nordwest and all of Südwest.
    assert table["programme_share"].tolist() == pytest.approx([0.0, 1.0, 0.0, 0.5])
    assert not table["gap"].any()  # Südost, the only niedrig area, has more offers than the median


@pytest.mark.parametrize(("query", "names"), [
    ("status=mittel", ["Südwest", "Nordost"]),
    ("status=mittel&dyn=positiv", ["Nordost"]),
    ("status=hoch,niedrig&sort=name", ["Nordwest", "Südost"]),
    ("programm=1&sort=-programme_share", ["Südwest", "Nordwest"]),
    ("sort=change_alq", ["Nordost", "Nordwest", "Südwest", "Südost"]),
    ("luecke=1", []),
])
def test_filters_and_sort_from_the_url(grid_dataset, query, names):
    assert need_fig.shown_table(grid_dataset, view(grid_dataset, query))["name"].tolist() == names


def test_unknown_url_values_are_named_with_what_is_shown_instead(grid_dataset):
    shown = view(grid_dataset, "jahr=1990&basis=abc&status=gross,mittel&dyn=x&luecke=ja&sort=y")
    assert shown.year == 2022 and shown.base is None and shown.status == ("mittel",)
    assert shown.notes == (
        "Für das Jahr 1990 gibt es keinen Statusindex; gezeigt wird 2022.",
        "Vor 2022 gibt es keine Werte der Indexindikatoren: keine Dynamik.",
        "Unbekannte Status-Klasse „gross“ ausgelassen; möglich sind: hoch, mittel, niedrig, "
        "sehr niedrig.",
        "Unbekannte Dynamik-Klasse „x“ ausgelassen; möglich sind: positiv, stabil, negativ.",
        "„luecke=ja“ wurde nicht verstanden (möglich: 1); der Filter ist aus.",
        "Nach „y“ lässt sich nicht sortieren; sortiert wird nach dem Statusindex.",
    )


def test_the_page_shows_the_notes_and_the_rule(grid_dataset):
    layout = page.layout(grid_dataset, ViewState.from_query("basis=1990", page="handlungsbedarf"))
    text = str(layout)
    assert "1990 kann nicht Basisjahr sein (für 2023 möglich: 2022); gezeigt wird 2022." in text
    assert "Status-Klasse „niedrig“ oder „sehr niedrig“" in text


def test_the_download_is_exactly_the_rows_and_columns_shown(grid_dataset):
    name, content = page.export_file(grid_dataset, "?status=mittel&sort=name", "csv")
    assert name == "handlungsbedarf_2023_2022.csv"
    table = pd.read_csv(io.BytesIO(content), sep=";", decimal=",", encoding="utf-8-sig",
                        dtype={"area_key": str})
    assert table["area_key"].tolist() == ["02", "03"]  # Nordost, Südwest by name
    assert list(table.columns) == ["area_key", *[f for f, _ in need_fig.columns(grid_dataset, "de")]]
    assert table["change_alq"].tolist() == [-2.0, 1.0] and table["gap"].tolist() == ["nein", "nein"]
    name, content = page.export_file(grid_dataset, "?status=mittel&lang=en", "xlsx")
    book = pd.read_excel(io.BytesIO(content), sheet_name=None, dtype={"area_key": str})
    assert list(book) == ["Data", "Metadata"]
    assert book["Data"]["status_class"].tolist() == ["medium", "medium"]


def test_grid_rows_carry_numbers_links_and_what_a_change_means(grid_dataset):
    shown = view(grid_dataset, "lang=en")
    rows = page.grid_rows(grid_dataset, need_fig.shown_table(grid_dataset, shown), shown, "en")
    fields = page.grid_fields(grid_dataset)
    first = rows[0]
    assert first["name"] == "Südost" and first["status_class"] == "low"
    assert first[fields["change_alq"]] == 2.5 and first[fields["change_alq"] + "w"] == 1
    assert "(</profil?gebiete=04&jahr=2023&lang=en>)" in first["links"]
    assert "(</?ind=status_index&gebiete=04&jahr=2023&lang=en>)" in first["links"]


def test_need_search_writes_only_what_changed_and_drops_a_base_year_after_the_year():
    assert page.need_search("?jahr=2023&basis=2022", year=2022) == "?jahr=2022"
    assert page.need_search("?basis=2019", base=2020) == "?basis=2020"
    assert page.need_search("?status=mittel", status=[]) == ""
    assert page.need_search("?lang=en", flags=["gap"]) == "?lang=en&luecke=1"
    assert page.need_search("?sort=name", sort="name") is None


def test_the_grid_sort_is_read_back_as_a_column_of_the_table(grid_dataset):
    fields = page.grid_fields(grid_dataset)
    state = [{"colId": fields["change_alq"], "sort": "asc", "sortIndex": 0}]
    assert page.sort_of(state, fields) == "change_alq"
    assert page.sort_of([{"colId": "nope", "sort": "asc"}], fields) is None


@pytest.mark.parametrize(("lang", "said"), [("de", "Keine Stadtteile passen zu diesen Filtern."),
                                            ("en", "No districts match these filters.")])
def test_an_empty_table_says_so_in_the_pages_language_not_in_ag_grids_english(grid_dataset, lang,
                                                                             said):
    shown = view(grid_dataset, f"status=sehr niedrig&lang={lang}")
    table = need_fig.shown_table(grid_dataset, shown)
    grid = page.build_grid(grid_dataset, shown, table, lang)
    assert table.empty
    assert grid.dashGridOptions["localeText"]["noRowsToShow"] == said
