"""The social index and coverage on the map, and confidential values, on the 2×2 grid.

Hand answers (see tests/web/test_profile_compare_coverage.py): the MSS status
index 2023 is (alq − 12.625) / 7.1535 = −1.21, −0.65, +0.47, +1.38 for 01
Nordwest, 02 Nordost, 03 Südwest, 04 Südost: classes hoch, mittel, mittel,
niedrig (thresholds −1, 1, 1.5). Offers per 1,000 residents: 2.0, 0, 0, 0.25.
Residents within 500 m of an offer: 02 none (the nearest sites are 500 m from
its border), 04 the disc around its central QM office, π/4 = 78.5 %, 03 the
segment that the site outside the grid, 300 m west of it, reaches:
(0.25 km²·acos(0.6) − 0.3 · 0.4 km²) / 1 km² = 11.2 %.
"""

from __future__ import annotations

import dataclasses
import json
import math

import dash
import pytest

from geodash.export.html_map import html_map
from geodash.web.figures import derived
from geodash.web.figures.choropleth import hover_rows, legend_rows, map_view, resolve_state
from geodash.web.figures.map import map_patch_values
from geodash.web.figures.palettes import MISSING_COLOR, NAMED_COLORS
from geodash.web.pages import map as map_page
from geodash.web.state import ViewState

STATUS = ViewState(indicator="status_index", year=2023, scheme="mss")


def test_the_dropdown_offers_index_and_coverage_in_a_group_of_their_own(grid_dataset):
    options = map_page.indicator_options(grid_dataset, "en")
    values = [o["value"] for o in options]
    heading = next(o for o in options if o.get("disabled") and
                   o["label"].children == "Social index and coverage")
    start = options.index(heading) + 1
    assert values[start:] == ["status_index", "dynamics_index", "per1000_total", "share500_any",
                              "share1000_any"]
    assert values.index("alq") < start


def test_status_index_in_mss_classes_with_names_counts_and_colours(grid_dataset):
    view = map_view(grid_dataset, STATUS)
    assert view.values.round(2).tolist() == [-1.21, -0.65, 0.47, 1.38]
    assert view.class_index == [0, 1, 1, 2]
    assert view.area_colors == [NAMED_COLORS["status"][i] for i in (0, 1, 1, 2)]
    rows = [(item.label, item.count) for item in legend_rows(view)]
    assert rows == [("hoch: unter −1,0", 1), ("mittel: −1,0 bis 1,0", 2),
                    ("niedrig: über 1,0 bis 1,5", 1), ("sehr niedrig: über 1,5", 0)]
    assert hover_rows(view)[3] == ["Südost", "1,38 z (Status niedrig)", "Rang 1 von 4"]
    english = map_view(grid_dataset, STATUS.with_(lang="en"))
    assert [i.label for i in legend_rows(english)][-1] == "very low: above 1.5"
    assert hover_rows(english)[0][1] == "−1.21 z (status high)"


def test_the_status_index_can_also_take_class_breaks(grid_dataset):
    view = map_view(grid_dataset, STATUS.with_(scheme="quantiles", k=3))
    assert view.classes.scheme == "quantiles" and not view.class_names
    assert view.class_index == [0, 0, 1, 2]


def test_the_mss_scheme_needs_an_index(grid_dataset):
    assert resolve_state(grid_dataset, ViewState(indicator="alq", scheme="mss")).scheme == \
        "quantiles"
    assert resolve_state(grid_dataset, ViewState(indicator="per1000_total", scheme="mss")).scheme \
        == "quantiles"
    assert resolve_state(grid_dataset, STATUS).scheme == "mss"


def test_no_dynamics_without_a_comparison_year_is_said_politely(grid_dataset):
    view = map_view(grid_dataset, ViewState(indicator="dynamics_index", scheme="mss"))
    assert view.classes is None and view.class_index == [-1] * 4
    assert "Dynamikindex" in view.message


def test_coverage_measures_are_the_same_in_every_year(grid_dataset):
    offers = map_view(grid_dataset, ViewState(indicator="per1000_total", year=2022))
    assert offers.values.tolist() == pytest.approx([2.0, 0.0, 0.0, 0.25])
    assert offers.years == () and offers.state.year == 2022  # kept for the next indicator
    assert map_view(grid_dataset, ViewState(indicator="per1000_total")).state.year is None
    share = map_view(grid_dataset, ViewState(indicator="share500_any")).values
    assert share["02"] == pytest.approx(0.0, abs=1e-6)
    assert share["03"] == pytest.approx(100 * (0.25 * math.acos(0.6) - 0.12), abs=0.05)
    assert share["04"] == pytest.approx(100 * math.pi / 4, abs=0.05)
    # Resource polarity: the fewest residents near an offer is the darkest class, rank 1.
    assert hover_rows(map_view(grid_dataset, ViewState(indicator="share500_any")))[1][2] == \
        "Rang 1 von 4"


def test_the_patch_for_the_index_carries_no_geometry(grid_dataset):
    patch = map_patch_values(grid_dataset, STATUS)
    assert "coordinates" not in json.dumps(patch)
    assert patch["c"] == "0112" and patch["v"] == [-1.21, -0.65, 0.47, 1.38]
    assert patch["colors"] == list(NAMED_COLORS["status"])
    assert patch["cn"] == ["Status hoch", "Status mittel", "Status niedrig", "Status sehr niedrig"]


