"""Sitzung: save the view, the selection with its name and free-text notes to a JSON file; load it again.

Part of the map page's selection panel. The file's schema and its checks are
:mod:`geodash.web.session`; here the download, the upload and the notes are
wired. The notes are kept in the tab's session storage, so that they survive
the page being built again (a language switch) and a loaded session's notes
show up in the field.
"""

from __future__ import annotations

import binascii
from base64 import b64decode
from datetime import UTC, datetime

from dash import Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from geodash.dataset import Dataset
from geodash.export.slugs import slug
from geodash.web import ids
from geodash.web.figures.selection import selection_name
from geodash.web.i18n import area_texts, translate
from geodash.web.session import MAX_BYTES, SessionError, read_session, session_json
from geodash.web.state import ViewState

# Element ids.
SESSION = "karte-sitzung"
NOTES = "karte-sitzung-notizen"
NOTES_STORE = "karte-sitzung-notizen-speicher"  # session storage of the tab
SAVE = "karte-sitzung-speichern"
DOWNLOAD = "karte-sitzung-datei"
UPLOAD = "karte-sitzung-laden"
REPORT = "karte-sitzung-bericht"  # what the last load did: {"level": ..., "text": ...}
MESSAGE = "karte-sitzung-meldung"

TEXT = {
    "de": {
        "heading": "Sitzung",
        "notes": "Notizen",
        "notes_placeholder": "Was ist bei dieser Auswahl aufgefallen?",
        "save": "Sitzung speichern",
        "load": "Sitzung laden (JSON-Datei wählen oder hierher ziehen)",
        "file": "sitzung",
        "loaded": "Sitzung aus „{file}“ geladen (gespeichert am {saved}).",
        "loaded_unknown": "Nicht in diesem Datenbestand und daher weggelassen: {keys} "
                          "(kein Schlüssel der {Units}).",
        "other_workspace": "Die Sitzung wurde für „{saved}“ gespeichert, dies ist „{here}“.",
        "notes_cut": "Die Notizen waren länger als {n} Zeichen und wurden gekürzt.",
        "refused": "„{file}“ wurde nicht geladen: ",
        "too_large": "die Datei ist {size} Bytes groß, eine Sitzung höchstens {limit} Bytes. "
                     "Wählen Sie eine mit „Sitzung speichern“ erzeugte Datei.",
        "not_utf8": "die Datei ist kein UTF-8-Text. Wählen Sie eine mit „Sitzung speichern“ "
                    "erzeugte JSON-Datei.",
        "not_json": "die Datei ist kein gültiges JSON (Zeile {line}, Spalte {column}). Wählen Sie "
                    "eine mit „Sitzung speichern“ erzeugte Datei.",
        "not_session": "die Datei ist keine geodash-Sitzung (es fehlt \"format\": "
                       "\"geodash-session\"). Wählen Sie eine mit „Sitzung speichern“ erzeugte Datei.",
        "bad_version": "die Angabe \"version\" ({version}) ist keine gültige Versionsnummer.",
        "newer_version": "die Sitzung hat Version {version}; diese geodash-Version liest bis "
                         "Version {supported}. Aktualisieren Sie geodash.",
        "bad_field": "das Feld \"{field}\" hat nicht die erwartete Form (siehe README, "
                     "Abschnitt Sitzungen).",
        "unknown_page": "die Seite „{page}“ gibt es in dieser App nicht.",
        "no_file": "die Datei kam nicht vollständig an. Wählen Sie sie noch einmal.",
    },
    "en": {
        "heading": "Session",
        "notes": "Notes",
        "notes_placeholder": "What stood out about this selection?",
        "save": "Save session",
        "load": "Load session (choose a JSON file or drop it here)",
        "file": "session",
        "loaded": "Session loaded from “{file}” (saved on {saved}).",
        "loaded_unknown": "Not in this dataset and therefore left out: {keys} (no key of the "
                          "{units}).",
        "other_workspace": "The session was saved for “{saved}”; this is “{here}”.",
        "notes_cut": "The notes were longer than {n} characters and were shortened.",
        "refused": "“{file}” was not loaded: ",
        "too_large": "the file has {size} bytes, a session at most {limit}. Choose a file made "
                     "by “Save session”.",
        "not_utf8": "the file is no UTF-8 text. Choose a JSON file made by “Save session”.",
        "not_json": "the file is no valid JSON (line {line}, column {column}). Choose a file "
                    "made by “Save session”.",
        "not_session": "the file is no geodash session (\"format\": \"geodash-session\" is "
                       "missing). Choose a file made by “Save session”.",
        "bad_version": "its \"version\" ({version}) is no valid version number.",
        "newer_version": "the session has version {version}; this geodash reads up to version "
                         "{supported}. Update geodash.",
        "bad_field": "the field \"{field}\" does not have the expected form (see the README, "
                     "section Sessions).",
        "unknown_page": "this app has no page “{page}”.",
        "no_file": "the file did not arrive complete. Choose it again.",
    },
}

# The notes field and its store in step, in the browser: a loaded session writes the store,
# the store fills the field (also when the page is built again), typing writes the store.
NOTES_JS = """
function (stored, typed) {
    const noUpdate = window.dash_clientside.no_update;
    const trigger = (window.dash_clientside.callback_context.triggered[0] || {}).prop_id || "";
    if (trigger.indexOf("STORE_ID") === 0 || trigger === "." || trigger === "") {
        const text = (stored && typeof stored.text === "string") ? stored.text : "";
        return [noUpdate, text === (typed || "") ? noUpdate : text];
    }
    return [{text: typed || ""}, noUpdate];
}
""".replace("STORE_ID", NOTES_STORE)


