"""The hover texts of every area, built column-wise, equal the texts formed one area at a time."""

from __future__ import annotations

import pandas as pd
import pytest

from geodash.web.figures.choropleth import TEXT, hover_rows, map_view, value_text
from geodash.web.i18n import translate
from geodash.web.state import ViewState


def one_at_a_time(view) -> list[list[str]]:
    """The definition: each area's value_text and rank text on its own."""
    n = int(view.values.notna().sum())
    neutral = view.spec is not None and view.spec.polarity == "neutral"
    suppressed = view.suppressed or (False,) * len(view.keys)
    classes = view.area_classes or ("",) * len(view.keys)
    return [[name, value_text(view, value, withheld, class_name),
             translate(TEXT, "no_rank_neutral" if neutral else "no_rank", view.lang) if pd.isna(rank)
             else translate(TEXT, "rank", view.lang, rank=int(rank), n=n)]
            for name, value, rank, withheld, class_name in zip(
                view.names, view.values.to_numpy(), view.ranks.to_numpy(), suppressed, classes,
                strict=True)]


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("state", [
    ViewState(indicator="alq", year=2023), ViewState(indicator="kinder", year=2023),
    ViewState(indicator="kinder", year=2022), ViewState(indicator="status_index", year=2023),
    ViewState(indicator="per1000_total", year=2023), ViewState(indicator="alq", year=2019)],
    ids=["alq", "kinder-missing", "kinder-count", "status-classes", "per1000", "no-year"])
def test_hover_rows_equal_the_per_area_definition(grid_dataset, state, lang):
    view = map_view(grid_dataset, state.with_(lang=lang))
    assert hover_rows(view) == one_at_a_time(view)


def test_hover_rows_by_hand(grid_dataset):
    rows = hover_rows(map_view(grid_dataset, ViewState(indicator="kinder", year=2023)))
    # kinder is neutral: no area is ranked ("Rang 1" would read as "most need").
    assert rows[1][1:] == ["keine Daten", "kein Rang (neutraler Indikator)"]  # Nordost: no value
    # One decimal: the grid's spec gives none, and 1 is the default.
    assert rows[3][1:] == ["2.100,0", "kein Rang (neutraler Indikator)"]
    alq = hover_rows(map_view(grid_dataset, ViewState(indicator="alq", year=2023)))
    assert alq[3][2] == "Rang 1 von 4"  # 22.5 % is the highest unemployment: most need


def test_hover_rows_of_the_demo_city():
    from geodash.workspace import load_workspace

    demo_dataset = load_workspace()
    view = map_view(demo_dataset, ViewState(indicator="status_index"))
    assert hover_rows(view) == one_at_a_time(view)
