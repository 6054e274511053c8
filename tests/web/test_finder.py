"""The public offer finder without a browser: page content, URL, languages, privacy, --public."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from dash._utils import to_json

from geodash.catalog import load_catalog
from geodash.dataset import build_dataset
from geodash.web.public import i18n
from geodash.web.public.app import PREFIX, QueryStripFilter, create_public_app, page_for
from geodash.web.public.query import FinderQuery
from geodash.web.public.search import address_index
from tests.finder_workspace import make_finder_workspace

LANGS = ("de", "en", "tr", "ar", "ru", "uk")


@pytest.fixture(scope="module")
def finder_dataset(tmp_path_factory):
    return build_dataset(load_catalog(make_finder_workspace(tmp_path_factory.mktemp("finder") / "ws")))


def text_of(component) -> str:
    """Every text and property of a component tree, as readable JSON (Umlauts and Arabic as such)."""
    return json.dumps(json.loads(to_json(component)), ensure_ascii=False)


def offers_listed(page: dict) -> list[tuple[str, int]]:
    """(site id, distance in m) of the listed offers, in list order, from the page's JSON."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            props = node.get("props", {})
            if "data-site-id" in props:
                found.append((props["data-site-id"], int(props["data-distance-m"])))
            for value in props.values():
                walk(value)
            return
        if isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads(to_json(page["content"])))
    return found


def test_a_misspelt_address_lists_the_nearest_running_offers(finder_dataset):
    page = page_for(finder_dataset, PREFIX, "?adresse=Ludwigstrase+2&anzahl=10", year=2025)
    # By hand (tests/finder_workspace.py): 200, 500, 600, 900, 1000 m; o5 ended in 2015.
    assert offers_listed(page) == [("o2", 200), ("o1", 500), ("o4", 600), ("o6", 900), ("o3", 1000)]
    assert "Ludwigstraße 2, 67059" in text_of(page["content"])
    assert "Luftlinie" in text_of(page["content"])


def test_free_turkish_counselling_three_nearest(finder_dataset):
    page = page_for(finder_dataset, PREFIX,
                    "?adresse=Bgm-Gr%C3%BCnzweig-Str+35&kat=mbe&sprache=tr&kostenlos=1&anzahl=3", year=2025)
    # From (x0+400, y0+400): o3 at (0, -200) = 200 m; o1 at (900, 1000) = 1345.4 m.
    assert offers_listed(page) == [("o3", 200), ("o1", 1345)]


def test_a_district_or_a_point_is_a_place_too(finder_dataset):
    by_area = page_for(finder_dataset, PREFIX, "?gebiet=01&anzahl=3", year=2025)
    # Measured from the middle of the Nordwest square (x0+500, y0+1500): o2 at (500, -300) is
    # 583.1 m away, o6 at (-400, -500) 640.3 m, o1 at (800, -100) 806.2 m.
    assert offers_listed(by_area) == [("o2", 583), ("o6", 640), ("o1", 806)]
    # A click at the grid's centre gives what Ludwigstraße 2 gives.
    centre = address_index(finder_dataset).search("Ludwigstraße 2")[0]
    by_point = page_for(finder_dataset, PREFIX, f"?punkt={centre.lat:.6f},{centre.lon:.6f}&anzahl=3",
                        year=2025)
    assert offers_listed(by_point) == [("o2", 200), ("o1", 500), ("o4", 600)]


def test_an_unknown_address_says_so_without_listing(finder_dataset):
    page = page_for(finder_dataset, PREFIX, "?adresse=Xylophonweg+9", year=2025)
    assert offers_listed(page) == []
    assert "nicht gefunden" in text_of(page["content"])


def test_arabic_page_is_right_to_left_with_arabic_texts_and_the_offer_translation(finder_dataset):
    page = page_for(finder_dataset, PREFIX, "?adresse=Ludwigstrasse+2&lang=ar&anzahl=10", year=2025)
    assert page["document"]["lang"] == "ar" and page["document"]["dir"] == "rtl"
    content = text_of(page["content"])
    assert "أقرب الخدمات" in content  # "the nearest offers"
    assert "نادي الشباب الغربي" in content  # the workspace's own Arabic name of o6
    assert "استشارات الهجرة" in content  # the spec's Arabic label of the category mbe