def build_session(dataset: Dataset, state: ViewState) -> html.Div:
    """Notes, save and load (left out when printing; the notes are printed)."""
    lang = state.lang
    return html.Div(id=SESSION, className="gd-session", children=[
        html.H3(translate(TEXT, "heading", lang), className="h6 mt-3"),
        html.Label(translate(TEXT, "notes", lang), htmlFor=NOTES, className="form-label"),
        dcc.Textarea(id=NOTES, value="", maxLength=20_000, className="form-control",
                     placeholder=translate(TEXT, "notes_placeholder", lang), rows=3),
        dcc.Store(id=NOTES_STORE, storage_type="session"),
        dcc.Store(id=REPORT, storage_type="session"),
        html.Div(className="gd-selection-row no-print mt-2", children=[
            html.Button(translate(TEXT, "save", lang), id=SAVE, type="button",
                        className="btn btn-outline-secondary btn-sm"),
            dcc.Download(id=DOWNLOAD),
        ]),
        dcc.Upload(id=UPLOAD, accept=".json,application/json", max_size=MAX_BYTES,
                   className="gd-session-upload no-print mt-2",
                   children=html.Div(translate(TEXT, "load", lang))),
        html.Div(id=MESSAGE, role="status"),
    ])


def session_file(dataset: Dataset, search: str | None, notes: str | None,
                 now: datetime | None = None) -> tuple[str, str]:
    """The session file of the map view in ``search`` with the notes, and its name."""
    state = ViewState.from_query(search, page="karte")
    now = now or datetime.now(UTC)
    text = session_json("/", state, notes if isinstance(notes, str) else "",
                        workspace=dataset.settings.name, saved_at=now)
    name = "_".join(part for part in ("geodash", translate(TEXT, "file", state.lang),
                                      slug(selection_name(state), fallback=""),
                                      now.strftime("%Y-%m-%d")) if part)
    return text, f"{name}.json"


def load_report(dataset: Dataset, contents: object, filename: object, lang: str) -> dict:
    """Read an uploaded session: where to go, the notes, and the message (``level``, ``text``)."""
    from geodash.web.pages import PAGES

    texts = area_texts(TEXT, dataset)
    shown = str(filename or "")[:100] or "?"
    try:
        header, comma, payload = contents.partition(",") if isinstance(contents, str) else ("", "", "")
        if not comma or not header.endswith(";base64"):
            raise SessionError("no_file")
        try:
            content = b64decode(payload, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise SessionError("no_file") from exc
        session = read_session(content, pages=[p.PATH for p in PAGES],
                               area_keys=dataset.areas["key"].tolist(),
                               workspace=dataset.settings.name)
    except SessionError as exc:
        text = translate(texts, "refused", lang, file=shown) + translate(texts, exc.key, lang,
                                                                         **exc.values)
        return {"level": "danger", "text": text}
    lines = [translate(texts, "loaded", lang, file=shown, saved=_saved_at(content))]
    if session.unknown_areas:
        lines.append(translate(texts, "loaded_unknown", lang,
                               keys=", ".join(f"„{k}“" for k in session.unknown_areas)))
    if "other_workspace" in session.warnings:
        lines.append(translate(texts, "other_workspace", lang, saved=session.workspace,
                               here=dataset.settings.name))
    if session.notes_cut:
        lines.append(translate(texts, "notes_cut", lang, n=20_000))
    level = "warning" if len(lines) > 1 else "success"
    return {"level": level, "text": " ".join(lines), "page": session.page,
            "query": f"?{session.query}" if session.query else "", "notes": session.notes}


def _saved_at(content: bytes) -> str:
    import json

    saved = json.loads(content.decode("utf-8-sig")).get("saved_at")
    return saved[:20].replace("T", " ").rstrip("Z") + " UTC" if isinstance(saved, str) else "?"


def register_callbacks(app, dataset: Dataset, page_url: str) -> None:
    """Save on a click, load on an upload, keep the notes and the last load's message."""

    @app.callback(
        Output(DOWNLOAD, "data"),
        Input(SAVE, "n_clicks"), State(page_url, "search"), State(NOTES, "value"),
        prevent_initial_call=True,
    )
    def save(n_clicks, search, notes):
        if not n_clicks:
            raise PreventUpdate
        text, name = session_file(dataset, search if isinstance(search, str) else "", notes)
        return dcc.send_string(text, name, type="application/json")

    @app.callback(
        Output(ids.URL, "pathname", allow_duplicate=True),
        Output(ids.URL, "search", allow_duplicate=True),
        Output(NOTES_STORE, "data", allow_duplicate=True),
        Output(REPORT, "data"),
        Input(UPLOAD, "contents"), State(UPLOAD, "filename"), State(page_url, "search"),
        prevent_initial_call=True,
    )
    def load(contents, filename, search):
        if contents is None:
            raise PreventUpdate
        lang = ViewState.from_query(search if isinstance(search, str) else "").lang
        report = load_report(dataset, contents, filename, lang)
        message = {"level": report["level"], "text": report["text"]}
        if "page" not in report:
            return no_update, no_update, no_update, message
        return report["page"], report["query"], {"text": report["notes"]}, message

    @app.callback(Output(MESSAGE, "children"), Input(REPORT, "data"))
    def show_report(report):
        if not isinstance(report, dict) or not isinstance(report.get("text"), str):
            return None
        level = report.get("level") if report.get("level") in ("success", "warning", "danger") \
            else "info"
        return html.Div(report["text"][:2000], className=f"alert alert-{level} mt-2")

    app.clientside_callback(NOTES_JS, Output(NOTES_STORE, "data"), Output(NOTES, "value"),
                            Input(NOTES_STORE, "data"), Input(NOTES, "value"))
