"""What keeps a page usable on a 390 px phone: boxes that scroll sideways by themselves, settings that fold.

A page never scrolls sideways as a whole (a phone then shows a cut-off map and
tiny text). What cannot be narrower than some width — a heat table whose
numbers must stay readable, a wide table — sits in a :func:`scroll_box` and
scrolls inside it. Controls that would push the map below the first screen
fold behind an "Einstellungen" button on narrow screens (:func:`build_settings`);
on a wide screen the button is hidden and the controls are always open. The
breakpoint is the one of the page layouts in ``assets/02-geodash.css``
(760 px). Folding happens in the browser alone (a clientside callback): no
request, nothing for the request guard to check.
"""

from __future__ import annotations

from collections.abc import Sequence

from dash import MATCH, Input, Output, State, html

from geodash.web.i18n import translate

SETTINGS_BUTTON = "gd-settings-button"  # pattern-matching id type: {"type": ..., "page": ...}
SETTINGS_BODY = "gd-settings-body"

TEXT = {
    "de": {"settings": "Einstellungen", "settings_title": "Weitere Einstellungen zeigen oder verbergen"},
    "en": {"settings": "Settings", "settings_title": "Show or hide more settings"},
}

# Toggle the folded settings; the button says whether they are open (for screen readers too).
TOGGLE_JS = """
function (clicks, className) {
    const open = Boolean(clicks % 2);
    const base = (className || "").replace(/\\s*gd-open\\b/g, "");
    return [open ? base + " gd-open" : base, open ? "true" : "false"];
}
"""


def scroll_box(child, min_width: int | None = None, **kwargs) -> html.Div:
    """Put ``child`` in a box that scrolls sideways when the screen is narrower than ``min_width``.

    Parameters
    ----------
    child
        A graph or table.
    min_width
        The narrowest the child may be drawn (px); ``None`` keeps its own width
        (a table that is as wide as its columns).
    kwargs
        More properties of the box (``id``, ``className``).
    """
    inner = html.Div(child, className="gd-scroll-inner",
                     style={"minWidth": f"{int(min_width)}px"} if min_width else None)
    extra = kwargs.pop("className", "")
    return html.Div(inner, className=f"gd-scroll-x {extra}".strip(), tabIndex="0", **kwargs)


def build_settings(page: str, children: Sequence, lang: str) -> list:
    """The "Einstellungen" button and the controls it folds away on a narrow screen.

    Parameters
    ----------
    page
        The page's short name (ids must be unique on the page).
    children
        The controls that fold; the controls a user needs first stay outside.
    lang
        The language of the button.

    Returns
    -------
    list
        ``[button, body]``, to put in the page's control panel.
    """
    body_id = {"type": SETTINGS_BODY, "page": page}
    return [
        html.Button(translate(TEXT, "settings", lang), id={"type": SETTINGS_BUTTON, "page": page},
                    type="button", n_clicks=0, className="gd-settings-button no-print",
                    title=translate(TEXT, "settings_title", lang), **{"aria-expanded": "false"}),
        html.Div(list(children), id=body_id, className="gd-settings-body"),
    ]


def register_callbacks(app) -> None:
    """Fold and unfold every page's settings in the browser (one pattern-matching callback)."""
    app.clientside_callback(
        TOGGLE_JS,
        Output({"type": SETTINGS_BODY, "page": MATCH}, "className"),
        Output({"type": SETTINGS_BUTTON, "page": MATCH}, "aria-expanded"),
        Input({"type": SETTINGS_BUTTON, "page": MATCH}, "n_clicks"),
        State({"type": SETTINGS_BODY, "page": MATCH}, "className"),
        prevent_initial_call=True,
    )
