"""The upload section of the Daten page: one drop zone per layer, the check report, accept or discard.

The work is done by :class:`geodash.web.live.Uploads`; this module builds the
components and wires them. A file travels once: the browser reads it, a
clientside callback refuses it there when it is over the limit (so a 500 MB
file never reaches the server), and the server callback stages it, shows what
the validation found and keeps only an opaque token in the page's
``dcc.Store``. Every text from the file or the workspace is passed to Dash as
text, which React renders as text, never as HTML.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import MATCH, Input, Output, State, ctx, dcc, html, no_update

from geodash.errors import AccessError, DataError, GeodashError
from geodash.findings import LEVEL_LABELS
from geodash.uploads import MB, SUFFIX, User, display_name
from geodash.web import auth, history_panel, ids
from geodash.web.i18n import fmt_number, translate
from geodash.web.live import Accepted, StagedReport, Uploads
from geodash.web.state import ViewState
from geodash.workspace import default_workspace

log = logging.getLogger(__name__)

SECTION = "daten-upload"
ACCOUNT = "daten-upload-konto"  # who is logged in, with the login link or logout button
# Pattern-matching types; "layer" is the spec file name of the layer, e.g. "indicators.toml".
UPLOAD = "daten-upload-datei"
RECEIVED = "daten-upload-eingang"  # what the clientside check passed on: name, size, contents
STAGED = "daten-upload-vorgemerkt"  # the opaque token of the staged upload (per tab, in memory)
REPORT = "daten-upload-bericht"
ACCEPT = "daten-upload-uebernehmen"
DISCARD = "daten-upload-verwerfen"

TEXT = {
    "de": {
        "title": "Daten hochladen",
        "intro": "Eine neue Fassung einer Indikatortabelle oder Standortliste wird mit dem ganzen "
                 "Arbeitsbereich geprüft, bevor sich etwas ändert. Danach entscheiden Sie: "
                 "übernehmen oder verwerfen.",
        "replaces": "Ersetzt {file}. Format: {format}, höchstens {mb} MB.",
        "drop": "Datei hierher ziehen oder ", "choose": "auswählen",
        "checked": "{name} geprüft: {rows} {what} gelesen.",
        "indicators": "Werte", "sites": "Standorte",
        "findings": "Was die Prüfung für diese Datei repariert, ausgelassen oder bemerkt hat:",
        "clean": "Nichts repariert oder ausgelassen.",
        "pending": "Noch ist nichts geändert. „Übernehmen“ ersetzt {file}; die bisherige Fassung "
                   "wird gesichert.",
        "accept": "Übernehmen", "discard": "Verwerfen",
        "refused": "Die Datei wurde nicht übernommen.",
        "file": "Datei", "where": "Stelle", "problem": "Problem", "fix": "Lösung",
        "level": "Stufe", "message": "Meldung",
        "accepted": "{file} übernommen; frühere Version gesichert unter {kept}.",
        "restore": "Zurückholen mit: ",
        "reload": "Seite neu laden, um die neuen Daten zu sehen",
        "discarded": "Verworfen; es wurde nichts geändert.",
        "too_big": "ist {size} MB groß, mehr als die erlaubten {mb} MB.",
        "too_big_fix": "eine kleinere Datei hochladen.",
        "internal": "Die Datei konnte nicht geprüft werden (interner Fehler); es wurde nichts "
                    "geändert. Bitte melden Sie das der Betreuung des Dashboards.",
        "login_needed": "Daten hochladen dürfen nur angemeldete Bearbeiterinnen und Bearbeiter.",
        "login": "Anmelden", "logout": "Abmelden",
        "signed_in": "Angemeldet als {name} ({role}).",
        "local": "Ohne Anmeldung auf diesem Computer, als {name}.",
        "editor": "Bearbeitung", "viewer": "nur Ansicht",
        "viewer_only": "Daten ändern dürfen nur Bearbeiterinnen und Bearbeiter.",
        "not_set_up": "Hochladen ohne Anmeldung geht nur auf dem Computer, auf dem das Dashboard "
                      "läuft. Konten richtet man dort ein mit: ",
        "refused_access": "Nicht erlaubt.",
    },
    "en": {
        "title": "Upload data",
        "intro": "A new version of an indicator table or a sites list is checked with the whole "
                 "workspace before anything changes. Then you decide: accept or discard.",
        "replaces": "Replaces {file}. Format: {format}, at most {mb} MB.",
        "drop": "Drop a file here or ", "choose": "choose one",
        "checked": "{name} checked: {rows} {what} read.",
        "indicators": "values", "sites": "sites",
        "findings": "What the check repaired, left out or noticed in this file:",
        "clean": "Nothing repaired or left out.",
        "pending": "Nothing has changed yet. “Accept” replaces {file}; the previous version is kept.",
        "accept": "Accept", "discard": "Discard",
        "refused": "The file was not accepted.",
        "file": "File", "where": "Where", "problem": "Problem", "fix": "Fix",
        "level": "Level", "message": "Message",
        "accepted": "{file} accepted; previous version kept as {kept}.",
        "restore": "Restore it with: ",
        "reload": "Reload the page to see the new data",
        "discarded": "Discarded; nothing was changed.",
        "too_big": "is {size} MB, more than the allowed {mb} MB.",
        "too_big_fix": "upload a smaller file.",
        "internal": "The file could not be checked (internal error); nothing was changed. Please "
                    "tell whoever runs this dashboard.",
        "login_needed": "Only logged-in editors may upload data.",
        "login": "Log in", "logout": "Log out",
        "signed_in": "Logged in as {name} ({role}).",
        "local": "Without login on this computer, as {name}.",
        "editor": "editor", "viewer": "viewer",
        "viewer_only": "Only editors may change data.",
        "not_set_up": "Uploading without a login only works on the computer the dashboard runs on. "
                      "Accounts are set up there with: ",
        "refused_access": "Not allowed.",
    },
}

# The places named in messages ("row 8", "feature 2 (Nordost)"), in German.
WHERE_DE = (("rows ", "Zeilen "), ("row ", "Zeile "), ("feature ", "Objekt "), ("site ", "Standort "),
            ("column ", "Spalte "), ("indicator ", "Indikator "), ("key ", "Schlüssel "))

# Refuses a file over the limit in the browser, before it is sent; empties the drop zone so
# that the same file can be chosen again. "at" makes every upload a change, even a repeat.
CHECK_JS = """
function(contents, filename) {
    const none = window.dash_clientside.no_update;
    if (!contents) { return [none, none]; }
    const start = contents.indexOf(",") + 1;
    const size = Math.floor((contents.length - start) * 3 / 4);
    const received = {name: filename || "", size: size, at: Date.now()};
    if (size > %(max_bytes)d) { received.too_big = true; } else { received.contents = contents; }
    return [received, null];
}
"""


def where_text(where: str | None, lang: str) -> str:
    """The place of a message in the UI language: ``row 8`` is ``Zeile 8`` in German."""
    text = where or ""
    if lang == "de":
        for en, de in WHERE_DE:
            text = re.sub(rf"(^|, ){en}", rf"\g<1>{de}", text)
    return text


def decode_upload(contents: str, name: str, max_bytes: int) -> bytes:
    """The bytes of a ``dcc.Upload`` data URL, refusing what is over the limit before decoding it.

    Raises
    ------
    DataError
        When the contents are not a base64 data URL or exceed ``max_bytes``.
    """
    header, comma, payload = (contents or "").partition(",")
    shown = display_name(name)
    if not comma or not header.endswith(";base64"):
        raise DataError("did not arrive as a file.", file=shown, fix="choose the file again.")
    if len(payload) // 4 * 3 > max_bytes + 3:
        raise DataError(f"is {len(payload) * 3 / 4 / MB:.1f} MB, more than the limit of "
                        f"{max_bytes / MB:.0f} MB.", file=shown, fix="upload a smaller file.")
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DataError("did not arrive complete.", file=shown, fix="choose the file again.") from exc


def _fields(rows: list[tuple[str, object]]) -> html.Dl:
    items = []
    for label, value in rows:
        if value:
            items += [html.Dt(label, className="col-sm-2"), html.Dd(value, className="col-sm-10")]
    return html.Dl(items, className="row mb-0")


def build_error(error: GeodashError, lang: str) -> dbc.Alert:
    """The one clear error of an upload: file, place, problem and fix; never a traceback."""
    return dbc.Alert([
        html.Strong(translate(TEXT, "refused", lang)),
        _fields([(translate(TEXT, "file", lang), error.file),
                 (translate(TEXT, "where", lang), where_text(error.where, lang)),
                 (translate(TEXT, "problem", lang), error.problem),
                 (translate(TEXT, "fix", lang), error.fix)]),
    ], color="danger", className="gd-upload-error")


def build_report(staged: StagedReport, lang: str) -> dbc.Alert:
    """What the check of a staged upload read and found, and what accepting it will do."""
    what = translate(TEXT, staged.kind, lang)
    summary = translate(TEXT, "checked", lang, name=staged.name,
                        rows=fmt_number(staged.rows, lang, 0), what=what)
    if staged.findings:
        header = [translate(TEXT, k, lang) for k in ("level", "where", "message")]
        body = [html.P(translate(TEXT, "findings", lang), className="mb-1"), dbc.Table(
            [html.Thead(html.Tr([html.Th(h, scope="col") for h in header])),
             html.Tbody([html.Tr([html.Td(LEVEL_LABELS.get(f.level, {}).get(lang, f.level)),
                                  html.Td(where_text(f.where, lang)), html.Td(f.message)])
                         for f in staged.findings])],
            size="sm", bordered=False, className="gd-table mb-2")]
    else:
        body = [html.P(translate(TEXT, "clean", lang))]
    return dbc.Alert([
        html.Strong(summary, className="d-block mb-2"), *body,
        html.P(translate(TEXT, "pending", lang, file=staged.data_file), className="mb-0"),
    ], color="info", className="gd-upload-report")


def restore_command(uploads: Uploads, data_file: str) -> str:
    """The command that brings the previous version back."""
    command = f"geodash restore {data_file}"
    if uploads.workspace.resolve() != default_workspace().resolve():
        command += f" {uploads.workspace}"
    return command


def build_accepted(done: Accepted, uploads: Uploads, search: str | None, lang: str) -> dbc.Alert:
    """The confirmation of an accepted upload, with the way back."""
    query = (search or "").lstrip("?")
    return dbc.Alert([
        html.Strong(translate(TEXT, "accepted", lang, file=done.data_file, kept=done.kept),
                    className="d-block"),
        html.Span(translate(TEXT, "restore", lang)), html.Code(restore_command(uploads, done.data_file)),
        # A full page load: the frame builds every page again from the new Dataset.
        html.Div(html.A(translate(TEXT, "reload", lang), href=f"/daten?{query}" if query else "/daten",
                        className="alert-link"), className="mt-2"),
    ], color="success", className="gd-upload-accepted")


def build_layer_upload(layer, max_bytes: int, lang: str) -> html.Div:
    """The drop zone, report and buttons of one layer."""
    key = layer.spec_file
    suffix = "." + layer.data_file.rsplit(".", 1)[-1].lower() if "." in layer.data_file else ""
    fmt = next((c.upper() for c, s in SUFFIX.items() if s == suffix), suffix.lstrip(".").upper())
    title = layer.title.get(lang) or key
    return html.Div(className="gd-upload mb-4", children=[
        html.H3(title),
        html.P(translate(TEXT, "replaces", lang, file=layer.data_file, format=fmt,
                         mb=fmt_number(max_bytes / MB, lang, 0)), className="text-muted small"),
        dcc.Upload(
            id={"type": UPLOAD, "layer": key}, multiple=False, accept=suffix or None,
            children=html.Div([translate(TEXT, "drop", lang),
                               html.Span(translate(TEXT, "choose", lang), className="text-primary")]),
            className="gd-upload-drop",
            style={"border": "2px dashed #8a94a6", "borderRadius": "6px", "padding": "14px",
                   "textAlign": "center", "cursor": "pointer"},
        ),
        dcc.Store(id={"type": RECEIVED, "layer": key}, storage_type="memory"),
        dcc.Store(id={"type": STAGED, "layer": key}, storage_type="memory"),
        dcc.Loading(html.Div(id={"type": REPORT, "layer": key}, className="mt-2",
                             **{"aria-live": "polite"}), type="dot"),
        html.Div(className="gd-buttons", children=[
            dbc.Button(translate(TEXT, "accept", lang), id={"type": ACCEPT, "layer": key},
                       color="primary", size="sm", disabled=True),
            dbc.Button(translate(TEXT, "discard", lang), id={"type": DISCARD, "layer": key},
                       color="secondary", outline=True, size="sm", disabled=True),
        ]),
    ])


def build_account(user: User | None, lang: str, search: str = "") -> html.Div:
    """Who is logged in, with a logout button; or why uploading needs a login, with the link."""
    here = "/daten" + (f"?{search.lstrip('?')}" if search and search.lstrip("?") else "")
    access = auth.current_access()
    if user is None:
        if access is not None and not access.configured:
            children = [translate(TEXT, "not_set_up", lang),
                        html.Code("geodash user add NAME --role editor")]
        else:
            login = f"{auth.LOGIN_PATH}?{urlencode({'next': here, 'lang': lang})}"
            children = [html.Span(translate(TEXT, "login_needed", lang) + " "),
                        html.A(translate(TEXT, "login", lang), href=login, className="alert-link",
                               id=f"{ACCOUNT}-anmelden")]
        return html.Div(dbc.Alert(children, color="secondary"), id=ACCOUNT)
    if user.via == "local":
        return html.Div(html.P(translate(TEXT, "local", lang, name=user.name), className="text-muted"),
                        id=ACCOUNT)
    role = translate(TEXT, user.role, lang)
    children = [html.Span(translate(TEXT, "signed_in", lang, name=user.name, role=role) + " ")]
    if not user.can_edit:
        children.append(html.Span(translate(TEXT, "viewer_only", lang) + " "))
    if user.via == "account":
        children.append(html.Form(action=auth.LOGOUT_PATH, method="POST", className="d-inline", children=[
            dcc.Input(type="hidden", name="csrf", value=auth.csrf_token()),
            dcc.Input(type="hidden", name="next", value=here),
            html.Button(translate(TEXT, "logout", lang), type="submit", id=f"{ACCOUNT}-abmelden",
                        className="btn btn-link btn-sm p-0 align-baseline"),
        ]))
    return html.Div(html.P(children, className="mb-2"), id=ACCOUNT)


def build_section(uploads: Uploads, lang: str, user: User | None = None,
                  search: str = "") -> html.Section | None:
    """The upload section, or nothing when uploads are switched off.

    Only an editor gets drop zones; anyone else gets the way to log in (the
    service refuses them anyway).
    """
    if not uploads.enabled:
        return None
    if user is None:
        user = auth.current_user()
    zones = ([part for layer in uploads.layers()
              for part in (build_layer_upload(layer, uploads.max_bytes, lang),
                           history_panel.build_versions(uploads, layer, lang))]
             if user is not None and user.can_edit else [])
    return html.Section(id=SECTION, className="gd-section no-print", children=[
        html.H2(translate(TEXT, "title", lang)),
        html.P(translate(TEXT, "intro", lang), className="text-muted"),
        build_account(user, lang, search),
        *zones,
    ])


def upload_step(uploads: Uploads, action: str, layer_file: str, received: dict | None,
                token: str | None, search: str | None, *, user: User | None) -> tuple:
    """One step of an upload, for ``user``: receive and stage, accept, or discard.

    Returns
    -------
    tuple
        The report (a component), the token to keep (``None`` when nothing
        is staged), and whether the accept and discard buttons are disabled.
    """
    lang = ViewState.from_query(search, page="daten").lang
    closed = (None, True, True)
    try:
        uploads.require_enabled()
        if action == RECEIVED:
            uploads.discard(token)  # a new file replaces what was staged before
            if not received:
                return (no_update, *closed)
            name = str(received.get("name") or "")
            if received.get("too_big"):
                size = fmt_number(float(received.get("size") or 0) / MB, lang, 1)
                raise DataError(translate(TEXT, "too_big", lang, size=size,
                                          mb=fmt_number(uploads.max_bytes / MB, lang, 0)),
                                file=display_name(name), fix=translate(TEXT, "too_big_fix", lang))
            data = decode_upload(str(received.get("contents") or ""), name, uploads.max_bytes)
            staged = uploads.stage(layer_file, name, data, user=user)
            return build_report(staged, lang), staged.token, False, False
        if action == ACCEPT:
            done = uploads.accept(token, user=user)
            return (build_accepted(done, uploads, search, lang), *closed)
        uploads.discard(token)
        return (dbc.Alert(translate(TEXT, "discarded", lang), color="secondary"), *closed)
    except AccessError as exc:
        # Nothing was read or changed; the answer says so politely and how to log in.
        return (dbc.Alert([html.Strong(translate(TEXT, "refused_access", lang) + " "), exc.message],
                          color="danger", className="gd-upload-error"), *closed)
    except GeodashError as exc:
        return (build_error(exc, lang), *closed)
    except Exception:
        # Not a mistake in the file but in geodash: log it with its traceback, tell the user plainly.
        log.exception("Upload step %r for %r failed", action, layer_file)
        return (dbc.Alert(translate(TEXT, "internal", lang), color="danger"), *closed)


def register_callbacks(app, uploads: Uploads) -> None:
    """Wire the drop zones and buttons; with uploads switched off every step is refused."""
    history_panel.register_callbacks(app, uploads)
    app.clientside_callback(
        CHECK_JS % {"max_bytes": int(uploads.max_bytes)},
        Output({"type": RECEIVED, "layer": MATCH}, "data"),
        Output({"type": UPLOAD, "layer": MATCH}, "contents"),
        Input({"type": UPLOAD, "layer": MATCH}, "contents"),
        State({"type": UPLOAD, "layer": MATCH}, "filename"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output({"type": REPORT, "layer": MATCH}, "children"),
        Output({"type": STAGED, "layer": MATCH}, "data"),
        Output({"type": ACCEPT, "layer": MATCH}, "disabled"),
        Output({"type": DISCARD, "layer": MATCH}, "disabled"),
        Input({"type": RECEIVED, "layer": MATCH}, "data"),
        Input({"type": ACCEPT, "layer": MATCH}, "n_clicks"),
        Input({"type": DISCARD, "layer": MATCH}, "n_clicks"),
        State({"type": STAGED, "layer": MATCH}, "data"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def step(received, _accept, _discard, token, search):
        trigger = ctx.triggered_id
        if not trigger:
            return no_update, no_update, no_update, no_update
        return upload_step(uploads, trigger["type"], trigger["layer"], received, token, search,
                           user=auth.current_user())
