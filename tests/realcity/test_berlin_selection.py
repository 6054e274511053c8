"""A selection on Berlin's 448 planning areas: the combined area agrees with the city and with one area.

The specs of ``layers/`` declare ``ew`` (residents) as a sum and the MSS shares
``s1``, ``s3``, ``s4`` as means weighted by residents, so the combined values
must agree with :func:`geodash.analysis.indicators.city_reference`, written
independently, when every area is selected.
"""

from __future__ import annotations

import pytest

from geodash.catalog import load_catalog
from geodash.dataset import build_dataset
from geodash.web.app import create_app
from geodash.web.figures import derived
from geodash.web.figures import map as map_figure
from geodash.web.figures.selection import combined_area
from geodash.web.pages import map_selection
from geodash.web.state import ViewState
from tests.realcity.conftest import skip_unless_issue_10_keys


@pytest.fixture(scope="module")
def berlin(target_workspace):
    return build_dataset(skip_unless_issue_10_keys(load_catalog, target_workspace))


def test_every_planning_area_selected_gives_the_city_value_of_each_sum_and_rate(berlin):
    every = berlin.areas["key"].tolist()
    table = combined_area(berlin, every, None).indicators.set_index(["indicator", "year"])
    city = derived.city_values(berlin).set_index(["indicator", "year"])
    declared = [ind for ind, spec in berlin.indicator_meta.items()
                if spec.aggregate in ("sum", "weighted_mean")]
    assert {"ew", "s1", "s3", "s4"} <= set(declared)
    rows = table[table.index.get_level_values("indicator").isin(declared)]
    assert len(rows) >= 4
    assert rows["value"].to_numpy() == pytest.approx(city.loc[rows.index, "value"].to_numpy())
    assert rows["city"].to_numpy() == pytest.approx(rows["value"].to_numpy())


def test_one_planning_area_selected_gives_its_own_values(berlin):
    key = "04030417"  # Schloßstraße in Charlottenburg-Wilmersdorf (a name that repeats)
    combined = combined_area(berlin, [key], None)
    own = berlin.indicators[(berlin.indicators["area_key"] == key)].set_index(["indicator", "year"])
    table = combined.indicators.set_index(["indicator", "year"])
    for ind in ("ew", "s1", "s3", "s4"):
        rows = own.loc[ind]["value"].dropna()
        assert table.loc[ind].loc[rows.index, "value"].to_numpy() == pytest.approx(rows.to_numpy())
    assert combined.residents["residents"] == pytest.approx(berlin.population_in(None)[key])


def test_a_district_selection_is_shown_with_its_name_and_the_planning_area_word(berlin):
    mitte = berlin.areas.loc[berlin.areas["parent"].eq("Mitte"), "key"].tolist()
    assert len(mitte) > 30
    state = ViewState(areas=tuple(mitte), extra={"name": "Bezirk Mitte"})
    text = str(map_selection.build_summary(berlin, state))
    assert "Bezirk Mitte" in text and "Planungsräume" in text
    assert "Stadtteil" not in text


# The map of the browser: where a point of the screen is, in lon/lat (for the expected answer).
# WebDriver moves to an element's in-view centre rounded down to whole pixels.
LATLNG_JS = f"""
const m = window.gdMap._maps['{map_figure.GRAPH}'].layers[0]._map;
const box = m.getContainer().getBoundingClientRect();
const graph = document.getElementById('{map_figure.GRAPH}').getBoundingClientRect();
const cx = Math.floor(graph.left + graph.width / 2), cy = Math.floor(graph.top + graph.height / 2);
return arguments[0].map(p => {{
    const ll = m.containerPointToLatLng([cx + p[0] - box.left, cy + p[1] - box.top]);
    return [ll.lng, ll.lat];
}});
"""


@pytest.mark.browser
def test_a_lasso_on_berlin_sums_the_residents_of_the_planning_areas_it_encloses(dash_duo, berlin):
    import shapely
    from waits import until

    from tests.browser.test_selection_journey import at, pick_tool, residents_text

    dash_duo.driver.set_window_size(1400, 900)
    dash_duo.start_server(create_app(berlin), navigate=False)
    dash_duo.wait_for_page(url=f"{dash_duo.server.url}/")
    until(lambda: dash_duo.driver.execute_script(
        f"const el = document.getElementById('{map_figure.GRAPH}');"
        "return el ? el.dataset.gdFeatures : null;") == "448",
        deadline=120, message="Berlin's planning areas are drawn")
    pick_tool(dash_duo, "lasso")
    corners = [(-120, -90), (60, -110), (130, 40), (-30, 120), (-140, 30)]
    chain = at(dash_duo, *corners[0]).click_and_hold()  # scrolls the map into view
    ring = dash_duo.driver.execute_script(LATLNG_JS, corners)
    position = corners[0]
    for corner in [*corners[1:], corners[0]]:
        for _ in range(5):
            chain = chain.move_by_offset((corner[0] - position[0]) // 5, (corner[1] - position[1]) // 5)
        position = corner
    chain.release().perform()
    # The expected answer, independently of the browser: shapely's point-in-polygon on the
    # centres, the residents of those planning areas summed.
    centres = map_selection.area_centres(berlin)
    inside = shapely.contains_xy(shapely.Polygon(ring), centres["x"], centres["y"])
    keys = [k for k, hit in zip(centres["keys"], inside, strict=True) if hit]
    assert 5 < len(keys) < 448
    residents = berlin.population_in(berlin.years[-1]).reindex(keys).sum()
    expected = f"{residents:,.0f}".replace(",", ".")
    until(lambda: residents_text(dash_duo).startswith(f"Einwohnerinnen und Einwohner: {expected} "),
          deadline=120, message=f"the {len(keys)} planning areas inside the lasso are selected")
    assert sorted(dash_duo.driver.current_url.split("gebiete=")[1].split("&")[0].split(",")) \
        == sorted(keys)
    assert dash_duo.get_logs() == []
