"""The map's play button: step through the years of the shown indicator (part of the map page).

Pressing play asks the server once for every year's payload
(:func:`geodash.web.figures.map_frames.play_frames`, about one number per area
per year, kept per view); the browser then recolours the areas already drawn
from it, year by year, every :data:`STEP_MS` (``assets/gd-map-play.js``): no
server round trip per step, the geometry stays. While it plays, a read-only
copy of the year slider follows the years and a status line names the year;
it stops at the last year (or on pause), and only then does the real year
slider take the year, which writes ``jahr`` into the URL and redraws the
legend and hover texts as every year switch does.
"""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from geodash.dataset import Dataset
from geodash.web.figures.choropleth import resolve_state
from geodash.web.figures.map import GRAPH
from geodash.web.figures.map_frames import play_frames, play_years
from geodash.web.i18n import translate
from geodash.web.memo import ViewMemo
from geodash.web.state import ViewState

# Element ids (stable: browser tests rely on them).
WRAPPER = "karte-abspielen-bereich"
BUTTON = "karte-abspielen"
LABEL = "karte-abspielen-jahr"
TWIN = "karte-abspielen-regler"  # the read-only slider that follows the years while playing
TICK = "karte-abspielen-takt"
REQUEST = "karte-abspielen-anfrage"  # {"search": query, "n": clicks}: asks for the frames
FRAMES = "karte-abspielen-jahre"  # the answer: every year's payload (see play_frames)
CONFIG = "karte-abspielen-einstellungen"  # ids and texts for the browser

STEP_MS = 1200  # one year per step: long enough to read the year and see the colours change

TEXT = {
    "de": {"play": "Jahre abspielen", "pause": "Anhalten", "year": "Jahr {year}",
           "hint": "Spielt die Jahre des Indikators nacheinander ab; hält im letzten Jahr an."},
    "en": {"play": "Play the years", "pause": "Pause", "year": "Year {year}",
           "hint": "Plays the indicator's years one after another; stops at the last year."},
}


def valid_request(value: Any) -> bool:
    """What the browser sends to ask for the frames: ``{"search": <query>, "n": <clicks>}``."""
    if value is None:
        return True
    return (isinstance(value, dict) and set(value) <= {"search", "n"}
            and isinstance(value.get("search"), str) and len(value["search"]) <= 8 * 1024
            and (value.get("n") is None or (isinstance(value.get("n"), int)
                                            and not isinstance(value.get("n"), bool))))


def browser_config(lang: str, year_id: str, legend_id: str) -> dict:
    """The element ids and texts the browser's half needs."""
    return {"graph": GRAPH, "year": year_id, "legend": legend_id, "wrapper": WRAPPER,
            "button": BUTTON, "label": LABEL, "twin": TWIN, "tick": TICK, "frames": FRAMES,
            "texts": {"play": translate(TEXT, "play", lang), "pause": translate(TEXT, "pause", lang),
                      "year": translate(TEXT, "year", lang, year="{year}")}}


def year_control(slider: dcc.Slider, dataset: Dataset, state: ViewState, *,
                 legend_id: str) -> html.Div:
    """The page's year slider with the play button, its status line and the read-only twin."""
    lang = state.lang
    years = play_years(dataset, state)
    marks = {y: str(y) for y in years}
    play = translate(TEXT, "play", lang)
    return html.Div(id=WRAPPER, className="gd-play", children=[
        html.Div(slider, className="gd-play-real"),
        html.Div(dcc.Slider(id=TWIN, min=years[0] if years else 0, max=years[-1] if years else 1,
                            step=1, marks=marks, value=None, included=False, disabled=True,
                            allow_direct_input=False),
                 className="gd-play-twin", **{"aria-hidden": "true"}),
        html.Div(className="gd-play-bar no-print", children=[
            html.Button(["▶ ", play], id=BUTTON, type="button", n_clicks=0,
                        className="btn btn-outline-primary btn-sm gd-play-button",
                        disabled=len(years) < 2, title=translate(TEXT, "hint", lang),
                        **{"aria-label": play, "aria-pressed": "false"}),
            html.Span(id=LABEL, className="gd-play-year", role="status",
                      **{"aria-live": "polite"}),
        ]),
        dcc.Interval(id=TICK, interval=STEP_MS, disabled=True, n_intervals=0),
        dcc.Store(id=REQUEST),
        dcc.Store(id=FRAMES),
        dcc.Store(id=CONFIG, data=browser_config(lang, slider.id, legend_id)),
    ])


def register_callbacks(app, dataset: Dataset, *, page_url: str, year_id: str) -> None:
    """The one server callback (every year's payload, once per view) and the browser's steps."""
    from geodash.web.pages.map import build_legend  # the page that places this control

    frames_memo = ViewMemo(maxsize=64)  # per app; a Berlin answer is a few kB per year

    @app.callback(Output(FRAMES, "data"), Input(REQUEST, "data"), prevent_initial_call=True)
    def prefetch(request):
        if not request or not valid_request(request):
            raise PreventUpdate
        state = resolve_state(dataset, ViewState.from_query(request["search"], page="karte"))
        frames = frames_memo.get(dataset, state.with_(year=None), lambda: play_frames(
            dataset, state, lambda view: build_legend(dataset, view)))
        # The year the play starts from is the view's; the rest is shared by every year.
        return {**frames, "year": state.year, "search": request["search"]}

    app.clientside_callback(
        "function (clicks, ticks, search, frames, config) {"
        " return window.gdPlay.control(clicks, ticks, search, frames, config); }",
        Output(REQUEST, "data"), Output(TICK, "disabled"),
        Input(BUTTON, "n_clicks"), Input(TICK, "n_intervals"),
        State(page_url, "search"), State(FRAMES, "data"), State(CONFIG, "data"),
        prevent_initial_call=True)
    # Two callbacks, not one: the frames answer the request, which one callback cannot both
    # send and wait for (Dash refuses circular dependencies).
    app.clientside_callback(
        "function (frames, search, config) { return window.gdPlay.ready(frames, search, config); }",
        Output(TICK, "disabled", allow_duplicate=True), Input(FRAMES, "data"),
        State(page_url, "search"), State(CONFIG, "data"), prevent_initial_call=True)
    # Nothing to play where the year slider has nothing to pick (one year, coverage).
    app.clientside_callback("function (disabled) { return Boolean(disabled); }",
                            Output(BUTTON, "disabled"), Input(year_id, "disabled"))