def test_the_url_keeps_the_search(finder_dataset):
    query = FinderQuery(address="Ludwigstraße 2", categories=("mbe",), language="tr", free_only=True,
                        count=3, lang="tr")
    again = FinderQuery.from_query(query.to_query(), LANGS)
    assert again == query


def test_every_text_of_the_page_is_in_the_template_and_every_catalogue():
    code = {m for _f, _l, m, _c, _x in extract_from_dir(
        Path(i18n.__file__).parent, method_map=[("**.py", "python")], keywords={"_": None, "N_": None})}
    with (i18n.BUILTIN / "finder.pot").open("rb") as handle:
        template = {str(m.id) for m in read_po(handle) if m.id}
    assert code == template, "run the extraction again and update finder.pot and the .po files"
    for lang in LANGS:
        with (i18n.BUILTIN / lang / "LC_MESSAGES" / "finder.po").open("rb") as handle:
            catalogue = read_po(handle)
        ids = {str(m.id) for m in catalogue if m.id}
        assert ids == template, lang
        if lang != "de":
            untranslated = [m.id for m in catalogue if m.id and not m.string]
            assert untranslated == [], lang
            for message in catalogue:
                if message.id:  # placeholders kept
                    assert message.id.count("{") == message.string.count("{"), (lang, message.id)


def test_a_city_adds_a_language_with_one_po_file_and_missing_texts_show_in_german(finder_dataset, tmp_path):
    workspace = Path(finder_dataset.workspace)
    folder = workspace / "locale" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "finder.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Angebote in Ihrer Nähe"\nmsgstr "Offres près de chez vous"\n', encoding="utf-8")
    try:
        assert "fr" in i18n.available_languages(workspace)
        page = page_for(finder_dataset, PREFIX, "?lang=fr", year=2025)
        content = json.loads(to_json(page["content"]))
        shown = json.dumps(content, ensure_ascii=False)
        assert "Offres près de chez vous" in shown
        assert "Angebote suchen" in shown  # untranslated: German, never a key
        assert "noch nicht übersetzt" in shown
        assert page["document"]["lang"] == "fr"
    finally:
        (folder / "finder.po").unlink()


def test_the_access_log_never_holds_a_typed_address(finder_dataset, caplog):
    app = create_public_app(finder_dataset)
    record = logging.LogRecord("werkzeug", logging.INFO, "", 0, '%s - - [%s] "%s" %s %s',
                               ("127.0.0.1", "now", "GET /angebote/?adresse=Ludwigstra%C3%9Fe+2&lang=tr "
                                "HTTP/1.1", "200", "-"), None)
    for handler_filter in logging.getLogger("werkzeug").filters:
        handler_filter.filter(record)
    assert "adresse" not in record.getMessage() and "/angebote/ HTTP/1.1" in record.getMessage()
    assert any(isinstance(f, QueryStripFilter) for f in logging.getLogger("werkzeug").filters)
    response = app.server.test_client().get("/angebote/?adresse=Ludwigstrasse+2&lang=ar")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert b'<html lang="ar" dir="rtl">' in response.data


def test_public_serves_only_the_finder_and_its_legal_notice(finder_dataset):
    app = create_public_app(finder_dataset)
    client = app.server.test_client()
    assert client.get("/").headers["Location"].endswith(PREFIX)
    assert client.get("/angebote/impressum").status_code == 200
    rules = {r.rule for r in app.server.url_map.iter_rules()}
    assert not any(r.startswith("/_geodash") or r == "/_dash-update-component" for r in rules)
    outputs = {str(cb.get("output")) for cb in app.callback_map.values()} | set(app.callback_map)
    assert not any("karte" in o or "daten" in o or "upload" in o for o in outputs)
    layout = client.get("/angebote/_dash-layout").get_data(as_text=True)
    assert "upload" not in layout.lower()


