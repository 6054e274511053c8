"""The map's selection controls and the session file, without a browser.

Grid (tests/conftest.py): areas 01–04; residents 1,000 / 2,000 / 3,000 / 4,000.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from geodash.web.figures.map import CLICK
from geodash.web.pages import map_selection, map_session
from geodash.web.session import FORMAT, MAX_BYTES, SessionError, read_session, session_json
from geodash.web.state import ViewState

PAGES = ["/", "/profil", "/vergleich"]
KEYS = ["01", "02", "03", "04"]
SAVED_AT = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def search(dataset, query, trigger, **values):
    return map_selection.selection_search(dataset, query, trigger, **values)


def test_a_click_with_the_click_tool_adds_and_a_second_click_removes(grid_dataset):
    first = search(grid_dataset, "?ind=alq", CLICK, click={"key": "03"}, tool="klick")
    assert first == "?ind=alq&gebiete=03"
    both = search(grid_dataset, first, CLICK, click={"key": "01"}, tool="klick")
    assert both == "?ind=alq&gebiete=03,01"
    assert search(grid_dataset, both, CLICK, click={"key": "03"}, tool="klick") == "?ind=alq&gebiete=01"


@pytest.mark.parametrize("tool", ["profil", "rechteck", "lasso", None, "x"])
def test_a_click_with_another_tool_selects_nothing(grid_dataset, tool):
    assert search(grid_dataset, "", CLICK, click={"key": "03"}, tool=tool) is None


def test_the_profile_tool_and_unknown_tools_leave_the_click_to_the_profile():
    assert map_selection.opens_profile("profil") and map_selection.opens_profile(None)
    assert map_selection.opens_profile({"x": 1})
    assert not map_selection.opens_profile("klick") and not map_selection.opens_profile("lasso")


def test_a_drawn_shape_adds_its_known_areas_once(grid_dataset):
    query = search(grid_dataset, "?gebiete=02", map_selection.EVENT,
                   event={"keys": ["01", "02", "zz", 7], "at": 1})
    assert query == "?gebiete=02,01"
    assert search(grid_dataset, query, map_selection.EVENT, event={"keys": ["02"]}) is None


@pytest.mark.parametrize("event", [None, {"keys": "01"}, {"keys": [{"a": 1}]}, [1], "x",
                                   {"keys": ["x"] * 20_001}])
def test_a_malformed_event_changes_nothing(grid_dataset, event):
    assert search(grid_dataset, "", map_selection.EVENT, event=event) is None


def test_clear_empties_the_selection_and_drops_its_name(grid_dataset):
    assert search(grid_dataset, "?lang=en&gebiete=01,02&name=Nord", map_selection.CLEAR) == "?lang=en"


def test_the_name_field_names_the_selection(grid_dataset):
    assert search(grid_dataset, "?gebiete=01", map_selection.NAME, name="Mein Gebiet") \
        == "?gebiete=01&name=Mein+Gebiet"
    assert search(grid_dataset, "?gebiete=01", map_selection.NAME, name={"a": 1}) is None


def test_the_panel_names_unknown_keys_and_sums_the_known(grid_dataset):
    text = str(map_selection.build_summary(grid_dataset, ViewState(areas=("01", "zz", "04"))))
    assert "„zz“" in text and "weggelassen" in text
    # 1,000 + 4,000 = 5,000 of 10,000.
    assert "5.000 (50,0 %" in text


def test_the_panel_speaks_english_and_uses_the_area_word(grid_dataset):
    text = str(map_selection.build_summary(grid_dataset, ViewState(areas=("01",), lang="en")))
    assert "Residents: 1,000 (10.0 %" in text
    empty = str(map_selection.build_summary(grid_dataset, ViewState(lang="en")))
    assert "No districts selected yet" in empty


def test_the_centres_lie_in_their_areas(grid_dataset):
    import shapely

    centres = map_selection.area_centres(grid_dataset)
    points = shapely.points(centres["x"], centres["y"])
    areas = grid_dataset.areas.to_crs(4326).set_index("key").loc[centres["keys"]].geometry.values
    assert shapely.contains(areas, points).all()
    # The grid's squares: each centre is the middle of its square (Nordwest north-west of Südost).
    assert centres["x"][0] < centres["x"][3] and centres["y"][0] > centres["y"][3]


# --- The session file -----------------------------------------------------------


def saved(query: str = "ind=alq&jahr=2022&gebiete=01,03&name=West", notes: str = "Kita prüfen") -> str:
    return session_json("/", ViewState.from_query(query), notes, workspace="Gitter", saved_at=SAVED_AT)


def test_a_session_file_holds_the_view_the_selection_and_the_notes():
    assert json.loads(saved()) == {
        "format": FORMAT, "version": 1, "saved_at": "2026-12-02T12:00:00Z", "workspace": "Gitter",
        "view": {"page": "/", "query": "ind=alq&jahr=2022"},
        "selection": {"areas": ["01", "03"], "name": "West"},
        "notes": "Kita prüfen",
    }


def test_a_saved_session_reads_back_to_the_same_view():
    loaded = read_session(saved().encode("utf-8"), pages=PAGES, area_keys=KEYS, workspace="Gitter")
    assert loaded.page == "/"
    assert ViewState.from_query(loaded.query) == ViewState.from_query(
        "ind=alq&jahr=2022&gebiete=01,03&name=West")
    assert loaded.notes == "Kita prüfen" and loaded.name == "West"
    assert loaded.unknown_areas == () and loaded.warnings == ()


def test_unknown_keys_are_named_and_left_out_and_another_workspace_is_noted():
    text = saved("gebiete=01,99,03")
    loaded = read_session(text.encode(), pages=PAGES, area_keys=KEYS, workspace="Berlin")
    assert loaded.areas == ("01", "03") and loaded.unknown_areas == ("99",)
    assert loaded.warnings == ("other_workspace",)
    assert "99" not in loaded.query


def document(**changes) -> bytes:
    base = json.loads(saved())
    base.update(changes)
    return json.dumps(base).encode()


@pytest.mark.parametrize(("content", "key"), [
    (b"\xff\xfe not utf-8", "not_utf8"),
    (b"{not json", "not_json"),
    (b"[1, 2]", "not_session"),
    (json.dumps({"type": "FeatureCollection", "features": []}).encode(), "not_session"),
    (document(version=2), "newer_version"),
    (document(version="1"), "bad_version"),
    (document(version=True), "bad_version"),
    (document(view="/"), "bad_field"),
    (document(view={"page": "/", "query": 5}), "bad_field"),
    (document(selection={"areas": "01,02"}), "bad_field"),
    (document(selection={"areas": [{"k": 1}]}), "bad_field"),
    (document(notes=["a"]), "bad_field"),
    (document(view={"page": "/admin", "query": ""}), "unknown_page"),
    (b" " * (MAX_BYTES + 1), "too_large"),
])
def test_a_bad_or_foreign_file_is_refused_with_what_is_wrong(content, key):
    with pytest.raises(SessionError) as error:
        read_session(content, pages=PAGES, area_keys=KEYS)
    assert error.value.key == key


def test_a_selection_hidden_in_the_view_query_is_not_taken():
    content = document(view={"page": "/", "query": "gebiete=04&name=X"},
                       selection={"areas": ["01"], "name": ""})
    loaded = read_session(content, pages=PAGES, area_keys=KEYS)
    assert ViewState.from_query(loaded.query).areas == ("01",) and loaded.name == ""


def upload(content: bytes) -> str:
    return "data:application/json;base64," + base64.b64encode(content).decode()


def test_the_load_message_names_the_file_and_the_reason(grid_dataset):
    report = map_session.load_report(grid_dataset, upload(b"[]"), "karte.geojson", "de")
    assert report["level"] == "danger"
    assert report["text"].startswith("„karte.geojson“ wurde nicht geladen: die Datei ist keine "
                                     "geodash-Sitzung")
    english = map_session.load_report(grid_dataset, upload(document(version=3)), "s.json", "en")
    assert "version 3" in english["text"] and "Update geodash" in english["text"]
    broken = map_session.load_report(grid_dataset, {"x": 1}, None, "de")
    assert broken["level"] == "danger" and "noch einmal" in broken["text"]


def test_a_loaded_session_says_what_was_left_out(grid_dataset):
    report = map_session.load_report(grid_dataset, upload(saved("gebiete=01,99").encode()), "s.json", "de")
    assert report["level"] == "warning"
    assert "„99“" in report["text"] and "weggelassen" in report["text"]
    assert report["page"] == "/" and report["query"] == "?gebiete=01"
    assert report["notes"] == "Kita prüfen"


def test_the_session_file_name_carries_the_selection_name_and_the_date(grid_dataset):
    text, name = map_session.session_file(grid_dataset, "?gebiete=01&name=Süd+West", "n",
                                          now=SAVED_AT)
    assert name == "geodash_sitzung_sued_west_2026-12-02.json"
    assert json.loads(text)["selection"] == {"areas": ["01"], "name": "Süd West"}
    _, english = map_session.session_file(grid_dataset, "?lang=en", None, now=SAVED_AT)
    assert english == "geodash_session_2026-12-02.json"
