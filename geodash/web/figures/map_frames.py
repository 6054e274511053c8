"""Every year of a map view at once, for the play button: about one number per area per year.

The map recolours in the browser from the switch payload
(:func:`geodash.web.figures.map.view_payload`); playing the years is a
sequence of such switches. Rather than one server round trip per step, the
browser asks once for :func:`play_frames` (the payload of every year of the
view's indicator, with what the payloads share sent once) and then steps
through the years by itself (``assets/gd-map-play.js``). The geometry stays
on the map throughout; only values, classes and the legend change.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from plotly.io.json import to_json_plotly

from geodash.dataset import Dataset
from geodash.web.figures import derived
from geodash.web.figures.choropleth import MapView, map_view, resolve_state, view_years
from geodash.web.figures.map import view_payload
from geodash.web.state import ViewState

# Payload fields that are the same in every year of one view (indicator, language, scheme).
SHARED = ("missing", "dec", "unit", "lang", "polarity", "t")


def play_years(dataset: Dataset, state: ViewState) -> list[int]:
    """The years the play button steps through: those with values of the view's indicator.

    Empty for a measure that does not change with the year (coverage): there
    is nothing to play.
    """
    state = resolve_state(dataset, state)
    measure = derived.measure_of(dataset, state.indicator)
    if measure is not None and not measure.yearly:
        return []
    return [int(y) for y in view_years(dataset, state.indicator)]


def play_frames(dataset: Dataset, state: ViewState,
                legend: Callable[[MapView], list] | None = None) -> dict:
    """The switch payload of every year of the view, sharing what the years share.

    Parameters
    ----------
    dataset
        The workspace data.
    state
        The view (indicator, scheme, classes, language); its year is where
        the play starts and is otherwise ignored.
    legend
        Builds the legend of one year's view (the page's own legend builder),
        sent as Dash components so that the legend follows the years too.

    Returns
    -------
    dict
        ``years``; ``year`` (the view's resolved year); ``base`` (the fields of
        :data:`SHARED`); ``frames``: per year ``year``, ``v``, ``c``,
        ``colors``, ``cn``, ``sup`` (see :func:`~geodash.web.figures.map.view_payload`)
        and ``legend`` (JSON of the legend's components, or None). The
        browser rebuilds one year's payload as ``{...base, ...frame}``.
    """
    state = resolve_state(dataset, state)
    years = play_years(dataset, state)
    base: dict = {}
    frames = []
    for year in years:  # a loop over years; each year's classes are vectorised
        view = map_view(dataset, state.with_(year=year))
        payload = view_payload(view)
        shared = {key: payload.pop(key) for key in SHARED}
        base = base or shared
        children = json.loads(to_json_plotly(legend(view))) if legend is not None else None
        frames.append({"year": year, **payload, "legend": children})
    return {"years": years, "year": state.year, "base": base, "frames": frames}
