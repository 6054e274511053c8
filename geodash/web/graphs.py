"""The one configuration of every Plotly graph: local tools only, in the page's language.

Nothing leaves the machine (DESIGN): no "send data to cloud", no "edit in Chart
Studio", no Plotly logo linking out; the toolbar keeps what works in the
browser alone (PNG download, zoom, pan, reset). Its tooltips follow the page's
language through Plotly's ``locale``; the German dictionary is served from the
app's own assets (``assets/gd-chart-locale-de.js``), never from a CDN.
"""

from __future__ import annotations

# Every modebar button that talks to a server or is of no use on our charts.
REMOVED_BUTTONS = ("sendDataToCloud", "editInChartStudio", "select2d", "lasso2d", "autoScale2d",
                   "toggleSpikelines", "hoverClosestCartesian", "hoverCompareCartesian")
LOCALES = {"de": "de", "en": "en"}


def graph_config(lang: str, filename: str | None = None) -> dict:
    """The ``config`` of a ``dcc.Graph``: local modebar buttons only, tooltips in ``lang``.

    Parameters
    ----------
    lang
        ``"de"`` or ``"en"``; anything else falls back to German.
    filename
        The name of the PNG the camera button saves (without suffix).

    Examples
    --------
    >>> config = graph_config("de")
    >>> config["locale"], config["displaylogo"], config["showSendToCloud"]
    ('de', False, False)
    """
    image = {"format": "png", "scale": 2}
    if filename:
        image["filename"] = filename
    return {
        "displaylogo": False,
        "showSendToCloud": False,
        "showEditInChartStudio": False,
        "showLink": False,
        "plotlyServerURL": "",
        "modeBarButtonsToRemove": list(REMOVED_BUTTONS),
        "toImageButtonOptions": image,
        "locale": LOCALES.get(lang, "de"),
        "responsive": True,
    }

