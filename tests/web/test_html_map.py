"""Names and texts from the data stay text: in the standalone HTML map and in the Daten page's tables.

The hostile workspace is the 2×2 grid with markup in every text a user can
write: a district, a site, its programme and address, a site category, a zone,
an indicator label, the workspace title and note. Leaflet puts tooltip,
popup and layer names into ``innerHTML``, so each of them must reach the file
HTML-escaped; the Daten page hands them to React, which renders text.
"""

from __future__ import annotations

import html
import json
import re

import pytest
from bs4 import BeautifulSoup
from conftest import X0, Y0
from dash_tree import walk
from hypothesis import given
from hypothesis import strategies as st

from geodash.catalog import load_catalog
from geodash.dataset import build_dataset
from geodash.web.figures.html_map import escape, escape_texts, html_map, read_map_data
from geodash.web.pages import data as data_page
from geodash.web.state import ViewState

DISTRICT = "<img src=x onerror=alert(1)>"
SITE = "<script>alert(1)</script>"
OUTSIDE = "<script>alert(7)</script>"  # the site outside every area: also named in the report
ADDRESS = """Bahnhofstr. 1 "Hinterhaus" l'entrée & Hof"""
PROGRAMME = "<b onmouseover=alert(3)>ESF</b>"
CATEGORY = "<i onclick=alert(4)>QM</i>"
ZONE = "<svg onload=alert(2)>"
LABEL = "<u onclick=alert(5)>Arbeitslosenquote</u>"
TITLE = "<h1>Titel</h1>"
NOTE = "</div><script>alert(6)</script>"
HOSTILE = [DISTRICT, SITE, OUTSIDE, ADDRESS, PROGRAMME, CATEGORY, ZONE, LABEL, TITLE, NOTE]


def toml_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid TOML basic string