def test_switching_to_an_index_opens_its_classes_and_back_restores_breaks(grid_dataset):
    controls = {"year": 2023, "scheme": "quantiles", "k": 5, "layers": ["sites:sites", "zones"]}
    state = ViewState(indicator="alq", year=2023)
    new = map_page.view_from_controls(grid_dataset, state, map_page.INDICATOR,
                                      indicator="status_index", **controls)
    assert (new.indicator, new.scheme, new.year) == ("status_index", "mss", 2023)
    back = map_page.view_from_controls(grid_dataset, new, map_page.INDICATOR, indicator="alq",
                                       **{**controls, "scheme": "mss"})
    assert back.scheme == "quantiles"
    offers = map_page.view_from_controls(grid_dataset, ViewState(indicator="alq", year=2022),
                                         map_page.INDICATOR, indicator="per1000_total",
                                         **{**controls, "year": 2022})
    assert offers.year == 2022  # the year waits for the next yearly indicator


def test_page_outputs_offer_the_mss_scheme_only_for_an_index(grid_dataset):
    outputs = map_page.page_outputs(grid_dataset, STATUS)
    options, k_disabled = outputs[-2], outputs[-1]
    assert {o["value"]: o["disabled"] for o in options}["mss"] is False and k_disabled
    plain = map_page.page_outputs(grid_dataset, ViewState(indicator="alq"))
    assert {o["value"]: o["disabled"] for o in plain[-2]}["mss"] is True and not plain[-1]
    years = map_page.year_props(grid_dataset, ViewState(indicator="per1000_total", year=2023))
    assert years["disabled"] and years["value"] == 2023 and set(years["marks"]) == {2022, 2023}


def test_the_legend_explains_the_classes(grid_dataset):
    legend = json.dumps(map_page.build_legend(grid_dataset, map_view(grid_dataset, STATUS)), cls=_Encoder,
                        ensure_ascii=False)
    assert "Statusindex (MSS)" in legend and "Status hoch = wenig Bedarf" in legend
    offers = json.dumps(map_page.build_legend(grid_dataset, map_view(grid_dataset, ViewState(
        indicator="per1000_total"))), cls=_Encoder, ensure_ascii=False)
    assert "gilt für jedes Jahr" in offers


def test_the_html_export_shows_the_same_classes(grid_dataset):
    page = html_map(grid_dataset, STATUS)
    assert "hoch: unter −1,0" in page and NAMED_COLORS["status"][2] in page


def test_the_analysis_is_computed_once_per_dataset_and_year(grid_dataset):
    first = derived.analysis(grid_dataset, 2023)
    assert derived.analysis(grid_dataset, 2023) is first
    copy = dataclasses.replace(grid_dataset)
    assert derived.analysis(copy, 2023) is not first  # a new Dataset starts with nothing


def test_the_cache_follows_the_dataset_the_app_serves(grid_dataset):
    from geodash.web.live import DatasetProxy, LiveDataset

    # The pages get a proxy of the app's current Dataset; an accepted upload makes a new one
    # current, whose analysis must not be the old one's.
    live = LiveDataset(grid_dataset, load=lambda: dataclasses.replace(grid_dataset))
    proxy = DatasetProxy(live)
    assert derived.analysis(proxy, 2023) is derived.analysis(grid_dataset, 2023)
    live.reload()
    assert derived.analysis(proxy, 2023) is not derived.analysis(grid_dataset, 2023)


def test_the_map_page_warms_the_analysis_when_the_app_is_made(grid_dataset):
    dataset = dataclasses.replace(grid_dataset)
    map_page.register_callbacks(dash.Dash(__name__, suppress_callback_exceptions=True), dataset)
    memo = dataset.__dict__[derived._MEMO]
    assert {("analysis", 2022), ("analysis", 2023)} <= set(memo)


# -- confidential values -------------------------------------------------------------------


@pytest.fixture
def withheld(grid_dataset):
    """The grid with Nordost's unemployment rate suppressed (too few cases)."""
    hit = (grid_dataset.indicators["area_key"] == "02") & (
        grid_dataset.indicators["indicator"] == "alq")
    indicators = grid_dataset.indicators.assign(
        value=grid_dataset.indicators["value"].mask(hit), suppressed=hit)
    return dataclasses.replace(grid_dataset, indicators=indicators)


def test_a_suppressed_value_says_confidential_and_stays_out_of_the_classes(withheld):
    view = map_view(withheld, ViewState(indicator="alq", year=2023))
    assert view.class_index[1] == -1 and sum(view.classes.counts) == 3
    assert hover_rows(view)[1] == ["Nordost", "vertraulich", "kein Rang"]
    assert hover_rows(view)[0][2] == "Rang 3 von 3"
    assert [(i.label, i.count, i.color) for i in legend_rows(view) if i.missing] == [
        ("vertraulich", 1, MISSING_COLOR)]
    english = map_patch_values(withheld, ViewState(indicator="alq", year=2023, lang="en"))
    assert english["t"]["suppressed"] == "confidential" and english["sup"] == [1]
    assert english["v"][1] is None and english["c"][1] == "-"


def test_a_missing_value_still_says_no_data(withheld):
    view = map_view(withheld, ViewState(indicator="kinder", year=2023))
    assert hover_rows(view)[1][1] == "keine Daten"
    assert [i.label for i in legend_rows(view) if i.missing] == ["keine Daten"]


class _Encoder(json.JSONEncoder):
    def default(self, o):
        return o.to_plotly_json() if hasattr(o, "to_plotly_json") else str(o)