def test_the_page_loads_nothing_from_elsewhere(finder_dataset):
    app = create_public_app(finder_dataset)
    client = app.server.test_client()
    index = client.get("/angebote/?lang=tr").get_data(as_text=True)
    page = page_for(finder_dataset, PREFIX, "?adresse=Ludwigstrasse+2", year=2025)
    everything = index + to_json(page["content"]) + to_json(page["header"]) + to_json(page["footer"])
    # Links the visitor may follow are fine; nothing is embedded from another host.
    for marker in ("<script src=\"http", "<link href=\"http", "tile.openstreetmap", "unpkg.com", "cdn."):
        assert marker not in everything


def test_the_legal_notice_shows_the_citys_texts_and_what_the_page_does(finder_dataset):
    page = page_for(finder_dataset, PREFIX + "impressum", "?lang=en", year=2025)
    shown = json.dumps(json.loads(to_json(page["content"])), ensure_ascii=False)
    assert "City of Gitterstadt" in shown
    assert "Verantwortlich: Stadt Gitterstadt" in shown  # no English text: German, marked as such
    assert "neither stored nor logged" in shown


def test_the_data_page_lists_what_each_offer_lacks(finder_dataset):
    from geodash.web.pages import data as data_page
    from geodash.web.state import ViewState

    shown = text_of(data_page.layout(finder_dataset, ViewState(page="daten")))
    assert data_page.OFFERS_TABLE in shown
    # o3 has no opening hours; o2 no contact (no phone, no e-mail); every offer has the rest.
    table = json.loads(to_json(data_page._offer_gaps(finder_dataset, "de")))
    rows = {r["props"]["children"][0]["props"]["children"]: r["props"]["children"][3]["props"]["children"]
            for r in table["props"]["children"][2]["props"]["children"][1]["props"]["children"]}
    assert rows["o3"] == "Öffnungszeiten" and rows["o2"] == "Kontakt"


def test_gunicorn_logs_paths_without_query_strings():
    import runpy

    config = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    fmt = config["access_log_format"]
    # %(r)s is the request line with the query, %(q)s the query itself, %(f)s the referer (which
    # holds the query of the page a request came from); %(U)s is the path alone.
    assert "%(U)s" in fmt and not any(k in fmt for k in ("%(r)s", "%(q)s", "%(f)s"))


def test_the_filters_speak_the_page_language(finder_dataset):
    shown = text_of(page_for(finder_dataset, PREFIX, "?lang=ar", year=2025)["content"])
    assert "استشارات الهجرة" in shown and "مركز الحي" in shown  # category labels from the spec
    assert "Integrationskurs" in shown  # no Arabic label in the spec: German
    assert "العائلات" in shown and "التركية" in shown  # a target group; Turkish, named by CLDR


def test_the_planning_app_serves_the_finder_beside_its_pages(finder_dataset):
    from geodash.web.app import create_app

    client = create_app(finder_dataset).server.test_client()
    assert client.get("/angebote/?lang=tr").status_code == 200
    assert b'<html lang="tr" dir="ltr">' in client.get("/angebote/?lang=tr").data
    assert client.get("/daten").status_code == 200


def test_serve_public_takes_no_uploads(capsys):
    from geodash.cli import main

    assert main(["serve", "--public", "--uploads"]) == 2
    assert "--public and --uploads" in capsys.readouterr().err


def test_addresses_and_offer_columns_come_back_from_the_cache(tmp_path):
    from geodash.workspace import load_workspace

    root = make_finder_workspace(tmp_path / "ws")
    first = load_workspace(root, cache=tmp_path / "cache")
    second = load_workspace(root, cache=tmp_path / "cache")
    assert second.addresses["street"].tolist() == first.addresses["street"].tolist()
    assert second.sites["name_ar"].tolist() == first.sites["name_ar"].tolist()
    assert second.target_groups.keys() == first.target_groups.keys()
    assert address_index(second).search("Ludwigstrasse 2")[0].label == "Ludwigstraße 2, 67059"


def test_mounting_the_finder_leaves_the_planning_apps_paths_alone(finder_dataset):
    import dash

    from geodash.web.app import create_app

    app = create_app(finder_dataset)
    with app.server.test_request_context("/"):
        assert dash.get_relative_path("/_geodash/areas.bin") == "/_geodash/areas.bin"
