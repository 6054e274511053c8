"""The kept versions of a layer's data file on the Daten page, and restoring one (editors only).

Shown under each drop zone of the upload section; the work is done by
:meth:`geodash.uploads.Uploads.restore`, which refuses anyone but an editor,
checks the copy's SHA-256 and validates the workspace with it first.
"""

from __future__ import annotations

import logging

import dash_bootstrap_components as dbc
from dash import MATCH, Input, Output, State, ctx, dcc, html, no_update

from geodash.errors import GeodashError, ParameterError
from geodash.uploads import Uploads, User, Version
from geodash.web import auth
from geodash.web.i18n import fmt_number, translate
from geodash.web.state import ViewState

log = logging.getLogger(__name__)

VERSIONS = "daten-versionen-auswahl"  # pattern-matching types; "layer" is the spec file name
RESTORE = "daten-versionen-zurueckholen"
RESTORED = "daten-versionen-bericht"
SHOWN = 20  # the newest versions offered; `geodash restore --list` shows all

TEXT = {
    "de": {"versions": "Frühere Versionen ({n})", "restore": "Zurückholen",
           "choose": "Version wählen",
           "restored": "{file}: Version {version} zurückgeholt; die ersetzte bleibt in der "
                       "Geschichte. Seite neu laden, um die Daten zu sehen.",
           "refused": "Nicht zurückgeholt.",
           "internal": "Das Zurückholen ist fehlgeschlagen (interner Fehler); es wurde nichts geändert.",
           "accepted": "hochgeladen", "restored_action": "zurückgeholt", "original": "ursprünglich",
           "changed outside geodash": "von Hand geändert", "migrated": "aus geodata/history",
           "current": "aktuell"},
    "en": {"versions": "Earlier versions ({n})", "restore": "Restore",
           "choose": "Choose a version",
           "restored": "{file}: version {version} restored; the replaced one stays in the history. "
                       "Reload the page to see the data.",
           "refused": "Not restored.",
           "internal": "Restoring failed (internal error); nothing was changed.",
           "accepted": "uploaded", "restored_action": "restored", "original": "original",
           "changed outside geodash": "changed by hand", "migrated": "from geodata/history",
           "current": "current"},
}


def version_label(entry: Version, lang: str, current: bool) -> str:
    """One version as the list shows it: time, who, what, size."""
    action = translate(TEXT, "restored_action" if entry.action == "restored" else entry.action, lang)
    parts = [entry.time[:16].replace("T", " "), entry.by or "–", action]
    if entry.upload and entry.action == "accepted":
        parts.append(entry.upload)
    parts.append(f"{fmt_number(entry.size / 1024, lang, 1)} KB")
    label = " · ".join(parts)
    return f"{label} ({translate(TEXT, 'current', lang)})" if current else label


def build_versions(uploads: Uploads, layer, lang: str) -> html.Details | None:
    """The kept versions of one layer's data file, with a restore button; nothing when none is kept."""
    from geodash.uploads import LayerHistory

    history = LayerHistory(uploads.workspace, layer.data_file)
    entries = list(reversed(history.entries()))[:SHOWN]
    if not entries:
        return None
    current = history.current()
    key = layer.spec_file
    options = [{"label": version_label(e, lang, current is not None and e.version == current.version),
                "value": e.version} for e in entries]
    return html.Details(className="gd-versions mb-3", children=[
        html.Summary(translate(TEXT, "versions", lang, n=len(history.entries()))),
        dcc.Dropdown(id={"type": VERSIONS, "layer": key}, options=options, clearable=False,
                     placeholder=translate(TEXT, "choose", lang), className="my-2"),
        dbc.Button(translate(TEXT, "restore", lang), id={"type": RESTORE, "layer": key},
                   color="secondary", outline=True, size="sm"),
        html.Div(id={"type": RESTORED, "layer": key}, className="mt-2", **{"aria-live": "polite"}),
    ])


def restore_step(uploads: Uploads, layer_file: str, version, search: str | None, *,
                 user: User | None) -> dbc.Alert:
    """Restore ``version`` of a layer's data file for ``user``; the answer to show."""
    lang = ViewState.from_query(search, page="daten").lang
    try:
        uploads.require_enabled()
        layers = {layer.spec_file: layer for layer in uploads.layers()}
        if not isinstance(layer_file, str) or layer_file not in layers or not isinstance(version, str):
            raise ParameterError("choose a version of a layer first.")
        change = uploads.restore(layers[layer_file].data_file, version, user=user)
        return dbc.Alert(translate(TEXT, "restored", lang, file=change.data_file, version=version),
                         color="success")
    except GeodashError as exc:  # also AccessError: anonymous (401) or a viewer (403)
        return dbc.Alert([html.Strong(translate(TEXT, "refused", lang) + " "), exc.message], color="danger")
    except Exception:
        log.exception("Restoring %r of %r failed", version, layer_file)
        return dbc.Alert(translate(TEXT, "internal", lang), color="danger")


def register_callbacks(app, uploads: Uploads) -> None:
    """Wire the restore buttons."""
    from geodash.web import ids

    @app.callback(
        Output({"type": RESTORED, "layer": MATCH}, "children"),
        Input({"type": RESTORE, "layer": MATCH}, "n_clicks"),
        State({"type": VERSIONS, "layer": MATCH}, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def restore(clicks, version, search):
        trigger = ctx.triggered_id
        if not clicks or not trigger:
            return no_update
        return restore_step(uploads, trigger["layer"], version, search, user=auth.current_user())
