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
from geodash.web.figures import derived
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
