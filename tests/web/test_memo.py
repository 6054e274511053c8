"""The view memo: a repeated view is a lookup; a new Dataset or another view is computed anew."""

from __future__ import annotations

import dataclasses
import json

from geodash.web.memo import ViewMemo
from geodash.web.pages import map as map_page
from geodash.web.state import ViewState

ALQ_2023 = ViewState(indicator="alq", year=2023)


def as_json(outputs) -> str:
    return json.dumps(outputs, default=lambda c: c.to_plotly_json(), sort_keys=True)


def test_a_repeated_view_is_answered_from_the_memo_with_what_a_fresh_build_gives(grid_dataset):
    memo, calls = ViewMemo(), []

    def build():
        calls.append(1)
        return map_page.page_outputs(grid_dataset, ALQ_2023)

    first = memo.get(grid_dataset, ALQ_2023, build)
    assert memo.get(grid_dataset, ViewState(indicator="alq", year=2023), build) is first
    assert len(calls) == 1
    assert as_json(first) == as_json(map_page.page_outputs(grid_dataset, ALQ_2023))


def test_another_view_page_or_dataset_is_computed_anew(grid_dataset):
    memo = ViewMemo()
    first = memo.get(grid_dataset, ALQ_2023, object)
    assert memo.get(grid_dataset, ALQ_2023.with_(year=2022), object) is not first
    assert memo.get(grid_dataset, ALQ_2023.with_(lang="en"), object) is not first
    assert memo.get(grid_dataset, ALQ_2023.with_(page="profil"), object) is not first
    assert memo.get(grid_dataset, ALQ_2023, object, "/other") is not first
    # After an accepted upload the Dataset is new, and so is its areas frame.
    reloaded = dataclasses.replace(grid_dataset, areas=grid_dataset.areas.copy())
    assert memo.get(reloaded, ALQ_2023, object) is not first
    assert memo.get(grid_dataset, ALQ_2023, object) is first


def test_the_memo_keeps_only_the_views_asked_for_last(grid_dataset):
    memo = ViewMemo(maxsize=2)
    first = memo.get(grid_dataset, ALQ_2023, object)
    memo.get(grid_dataset, ALQ_2023.with_(year=2022), object)
    memo.get(grid_dataset, ALQ_2023, object)  # asked again: now the newest
    memo.get(grid_dataset, ALQ_2023.with_(year=2021), object)  # pushes 2022 out
    assert memo.get(grid_dataset, ALQ_2023, object) is first
    assert len(memo._entries) == 2