@pytest.fixture(scope="module")
def hostile_dataset(tmp_path_factory):
    from conftest import make_grid_workspace

    ws = make_grid_workspace(tmp_path_factory.mktemp("hostile") / "grid")
    grid = ws / "data" / "grid.geojson"
    collection = json.loads(grid.read_text(encoding="utf-8"))
    collection["features"][0]["properties"]["name"] = DISTRICT
    grid.write_text(json.dumps(collection), encoding="utf-8")

    quoted = '"' + ADDRESS.replace('"', '""') + '"'  # CSV quoting of a cell with quotes
    rows = ["ID;Name;Art;X;Y;Programm;Adresse",
            f"s1;{SITE};qm;{X0 + 500};{Y0 + 1500};{PROGRAMME};{quoted}",
            f"s2;Kurs Nordwest;kurs;{X0 + 250};{Y0 + 1750};;",
            f"s4;{OUTSIDE};kurs;{X0 - 300};{Y0 + 500};;"]
    (ws / "data" / "sites.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    sites = ws / "layers" / "sites.toml"
    text = sites.read_text(encoding="utf-8").replace('y = "Y"', 'y = "Y"\nprogramme = "Programm"\n'
                                                                'address = "Adresse"')
    text = text.replace('de = "Quartiersmanagement"', f"de = {toml_string(CATEGORY)}")
    sites.write_text(text, encoding="utf-8")

    zones = ws / "data" / "zones.geojson"
    collection = json.loads(zones.read_text(encoding="utf-8"))
    collection["features"][0]["properties"]["name"] = ZONE
    zones.write_text(json.dumps(collection), encoding="utf-8")

    indicators = ws / "layers" / "indicators.toml"
    indicators.write_text(indicators.read_text(encoding="utf-8").replace(
        'de = "Arbeitslosenquote"', f"de = {toml_string(LABEL)}"), encoding="utf-8")
    (ws / "layers" / "workspace.toml").write_text(
        f'kind = "workspace"\ntitle = {toml_string(TITLE)}\nnotes = {toml_string(NOTE)}\n',
        encoding="utf-8")
    return build_dataset(load_catalog(ws))


@pytest.fixture(scope="module")
def hostile_map(hostile_dataset) -> str:
    return html_map(hostile_dataset, ViewState(indicator="alq", year=2023))


def test_the_hostile_workspace_holds_every_hostile_text(hostile_dataset):
    ds = hostile_dataset
    assert DISTRICT in ds.areas["name"].tolist()
    assert {SITE, OUTSIDE} <= set(ds.sites["name"])
    assert ADDRESS in ds.sites["address"].tolist() and PROGRAMME in ds.sites["programme"].tolist()
    assert ds.category_label("qm") == CATEGORY and ds.zones["name"].tolist() == [ZONE]
    assert ds.indicator_meta["alq"].label.get("de") == LABEL


def test_html_map_holds_no_markup_from_the_data(hostile_map):
    soup = BeautifulSoup(hostile_map, "html.parser")

    assert soup.find("img", src="x") is None
    assert soup.find(["svg", "h1", "b", "i", "u"]) is None
    assert not soup.find_all(lambda tag: any(name.startswith("on") for name in tag.attrs))
    injected = [s for s in soup.find_all("script") if re.fullmatch(r"\s*alert\(\d\)\s*", s.get_text())]
    assert injected == []
    for text in HOSTILE:
        assert text not in hostile_map


def leaflet_texts(page: str) -> list[str]:
    """Every text the file hands to Leaflet, which shows it through innerHTML.

    The areas' and sites' columns (tooltips and popups), the zones' names, the
    popups' field names and the layer switch's names, as embedded in the page.
    """
    data = read_map_data(page)
    texts = [v for column in data["areas"].values() if column and isinstance(column[0], str)
             for v in column]
    for layer in data["sites"]:
        texts += [layer["label"], *layer["name"], *layer["programme"], *layer["address"]]
    texts += [f["properties"]["name"] for f in (data["zones"] or {"features": []})["features"]]
    texts += list(data["texts"].values())
    return texts


def test_what_leaflet_shows_is_escaped_text(hostile_map):
    texts = leaflet_texts(hostile_map)

    for text in texts:
        # No tag, no quote that could end an attribute: innerHTML makes it text.
        assert not re.search(r"[<>\"']", text), text
        assert BeautifulSoup(text, "html.parser").find() is None
    shown = {html.unescape(text) for text in texts}
    assert {DISTRICT, SITE, ADDRESS, PROGRAMME, CATEGORY, ZONE, LABEL} <= shown
    assert "&lt;img src=x onerror=alert(1)&gt;" in texts
    assert "Bahnhofstr. 1 &quot;Hinterhaus&quot; l&#x27;entrée &amp; Hof" in texts


def test_html_map_legend_shows_label_title_and_note_as_text(hostile_map):
    legend = BeautifulSoup(hostile_map, "html.parser").select_one(".geodash-legend")

    text = legend.get_text()
    assert LABEL in text and TITLE in text and NOTE in text
    assert {tag.name for tag in legend.find_all()} <= {"div", "span", "strong", "p"}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_daten_page_hands_every_text_to_react_as_text(hostile_dataset, lang):
    page = data_page.layout(hostile_dataset, ViewState(indicator="alq", lang=lang))

    parts = list(walk(page))
    strings = [p for p in parts if isinstance(p, str)]
    components = [p for p in parts if not isinstance(p, str)]
    assert not any("dangerously_allow_html" in getattr(c, "_prop_names", ()) for c in components)
    assert not any(hasattr(c, "dangerouslySetInnerHTML") for c in components)
    assert (LABEL if lang == "de" else "Unemployment rate") in strings  # the indicator table
    assert NOTE in strings  # the data note
    assert any(OUTSIDE in s for s in strings)  # the validation report names the site


@given(st.lists(st.one_of(st.none(), st.text(alphabet=st.sampled_from("<>&\"'`$\\ aä;=\n")))))
def test_escaping_a_column_at_once_equals_escaping_each_text(texts):
    assert escape_texts(texts) == [escape(t) for t in texts]
